"""Dead-letter queues: look inside without losing anything, and redrive what was fixed.

A queue with a *redrive policy* (``deadLetterTargetArn`` + ``maxReceiveCount``) moves a message
to its dead-letter queue (DLQ) once it has been received more than ``maxReceiveCount`` times
without being deleted: a poison message stops blocking workers and waits, intact, for a human.

* :func:`peek` reads every visible message of a queue and puts them back at once (receive with
  a visibility timeout, then ``ChangeMessageVisibility`` 0), so inspecting a DLQ moves nothing.
* :func:`inspect_dlq` turns that into rows a learner can read: body, receive count, age, and
  *why* the message failed (a ``diagnose`` function says it in one sentence).
* :func:`redrive` moves messages back to their source queue once the cause is fixed: with
  ``StartMessageMoveTask`` where the backend has it (real AWS: SQS moves them itself, as the
  console's "Start DLQ redrive" does), otherwise receive → send → delete in batches of 10
  (moto has no message move tasks: in-process it raises ``NotImplementedError``, the moto
  server answers HTTP 500). ``select`` redrives only the messages you choose (always by hand:
  a move task takes everything).

moto detail that shapes every wait here: moto moves a message to the DLQ on the **following**
receive after its ``maxReceiveCount``-th — the receive that would have been number
``maxReceiveCount + 1`` moves it instead of returning it — so a poison message reaches the DLQ
about ``maxReceiveCount`` visibility timeouts after it was first received. AWS behaves the same
way from the consumer's side (the move is checked when a receive happens).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..core.backend import client, current
from ..core.limits import SQS_MAX_BATCH
from ..core.messages import WorkshopError, say
from ..core.resources import queue_arn, queue_depth
from ..core.sampling import wait_until

#: Error codes that mean "this backend has no StartMessageMoveTask" (then we move by hand).
_UNSUPPORTED = {"500", "501", "NotImplemented", "InternalFailure", "InternalError", "InvalidAction",
                "UnknownOperation", "UnknownOperationException", "UnsupportedOperation",
                "AWS.SimpleQueueService.UnsupportedOperation"}
#: Endpoints found not to support message move tasks (asked once per process: the moto server's
#: HTTP 500 is retried by botocore before it reaches us, which takes a few seconds).
_NO_MOVE_TASK: set[str] = set()


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


@dataclass
class RedriveResult:
    """How messages went back from a DLQ to their source queue."""

    method: str  # "StartMessageMoveTask" or "receive-send-delete"
    moved: int
    left: int  # messages not selected (still in the DLQ)
    note: str


def redrive(source_url: str, dlq_url: str, *, select: Callable[[str], bool] | None = None,
            timeout_s: float = 120) -> RedriveResult:
    """Move the DLQ's messages back to ``source_url`` (all, or those whose body ``select`` accepts).

    Chosen by capability, never by backend name: without ``select`` it asks for
    ``StartMessageMoveTask`` first (real AWS: SQS moves them, at up to 500 messages a second, and
    we wait until the task is done); a backend that does not offer it (moto) gets the manual move,
    receive → send → delete in batches of 10. A message is deleted from the DLQ only after it was
    sent to the source queue, so a failure half-way duplicates at worst, never loses.
    """
    if select is None:
        native = _try_move_task(source_url, dlq_url, timeout_s)
        if isinstance(native, RedriveResult):
            return native
        code = native
    else:
        code = "select"
    moved, left = _move_by_hand(source_url, dlq_url, select)
    if code == "select":
        note = say("failure.redrive_selected", moved=moved, left=left)
    else:
        note = say("failure.redrive_fallback", code=code, moved=moved)
    return RedriveResult("receive-send-delete", moved, left, note)


def _try_move_task(source_url: str, dlq_url: str, timeout_s: float) -> RedriveResult | str:
    """Run a message move task; return the result, or the error code that says it is unsupported."""
    import botocore.exceptions

    where = current().endpoint or current().name
    if where in _NO_MOVE_TASK:
        return "unsupported (checked earlier in this session)"
    sqs = client("sqs")
    dlq_arn, source_arn = queue_arn(dlq_url), queue_arn(source_url)
    total = queue_depth(dlq_url)["visible"]
    try:
        task = sqs.start_message_move_task(SourceArn=dlq_arn, DestinationArn=source_arn)["TaskHandle"]
    except NotImplementedError as exc:  # moto in-process
        _NO_MOVE_TASK.add(where)
        return type(exc).__name__
    except botocore.exceptions.ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code not in _UNSUPPORTED:
            raise
        _NO_MOVE_TASK.add(where)
        return code
    latest: dict[str, Any] = {}

    def finished() -> bool:
        nonlocal latest
        results = sqs.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=1).get("Results", [])
        latest = results[0] if results else {}
        return latest.get("Status") in ("COMPLETED", "FAILED", "CANCELLED")

    if not wait_until(finished, timeout_s, poll_s=1.0):
        raise WorkshopError("failure.redrive_timeout", timeout=timeout_s,
                            moved=latest.get("ApproximateNumberOfMessagesMoved", 0), total=total)
    if latest.get("Status") != "COMPLETED":
        raise WorkshopError("failure.redrive_failed", status=latest.get("Status"), reason=latest.get("FailureReason", "?"))
    moved = int(latest.get("ApproximateNumberOfMessagesMoved", 0))
    return RedriveResult("StartMessageMoveTask", moved, 0, say("failure.redrive_native", moved=moved, task=task[:24]))


def _move_by_hand(source_url: str, dlq_url: str, select: Callable[[str], bool] | None) -> tuple[int, int]:
    sqs = client("sqs")
    moved = 0
    skipped: list[dict[str, Any]] = []
    try:
        while True:
            msgs = sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=SQS_MAX_BATCH, WaitTimeSeconds=0,
                                       VisibilityTimeout=30, MessageAttributeNames=["All"]).get("Messages", [])
            if not msgs:
                break
            chosen = [m for m in msgs if select is None or select(m["Body"])]
            skipped += [m for m in msgs if m not in chosen]
            if not chosen:
                continue
            sent = sqs.send_message_batch(QueueUrl=source_url, Entries=[
                {"Id": str(i), "MessageBody": m["Body"],
                 **({"MessageAttributes": m["MessageAttributes"]} if m.get("MessageAttributes") else {})}
                for i, m in enumerate(chosen)])
            ok = {int(s["Id"]) for s in sent.get("Successful", [])}
            done = [m for i, m in enumerate(chosen) if i in ok]
            if done:
                sqs.delete_message_batch(QueueUrl=dlq_url, Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)])
            moved += len(done)
            skipped += [m for i, m in enumerate(chosen) if i not in ok]  # not sent: stays in the DLQ
    finally:
        for i in range(0, len(skipped), SQS_MAX_BATCH):  # the ones we did not move: visible again now
            chunk = skipped[i: i + SQS_MAX_BATCH]
            sqs.change_message_visibility_batch(QueueUrl=dlq_url, Entries=[
                {"Id": str(j), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0} for j, m in enumerate(chunk)])
    return moved, len(skipped)


def wait_for_dlq(dlq_url: str, n: int, timeout_s: float) -> bool:
    """Wait until the DLQ holds at least ``n`` visible messages (False on timeout)."""
    return wait_until(lambda: queue_depth(dlq_url)["visible"] >= n, timeout_s, poll_s=0.1)


def redrive_policy(url: str) -> dict[str, Any] | None:
    """The queue's redrive policy as SQS reports it (``deadLetterTargetArn``, ``maxReceiveCount``), or None."""
    attrs = client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"]).get("Attributes", {})
    raw = attrs.get("RedrivePolicy")
    if not raw:
        return None
    policy = json.loads(raw)
    policy["maxReceiveCount"] = int(policy["maxReceiveCount"])
    return policy
