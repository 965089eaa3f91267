"""The Japanese edition: catalogs and generated notebooks in step with the English, translations
that keep their placeholders, English where a translation is missing or stale, one sentence for an
unknown language, and Japanese in figures without missing glyphs."""

from __future__ import annotations

import io
import shutil
import warnings
from pathlib import Path

import matplotlib
import nbformat
import polib
import pytest

from helpers import claim, use_backend
from helpers.core import i18n
from helpers.core import messages as messages_mod
from helpers.core.i18n import catalogs as cat
from helpers.core.i18n import editions
from helpers.core.messages import WorkshopError, say

ROOT = Path(__file__).resolve().parents[1]
PILOT = "99_cleanup"


@pytest.fixture
def japanese(monkeypatch: pytest.MonkeyPatch):
    """The language is Japanese for one test; English (and matplotlib's fonts) again afterwards."""
    monkeypatch.delenv("WORKSHOP_LANG", raising=False)
    family = list(matplotlib.rcParams["font.family"])
    i18n.use_language("ja")
    yield
    i18n.reset_language()
    matplotlib.rcParams["font.family"] = family


@pytest.fixture
def copy_of_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The English notebooks, the catalogs and notebooks/ja copied to ``tmp_path``, and i18n pointed there."""
    shutil.copytree(ROOT / "locale", tmp_path / "locale")
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "locale")
    monkeypatch.setattr(cat, "NOTEBOOKS_DIR", tmp_path / "notebooks")
    i18n.forget_catalogs()
    yield tmp_path
    i18n.forget_catalogs()


# --------------------------------------------------------------------------- the drift check


def test_catalogs_and_japanese_notebooks_are_in_step_with_the_english():
    problems = editions.check("ja")
    assert not problems, "the Japanese edition drifted (run `make i18n`, then translate):\n" + "\n".join(problems)


def test_the_pilot_has_a_japanese_edition():
    assert PILOT in cat.editions("ja")
    assert (ROOT / "notebooks" / "ja" / f"{PILOT}.ipynb").is_file()


def test_a_changed_english_cell_makes_its_entry_fuzzy_and_fails_the_check(copy_of_repo: Path):
    path = copy_of_repo / "notebooks" / f"{PILOT}.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("## Time to learn"))
    cell.source = cell.source.replace("about 10 minutes", "about 11 minutes", 1)
    assert "about 11 minutes" in cell.source
    nbformat.write(nb, path)

    problems = editions.check("ja")
    assert any("fuzzy" in p and cell.id in p for p in problems), problems
    assert any("differs from what its catalog produces" in p for p in problems), problems

    cat.extract("ja")
    po = cat.read(i18n.catalog_path("ja", f"notebooks/{PILOT}"))
    entry = next(e for e in po if cat.base_context(e.msgctxt) == cell.id and not e.obsolete)
    assert entry.fuzzy and entry.msgid == cell.source and "about 10 minutes" in entry.previous_msgid
    assert entry.msgstr.startswith("## 所要時間"), "the old translation is kept for the translator"
    # Until it is translated again, the generated notebook shows the English cell, and the check fails.
    editions.build("ja")
    built = nbformat.read(copy_of_repo / "notebooks" / "ja" / f"{PILOT}.ipynb", as_version=4)
    assert next(c for c in built.cells if c.id == cell.id).source == cell.source
    assert any("fuzzy" in p for p in editions.check("ja"))


def test_merge_adds_new_marks_changed_fuzzy_and_retires_removed_entries():
    def po(*entries: tuple[str, str, str]) -> polib.POFile:
        f = polib.POFile()
        for ctx, msgid, msgstr in entries:
            f.append(polib.POEntry(msgctxt=ctx, msgid=msgid, msgstr=msgstr))
        return f

    old = po(("same", "Same.", "同じ。"), ("changed", "Old text.", "古い訳。"), ("gone", "Gone.", "消えた。"),
             ("renamed", "Kept words.", "保たれた訳。"))
    pot = po(("same", "Same.", ""), ("changed", "New text.", ""), ("new", "New.", ""), ("renamed2", "Kept words.", ""))
    merged = {(e.msgctxt, e.obsolete): e for e in cat.merge(pot, old, "ja")}
    assert merged["same", False].msgstr == "同じ。" and not merged["same", False].fuzzy
    changed = merged["changed", False]
    assert changed.fuzzy and changed.msgstr == "古い訳。" and changed.previous_msgid == "Old text."
    assert merged["new", False].msgstr == "" and not merged["new", False].fuzzy
    assert merged["renamed2", False].msgstr == "保たれた訳。" and not merged["renamed2", False].fuzzy
    assert merged["gone", True].msgstr == "消えた。"
    assert ("gone", False) not in merged


def test_japanese_code_cells_equal_the_english_except_the_set_up_line():
    assert editions.code_cell_problems("ja", PILOT) == []
    english = nbformat.read(ROOT / "notebooks" / f"{PILOT}.ipynb", as_version=4)
    japanese = nbformat.read(ROOT / "notebooks" / "ja" / f"{PILOT}.ipynb", as_version=4)
    en_code = [c.source for c in english.cells if c.cell_type == "code"]
    ja_code = [c.source for c in japanese.cells if c.cell_type == "code"]
    differing = [(e, j) for e, j in zip(en_code, ja_code, strict=True) if e != j]
    assert len(differing) == 1 and 'use_backend(lang="ja")' in differing[0][1]
    assert [c.id for c in english.cells] == [c.id for c in japanese.cells]


def test_a_japanese_code_cell_edited_by_hand_fails_the_check(copy_of_repo: Path):
    path = copy_of_repo / "notebooks" / "ja" / f"{PILOT}.ipynb"
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    code[-1].source += "\nprint('extra')"
    nbformat.write(nb, path)
    assert any(code[-1].id in p for p in editions.code_cell_problems("ja", PILOT))
    assert editions.check("ja")


def test_setup_line_gets_the_language():
    assert editions.setup_source("info = use_backend()  # moto", "ja") == 'info = use_backend(lang="ja")  # moto'
    assert editions.setup_source('use_backend("aws", quiet=f(1))', "ja") == 'use_backend("aws", quiet=f(1), lang="ja")'
    assert editions.setup_source('use_backend(lang="ja")', "ja") == 'use_backend(lang="ja")'


def test_links_to_english_only_notebooks_and_files_point_one_folder_up(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(cat, "editions", lambda lang: ["00_setup", "99_cleanup"])
    text = "[06](06_sync_and_async_together.ipynb), [99](99_cleanup.ipynb#x), [d](../data/a.json), [w](https://a.b/c)"
    assert editions.relink(text, "ja") == (
        "[06](../06_sync_and_async_together.ipynb), [99](99_cleanup.ipynb#x), [d](../../data/a.json), [w](https://a.b/c)"
    )


# --------------------------------------------------------------------------- placeholders


@pytest.mark.parametrize("name", cat.catalog_names("ja"))
def test_translations_keep_every_placeholder(name: str):
    assert editions.placeholder_problems("ja", name) == []


def test_a_translation_that_drops_a_placeholder_is_reported(copy_of_repo: Path):
    path = i18n.catalog_path("ja")
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgctxt == "check_ok")
    entry.msgstr = "✅ 正解です"
    po.save(str(path))
    problems = editions.placeholder_problems("ja", "helpers")
    assert len(problems) == 1 and "check_ok" in problems[0] and "{detail}" in problems[0]


def test_claim_templates_are_read_from_f_strings():
    source = 'claim(ok, f"deleted {len(a.b)} of {p!r}; {x:.1f} s"\n      f" and {{literal}}")'
    assert cat.claim_templates(source) == ["deleted {len(a.b)} of {p!r}; {x:.1f} s and {{literal}}"]
    assert i18n.placeholders("deleted {len(a.b)} of {p!r}; {x:.1f} s and {{literal}}") == [
        "{len(a.b)}", "{p!r}", "{x:.1f}"
    ]


def test_claims_joined_with_plus_or_holding_a_dict_are_extracted_and_translated(monkeypatch: pytest.MonkeyPatch):
    joined = "claim(ok, \"W = \" + \", \".join(f\"{L:.2f}\" for L in little) + f\" ≈ {n} workers\")"
    braces = "claim(ok, f\"got { {k: len(v) for k, v in r.items()} }; all {n}\")"
    [t_joined] = cat.claim_templates(joined)
    [t_braces] = cat.claim_templates(braces)
    assert t_joined == "W = {', '.join((f'{L:.2f}' for L in little))} ≈ {n} workers"
    assert t_braces == "got { {k: len(v) for k, v in r.items()} }; all {n}"
    little, n, r = [3.9, 4.1], 4, {"a": [1], "b": [1, 2]}
    monkeypatch.setattr(i18n, "_load_claims", lambda lang: [
        (*i18n.compile_claim(t_joined), "W は {', '.join((f'{L:.2f}' for L in little))}、ワーカー {n} 台分"),
        (*i18n.compile_claim(t_braces), "{n} 件すべて: { {k: len(v) for k, v in r.items()} }"),
    ])
    english = "W = " + ", ".join(f"{L:.2f}" for L in little) + f" ≈ {n} workers"
    assert i18n.claim_text(english, "ja") == "W は 3.90, 4.10、ワーカー 4 台分"
    assert i18n.claim_text(f"got { {k: len(v) for k, v in r.items()} }; all {n}", "ja") == "4 件すべて: {'a': 1, 'b': 2}"


# --------------------------------------------------------------------------- what the learner sees


def test_say_speaks_japanese_when_the_language_is_ja(japanese):
    assert say("check_ok", detail="42") == "✅ 正解です: 42"
    assert str(WorkshopError("not_ready")).startswith("バックエンドがまだ設定されていません")
    assert say("hint", text="x").startswith("💡 ヒント")


def test_a_claim_of_the_pilot_prints_in_japanese_with_its_numbers(japanese, capsys):
    claim(True, "deleted 3 resource(s) of afs-x-1a2b; 0 failed; 1 remain")
    assert capsys.readouterr().out.strip() == "✅ afs-x-1a2b のリソースを 3 個削除しました。失敗 0 個、残り 1 個です"
    claim(True, "a claim no catalog knows")
    assert capsys.readouterr().out.strip() == "✅ a claim no catalog knows"


def test_english_is_shown_for_a_missing_translation(japanese, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(messages_mod.catalog()["en"], "test.only_english", "Only in English: {x}.")
    assert say("test.only_english", x=1) == "Only in English: 1."


def test_a_translation_made_for_other_english_is_not_shown(japanese, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(messages_mod.catalog()["en"], "check_ok", "✓ Right: {detail}")
    assert say("check_ok", detail="x") == "✓ Right: x"


def test_english_stays_english(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("WORKSHOP_LANG", raising=False)
    i18n.reset_language()
    assert i18n.language() == "en"
    assert say("check_ok", detail="x") == "✅ Correct: x"


def test_workshop_lang_ja_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("WORKSHOP_LANG", "ja_JP.UTF-8")
    i18n.reset_language()
    try:
        assert i18n.language() == "ja"
        assert say("check_ok", detail="x") == "✅ 正解です: x"
    finally:
        monkeypatch.delenv("WORKSHOP_LANG")
        i18n.reset_language()


def test_an_unknown_language_is_one_clear_sentence(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("WORKSHOP_LANG", "xx")
    i18n.reset_language()
    assert i18n.language() == "en"  # say() keeps working in English meanwhile
    with pytest.raises(WorkshopError) as err:
        use_backend(quiet=True)
    text = str(err.value)
    assert "WORKSHOP_LANG='xx'" in text and "'ja' (日本語)" in text and "'en' (English)" in text
    assert "\n" not in text and text.endswith(".")
    with pytest.raises(WorkshopError, match="WORKSHOP_LANG='fr'"):
        use_backend(quiet=True, lang="fr")
    i18n.reset_language()


# --------------------------------------------------------------------------- figures


def _glyph_warnings(title: str, label: str, legend: str) -> list[str]:
    """Draw a figure and return the "Glyph … missing from font" warnings it raised."""
    import matplotlib.pyplot as plt

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.plot([0, 1, 2], [3, 1, 2], label=legend)
        ax.set_title(title)
        ax.set_xlabel(label)
        ax.set_ylabel("応答時間 (ms)")
        ax.legend()
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_japanese_figures_have_no_missing_glyphs(japanese):
    missing = _glyph_warnings("同期処理と非同期処理の応答時間", "リクエスト数 (件) · p95 → 可視性タイムアウト", "デッドレターキュー (DLQ)")
    assert missing == [], missing


def test_the_glyph_check_would_catch_a_font_without_japanese(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(matplotlib.rcParams, "font.family", ["DejaVu Sans"])
    assert _glyph_warnings("同期処理", "時間", "キュー")


def test_under_make_test_a_missing_glyph_fails_the_cell(japanese, monkeypatch: pytest.MonkeyPatch):
    import matplotlib.pyplot as plt

    monkeypatch.setenv("WORKSHOP_STRICT_GLYPHS", "1")
    with warnings.catch_warnings():
        i18n.configure_fonts()
        fig, ax = plt.subplots()
        ax.set_title("한")  # Hangul: in neither IPAexGothic nor DejaVu Sans
        with pytest.raises(UserWarning, match="missing from font"):
            fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)
