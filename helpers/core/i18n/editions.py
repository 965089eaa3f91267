"""Generate the notebooks of another language from the English ones, and check they are in step.

``notebooks/<lang>/NN_name.ipynb`` is the English notebook with

- every markdown cell replaced by its translation from ``locale/<lang>/LC_MESSAGES/notebooks/NN_name.po``
  (relative links to notebooks without an edition in ``lang``, and to other files, get ``../``);
- every code cell identical, except the set-up cell's ``use_backend(...)``, which gets ``lang="<lang>"``;
- the same cell ids, no outputs, and ``metadata.async_first_steps = {"lang": ..., "source": ...}``.

:func:`check` lists every way the editions and catalogs drifted from the English; the test
suite and ``python -m helpers.core.i18n check`` fail on any.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat

from . import DOMAIN, ROOT, catalog_path, placeholders
from . import catalogs as cat

#: Helper sentences that must be translated in each language (by the ``messages.py`` that defines them).
REQUIRED_HELPERS: dict[str, tuple[str, ...]] = {
    "ja": (
        "helpers/core/messages.py",
        "helpers/failure/messages.py",
        "helpers/fanout/messages.py",
        "helpers/queues/messages.py",
        "helpers/real_aws/messages.py",
        "helpers/setup/messages.py",
        "helpers/shop/messages.py",
        "helpers/sync/messages.py",
        "helpers/together/messages.py",
    ),
}

_LINK = re.compile(r"(\]\()([^)\s]+)(\))")


def edition_path(lang: str, name: str) -> Path:
    """``notebooks/<lang>/<name>.ipynb``."""
    return cat.NOTEBOOKS_DIR / lang / f"{name}.ipynb"


def setup_source(source: str, lang: str) -> str:
    """The set-up cell's source with ``lang="<lang>"`` as the last argument of its first ``use_backend(...)``."""
    start = source.find("use_backend(")
    if start < 0 or "lang=" in source:
        return source
    opening = start + len("use_backend")
    depth, pos = 0, opening
    for pos in range(opening, len(source)):  # the parenthesis that closes the call
        depth += {"(": 1, ")": -1}.get(source[pos], 0)
        if depth == 0:
            break
    inside = source[opening + 1 : pos]
    arg = f'lang="{lang}"' if not inside.strip() else f'{inside.rstrip().rstrip(",")}, lang="{lang}"'
    return source[: start + len("use_backend(")] + arg + source[pos:]


def _is_setup(cell: nbformat.NotebookNode, first_code_id: str | None) -> bool:
    return cell.cell_type == "code" and cell.id == first_code_id


def _first_code_with_backend(nb: nbformat.NotebookNode) -> str | None:
    return next((c.id for c in nb.cells if c.cell_type == "code" and "use_backend(" in c.source), None)


def relink(markdown: str, lang: str) -> str:
    """Point relative links of a translated cell at the right file from ``notebooks/<lang>/``.

    A link to a notebook with an edition in ``lang`` stays (it opens the translated one); any
    other relative link (an English-only notebook, ``../data/…``) gets ``../``.
    """
    have = set(cat.editions(lang))

    def fix(match: re.Match[str]) -> str:
        target = match.group(2)
        if re.match(r"^([a-z][a-z0-9+.-]*:|#|/|<)", target):
            return match.group(0)
        path = target.split("#", 1)[0]
        if path.endswith(".ipynb") and "/" not in path and path[:-6] in have:
            return match.group(0)
        return f"{match.group(1)}../{target}{match.group(3)}"

    return _LINK.sub(fix, markdown)


def translations(lang: str, name: str) -> dict[tuple[str, str], str]:
    """``{(msgctxt, english): translation}`` of the finished entries of a notebook's catalog."""
    po = cat.read(catalog_path(lang, f"notebooks/{name}"))
    if po is None:
        return {}
    return {(e.msgctxt, e.msgid): e.msgstr for e in po if e.msgstr and not e.fuzzy and not e.obsolete}


def build_notebook(lang: str, name: str) -> nbformat.NotebookNode:
    """The ``lang`` edition of notebook ``name``, from the English notebook and the catalog."""
    english = nbformat.read(cat.NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)
    table = translations(lang, name)
    nb = copy.deepcopy(english)
    setup_id = _first_code_with_backend(english)
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.strip():
            found = table.get((f"{cell.id}#{cat.text_hash(cell.source)}", cell.source))
            cell.source = relink(found if found is not None else cell.source, lang)
        elif cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            if _is_setup(cell, setup_id):
                cell.source = setup_source(cell.source, lang)
    nb.metadata["async_first_steps"] = {"lang": lang, "source": f"../{name}.ipynb"}
    return nb


def render(nb: nbformat.NotebookNode) -> str:
    """A notebook's file text, as :func:`build` writes it."""
    return nbformat.writes(nb) + "\n"


def build(lang: str) -> list[Path]:
    """Write ``notebooks/<lang>/`` for every edition; return the notebooks that changed."""
    changed = []
    for name in cat.editions(lang):
        path = edition_path(lang, name)
        text = render(build_notebook(lang, name))
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


# --------------------------------------------------------------------------- the drift check


def shown(path: Path) -> str:
    """``path`` relative to the repository when it is inside it (for messages)."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def code_cell_problems(lang: str, name: str) -> list[str]:
    """How the edition's code cells differ from the English beyond the set-up line (none: ``[]``)."""
    path = edition_path(lang, name)
    english = nbformat.read(cat.NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)
    translated = nbformat.read(path, as_version=4)
    en_code = [c for c in english.cells if c.cell_type == "code"]
    tr_code = [c for c in translated.cells if c.cell_type == "code"]
    if [c.id for c in en_code] != [c.id for c in tr_code]:
        return [f"{shown(path)}: its code cells are not the English ones (ids differ): run `make i18n`"]
    setup_id = _first_code_with_backend(english)
    problems = []
    for en, tr in zip(en_code, tr_code, strict=True):
        expected = setup_source(en.source, lang) if _is_setup(en, setup_id) else en.source
        if tr.source != expected:
            problems.append(f"{shown(path)}: code cell {tr.id} differs from the English one: run `make i18n`")
        if tr.get("outputs") or tr.get("execution_count"):
            problems.append(f"{shown(path)}: code cell {tr.id} has outputs: run `make i18n`")
    return problems


def placeholder_problems(lang: str, name: str) -> list[str]:
    """Translations that drop or add a ``{…}`` placeholder of the English."""
    po = cat.read(catalog_path(lang, name))
    if po is None:
        return []
    return [
        f"{shown(catalog_path(lang, name))}: {e.msgctxt}: the translation has placeholders "
        f"{placeholders(e.msgstr)}, the English {placeholders(e.msgid)}"
        for e in po
        if e.msgstr and not e.obsolete and placeholders(e.msgstr) != placeholders(e.msgid)
    ]


def check(lang: str) -> list[str]:
    """Every drift between the English, the ``lang`` catalogs and ``notebooks/<lang>/``, one sentence each."""
    problems: list[str] = []
    for name in cat.catalog_names(lang):
        pot_text, po_text = cat.updated(name, lang)
        po_path = catalog_path(lang, name)
        for path, text in ((cat.template_path(name), pot_text), (po_path, po_text)):
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                problems.append(f"{shown(path)} is out of step with the English: run `make i18n`")
        po = cat.merge(cat.template(name), cat.read(po_path), lang)
        merged = cat.status(name, po)
        if name == DOMAIN:
            required = REQUIRED_HELPERS.get(lang, ())
            missing = [
                e.msgctxt for e in po
                if not e.obsolete and (e.fuzzy or not e.msgstr) and any(w in required for w, _ in e.occurrences)
            ]
            if missing:
                problems.append(f"{shown(po_path)}: {len(missing)} required sentence(s) untranslated or fuzzy: {missing}")
        elif not merged.complete:
            problems.append(
                f"{shown(po_path)}: {len(merged.untranslated)} untranslated and {len(merged.fuzzy)} fuzzy "
                f"entries (the English changed): {merged.fuzzy + merged.untranslated}"
            )
        problems += placeholder_problems(lang, name)
    for name in cat.editions(lang):
        path = edition_path(lang, name)
        if not (cat.NOTEBOOKS_DIR / f"{name}.ipynb").is_file():
            problems.append(f"{shown(catalog_path(lang, 'notebooks/' + name))}: there is no English notebook {name}.ipynb")
            continue
        if not path.is_file() or path.read_text(encoding="utf-8") != render(build_notebook(lang, name)):
            problems.append(f"{shown(path)} differs from what its catalog produces: run `make i18n`")
        if path.is_file():
            problems += code_cell_problems(lang, name)
    for path in sorted((cat.NOTEBOOKS_DIR / lang).glob("*.ipynb")):
        if path.stem not in cat.editions(lang):
            problems.append(f"{shown(path)} has no catalog: delete it, or start one with `extract --add {path.stem}`")
    return problems
