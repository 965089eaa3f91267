"""The workshop's language: which one is chosen, and the translations the helpers show.

English is the source everywhere. Translations live in gettext catalogs under ``locale/``
(standard ``.po`` files, read with polib), so translators use ordinary tools (Poedit, Weblate,
a text editor) and a changed English sentence is detected instead of silently shown stale:

- ``locale/<lang>/LC_MESSAGES/helpers.po``: every sentence :func:`helpers.core.messages.say`
  can show; ``msgctxt`` is the message key, ``msgid`` the English sentence.
- ``locale/<lang>/LC_MESSAGES/notebooks/<NN_name>.po``: one entry per markdown cell of a
  notebook (``msgctxt`` = cell id + ``#`` + hash of the English source) and one per text of a
  ``claim(...)`` call in a code cell (``msgctxt`` = cell id + ``:claim<n>#`` + hash).

A translation is used only while its English ``msgid`` equals the English the code has now and
it is not marked fuzzy; otherwise the English is shown (never a stale sentence).

Choose the language with ``WORKSHOP_LANG=ja`` or ``use_backend(lang="ja")`` (the first cell of
the Japanese notebooks does the latter). Japanese also sets a Japanese font for matplotlib
(IPAexGothic from matplotlib-fontja), so figures show Japanese labels instead of empty boxes.

The commands that keep catalogs and the Japanese notebooks in step live in
:mod:`helpers.core.i18n.catalogs` and :mod:`helpers.core.i18n.editions`; run them with
``python -m helpers.core.i18n extract|build|check`` (``make i18n`` runs extract and build).
"""

from __future__ import annotations

import logging
import os
import re
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path

#: The repository root: ``locale/`` and ``notebooks/`` live there (the helpers are installed editable).
ROOT = Path(__file__).resolve().parents[3]
#: Where the gettext catalogs live.
LOCALE_DIR = ROOT / "locale"
#: The languages of the workshop: code -> its own name. English is the source.
LANGUAGES: dict[str, str] = {"en": "English", "ja": "日本語"}
#: The gettext domain of the helpers' sentences.
DOMAIN = "helpers"
#: Fonts for figures in Japanese: IPAexGothic (from matplotlib-fontja) first, DejaVu Sans for
#: the few symbols it lacks (matplotlib falls back glyph by glyph).
JAPANESE_FONTS = ["IPAexGothic", "DejaVu Sans"]


def locale_dir() -> Path:
    """:data:`LOCALE_DIR`, read when called (tests point it at a copy)."""
    return LOCALE_DIR


def notebook_catalogs(lang: str) -> Path:
    """The folder of the notebooks' catalogs in ``lang``."""
    return locale_dir() / lang / "LC_MESSAGES" / "notebooks"


def catalog_path(lang: str, name: str = DOMAIN) -> Path:
    """The ``.po`` file of ``name`` (``"helpers"`` or ``"notebooks/99_cleanup"``) in language ``lang``."""
    return locale_dir() / lang / "LC_MESSAGES" / f"{name}.po"


def normalise(raw: str) -> str:
    """``"ja"``, ``"JA"``, ``"ja_JP.UTF-8"`` and ``"ja-JP"`` all mean ``"ja"``."""
    return re.split(r"[_.@-]", raw.strip().lower(), maxsplit=1)[0]


class UnknownLanguage(LookupError):
    """``WORKSHOP_LANG`` or ``lang=`` names a language the workshop does not have."""

    def __init__(self, value: str) -> None:
        self.value = value
        #: The languages there are, for the learner's sentence: "'en' (English), 'ja' (日本語)".
        self.valid = ", ".join(f"{c!r} ({name})" for c, name in LANGUAGES.items())
        super().__init__(f"unknown language {value!r}; the workshop has {self.valid}")


@dataclass
class _State:
    chosen: str | None = None
    helpers: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)
    claims: dict[str, list[tuple[re.Pattern[str], list[str], str]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


_state = _State()


def language() -> str:
    """The language in use: an explicit choice, else ``$WORKSHOP_LANG``, else ``"en"``.

    Never raises: an unknown ``WORKSHOP_LANG`` counts as English here, and :func:`use_language`
    (called by ``use_backend()``) turns it into one clear sentence.
    """
    if _state.chosen is not None:
        return _state.chosen
    code = normalise(os.environ.get("WORKSHOP_LANG") or "en")
    return code if code in LANGUAGES else "en"


def use_language(lang: str | None = None) -> str:
    """Choose the language for this kernel and return its code.

    ``lang=None`` keeps an earlier explicit choice, or else reads ``$WORKSHOP_LANG`` (default
    English). Japanese also configures the figures' font. An unknown language raises
    :class:`UnknownLanguage`; ``use_backend()`` turns it into a
    :class:`~helpers.core.messages.WorkshopError` (one sentence naming the languages there are).
    """
    if lang is None and _state.chosen is not None:
        return _state.chosen
    raw = lang if lang is not None else (os.environ.get("WORKSHOP_LANG") or "en")
    code = normalise(str(raw))
    if code not in LANGUAGES:
        raise UnknownLanguage(str(raw))
    _state.chosen = code
    if code == "ja":
        configure_fonts()
    return code


def reset_language() -> None:
    """Forget an explicit choice (tests): :func:`language` reads ``$WORKSHOP_LANG`` again."""
    _state.chosen = None


def configure_fonts() -> None:
    """Make matplotlib draw Japanese: register IPAexGothic (matplotlib-fontja) and use it first.

    Figures drawn afterwards show Japanese titles, labels and legends. With
    ``WORKSHOP_STRICT_GLYPHS=1`` (set by ``make test``) a glyph missing from the fonts raises
    instead of drawing an empty box, so nbval fails on every figure of the Japanese edition that has one.
    """
    import matplotlib
    import matplotlib_fontja  # noqa: F401  (importing it registers IPAexGothic with matplotlib, once)

    matplotlib.rcParams["font.family"] = list(JAPANESE_FONTS)
    # IPAexGothic has one weight: bold titles use it as it is, without a "findfont" line in every cell.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    if os.environ.get("WORKSHOP_STRICT_GLYPHS") == "1":  # `make test`: a missing glyph fails the cell
        warnings.filterwarnings("error", message=r"Glyph .* missing from font")


# --------------------------------------------------------------------------- helper sentences


def _load_helpers(lang: str) -> dict[str, tuple[str, str]]:
    """``{key: (english, translation)}`` of the finished (translated, not fuzzy) entries of helpers.po."""
    with _state.lock:
        if lang not in _state.helpers:
            table: dict[str, tuple[str, str]] = {}
            path = catalog_path(lang)
            if path.is_file():
                import polib

                for entry in polib.pofile(str(path)):
                    if entry.msgstr and not entry.fuzzy and not entry.obsolete and entry.msgctxt:
                        table[entry.msgctxt] = (entry.msgid, entry.msgstr)
            _state.helpers[lang] = table
    return _state.helpers[lang]


def translate(key: str, english: str, lang: str | None = None) -> str:
    """The sentence ``key`` in ``lang`` (default: :func:`language`), or ``english`` when there is none.

    A translation made for another English sentence (the English changed since) is not used.
    """
    lang = lang or language()
    if lang == "en":
        return english
    found = _load_helpers(lang).get(key)
    return found[1] if found is not None and found[0] == english else english


def forget_catalogs() -> None:
    """Drop parsed catalogs, so the next lookup reads the files again (tests, after editing a .po)."""
    with _state.lock:
        _state.helpers.clear()
        _state.claims.clear()


# --------------------------------------------------------------------------- claim texts

#: A ``{...}`` placeholder of a claim template: the f-string's expression, as written in the notebook.
PLACEHOLDER = re.compile(r"\{(?!\{)((?:[^{}]|\{[^{}]*\})+)\}")


def split_template(template: str) -> list[tuple[str, str]]:
    """A claim template as ``[(literal, placeholder), ...]``; ``{{`` and ``}}`` stand for braces."""
    parts: list[tuple[str, str]] = []
    pos = 0
    literal = ""
    while pos < len(template):
        if template.startswith(("{{", "}}"), pos):
            literal += template[pos]
            pos += 2
            continue
        match = PLACEHOLDER.match(template, pos) if template[pos] == "{" else None
        if match:
            parts.append((literal, match.group(0)))
            literal = ""
            pos = match.end()
        else:
            literal += template[pos]
            pos += 1
    parts.append((literal, ""))
    return parts


def placeholders(text: str) -> list[str]:
    """The ``{...}`` placeholders of a sentence or claim template, sorted (to compare translations)."""
    return sorted(p for _, p in split_template(text) if p)


def compile_claim(template: str) -> tuple[re.Pattern[str], list[str]]:
    """A regular expression that matches the text a claim template produces, and its placeholders."""
    parts = split_template(template)
    pattern = "".join(re.escape(lit) + ("(.*?)" if ph else "") for lit, ph in parts)
    return re.compile(pattern, re.DOTALL), [ph for _, ph in parts if ph]


def _load_claims(lang: str) -> list[tuple[re.Pattern[str], list[str], str]]:
    """The finished claim translations of every notebook catalog of ``lang``."""
    with _state.lock:
        if lang not in _state.claims:
            import polib

            found = []
            for path in sorted(notebook_catalogs(lang).glob("*.po")):
                for entry in polib.pofile(str(path)):
                    if ":claim" in (entry.msgctxt or "") and entry.msgstr and not entry.fuzzy and not entry.obsolete:
                        regex, names = compile_claim(entry.msgid)
                        found.append((regex, names, entry.msgstr))
            _state.claims[lang] = found
    return _state.claims[lang]


def claim_text(text: str, lang: str | None = None) -> str:
    """The measured claim ``text`` (English, numbers filled in) in ``lang``, or ``text`` if not translated.

    The notebook's code cell writes the claim as an f-string; its catalog holds the f-string's
    template and the translation with the same ``{...}`` placeholders. The numbers are taken from
    the English text and put into the translation, so both editions run the same code.
    """
    lang = lang or language()
    if lang == "en":
        return text
    for regex, names, translation in _load_claims(lang):
        match = regex.fullmatch(text)
        if match:
            values = dict(zip(names, match.groups(), strict=True))
            return "".join(lit + values.get(ph, ph) for lit, ph in split_template(translation))
    return text
