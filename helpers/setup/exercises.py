"""Exercises of 00_setup."""

from __future__ import annotations

from typing import Any

from ..core.backend import client
from ..core.exercises import Wrong, exercise
from ..core.messages import say
from ..core.resources import ensure_queue, queue_depth

EXERCISE_QUEUE = "exercise"
EXERCISE_BODY = "order-1"


def _switch_answer() -> dict[str, str]:
    return {"WORKSHOP_BACKEND": "aws", "AWS_ENDPOINT_URL": "http://localhost:4566"}


@exercise("00.switch", solution_answer=_switch_answer)
def _check_switch(answer: Any) -> str:
    if not isinstance(answer, dict):
        raise Wrong("ex.00.switch.not_dict")
    backend = str(answer.get("WORKSHOP_BACKEND", "")).lower()
    endpoint = str(answer.get("AWS_ENDPOINT_URL", "")).rstrip("/")
    if backend != "aws":
        raise Wrong("ex.00.switch.backend", got=backend or "nothing")
    if endpoint != "http://localhost:4566":
        raise Wrong("ex.00.switch.endpoint", got=endpoint or "nothing")
    return say("ex.00.switch.ok")


def _roundtrip_answer() -> str:
    sqs = client("sqs")
    url = ensure_queue(EXERCISE_QUEUE)
    sqs.send_message(QueueUrl=url, MessageBody=EXERCISE_BODY)
    msg = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, WaitTimeSeconds=1)["Messages"][0]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=msg["ReceiptHandle"])
    return msg["Body"]


@exercise("00.roundtrip", solution_answer=_roundtrip_answer)
def _check_roundtrip(answer: Any) -> str:
    if answer != EXERCISE_BODY:
        raise Wrong("ex.00.roundtrip.body", got=answer, want=EXERCISE_BODY)
    depth = queue_depth(ensure_queue(EXERCISE_QUEUE))
    if depth["in_flight"] or depth["visible"]:
        raise Wrong("ex.00.roundtrip.not_deleted", n=depth["in_flight"] + depth["visible"])
    return say("ex.00.roundtrip.ok")
