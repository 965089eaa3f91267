"""Exercises of 00_setup: choose where calls go; write the first round trip as a function."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from ..core.backend import client
from ..core.exercises import Wrong, exercise
from ..core.messages import say
from ..core.resources import ensure_queue
from .setup_check import is_empty


def _switch_answer() -> dict[str, str]:
    my_switch = {"WORKSHOP_BACKEND": "aws", "AWS_ENDPOINT_URL": "http://localhost:4566"}
    return my_switch


@exercise("00.switch", solution_answer=_switch_answer)
def _check_switch(answer: Any) -> str:
    if not isinstance(answer, dict):
        raise Wrong("ex.00.switch.not_dict")
    backend = str(answer.get("WORKSHOP_BACKEND", "")).lower()
    endpoint = str(answer.get("AWS_ENDPOINT_URL", "")).rstrip("/")
    if not backend:
        raise Wrong("ex.00.switch.no_backend")
    if backend != "aws":
        raise Wrong("ex.00.switch.backend", got=backend)
    if not endpoint:
        raise Wrong("ex.00.switch.no_endpoint")
    if endpoint != "http://localhost:4566":
        raise Wrong("ex.00.switch.endpoint", got=endpoint)
    return say("ex.00.switch.ok")


def _roundtrip_answer() -> Callable[[Any, str, str], str]:
    def round_trip(sqs, queue_url, body):
        """Send ``body``, receive it, delete it; return the body that came back."""
        sqs.send_message(QueueUrl=queue_url, MessageBody=body)
        got = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=1, WaitTimeSeconds=5)
        message = got["Messages"][0]
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        return message["Body"]

    return round_trip


@exercise("00.roundtrip", solution_answer=_roundtrip_answer)
def _check_roundtrip(answer: Any) -> str:
    """Run the learner's function on a queue of its own, with a body they cannot guess; then look in the queue."""
    if not callable(answer):
        raise Wrong("ex.00.roundtrip.not_function", kind=type(answer).__name__)
    sqs = client("sqs")
    url = ensure_queue(f"exercise-{uuid.uuid4().hex[:8]}")
    body = f"order-{uuid.uuid4().hex[:6]}"
    try:
        got = answer(sqs, url, body)
        emptied = is_empty(url)
    finally:
        sqs.delete_queue(QueueUrl=url)
    if got is Ellipsis or got is None:
        raise Wrong("ex.00.roundtrip.nothing")
    if isinstance(got, dict):
        raise Wrong("ex.00.roundtrip.dict")
    if got != body:
        raise Wrong("ex.00.roundtrip.body", got=got, want=body)
    if not emptied:
        raise Wrong("ex.00.roundtrip.not_deleted")
    return say("ex.00.roundtrip.ok")
