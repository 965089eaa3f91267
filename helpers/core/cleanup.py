"""Delete everything the workshop created under your prefix: ``make clean-aws`` / ``python -m helpers.core.cleanup``.

Found by listing the account (prefix and tag), not from any notebook's memory, so it works from
a fresh terminal. Safe to run twice. Exits non-zero if any resource could not be deleted.
In moto mode there is nothing to clean from a terminal: moto's AWS lives inside one Python
process and is gone with it, so the command says so instead of "cleaning" an empty mock.
"""

from __future__ import annotations

import argparse
import sys

from .backend import use_backend
from .messages import WorkshopError, say
from .resources import check_prefix, find_resources, prefix, teardown


def main(argv: list[str]) -> int:
    """Tear down the given prefix (or the attendee's own prefix), then list what remains."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers.core.cleanup",
        description="Delete every resource of a prefix on WORKSHOP_BACKEND=aws (real AWS or AWS_ENDPOINT_URL).",
    )
    parser.add_argument("prefix", nargs="?", help="the prefix to delete (default: your own prefix)")
    args = parser.parse_args(argv)
    try:
        info = use_backend()
        if info.name == "moto":
            print(say("cleanup_moto_nothing"))
            return 2
        target = check_prefix(args.prefix) if args.prefix else prefix()
        report = teardown(target)
    except WorkshopError as err:  # no credentials, an expired login, a bad prefix: one sentence, no traceback
        print(f"⚠ {err}", file=sys.stderr)
        return 2
    for line in report.lines() or [f"nothing to delete for prefix {target}"]:
        print(line)
    left = find_resources(target)
    print(f"remaining with prefix {target}: {len(left)}")
    return 0 if report.ok and not left else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
