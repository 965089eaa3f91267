"""Extract the English into gettext templates and merge them into the translation catalogs.

What is extracted:

- ``locale/helpers.pot``: every sentence of :func:`helpers.core.messages.catalog`, in the order
  the packages are merged. ``msgctxt`` is the message key, ``msgid`` the English sentence, the
  reference (``#:``) the ``messages.py`` that defines it.
- ``locale/notebooks/<NN_name>.pot``: every markdown cell of ``notebooks/<NN_name>.ipynb``
  (``msgctxt`` = ``<cell id>#<hash>``) and the text of every ``claim(...)`` call in its code
  cells (``msgctxt`` = ``<cell id>:claim<n>#<hash>``; ``msgid`` = the f-string as written, its
  ``{...}`` placeholders are filled in at run time). The hash is the first 8 hex digits of the
  SHA-1 of the English text, so a changed cell gets a new context.

Merging a template into ``locale/<lang>/LC_MESSAGES/…po`` works like ``msgmerge``: a new
entry is added untranslated; an entry whose English changed keeps its old translation marked
``fuzzy``, with the English it was made for as ``#| msgid`` (so the translator sees the
difference); an entry no longer in the English becomes obsolete (``#~``). An entry whose
English is unchanged but whose key or cell id changed keeps its translation.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
from dataclasses import dataclass
from pathlib import Path

import polib

from . import DOMAIN, ROOT, catalog_path, locale_dir, notebook_catalogs

NOTEBOOKS_DIR = ROOT / "notebooks"
#: Long lines are kept whole (markdown paragraphs are one line each): diffs stay readable.
WRAP = 0
HEADER = {
    "Project-Id-Version": "async-first-steps",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
}
PLURAL_FORMS = {"ja": "nplurals=1; plural=0;", "en": "nplurals=2; plural=(n != 1);"}
CLAIM_COMMENT = (
    "The text of a claim(...) call in a code cell. Keep every {…} placeholder exactly as it is: "
    "the measured values are put there at run time."
)


def text_hash(text: str) -> str:
    """The first 8 hex digits of the SHA-1 of ``text`` (part of a notebook entry's context)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def base_context(msgctxt: str | None) -> str:
    """What stays when the English changes: the key, or the cell id (and claim number)."""
    return (msgctxt or "").split("#", 1)[0]


def notebook_names() -> list[str]:
    """The English notebooks, as ``NN_name`` (the catalogs' names)."""
    return sorted(p.stem for p in NOTEBOOKS_DIR.glob("*.ipynb"))


def _new_file(lang: str | None) -> polib.POFile:
    po = polib.POFile(wrapwidth=WRAP)
    po.metadata = dict(HEADER)
    if lang:
        po.metadata["Language"] = lang
        po.metadata["Plural-Forms"] = PLURAL_FORMS.get(lang, PLURAL_FORMS["en"])
    return po


def _entry(msgctxt: str, msgid: str, where: str, comment: str = "", fmt: bool = False) -> polib.POEntry:
    """One template entry; ``fmt`` flags a sentence formatted with ``str.format`` (translators' tools check it)."""
    entry = polib.POEntry(msgctxt=msgctxt, msgid=msgid, msgstr="", occurrences=[(where, "")], comment=comment)
    if fmt and "{" in msgid:
        entry.flags.append("python-brace-format")
    return entry


# --------------------------------------------------------------------------- templates


def helpers_template() -> polib.POFile:
    """The template of every helper sentence, in the order :mod:`helpers.core.messages` merges them."""
    from .. import messages

    pot = _new_file(None)
    sources = [("helpers/core/messages.py", messages.CORE["en"])]
    for package in messages.PACKAGES:
        module = importlib.import_module(f"helpers.{package}.messages")
        sources.append((f"helpers/{package}/messages.py", module.MESSAGES.get("en", {})))
    for where, table in sources:
        for key, english in table.items():
            if english:
                pot.append(_entry(key, english, where, fmt=True))
    return pot


def _placeholder(expr: ast.expr, tail: str = "") -> str:
    """``{expr}`` as an f-string writes it; an expression that starts with a brace gets spaces (``{ {…} }``)."""
    text = ast.unparse(expr) + tail
    return "{ " + text + " }" if text.startswith("{") else "{" + text + "}"


def _claim_text(node: ast.expr, *, part: bool = False) -> str | None:
    """The template of a claim's text argument: a string, an f-string, or ``+`` of those; else None.

    Inside a ``+``, any other expression (``", ".join(...)``) is a placeholder like an f-string's ``{…}``.
    """
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.replace("{", "{{").replace("}", "}}")
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _claim_text(node.left, part=True), _claim_text(node.right, part=True)
        return left + right if left is not None and right is not None else None
    if isinstance(node, ast.JoinedStr):
        out = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                out.append(str(value.value).replace("{", "{{").replace("}", "}}"))
            elif isinstance(value, ast.FormattedValue):
                conversion = f"!{chr(value.conversion)}" if value.conversion > 0 else ""
                spec = ""
                if value.format_spec is not None:
                    spec = ":" + "".join(
                        str(v.value) if isinstance(v, ast.Constant) else "{" + ast.unparse(v) + "}"
                        for v in value.format_spec.values  # type: ignore[attr-defined]
                    )
                out.append(_placeholder(value.value, conversion + spec))
        return "".join(out)
    return _placeholder(node) if part else None


def claim_templates(source: str) -> list[str]:
    """The text templates of the ``claim(holds, text)`` calls in a code cell, in source order."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics and the like: no claims extracted from this cell
        return []
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            text = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "text"), None)
            if name == "claim" and text is not None:
                template = _claim_text(text)
                if template:
                    calls.append((node.lineno, node.col_offset, template))
    return [template for *_, template in sorted(calls)]


def notebook_template(name: str) -> polib.POFile:
    """The template of notebook ``name``: its markdown cells and its claims' texts, in cell order."""
    import nbformat

    where = f"notebooks/{name}.ipynb"
    nb = nbformat.read(NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)
    pot = _new_file(None)
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.strip():
            pot.append(_entry(f"{cell.id}#{text_hash(cell.source)}", cell.source, where))
        elif cell.cell_type == "code":
            for n, template in enumerate(claim_templates(cell.source), start=1):
                ctx = f"{cell.id}:claim{n}#{text_hash(template)}"
                pot.append(_entry(ctx, template, where, CLAIM_COMMENT))
    return pot


def template(name: str) -> polib.POFile:
    """The template of ``"helpers"`` or of ``"notebooks/NN_name"``."""
    return helpers_template() if name == DOMAIN else notebook_template(name.split("/", 1)[1])


def template_path(name: str) -> Path:
    """``locale/helpers.pot`` or ``locale/notebooks/NN_name.pot``."""
    return locale_dir() / f"{name}.pot"


def editions(lang: str) -> list[str]:
    """The notebooks with an edition in ``lang``: those with a catalog (``extract --add`` starts one)."""
    return sorted(p.stem for p in notebook_catalogs(lang).glob("*.po"))


def catalog_names(lang: str) -> list[str]:
    """The catalogs of ``lang``: ``"helpers"`` and ``"notebooks/NN_name"`` for each edition."""
    return [DOMAIN] + [f"notebooks/{n}" for n in editions(lang)]


# --------------------------------------------------------------------------- merging


def merge(pot: polib.POFile, old: polib.POFile | None, lang: str) -> polib.POFile:
    """The catalog ``old`` brought up to date with template ``pot`` (``msgmerge`` semantics, see module doc)."""
    new = _new_file(lang)
    if old is not None:
        new.metadata.update({k: v for k, v in old.metadata.items() if k not in ("POT-Creation-Date",)})
        new.metadata["Language"] = lang
    previous = [e for e in old if not e.obsolete] if old is not None else []
    retired = list(old.obsolete_entries()) if old is not None else []
    exact = {(e.msgctxt, e.msgid): e for e in previous}
    by_base = {base_context(e.msgctxt): e for e in previous if e.msgstr}
    by_english = {e.msgid: e for e in previous + retired if e.msgstr and not e.fuzzy}
    used: set[int] = set()
    for t in pot:
        entry = polib.POEntry(
            msgctxt=t.msgctxt, msgid=t.msgid, msgstr="", occurrences=list(t.occurrences),
            comment=t.comment, flags=[f for f in t.flags if f != "fuzzy"],
        )
        match = exact.get((t.msgctxt, t.msgid))
        if match is not None:
            entry.msgstr, entry.tcomment = match.msgstr, match.tcomment
            if match.fuzzy:
                entry.flags.insert(0, "fuzzy")
                entry.previous_msgctxt, entry.previous_msgid = match.previous_msgctxt, match.previous_msgid
        elif t.msgid in by_english:
            match = by_english[t.msgid]
            entry.msgstr, entry.tcomment = match.msgstr, match.tcomment
        elif base_context(t.msgctxt) in by_base:
            match = by_base[base_context(t.msgctxt)]
            entry.msgstr, entry.tcomment = match.msgstr, match.tcomment
            entry.flags.insert(0, "fuzzy")
            made_for = match.previous_msgid if match.fuzzy and match.previous_msgid else match.msgid
            entry.previous_msgctxt = match.previous_msgctxt if match.fuzzy and match.previous_msgctxt else match.msgctxt
            entry.previous_msgid = made_for
        if match is not None:
            used.add(id(match))
        new.append(entry)
    kept = {(e.msgctxt, e.msgid) for e in new}
    for gone in previous + retired:
        if id(gone) in used or not gone.msgstr or (gone.msgctxt, gone.msgid) in kept:
            continue
        entry = polib.POEntry(
            msgctxt=gone.msgctxt, msgid=gone.msgid, msgstr=gone.msgstr, obsolete=True, tcomment=gone.tcomment
        )
        kept.add((gone.msgctxt, gone.msgid))
        new.append(entry)
    return new


def render(po: polib.POFile) -> str:
    """The text of a catalog as written to disk (what the drift check compares)."""
    text = str(po)
    return text if text.endswith("\n") else text + "\n"


def read(path: Path) -> polib.POFile | None:
    """The catalog at ``path``, or None when there is none yet."""
    return polib.pofile(str(path), wrapwidth=WRAP) if path.is_file() else None


@dataclass(frozen=True)
class Status:
    """How complete one catalog is."""

    name: str
    total: int
    translated: int
    fuzzy: list[str]
    untranslated: list[str]

    @property
    def complete(self) -> bool:
        """Every entry translated and none fuzzy."""
        return not self.fuzzy and not self.untranslated


def status(name: str, po: polib.POFile) -> Status:
    """Counts and the contexts of fuzzy and untranslated entries of a merged catalog."""
    live = [e for e in po if not e.obsolete]
    fuzzy = [e.msgctxt for e in live if e.fuzzy]
    untranslated = [e.msgctxt for e in live if not e.msgstr]
    done = len(live) - len(fuzzy) - len(untranslated)
    return Status(name, len(live), done, fuzzy, untranslated)


def updated(name: str, lang: str) -> tuple[str, str]:
    """``(template text, catalog text)`` of ``name`` as extract would write them now."""
    pot = template(name)
    po = merge(pot, read(catalog_path(lang, name)), lang)
    return render(pot), render(po)


def extract(lang: str, add: list[str] | None = None) -> list[Path]:
    """Write every template and merge it into the ``lang`` catalog; return the files that changed.

    ``add`` starts the catalogs of more notebooks (``NN_name``): their editions begin here.
    """
    unknown = sorted(set(add or []) - set(notebook_names()))
    if unknown:
        raise ValueError(f"no English notebook {unknown} in notebooks/; choose from {notebook_names()}")
    names = catalog_names(lang) + [f"notebooks/{n}" for n in add or [] if n not in editions(lang)]
    changed = []
    for name in names:
        pot_text, po_text = updated(name, lang)
        for path, text in ((template_path(name), pot_text), (catalog_path(lang, name), po_text)):
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                changed.append(path)
    return changed
