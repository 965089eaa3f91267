"""Dead-letter queues: look inside without moving anything, and wait for messages to arrive.

A queue with a *redrive policy* (``deadLetterTargetArn`` + ``maxReceiveCount``, set by the
notebook's ``add_dead_letter_queue``) moves a message to its dead-letter queue (DLQ) once it was
received more than ``maxReceiveCount`` times without being deleted: a poison message stops
taking workers' time and waits, intact, for a person.

* :func:`peek` reads every visible message of a queue and puts them back at once (receive with
  a visibility timeout, then ``ChangeMessageVisibility`` 0), so inspecting a DLQ moves nothing.
* :func:`inspect_dlq` turns that into rows a learner can read: body, receive count, age, and
  *why* the message failed (a ``diagnose`` function says it in one sentence).
* The redrive itself is the notebook's ``redrive`` (:mod:`helpers.failure.lesson`):
  ``StartMessageMoveTask`` where the backend has it, receive → send → delete where not (moto).
  :func:`redrive` here is the same call with a sentence to print, for notebook 07.

moto detail that shapes every wait here: moto moves a message to the DLQ on the **following**
receive after its ``maxReceiveCount``-th, so a poison message reaches the DLQ about
``maxReceiveCount`` visibility timeouts after it was first received. AWS looks the same from the
consumer's side (the move happens when a receive is asked for).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..core.backend import client
from ..core.limits import SQS_MAX_BATCH
from ..core.messages import say
from ..core.resources import queue_depth
from ..core.sampling import wait_until
from . import lesson


@dataclass(frozen=True)
class Peeked:
    """One message seen by :func:`peek` (and put back)."""

    message_id: str
    body: str
    receive_count: int
    sent_at: float  # epoch seconds
    attributes: dict[str, Any]


def peek(url: str, *, limit: int = 500, hold_s: int = 20) -> list[Peeked]:
    """Every visible message of ``url`` (up to ``limit``), made visible again before returning.

    Each message is received once (hidden for ``hold_s`` while we look, so none is read twice),
    then ``ChangeMessageVisibility`` 0 puts it back. Receiving raises its receive count — on a
    DLQ that has no redrive policy of its own, that changes nothing.
    """
    sqs = client("sqs")
    seen: list[dict[str, Any]] = []
    try:
        while len(seen) < limit:
            msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=SQS_MAX_BATCH, WaitTimeSeconds=0,
                                       VisibilityTimeout=hold_s, MessageSystemAttributeNames=["All"],
                                       MessageAttributeNames=["All"]).get("Messages", [])
            if not msgs:
                break
            seen.extend(msgs)
    finally:
        for i in range(0, len(seen), SQS_MAX_BATCH):
            chunk = seen[i: i + SQS_MAX_BATCH]
            sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
                {"Id": str(j), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0} for j, m in enumerate(chunk)])
    return [
        Peeked(m["MessageId"], m["Body"], int(m.get("Attributes", {}).get("ApproximateReceiveCount", 0)),
               int(m.get("Attributes", {}).get("SentTimestamp", 0)) / 1000, m.get("MessageAttributes", {}))
        for m in seen
    ]


@dataclass(frozen=True)
class DlqRow:
    """One dead-lettered message, as the learner sees it."""

    message_id: str
    preview: str  # the body, shortened
    receive_count: int
    age_s: float
    problem: str  # why it failed, in one sentence ("" if diagnose found nothing wrong now)


def inspect_dlq(dlq_url: str, diagnose: Callable[[str], str] | None = None, *, width: int = 60) -> list[DlqRow]:
    """What is in the DLQ, and why: one row per message (nothing is moved or deleted).

    ``diagnose(body)`` returns one sentence saying why the message cannot be processed (or ""
    when it would be processed now, i.e. its cause is fixed).
    """
    now = time.time()
    rows = []
    for m in peek(dlq_url):
        preview = m.body if len(m.body) <= width else m.body[: width - 1] + "…"
        problem = diagnose(m.body) if diagnose else ""
        rows.append(DlqRow(m.message_id, preview, m.receive_count, max(0.0, now - m.sent_at), problem))
    return rows


def format_rows(rows: list[DlqRow]) -> str:
    """The DLQ rows as a small text table."""
    if not rows:
        return say("failure.dlq_empty")
    lines = [say("failure.dlq_head")]
    for r in rows:
        lines.append(f"{r.receive_count:>8}  {r.age_s:>5.1f}s  {r.preview:<60}  {r.problem or '—'}")
    return "\n".join(lines)


@dataclass(frozen=True)
class RedriveResult:
    """How messages went back from a DLQ to their source queue."""

    method: str  # "StartMessageMoveTask" or "receive-send-delete"
    moved: int
    note: str  # one sentence to print


def redrive(source_url: str, dlq_url: str) -> RedriveResult:
    """The notebook's :func:`helpers.failure.lesson.redrive`, with a sentence that says which way it went."""
    method, moved = lesson.redrive(source_url, dlq_url)
    key = "failure.redrive_native" if method == "StartMessageMoveTask" else "failure.redrive_fallback"
    return RedriveResult(method, moved, say(key, moved=moved))


def wait_for_dlq(dlq_url: str, n: int, timeout_s: float) -> bool:
    """Wait until the DLQ holds at least ``n`` visible messages (False on timeout)."""
    return wait_until(lambda: queue_depth(dlq_url)["visible"] >= n, timeout_s, poll_s=0.1)
