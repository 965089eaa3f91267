"""Delete everything the workshop created under your prefix: ``make clean-aws`` / ``python -m helpers.core.cleanup``.

Found by listing the account (prefix and tag), not from any notebook's memory, so it works from
a fresh terminal. Safe to run twice. Exits non-zero if any resource could not be deleted.
"""

from __future__ import annotations

import sys

from .backend import use_backend
from .resources import find_resources, prefix, teardown


def main(argv: list[str]) -> int:
    """Tear down ``argv[0]`` (a prefix) or the attendee's own prefix, then list what remains."""
    use_backend()
    target = argv[0] if argv else prefix()
    report = teardown(target)
    for line in report.lines() or [f"nothing to delete for prefix {target}"]:
        print(line)
    left = find_resources(target)
    print(f"remaining with prefix {target}: {len(left)}")
    return 0 if report.ok and not left else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
