"""Exercises of 02: two decisions, each checker tested against its solution and against wrong answers."""

from __future__ import annotations

import pytest

from helpers.core.exercises import evaluate, solution_answer
from helpers.core.messages import catalog, say
from helpers.sync import exercises_02 as ex

NAMES = ["02.respond", "02.attribute"]
#: exercise → (the right answers by letter, the choices a learner can give)
KEYS = {"02.respond": (ex.RESPOND, ex.RESPONSES), "02.attribute": (ex.ATTRIBUTE, ex.ATTRIBUTES)}


def _start(key: str) -> str:
    """The fixed words of a sentence after its first placeholder, to find it in the output."""
    return say(key).split("}", 1)[-1].split("{")[0].strip()


def _wrong_choice(name: str, letter: str) -> str:
    want, choices = KEYS[name]
    return next(c for c in choices if c != want[letter])


@pytest.mark.parametrize("name", NAMES)
def test_solution_is_accepted(name):
    ok, sentence = evaluate(name, solution_answer(name))
    assert ok and sentence.startswith("✅"), sentence


@pytest.mark.parametrize("name", NAMES)
def test_every_situation_answered_wrong_gets_its_own_reason(name):
    want, _ = KEYS[name]
    for letter in want:
        answer = dict(solution_answer(name), **{letter: _wrong_choice(name, letter)})
        ok, sentence = evaluate(name, answer)
        assert not ok and sentence.startswith("❌ Not yet:"), sentence
        assert f"The first is {letter}:" in sentence and "1 of" in sentence, (letter, sentence)
        assert _start(f"ex.{name}.{letter.lower()}") in sentence


@pytest.mark.parametrize("name", NAMES)
def test_several_wrong_answers_are_counted_and_the_first_is_explained(name):
    want, _ = KEYS[name]
    letters = list(want)
    answer = dict(solution_answer(name), **{x: _wrong_choice(name, x) for x in letters[1:3]})
    ok, sentence = evaluate(name, answer)
    assert not ok and f"2 of {len(want)}" in sentence and f"The first is {letters[1]}:" in sentence


def test_async_everywhere_is_not_the_answer():
    """Asynchronous processing is a choice, not a reflex: answering 'async' to all is wrong, first at A."""
    ok, sentence = evaluate("02.respond", dict.fromkeys(ex.RESPOND, "async"))
    assert not ok and "The first is A:" in sentence and "3 of 5" in sentence


@pytest.mark.parametrize(
    ("name", "answer"),
    [
        ("02.respond", {"a": "Requirements", "b": "improve sync", "c": "Asynchronous", "d": "infrastructure",
                        "e": "ASYNC"}),
        ("02.attribute", {"A": "Performance & Scalability", "B": "maintainability", "C": " availability ",
                          "D": "scalability"}),
    ],
)
def test_common_spellings_and_lower_case_letters_are_accepted(name, answer):
    ok, sentence = evaluate(name, answer)
    assert ok, sentence


@pytest.mark.parametrize("name", NAMES)
def test_shape_missing_and_unknown_choices_get_a_sentence(name):
    right = solution_answer(name)
    ok, sentence = evaluate(name, list(right.values()))
    assert not ok and _start(f"ex.{name}.shape") in sentence and "list" in sentence
    ok, sentence = evaluate(name, {k: v for k, v in right.items() if k != "B"})
    assert not ok and "still missing: B" in sentence
    ok, sentence = evaluate(name, dict(right, C=...))
    assert not ok and "still missing: C" in sentence
    ok, sentence = evaluate(name, dict(right, C="cache"))
    assert not ok and "'cache'" in sentence and "choose one of" in sentence


@pytest.mark.parametrize("name", NAMES)
def test_placeholder_and_garbage_get_a_sentence_not_a_traceback(name):
    for answer in (..., "nonsense", [1, 2, 3], {"A": 1}, float("nan"), {1: object()}):
        ok, sentence = evaluate(name, answer)
        assert not ok
        assert sentence.startswith("❌") and "Traceback" not in sentence


def test_every_letter_has_its_sentence():
    table = catalog()["en"]
    for name, (want, _) in KEYS.items():
        for key in ("hint", "solution", "shape", "missing", "unknown", "ok", *(x.lower() for x in want)):
            assert f"ex.{name}.{key}" in table, f"ex.{name}.{key}"
