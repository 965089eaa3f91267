"""``python -m helpers.core.i18n extract|build|check|status [--lang ja]``: keep the editions in step.

- ``extract``: write the templates (``locale/*.pot``) from the English and merge them into the
  catalogs (new entries untranslated, changed ones fuzzy, removed ones obsolete);
  ``--add 03_queues`` starts the catalog, and so the edition, of another notebook.
- ``build``: generate ``notebooks/<lang>/`` from the English notebooks and the catalogs.
- ``check``: exit 1, one line per problem, when catalogs, generated notebooks and English drifted.
- ``status``: how much of each catalog is translated.

``make i18n`` runs ``extract`` then ``build``.
"""

from __future__ import annotations

import argparse
import sys

from . import catalog_path, editions
from . import catalogs as cat


def main(argv: list[str] | None = None) -> int:
    """Run one command; the exit status is 0 when it succeeded (for ``check``: nothing drifted)."""
    parser = argparse.ArgumentParser(prog="python -m helpers.core.i18n", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["extract", "build", "check", "status"])
    parser.add_argument("--lang", default="ja", help="the language of the catalogs (default: ja)")
    parser.add_argument("--add", nargs="*", default=[], metavar="NN_name", help="extract: start these notebooks' catalogs")
    args = parser.parse_args(argv)
    if args.command == "extract":
        try:
            changed = cat.extract(args.lang, args.add)
        except ValueError as err:
            print(err, file=sys.stderr)
            return 2
        for path in changed:
            print(f"updated {editions.shown(path)}")
        print(f"{len(changed)} catalog file(s) changed")
    elif args.command == "build":
        changed = editions.build(args.lang)
        for path in changed:
            print(f"wrote {editions.shown(path)}")
        print(f"{len(changed)} notebook(s) changed; editions: {', '.join(cat.editions(args.lang)) or 'none'}")
    elif args.command == "check":
        problems = editions.check(args.lang)
        for problem in problems:
            print(problem)
        print("in step" if not problems else f"{len(problems)} problem(s)")
        return 1 if problems else 0
    else:
        for name in cat.catalog_names(args.lang):
            po = cat.merge(cat.template(name), cat.read(catalog_path(args.lang, name)), args.lang)
            s = cat.status(name, po)
            print(f"{name:<40} {s.translated:4d}/{s.total:<4d} translated, {len(s.fuzzy)} fuzzy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
