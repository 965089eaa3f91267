"""show_source: notebooks show a helper's real source, not a paraphrase."""

from helpers.core.display import Source, progress_bar, show_source


def test_show_source_shows_the_real_code_with_its_file():
    src = show_source(progress_bar)
    assert isinstance(src, Source)
    assert src.code.startswith("def progress_bar(")
    assert src.path == "helpers/core/display.py" and src.line > 1
    html = src._repr_html_()
    assert "progress_bar" in html and "<span" in html and "helpers/core/display.py" in html
    assert str(src).startswith("# helpers/core/display.py, line ")


def test_columns_and_pad_count_a_wide_character_as_two():
    from helpers.core.display import columns, pad

    assert columns("abc") == 3 and columns("所要時間") == 8
    assert pad("キュー", 8) == "キュー  " and pad("ab", 4, right=True) == "  ab"
    assert pad("toolong", 3) == "toolong"


def test_progress_labels_are_sentences_in_the_learners_language(monkeypatch):
    from helpers.core import i18n

    monkeypatch.delenv("WORKSHOP_LANG", raising=False)
    bar = progress_bar(3, True, "progress.orders")
    assert bar.desc == "orders"
    bar.close()
    assert progress_bar(3, "my label").desc == "my label"  # a label the learner wrote stays as written
    i18n.use_language("ja")
    try:
        bar = progress_bar(3, True, "progress.orders")
        assert bar.desc == "注文" and bar.desc != "orders"
        bar.close()
    finally:
        i18n.reset_language()
