"""The exercise mechanism, and every registered exercise against its own solution."""

from __future__ import annotations

import pytest

from helpers.core import exercises
from helpers.core.exercises import Wrong, claim, evaluate, exercise, try_it
from helpers.core.messages import MESSAGES, WorkshopError


def test_every_exercise_has_hint_and_solution_texts():
    assert exercises.missing_texts() == []


@pytest.mark.parametrize("name", exercises.registered())
def test_every_checker_accepts_its_solution(name, backend):
    try:
        answer = exercises.solution_answer(name)
    except ValueError:
        pytest.skip(f"{name} has no solution_answer")
    ok, sentence = evaluate(name, answer)
    assert ok, sentence


def test_placeholder_answer_is_not_yet_not_a_traceback():
    ok, sentence = evaluate("00.switch", ...)
    assert not ok and "replace the `...`" in sentence


def test_wrong_answer_gets_the_checkers_sentence():
    ok, sentence = evaluate("00.switch", {"WORKSHOP_BACKEND": "localstack"})
    assert not ok and "the mode is 'aws'" in sentence
    ok, sentence = evaluate("00.switch", {"WORKSHOP_BACKEND": "aws", "AWS_ENDPOINT_URL": "http://localhost:4567"})
    assert not ok and "4566" in sentence
    ok, sentence = evaluate("00.switch", "aws")
    assert not ok and "dict" in sentence


def test_a_checker_that_crashes_on_the_answer_says_so_in_one_sentence():
    @exercise("test.crash", solution_answer=lambda: 1)
    def _(answer):
        return 1 / answer

    try:
        ok, sentence = evaluate("test.crash", 0)
    finally:
        exercises._REGISTRY.pop("test.crash", None)
    assert not ok and sentence.startswith("❌ Your answer raised ZeroDivisionError")


def test_unknown_exercise_lists_the_known_ones():
    with pytest.raises(WorkshopError, match="00.switch"):
        exercises.hint("nope")


def test_hint_and_solution_print(capsys):
    exercises.hint("00.switch")
    exercises.solution("00.switch")
    out = capsys.readouterr().out
    assert "💡 Hint" in out and "📖 Solution" in out and "4566" in out


def test_claim_passes_and_fails():
    claim(True, "fine")
    with pytest.raises(exercises.ClaimFailed, match="Claim no longer true: 3 > 4"):
        claim(False, "3 > 4")


def test_try_it_returns_the_sentence(capsys):
    assert try_it(lambda: (_ for _ in ()).throw(WorkshopError("not_ready"))).startswith("The backend")
    assert try_it(lambda: None) is None


def test_wrong_uses_message_keys():
    MESSAGES["en"]["test.wrong"] = "value {x} is off"
    assert str(Wrong("test.wrong", x=3)) == "value 3 is off"


@pytest.mark.parametrize("name", exercises.registered())
def test_printed_solution_is_the_source_of_the_runnable_one(name, capsys):
    exercises.solution(name)
    printed = capsys.readouterr().out
    source = exercises.show_source(exercises._get(name).solution_answer)
    assert source.code in printed, f"{name}: solution() must print the source of its solution_answer"
