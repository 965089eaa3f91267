"""In-process SQS consumers that behave like Lambda's SQS event source mapping.

moto cannot run Lambda code, so the notebooks consume queues with threads that do what the
Lambda service does for an SQS trigger:

* **long polling** (``ReceiveMessage`` with ``WaitTimeSeconds``; 1 s by default so ``stop()`` is
  prompt), **batches** of up to 10 messages;
* the handler gets a **Lambda-shaped SQS event** (``Records`` with ``messageId``,
  ``receiptHandle``, ``body``, ``attributes`` …, ``eventSource`` ``"aws:sqs"``) and a minimal
  Lambda-like context, so the *same* handler function could be deployed to a real Lambda;
* **partial batch responses**: a handler that returns
  ``{"batchItemFailures": [{"itemIdentifier": messageId}]}`` gets its successes deleted
  (``DeleteMessageBatch``) and only the failed messages come back, after the visibility
  timeout, exactly as with ``ReportBatchItemFailures`` on Lambda; a handler that raises fails
  the whole batch (it all comes back after the visibility timeout);
* **stop** is clean: ``drain`` finishes the batch in hand, ``release`` gives unprocessed
  messages back at once (``ChangeMessageVisibility`` 0); every thread is joined; stopping twice
  is harmless.

Handlers are built from a per-record function (a Powertools ``SQSRecord`` in; raise to fail just that
record) with :func:`batch_handler`: Powertools' ``BatchProcessor`` + ``process_partial_response``, so
``WorkerPool(url, batch_handler(record_fn), workers=2)`` consumes a queue like a deployed function.

Waiting for a condition and sampling queue depth over time are in :mod:`helpers.core.sampling`.
"""

from __future__ import annotations

import base64
import inspect
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from .backend import client, current, interrupt_long_poll
from .limits import SQS_MAX_BATCH, SQS_MAX_WAIT_S
from .messages import WorkshopError
from .resources import queue_arn, queue_depth
from .sampling import wait_until

#: What a handler looks like: ``handler(event, context) -> {"batchItemFailures": [...]} | None``.
Handler = Callable[[dict[str, Any], Any], Any]

DEFAULT_WAIT_S = 1
STOP_MODES = ("drain", "release")
_NO_QUEUE_CODES = ("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist")


# --- the Lambda side: event, context, handler -----------------------------------------------


class LambdaContext:
    """The few attributes of Lambda's context object a handler usually reads.

    Workshop extension: :meth:`release_requested` tells a handler that its worker is stopping in
    ``release`` mode, so the records it has not started should be handed back (a real Lambda
    context has no such method; :func:`batch_handler` checks for it with ``getattr``).
    """

    def __init__(self, function_name: str, region: str, account: str, timeout_s: float,
                 stopping: Callable[[], bool] | None = None) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{region}:{account}:function:{function_name}"
        self.memory_limit_in_mb = 128
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = time.strftime("%Y/%m/%d/[$LATEST]") + uuid.uuid4().hex
        self._deadline = time.monotonic() + timeout_s
        self._stopping = stopping or (lambda: False)
        #: message ids the handler handed back because of a release (filled by batch_handler)
        self.released_ids: set[str] = set()

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before this invocation's (notional) timeout."""
        return max(0, int((self._deadline - time.monotonic()) * 1000))

    def release_requested(self) -> bool:
        """True when the worker is stopping in ``release`` mode: unstarted records should go back."""
        return self._stopping()


def sqs_record(message: dict[str, Any], queue_arn_: str, region: str) -> dict[str, Any]:
    """Turn one ``ReceiveMessage`` message into a record of Lambda's SQS event (same field names)."""
    attrs = {}
    for key, value in message.get("MessageAttributes", {}).items():
        attr: dict[str, Any] = {"dataType": value["DataType"], "stringListValues": [], "binaryListValues": []}
        if "StringValue" in value:
            attr["stringValue"] = value["StringValue"]
        if "BinaryValue" in value:
            attr["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode()
        attrs[key] = attr
    record: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": dict(message.get("Attributes", {})),
        "messageAttributes": attrs,
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn_,
        "awsRegion": region,
    }
    if "MD5OfMessageAttributes" in message:
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def sqs_event(messages: list[dict[str, Any]], queue_arn_: str, region: str) -> dict[str, Any]:
    """The event Lambda would pass for this batch of received messages."""
    return {"Records": [sqs_record(m, queue_arn_, region) for m in messages]}


def fake_sqs_event(bodies: list[str], *, queue: str = "example-queue", region: str = "ap-northeast-1",
                   receive_count: int = 1) -> dict[str, Any]:
    """A Lambda SQS event built from bodies alone (no queue): for unit tests and exercises.

    Message ids are ``m0``, ``m1`` … so a test can say which ones should fail.
    """
    now = str(int(time.time() * 1000))
    arn = f"arn:aws:sqs:{region}:123456789012:{queue}"
    return sqs_event(
        [
            {
                "MessageId": f"m{i}",
                "ReceiptHandle": f"rh-{i}",
                "Body": body,
                "MD5OfBody": "",
                "Attributes": {
                    "ApproximateReceiveCount": str(receive_count),
                    "SentTimestamp": now,
                    "ApproximateFirstReceiveTimestamp": now,
                    "SenderId": "AIDAEXAMPLE",
                },
            }
            for i, body in enumerate(bodies)
        ],
        arn,
        region,
    )


class Released(Exception):
    """Raised for a record the handler did not start because its worker is releasing messages."""


def batch_handler(record_fn: Callable[..., Any], *, fifo: bool = False, skip_group_on_error: bool = True) -> Handler:
    """A Lambda handler for SQS built from a per-record function, with Powertools' batch utilities.

    ``record_fn(record)`` receives a Powertools ``SQSRecord`` (``record.body``,
    ``record.json_body``, ``record.message_id``, ``record.attributes.approximate_receive_count``;
    add a ``lambda_context`` parameter to get the context too) and raises to fail that record.
    The handler returns the partial batch response Lambda expects, so only failed records are
    retried. ``fifo=True`` uses ``SqsFifoPartialProcessor``: after a failure, the later records
    of the same message group are failed too (all later records if ``skip_group_on_error`` is
    False), so the order within a group is kept while other groups carry on.

    A new processor is made per invocation: on Lambda one execution environment runs one
    invocation at a time, but here several worker threads share the handler.
    """
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        SqsFifoPartialProcessor,
        process_partial_response,
    )

    wants_context = "lambda_context" in inspect.signature(record_fn).parameters

    def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
        stopping = getattr(context, "release_requested", None)
        released = getattr(context, "released_ids", None)

        def guarded(record: Any, lambda_context: Any = None) -> Any:
            if stopping is not None and stopping():
                if released is not None:
                    released.add(record.message_id)
                raise Released(record.message_id)
            if wants_context:
                return record_fn(record, lambda_context=lambda_context)
            return record_fn(record)

        processor = (
            SqsFifoPartialProcessor(skip_group_on_error=skip_group_on_error)
            if fifo
            else BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
        )
        return process_partial_response(event=event, record_handler=guarded, processor=processor, context=context)

    handler.record_fn = record_fn  # type: ignore[attr-defined]
    handler.__doc__ = f"SQS batch handler (Powertools) around {getattr(record_fn, '__name__', 'a record function')}."
    return handler


def failed_ids(result: Any, message_ids: list[str]) -> set[str]:
    """Which messages Lambda would treat as failed, given the handler's return value.

    Lambda's rules: ``None``, ``{}`` or an empty/absent ``batchItemFailures`` is full success; an
    item with an empty, missing or unknown ``itemIdentifier`` (or a malformed response) fails
    the whole batch.
    """
    if result is None:
        return set()
    if not isinstance(result, dict):
        return set(message_ids)
    failures = result.get("batchItemFailures")
    if not failures:
        return set()
    if not isinstance(failures, list):
        return set(message_ids)
    known = set(message_ids)
    ids: set[str] = set()
    for item in failures:
        ident = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not ident or ident not in known:
            return set(message_ids)
        ids.add(ident)
    return ids


@dataclass
class WorkerStats:
    """What a worker (or a whole pool) did. Every delivery counts, redeliveries included."""

    received: int = 0  # messages received
    succeeded: int = 0  # processed and deleted
    failed: int = 0  # failed (reported, or the handler raised): they come back after the visibility timeout
    released: int = 0  # handed back unprocessed at stop (release mode)
    empty_receives: int = 0  # ReceiveMessage calls that returned nothing (billed on AWS all the same)
    receives: int = 0  # ReceiveMessage calls
    api_calls: int = 0  # every SQS call this worker made (receive, delete, change visibility)
    batches: int = 0  # handler invocations
    handler_errors: int = 0  # invocations that raised
    errors: list[str] = field(default_factory=list)  # API errors (capped at 20)

    def __add__(self, other: WorkerStats) -> WorkerStats:
        total = WorkerStats()
        for f in fields(WorkerStats):
            setattr(total, f.name, getattr(self, f.name) + getattr(other, f.name))
        total.errors = total.errors[:20]
        return total

    def as_dict(self) -> dict[str, Any]:
        """The counters as a plain dict (for tables)."""
        return {f.name: getattr(self, f.name) for f in fields(WorkerStats) if f.name != "errors"}


def _check_settings(handler: Any, batch_size: Any, wait_time_s: Any, on_stop: Any) -> None:
    if not callable(handler):
        raise WorkshopError("workers.not_a_handler", kind=type(handler).__name__)
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or not 1 <= batch_size <= SQS_MAX_BATCH:
        raise WorkshopError("workers.bad_batch_size", value=batch_size)
    if not isinstance(wait_time_s, int) or isinstance(wait_time_s, bool) or not 0 <= wait_time_s <= SQS_MAX_WAIT_S:
        raise WorkshopError("workers.bad_wait", value=wait_time_s)
    if on_stop not in STOP_MODES:
        raise WorkshopError("workers.bad_on_stop", value=on_stop)


_RETIRING: set[Worker] = set()  # stopped with wait=False, thread maybe still in its last long poll
_RETIRING_LOCK = threading.Lock()


def _retiring_of(queue_url: str | None) -> list[Worker]:
    with _RETIRING_LOCK:
        return [w for w in _RETIRING if queue_url is None or w.queue_url == queue_url]


def join_retiring(queue_url: str | None = None, timeout: float | None = None) -> int:
    """Join the workers stopped with ``wait=False`` (all, or those of ``queue_url``); returns how many."""
    found = _retiring_of(queue_url)
    for w in found:
        w.join(timeout)
    return len(found)


class Worker:
    """One consumer thread: long-polls ``queue_url`` and invokes ``handler`` per batch, like Lambda.

    ``visibility_timeout`` (seconds) overrides the queue's for the messages this worker
    receives (``ReceiveMessage`` ``VisibilityTimeout``); ``None`` uses the queue's setting, as
    the Lambda service does. ``on_stop`` is the default for :meth:`stop`. ``receive`` replaces the
    worker's ReceiveMessage with a lesson's ``receive(queue_url, max_messages=, wait_s=, visibility_timeout=)``.
    """

    def __init__(
        self,
        queue_url: str,
        handler: Handler,
        *,
        batch_size: int = SQS_MAX_BATCH,
        wait_time_s: int = DEFAULT_WAIT_S,
        visibility_timeout: int | None = None,
        on_stop: str = "drain",
        name: str = "worker",
        function_timeout_s: float = 30.0,
        receive: Callable[..., list[dict[str, Any]]] | None = None,
    ) -> None:
        _check_settings(handler, batch_size, wait_time_s, on_stop)
        self.queue_url = queue_url
        self.handler = handler
        self.batch_size = batch_size
        self.wait_time_s = wait_time_s
        self.visibility_timeout = visibility_timeout
        self.on_stop = on_stop
        self.name = name
        self.function_timeout_s = function_timeout_s
        self.receive = receive  # None: the worker's own ReceiveMessage call below
        self.stats = WorkerStats()
        self.last_handler_error: BaseException | None = None
        self._stop = threading.Event()
        self._mode = on_stop
        self._thread: threading.Thread | None = None
        self._arn = ""

    # lifecycle ------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        """True while the polling thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> Worker:
        """Start polling (no-op if already running). Returns ``self`` for chaining.

        Workers of the same queue still finishing a ``stop(wait=False)`` are joined first, so two
        generations of workers never overlap on one queue.
        """
        if self.running and self not in _retiring_of(self.queue_url):
            return self
        join_retiring(self.queue_url)
        if not self._arn:
            self._arn = queue_arn(self.queue_url)
        self._stop.clear()
        self._mode = self.on_stop
        self._thread = threading.Thread(target=self._run, name=f"sqs-worker-{self.name}", daemon=True)
        self._thread.start()
        return self

    def request_stop(self, mode: str | None = None) -> None:
        """Ask the worker to stop after the current step, without waiting (see :meth:`stop`)."""
        chosen = mode or self.on_stop
        if chosen not in STOP_MODES:
            raise WorkshopError("workers.bad_on_stop", value=chosen)
        self._mode = chosen
        self._stop.set()
        thread = self._thread
        if thread is not None:  # an idle worker need not sit out its long poll
            interrupt_long_poll(thread.ident)

    def join(self, timeout: float | None = None) -> None:
        """Wait for the thread to end; a clear error if its handler is still busy after ``timeout``."""
        thread = self._thread
        if thread is None:
            return
        limit = timeout if timeout is not None else self.wait_time_s + self.function_timeout_s + 5
        thread.join(limit)
        if thread.is_alive():
            raise WorkshopError("workers.stuck", name=self.name, timeout=limit)
        self._thread = None
        with _RETIRING_LOCK:
            _RETIRING.discard(self)

    def stop(self, mode: str | None = None, timeout: float | None = None, *, wait: bool = True) -> WorkerStats:
        """Stop and join the thread; idempotent.

        ``mode="drain"`` finishes the batch in hand (and deletes what succeeded);
        ``mode="release"`` makes every message not yet processed visible again at once, so
        another consumer can take it without waiting for the visibility timeout.

        ``wait=False`` only signals: an idle worker ends by itself when its current long poll
        does (at most ``wait_time_s``), and is joined by :func:`join_retiring` or by the next
        worker started on the same queue. The counters may still change by that last poll.
        """
        self.request_stop(mode)
        if wait:
            self.join(timeout)
        elif self._thread is not None:
            with _RETIRING_LOCK:
                _RETIRING.add(self)
        return self.stats

    def run_once(self) -> int:
        """One turn of the polling loop in the caller's thread: receive, invoke, delete. Returns messages handled.

        What the background thread does over and over; handy to show one poll step by step.
        """
        if self.running:
            raise WorkshopError("workers.run_once_running", name=self.name)
        if not self._arn:
            self._arn = queue_arn(self.queue_url)
        info = current()
        before = self.stats.received
        messages = self._receive()
        if messages:
            self._invoke(messages, info.region, info.account)
        return self.stats.received - before

    def __enter__(self) -> Worker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # the loop -------------------------------------------------------------------------
    def _releasing(self) -> bool:
        return self._stop.is_set() and self._mode == "release"

    def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        self.stats.api_calls += 1
        return getattr(client("sqs"), operation)(**params)

    def _error(self, exc: BaseException) -> None:
        if len(self.stats.errors) < 20:
            self.stats.errors.append(f"{type(exc).__name__}: {exc}")

    def _receive(self) -> list[dict[str, Any]] | None:
        """One ReceiveMessage; ``None`` if the queue is gone (the worker should end)."""
        params: dict[str, Any] = {
            "QueueUrl": self.queue_url,
            "MaxNumberOfMessages": self.batch_size,
            "WaitTimeSeconds": self.wait_time_s,
            "MessageSystemAttributeNames": ["All"],
            "MessageAttributeNames": ["All"],
        }
        if self.visibility_timeout is not None:
            params["VisibilityTimeout"] = self.visibility_timeout
        try:
            self.stats.receives += 1
            if self.receive is None:
                messages = self._call("receive_message", **params).get("Messages", [])
            else:
                self.stats.api_calls += 1
                messages = self.receive(self.queue_url, max_messages=self.batch_size, wait_s=self.wait_time_s,
                                        visibility_timeout=self.visibility_timeout)
        except Exception as exc:  # reported in stats; a vanished queue ends the worker
            self._error(exc)
            code = getattr(exc, "response", {}).get("Error", {}).get("Code", "")
            if code in _NO_QUEUE_CODES:
                return None
            self._stop.wait(0.2)
            return []
        if not messages:
            self.stats.empty_receives += 1
        self.stats.received += len(messages)
        return messages

    def _run(self) -> None:
        info = current()
        while not self._stop.is_set():
            messages = self._receive()
            if messages is None:
                return
            if not messages:
                continue
            if self._releasing():  # received while stopping: give them straight back
                self._release(messages)
                continue
            self._invoke(messages, info.region, info.account)

    def _invoke(self, messages: list[dict[str, Any]], region: str, account: str) -> None:
        event = sqs_event(messages, self._arn, region)
        context = LambdaContext(self.name, region, account, self.function_timeout_s, stopping=self._releasing)
        ids = [m["MessageId"] for m in messages]
        self.stats.batches += 1
        try:
            result = self.handler(event, context)
        except Exception as exc:  # like Lambda: the whole batch returns after the visibility timeout
            self.stats.handler_errors += 1
            self.stats.failed += len(messages)
            self.last_handler_error = exc
            return
        bad = failed_ids(result, ids)
        released = context.released_ids & bad
        done = [m for m in messages if m["MessageId"] not in bad]
        self._delete(done)
        self.stats.failed += len(bad - released)
        if released:
            self._release([m for m in messages if m["MessageId"] in released])

    def _delete(self, messages: list[dict[str, Any]]) -> None:
        if not messages:
            return
        entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
        try:
            response = self._call("delete_message_batch", QueueUrl=self.queue_url, Entries=entries)
        except Exception as exc:
            self._error(exc)
            return
        failed = response.get("Failed", [])
        for item in failed:
            self._error(RuntimeError(f"delete failed: {item.get('Code')} {item.get('Message', '')}"))
        self.stats.succeeded += len(messages) - len(failed)

    def _release(self, messages: list[dict[str, Any]]) -> None:
        entries = [
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
            for i, m in enumerate(messages)
        ]
        try:
            self._call("change_message_visibility_batch", QueueUrl=self.queue_url, Entries=entries)
            self.stats.released += len(messages)
        except Exception as exc:  # they come back after the visibility timeout instead
            self._error(exc)


class WorkerPool:
    """``workers`` identical :class:`Worker` threads on one queue: Lambda concurrency, in-process.

    Extra keyword arguments go to every :class:`Worker`. Stopping signals every worker first and
    then joins them, so a pool stops in about one long-poll wait, whatever its size.
    """

    def __init__(self, queue_url: str, handler: Handler, *, workers: int = 1, name: str = "pool",
                 **worker_kwargs: Any) -> None:
        if not isinstance(workers, int) or isinstance(workers, bool) or not 1 <= workers <= 32:
            raise WorkshopError("workers.bad_pool_size", value=workers)
        self.queue_url = queue_url
        self.handler = handler
        self.name = name
        self._kwargs = worker_kwargs
        self._made = 0
        self._retired: list[Worker] = []
        self.workers: list[Worker] = []
        for _ in range(workers):
            self._add()

    def _add(self) -> Worker:
        worker = Worker(self.queue_url, self.handler, name=f"{self.name}-{self._made}", **self._kwargs)
        self._made += 1
        self.workers.append(worker)
        return worker

    def scale_to(self, workers: int) -> None:
        """Grow or shrink the pool, running or not (Lambda adds and removes pollers the same way).

        New workers start at once if the pool is running; removed ones drain their batch and are
        joined. Counters of removed workers stay in :attr:`stats`.
        """
        if not isinstance(workers, int) or isinstance(workers, bool) or not 1 <= workers <= 32:
            raise WorkshopError("workers.bad_pool_size", value=workers)
        running = self.running
        while len(self.workers) < workers:
            added = self._add()
            if running:
                added.start()
        leaving = self.workers[workers:]
        del self.workers[workers:]
        for w in leaving:
            w.request_stop()
        for w in leaving:
            w.join()
        self._retired.extend(leaving)

    @property
    def size(self) -> int:
        """Number of workers."""
        return len(self.workers)

    @property
    def running(self) -> bool:
        """True while any worker thread is alive."""
        return any(w.running for w in self.workers)

    @property
    def stats(self) -> WorkerStats:
        """All workers' counters added up."""
        total = WorkerStats()
        for w in [*self._retired, *self.workers]:
            total = total + w.stats
        return total

    def start(self) -> WorkerPool:
        """Start every worker."""
        for w in self.workers:
            w.start()
        return self

    def stop(self, mode: str | None = None, timeout: float | None = None, *, wait: bool = True) -> WorkerStats:
        """Signal every worker, then join them all (see :meth:`Worker.stop`, also for ``wait``); idempotent."""
        for w in self.workers:
            w.request_stop(mode)
        for w in self.workers:
            w.stop(mode, timeout, wait=wait)
        return self.stats

    def wait_for_succeeded(self, n: int, timeout: float) -> bool:
        """Wait until the pool has processed and deleted at least ``n`` messages (False on timeout)."""
        return wait_until(lambda: self.stats.succeeded >= n, timeout)

    def wait_until_empty(self, timeout: float) -> bool:
        """Wait until the queue has nothing visible, in flight or delayed (asks SQS, ~10 times a second)."""
        return wait_until(lambda: sum(queue_depth(self.queue_url).values()) == 0, timeout, poll_s=0.1)

    def __enter__(self) -> WorkerPool:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
