"""Pub/sub fan-out: one "order placed" event on an SNS topic, one SQS queue (and workers) per service.

The publisher (:class:`FanoutShop`) does only what the customer must wait for, then announces
the order once::

    validate → size check → store ACCEPTED → Publish "OrderPlaced" to <prefix>-order-events → 202

It does not know who listens. Each downstream service owns a queue subscribed to the topic and
its own worker pool (:class:`Subscriber`)::

    <prefix>-order-events ──► <prefix>-shipping  → workers → shop.create_shipment(order)
                          ├─► <prefix>-email     → workers → shop.send_email(order)
                          └─► <prefix>-points    → workers → shop.add_points(order)

so each service fails, scales and deploys on its own, and a new service is one more
subscription (:meth:`FanoutShop.add_subscriber`) — the publisher's code is not touched.

Public API (kept stable; later notebooks build on it):

* :class:`FanoutShop` — ``FanoutShop.create(shop=None, *, services=SERVICES, topic=TOPIC,
  queue_options=None, visibility_timeout=30, raw=False)`` creates (or reuses) the topic, one
  queue per service and their subscriptions, and empties the queues. ``queue_options`` gives
  per-service queue settings, e.g. ``{"email": {"dlq": True, "max_receive_count": 3,
  "visibility_timeout": 2}}`` (``dlq=True`` creates ``<prefix>-<name>-dlq`` and attaches it;
  any other key goes to :func:`helpers.core.resources.ensure_queue`).
  ``place_order(payload) -> Published`` (never raises for bad input: 400 for an invalid order,
  413 for an event over SNS's limit, nothing stored in either case); ``place_many(payloads)``;
  ``subscribers`` (name → :class:`Subscriber`); ``add_subscriber(name, record_fn=None, *,
  step=None, filter_policy=None, filter_scope="MessageAttributes", raw=False, queue_options=None)``;
  ``remove_subscriber(name)``; ``start(workers=1, **worker_kwargs)`` / ``stop()`` (all pools; also
  a context manager); ``wait_until_processed(order_ids, services=None, timeout=30)``;
  ``topology() -> list[SubscriptionInfo]`` (read back from SNS).
* :class:`Subscriber` — ``name``, ``queue_url``, ``subscription_arn``, ``dlq_url``,
  ``pool`` (a :class:`~helpers.core.workers.WorkerPool`, ``None`` until started), ``start(workers=1,
  **worker_kwargs)``, ``stop(mode=None)``, ``handler`` (Powertools batch handler),
  ``process_record(record)``, and what it did: ``done`` (order id → times processed),
  ``attempts``, ``events`` (every :class:`Event` it processed, in order).
* :func:`parse_event` — envelope-aware: the body a subscriber receives is SNS's JSON envelope
  (``{"Type": "Notification", "Message": "…", "MessageAttributes": {…}}``) or, with raw message
  delivery, the published message itself (attributes then arrive as SQS message attributes).
  Both become the same :class:`Event` (``body``, ``attributes``, ``envelope``, ``order``).
* :func:`build_event` / :func:`event_size` / :func:`check_event_size` — the event and SNS's
  256 KiB limit (:data:`SNS_MAX_BYTES`; SQS alone takes 1 MiB, :data:`SQS_MAX_BYTES`).
* :func:`read_topology` — the topic's actual subscriptions and filter policies, from SNS;
  :func:`queue_policy` — a queue's access policy (what lets the topic send on real AWS).
* :func:`policy_matches` — a local model of SNS filter policies (exact, numeric, prefix, suffix,
  anything-but, exists, equals-ignore-case; attribute or body scope), checked against the
  backend by the tests; used for predictions, the exercises and :func:`try_policy`.
* Demonstrations for 04 (each returns a dataclass the figures in :mod:`helpers.fanout.plots`
  draw): :func:`fanout_run`, :func:`deploy_run`, :func:`live_add` (+ :func:`publisher_unchanged`),
  :func:`routing_run` (+ :data:`ROUTING_ORDERS`, :data:`ROUTING_SUBSCRIBERS`,
  :func:`expected_routes`), :func:`delivery_demo`, :func:`oversized_demo`, :func:`collect`.

moto note: moto delivers SNS → SQS synchronously inside ``Publish``, so on moto the publish
time grows a little with every subscriber; on AWS, ``Publish`` returns once SNS has stored the
message and deliveries happen afterwards.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.backend import client
from ..core.messages import WorkshopError, say
from ..core.resources import _paginate, ensure_queue, ensure_topic, purge, queue_arn, subscribe_queue
from ..core.workers import Handler, WorkerPool, batch_handler, wait_until
from ..shop import InvalidOrder, Order, Shop, Status

#: The topic every order event is published to: ``<prefix>-order-events``.
TOPIC = "order-events"
#: The event type in the body and in the ``event_type`` message attribute.
EVENT_TYPE = "OrderPlaced"
#: The services fanned out to by default: queue short name → domain step it runs.
SERVICES: dict[str, str] = {"shipping": "shipping", "email": "email", "points": "points"}
#: SNS's maximum message size (message + attributes): 256 KiB.
SNS_MAX_BYTES = 262_144
#: SQS's maximum message size since August 2025: 1 MiB (the SNS limit is the one that binds here).
SQS_MAX_BYTES = 1_048_576
#: Shipping speeds an order may ask for (payload key ``"shipping"``).
SHIPPING_SPEEDS = ("standard", "express")
#: The loyalty tier the shop keeps for each sample customer (everyone else: ``"regular"``).
CUSTOMER_TIERS: dict[str, str] = {
    "cust-aiko": "gold",
    "cust-mei": "gold",
    "cust-yuto": "gold",
    "cust-haruto": "silver",
    "cust-sakura": "silver",
    "cust-kaito": "silver",
}
_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")


# --- the event -------------------------------------------------------------------------------------


def customer_tier(customer_id: str) -> str:
    """The customer's loyalty tier as the shop knows it: ``gold``, ``silver`` or ``regular``."""
    return CUSTOMER_TIERS.get(customer_id, "regular")


def build_event(order: Order, *, shipping: str = "standard", gift_message: str = "") -> tuple[str, dict[str, Any]]:
    """The "OrderPlaced" event for ``order``: ``(message JSON, SNS message attributes)``.

    The body carries the whole order (subscribers need nothing else) plus the routing facts;
    the attributes repeat the facts subscribers filter on: ``event_type``, ``shipping_speed``,
    ``customer_tier`` (String) and ``total_amount`` (Number, yen).
    """
    tier = customer_tier(order.customer_id)
    body: dict[str, Any] = {
        "event_type": EVENT_TYPE,
        "order": order.to_dict(),
        "shipping": {"speed": shipping},
        "customer": {"id": order.customer_id, "tier": tier},
    }
    if gift_message:
        body["gift_message"] = gift_message
    attributes = {
        "event_type": {"DataType": "String", "StringValue": EVENT_TYPE},
        "shipping_speed": {"DataType": "String", "StringValue": shipping},
        "customer_tier": {"DataType": "String", "StringValue": tier},
        "total_amount": {"DataType": "Number", "StringValue": str(order.total_jpy)},
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True), attributes


def event_size(message: str, attributes: dict[str, Any] | None = None) -> int:
    """Bytes SNS counts against its limit: the UTF-8 message plus every attribute's name, type and value."""
    size = len(message.encode("utf-8"))
    for name, attr in (attributes or {}).items():
        value = attr.get("StringValue", attr.get("BinaryValue", b""))
        value_len = len(value) if isinstance(value, (bytes, bytearray)) else len(str(value).encode("utf-8"))
        size += len(name.encode("utf-8")) + len(attr.get("DataType", "").encode("utf-8")) + value_len
    return size


def check_event_size(message: str, attributes: dict[str, Any] | None = None) -> int:
    """Raise :class:`WorkshopError` (one sentence) if the event is over SNS's 256 KiB; return its size."""
    size = event_size(message, attributes)
    if size > SNS_MAX_BYTES:
        raise WorkshopError("fanout.too_big", size_kib=size / 1024, limit_kib=SNS_MAX_BYTES / 1024)
    return size


@dataclass(frozen=True)
class Event:
    """An order event as a subscriber sees it, whatever the delivery (envelope or raw)."""

    body: dict[str, Any]  # the event as published
    attributes: dict[str, Any]  # message attributes: name → value (Number → int/float)
    envelope: bool  # True: it arrived wrapped in SNS's JSON envelope; False: raw delivery
    message_id: str  # SNS message id (envelope) or SQS message id (raw)
    topic_arn: str | None = None  # only the envelope says which topic sent it

    @property
    def order(self) -> Order:
        """The order inside the event (:class:`InvalidOrder` if there is none)."""
        data = self.body.get("order", self.body)
        if not isinstance(data, dict):
            raise InvalidOrder("shop.invalid.message", detail="the event has no order object")
        return Order.from_dict(data)

    @property
    def order_id(self) -> str:
        """The order's id (empty if the event has none)."""
        data = self.body.get("order")
        return str(data.get("order_id", "")) if isinstance(data, dict) else str(self.body.get("order_id", ""))

    @property
    def shipping_speed(self) -> str:
        """``standard`` or ``express``."""
        return str((self.body.get("shipping") or {}).get("speed", "standard"))

    @property
    def tier(self) -> str:
        """The customer's loyalty tier at the time of the order."""
        return str((self.body.get("customer") or {}).get("tier", "regular"))


def _number(value: str) -> int | float:
    try:
        return int(value)
    except ValueError:
        return float(value)


def _attr_value(data_type: str, value: Any) -> Any:
    return _number(str(value)) if data_type.startswith("Number") else value


def parse_event(record: Any) -> Event:
    """Read an order event from what a subscriber received; envelope or raw, the result is the same.

    ``record`` may be a Powertools ``SQSRecord``, a record of Lambda's SQS event (dict with
    ``body``), a ``ReceiveMessage`` message (dict with ``Body``) or the body string itself.
    Raises :class:`WorkshopError` (so the record fails, and is retried or dead-lettered) when the
    body is not JSON or not an object.
    """
    body, sqs_attrs, sqs_id = _unpack(record)
    try:
        data = json.loads(body)
    except (TypeError, ValueError):
        raise WorkshopError("fanout.not_event", start=str(body)[:60]) from None
    if not isinstance(data, dict):
        raise WorkshopError("fanout.not_event", start=str(body)[:60])
    if data.get("Type") == "Notification" and "Message" in data:  # SNS's envelope
        try:
            inner = json.loads(data["Message"])
        except (TypeError, ValueError):
            raise WorkshopError("fanout.not_event", start=str(data["Message"])[:60]) from None
        if not isinstance(inner, dict):
            raise WorkshopError("fanout.not_event", start=str(data["Message"])[:60])
        attrs = {
            name: _attr_value(str(a.get("Type", "String")), a.get("Value"))
            for name, a in (data.get("MessageAttributes") or {}).items()
        }
        return Event(inner, attrs, True, str(data.get("MessageId", sqs_id)), data.get("TopicArn"))
    return Event(data, sqs_attrs, False, sqs_id, None)


def _unpack(record: Any) -> tuple[Any, dict[str, Any], str]:
    """(body, message attributes as name → value, SQS message id) from any accepted record shape."""
    if isinstance(record, (str, bytes, bytearray)):
        return record, {}, ""
    if isinstance(record, dict) and "Body" in record:  # ReceiveMessage
        attrs = {
            n: _attr_value(a.get("DataType", "String"), a.get("StringValue"))
            for n, a in (record.get("MessageAttributes") or {}).items()
        }
        return record["Body"], attrs, str(record.get("MessageId", ""))
    raw = record.raw_event if hasattr(record, "raw_event") else record  # Powertools SQSRecord
    if isinstance(raw, dict) and "body" in raw:  # Lambda's SQS event record
        attrs = {
            n: _attr_value(a.get("dataType", "String"), a.get("stringValue"))
            for n, a in (raw.get("messageAttributes") or {}).items()
        }
        return raw["body"], attrs, str(raw.get("messageId", ""))
    raise WorkshopError("fanout.not_event", start=type(record).__name__)


# --- the publisher's answer ----------------------------------------------------------------------


@dataclass
class Published:
    """The answer of :meth:`FanoutShop.place_order`: what the client gets back, and how fast."""

    order_id: str | None
    status: str  # "ACCEPTED" or "REJECTED"
    start: float  # time.perf_counter() when the request arrived
    end: float  # … and when it was answered
    message_id: str | None = None  # SNS message id of the published event
    size_bytes: int = 0  # the event's size as SNS counts it
    error: str | None = None
    http_status: int = 202
    publish_ms: float = 0.0  # the Publish call alone, real ms (on moto it includes the deliveries)

    @property
    def ok(self) -> bool:
        """True when the order was stored and its event published."""
        return self.status == Status.ACCEPTED

    @property
    def response_ms(self) -> float:
        """What the client waited, real ms."""
        return (self.end - self.start) * 1000


# --- subscribers ---------------------------------------------------------------------------------

RecordFn = Callable[[Event], Any]


class Subscriber:
    """One service behind the topic: its queue, its subscription, its workers, its counts.

    ``record_fn(event)`` does the service's work for one :class:`Event` and raises to fail the
    record (it then comes back after the visibility timeout, and goes to the DLQ after
    ``max_receive_count`` receives if the queue has one).
    """

    def __init__(self, name: str, queue_url: str, subscription_arn: str, record_fn: RecordFn, *,
                 dlq_url: str | None = None, owner: FanoutShop | None = None) -> None:
        self.name = name
        #: the :class:`FanoutShop` whose topic this subscriber listens to (``None`` if made by hand)
        self.owner = owner
        self.queue_url = queue_url
        self.subscription_arn = subscription_arn
        self.record_fn = record_fn
        self.dlq_url = dlq_url
        self.pool: WorkerPool | None = None
        self._lock = threading.Lock()
        #: order id → how many times this service processed it successfully
        self.done: Counter[str] = Counter()
        #: order id → how many times a worker tried (successes and failures)
        self.attempts: Counter[str] = Counter()
        #: every event processed successfully, in the order they finished
        self.events: list[Event] = []
        #: order id → time.perf_counter() of the first success
        self.finished_at: dict[str, float] = {}

    def process_record(self, record: Any) -> Any:
        """Parse the event (envelope or raw) and run :attr:`record_fn`; raise to fail this record."""
        event = parse_event(record)
        with self._lock:
            self.attempts[event.order_id] += 1
        result = self.record_fn(event)
        with self._lock:
            self.done[event.order_id] += 1
            self.events.append(event)
            self.finished_at.setdefault(event.order_id, time.perf_counter())
        return result

    @property
    def handler(self) -> Handler:
        """The service's worker Lambda: Powertools batch processing around :meth:`process_record`."""
        return batch_handler(self.process_record)

    def start(self, workers: int = 1, **worker_kwargs: Any) -> Subscriber:
        """Start (or resize) this service's worker pool; returns ``self``."""
        if self.pool is not None and self.pool.running:
            self.pool.scale_to(workers)
            return self
        self.pool = WorkerPool(self.queue_url, self.handler, workers=workers, name=self.name, **worker_kwargs)
        self.pool.start()
        return self

    def stop(self, mode: str | None = None) -> None:
        """Stop this service's workers (idempotent); its queue keeps collecting events."""
        if self.pool is not None:
            self.pool.stop(mode)

    @property
    def running(self) -> bool:
        """True while the service's workers run."""
        return self.pool is not None and self.pool.running

    def processed(self, order_ids: Iterable[str] | None = None) -> int:
        """Distinct orders this service processed (optionally only among ``order_ids``)."""
        with self._lock:
            if order_ids is None:
                return len(self.done)
            return sum(1 for o in set(order_ids) if self.done.get(o))

    def reset_counts(self) -> None:
        """Forget what was counted so far (the queue and the workers are untouched)."""
        with self._lock:
            self.done.clear()
            self.attempts.clear()
            self.events.clear()
            self.finished_at.clear()

    def __repr__(self) -> str:
        return f"Subscriber({self.name!r}, processed={len(self.done)}, running={self.running})"


def _check_name(name: Any) -> str:
    if not isinstance(name, str) or not 1 <= len(name) <= 30 or not set(name) <= _NAME_CHARS or name[0] == "-":
        raise WorkshopError("fanout.bad_name", name=name)
    return name


# --- the publisher -------------------------------------------------------------------------------


class FanoutShop:
    """The order API that publishes one event per order, and the services subscribed to it."""

    def __init__(self, shop: Shop, topic_arn: str, *, visibility_timeout: int = 30) -> None:
        self.shop = shop
        self.topic_arn = topic_arn
        self.visibility_timeout = visibility_timeout
        self.subscribers: dict[str, Subscriber] = {}

    @classmethod
    def create(
        cls,
        shop: Shop | None = None,
        *,
        services: dict[str, str] | Sequence[str] = SERVICES,
        topic: str = TOPIC,
        queue_options: dict[str, dict[str, Any]] | None = None,
        visibility_timeout: int = 30,
        raw: bool = False,
        keep_other_subscriptions: bool = False,
    ) -> FanoutShop:
        """The shop, its topic ``<prefix>-order-events`` and one subscribed queue per service.

        ``services`` maps a queue short name to the domain step it runs (``"shipping"``,
        ``"email"``, ``"points"``, …) or lists step names. Everything is created or reused, and
        the queues are emptied; subscriptions of the topic to other queues (left by an earlier
        run, e.g. ``analytics``) are removed unless ``keep_other_subscriptions``. So "Run All"
        twice starts from the same place.
        """
        shop = shop or Shop.create()
        fshop = cls(shop, ensure_topic(topic), visibility_timeout=visibility_timeout)
        chosen = dict(services) if isinstance(services, dict) else {s: s for s in services}
        if not keep_other_subscriptions:
            from ..core.resources import name as full_name

            wanted = {full_name(n) for n in chosen}
            for sub in read_topology(fshop.topic_arn):
                if sub.queue_name not in wanted:
                    client("sns").unsubscribe(SubscriptionArn=sub.subscription_arn)
        options = queue_options or {}
        for name, step in chosen.items():
            fshop.add_subscriber(name, step=step, raw=raw, queue_options=options.get(name))
        return fshop

    # --- subscribers ----------------------------------------------------------------------------
    def step_record_fn(self, step: str) -> RecordFn:
        """A record function that runs the domain's ``step`` (e.g. ``shop.create_shipment``) for the event's order."""
        fn = self.shop.step_function(step)  # a clear error for an unknown step

        def run_step(event: Event) -> Any:
            return fn(event.order)  # a ServiceError fails the record: it is retried

        run_step.__name__ = f"run_{step}"
        return run_step

    def add_subscriber(
        self,
        name: str,
        record_fn: RecordFn | None = None,
        *,
        step: str | None = None,
        filter_policy: dict[str, Any] | None = None,
        filter_scope: str = "MessageAttributes",
        raw: bool = False,
        queue_options: dict[str, Any] | None = None,
    ) -> Subscriber:
        """Subscribe a new (or existing) queue ``<prefix>-<name>`` to the topic; the publisher is not touched.

        ``record_fn(event)`` is the service's work per :class:`Event`; or give ``step`` to run a
        domain step; with neither, events are only counted (e.g. analytics). ``filter_policy``
        (with ``filter_scope`` ``"MessageAttributes"`` or ``"MessageBody"``) limits which events
        the queue gets; ``raw`` turns on raw message delivery. The queue is emptied. Start its
        workers with ``.start()``.
        """
        _check_name(name)
        if filter_scope not in ("MessageAttributes", "MessageBody"):
            raise WorkshopError("fanout.bad_scope", scope=filter_scope)
        if filter_policy is not None and not isinstance(filter_policy, dict):
            raise WorkshopError("fanout.bad_policy", kind=type(filter_policy).__name__)
        if record_fn is None:
            record_fn = self.step_record_fn(step) if step else _count_only
        old = self.subscribers.get(name)
        if old is not None:
            old.stop()
        opts = dict(queue_options or {})
        dlq_url = None
        if opts.pop("dlq", False):
            dlq_url = ensure_queue(f"{name}-dlq")
            purge(dlq_url)
            opts["dlq_arn"] = queue_arn(dlq_url)
        opts.setdefault("visibility_timeout", self.visibility_timeout)
        url = ensure_queue(name, **opts)
        purge(url)
        sub_arn = subscribe_queue(self.topic_arn, url, filter_policy=filter_policy, filter_scope=filter_scope, raw=raw)
        sub = Subscriber(name, url, sub_arn, record_fn, dlq_url=dlq_url, owner=self)
        self.subscribers[name] = sub
        return sub

    def remove_subscriber(self, name: str) -> None:
        """Stop the service's workers and unsubscribe its queue (the queue itself stays)."""
        sub = self.subscribers.pop(name, None)
        if sub is None:
            raise WorkshopError("fanout.unknown_subscriber", name=name, valid=", ".join(self.subscribers) or "none")
        sub.stop()
        try:
            client("sns").unsubscribe(SubscriptionArn=sub.subscription_arn)
        except Exception as exc:  # already gone (e.g. removed by FanoutShop.create): that is the goal
            if getattr(exc, "response", {}).get("Error", {}).get("Code") not in ("NotFound", "NotFoundException"):
                raise

    def __getitem__(self, name: str) -> Subscriber:
        if name not in self.subscribers:
            raise WorkshopError("fanout.unknown_subscriber", name=name, valid=", ".join(self.subscribers) or "none")
        return self.subscribers[name]

    # --- publish ---------------------------------------------------------------------------------
    def place_order(self, payload: Any) -> Published:
        """Validate → size check → store ``ACCEPTED`` → ``Publish`` the event → answer 202.

        Never raises for bad input: an invalid order is answered 400 and an event over SNS's
        256 KiB limit 413, each with one sentence, and in both cases nothing is stored or
        published. If ``Publish`` itself fails, the stored order is removed again before the
        error is raised, so no order is ever half-accepted.
        """
        start = time.perf_counter()
        size = 0
        try:
            order = self.shop.validate(payload)
            shipping, gift = _extras(payload)
            message, attrs = build_event(order, shipping=shipping, gift_message=gift)
            size = event_size(message, attrs)
            check_event_size(message, attrs)
        except WorkshopError as err:  # InvalidOrder or too big: nothing stored, nothing sent
            code = 413 if err.key == "fanout.too_big" else 400
            oid = payload.get("order_id") if isinstance(payload, dict) else None
            return Published(oid, Status.REJECTED, start, time.perf_counter(), size_bytes=size, error=str(err),
                             http_status=code)
        order, _span = self.shop.accept_order({**payload, "order_id": order.order_id})  # simulated latency + store
        message, attrs = build_event(order, shipping=shipping, gift_message=gift)
        t_pub = time.perf_counter()
        try:
            message_id = client("sns").publish(TopicArn=self.topic_arn, Message=message, MessageAttributes=attrs)[
                "MessageId"
            ]
        except Exception:
            client("dynamodb").delete_item(
                TableName=self.shop.store.tables["orders"], Key={"order_id": {"S": order.order_id}}
            )
            raise
        end = time.perf_counter()
        return Published(order.order_id, Status.ACCEPTED, start, end, message_id, size, publish_ms=(end - t_pub) * 1000)

    def place_many(self, payloads: Sequence[Any]) -> list[Published]:
        """Place ``payloads`` one after another (one client), as fast as the API answers."""
        return [self.place_order(p) for p in payloads]

    def sample_orders(self, n: int, *, start: int = 0, express_every: int = 3) -> list[dict[str, Any]]:
        """``n`` sample payloads; every ``express_every``-th asks for express shipping."""
        out = self.shop.sample_orders(n, start=start)
        for i, p in enumerate(out):
            p["shipping"] = "express" if express_every and (start + i) % express_every == express_every - 1 else "standard"
        return out

    # --- workers -------------------------------------------------------------------------------
    def start(self, workers: int | dict[str, int] = 1, **worker_kwargs: Any) -> FanoutShop:
        """Start every subscriber's pool: ``workers`` each, or ``{name: workers}`` per service."""
        for name, sub in self.subscribers.items():
            n = workers.get(name, 1) if isinstance(workers, dict) else workers
            sub.start(n, **worker_kwargs)
        return self

    def stop(self, mode: str | None = None) -> None:
        """Stop every subscriber's workers (idempotent)."""
        for sub in self.subscribers.values():  # signal every worker first, then join: ~one poll wait in all
            for worker in sub.pool.workers if sub.pool is not None else []:
                worker.request_stop(mode)
        for sub in self.subscribers.values():
            sub.stop(mode)

    def __enter__(self) -> FanoutShop:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_until_processed(self, order_ids: Iterable[str], services: Iterable[str] | None = None,
                             timeout: float = 30) -> bool:
        """Wait until each of ``services`` (default: all) processed every order in ``order_ids``."""
        ids = set(order_ids)
        subs = [self[s] for s in (services if services is not None else list(self.subscribers))]
        return wait_until(lambda: all(sub.processed(ids) == len(ids) for sub in subs), timeout)

    def reset_counts(self) -> None:
        """Forget every subscriber's counts."""
        for sub in self.subscribers.values():
            sub.reset_counts()

    # --- read back ------------------------------------------------------------------------------
    def topology(self) -> list[SubscriptionInfo]:
        """The topic's subscriptions as SNS reports them (see :func:`read_topology`)."""
        return read_topology(self.topic_arn)


def _count_only(event: Event) -> None:
    """A subscriber that only counts events (what an analytics service starts with)."""
    return None


def _extras(payload: Any) -> tuple[str, str]:
    """The fan-out fields of a payload: ``shipping`` speed and an optional ``gift_message``."""
    data = payload if isinstance(payload, dict) else {}
    shipping = data.get("shipping", "standard")
    if shipping not in SHIPPING_SPEEDS:
        raise InvalidOrder("fanout.bad_shipping", value=shipping, valid=", ".join(SHIPPING_SPEEDS))
    gift = data.get("gift_message") or ""
    if not isinstance(gift, str):
        raise InvalidOrder("fanout.bad_gift", kind=type(gift).__name__)
    return shipping, gift


# --- topology --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubscriptionInfo:
    """One subscription of the topic, as SNS reports it."""

    subscription_arn: str
    protocol: str
    endpoint: str  # the queue's ARN for SQS
    raw: bool
    filter_policy: dict[str, Any] | None
    filter_scope: str  # "MessageAttributes" or "MessageBody"
    topic_arn: str = ""
    attributes: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def queue_name(self) -> str:
        """The endpoint's last ARN component (the queue name for SQS)."""
        return self.endpoint.rsplit(":", 1)[-1]

    def short_name(self, prefix: str) -> str:
        """The queue name without ``<prefix>-``."""
        return self.queue_name.removeprefix(prefix + "-")


def read_topology(topic_arn: str) -> list[SubscriptionInfo]:
    """Every subscription of ``topic_arn`` with its delivery mode and filter policy, read from SNS.

    One ``ListSubscriptionsByTopic`` (paginated) plus one ``GetSubscriptionAttributes`` per
    subscription: the picture is drawn from what AWS has, not from what we meant to create.
    """
    sns = client("sns")
    out: list[SubscriptionInfo] = []
    for sub in _paginate(sns, "list_subscriptions_by_topic", "Subscriptions", TopicArn=topic_arn):
        arn = sub["SubscriptionArn"]
        if not arn.startswith("arn:"):  # "PendingConfirmation"
            continue
        attrs = sns.get_subscription_attributes(SubscriptionArn=arn).get("Attributes", {})
        policy_text = attrs.get("FilterPolicy") or ""
        policy = json.loads(policy_text) if policy_text else None
        out.append(
            SubscriptionInfo(
                subscription_arn=arn,
                protocol=sub["Protocol"],
                endpoint=sub["Endpoint"],
                raw=attrs.get("RawMessageDelivery", "false").lower() == "true",
                filter_policy=policy,
                filter_scope=attrs.get("FilterPolicyScope") or "MessageAttributes",
                topic_arn=topic_arn,
                attributes=dict(attrs),
            )
        )
    return sorted(out, key=lambda s: s.queue_name)


# --- filter policies, evaluated locally ----------------------------------------------------------

_OPS = {
    "=": lambda a, b: a == b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def event_facts(message: str, attributes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(attributes as name → value, body as a dict)`` of a published event: what a filter policy sees."""
    attrs = {n: _attr_value(a.get("DataType", "String"), a.get("StringValue")) for n, a in attributes.items()}
    return attrs, json.loads(message)


def policy_matches(policy: dict[str, Any], attributes: dict[str, Any] | None = None,
                   body: dict[str, Any] | None = None, *, scope: str = "MessageAttributes") -> bool:
    """Would SNS deliver an event with these ``attributes`` / ``body`` to a subscription with ``policy``?

    A local model of SNS filter policies for the notebook's predictions and checkers (the tests
    compare it with the backend): every key must match (AND); within a key's list, any condition
    (OR). Conditions: exact strings and numbers, ``{"numeric": [op, n, …]}``, ``{"prefix": …}``,
    ``{"suffix": …}``, ``{"anything-but": …}``, ``{"exists": bool}`` and
    ``{"equals-ignore-case": …}`` (correct here; moto 5.2.5 gets it wrong). With
    ``scope="MessageBody"`` keys may nest, as in the JSON payload. A quoted string never matches a
    number here (moto compares them as text; the exercises steer clear of that corner).
    """
    if not isinstance(policy, dict):
        raise WorkshopError("fanout.bad_policy", kind=type(policy).__name__)
    if scope == "MessageAttributes":
        return _match_level(policy, attributes or {}, nested=False)
    if scope == "MessageBody":
        return _match_level(policy, body or {}, nested=True)
    raise WorkshopError("fanout.bad_scope", scope=scope)


def _match_level(policy: dict[str, Any], data: dict[str, Any], *, nested: bool) -> bool:
    for key, rule in policy.items():
        if key.startswith("$"):
            raise WorkshopError("fanout.unsupported_rule", rule=key)
        present = isinstance(data, dict) and key in data
        value = data.get(key) if isinstance(data, dict) else None
        if isinstance(rule, dict):
            if not nested:
                raise WorkshopError("fanout.nested_attribute_policy", attr=key)
            if not (present and isinstance(value, dict) and _match_level(rule, value, nested=True)):
                return False
            continue
        if not isinstance(rule, list):
            raise WorkshopError("fanout.rule_not_list", attr=key, rule=rule)
        values = value if isinstance(value, list) else [value]
        if not any(_condition(cond, present, v) for cond in rule for v in values):
            return False
    return True


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _condition(cond: Any, present: bool, value: Any) -> bool:
    if isinstance(cond, dict):
        if len(cond) != 1:
            raise WorkshopError("fanout.unsupported_rule", rule=json.dumps(cond))
        (op, arg), = cond.items()
        if op == "exists":
            return present == bool(arg)
        if not present:
            return False
        if op == "numeric":
            if not _is_number(value) or not isinstance(arg, list) or len(arg) not in (2, 4):
                if not isinstance(arg, list) or len(arg) not in (2, 4):
                    raise WorkshopError("fanout.unsupported_rule", rule=json.dumps(cond))
                return False
            pairs = list(zip(arg[::2], arg[1::2], strict=True))
            for o, n in pairs:
                if o not in _OPS or not _is_number(n):
                    raise WorkshopError("fanout.unsupported_rule", rule=json.dumps(cond))
            return all(_OPS[o](value, n) for o, n in pairs)
        if op == "prefix":
            return isinstance(value, str) and value.startswith(str(arg))
        if op == "suffix":
            return isinstance(value, str) and value.endswith(str(arg))
        if op == "equals-ignore-case":
            return isinstance(value, str) and value.lower() == str(arg).lower()
        if op == "anything-but":
            if isinstance(arg, dict):
                return not _condition(arg, present, value)
            banned = arg if isinstance(arg, list) else [arg]
            return not any(_condition(b, present, value) for b in banned)
        raise WorkshopError("fanout.unsupported_rule", rule=op)
    if not present or value is None:
        return cond is None and present
    if _is_number(cond):
        return _is_number(value) and float(value) == float(cond)
    return isinstance(value, str) and value == cond


# --- demonstrations and measurements (04_pubsub_fanout) ----------------------------------------


def collect(queue_url: str, *, expect: int = 0, timeout: float = 5.0, settle_s: float = 0.3) -> list[Event]:
    """Receive and delete everything that arrives in ``queue_url``, parsed as :class:`Event` s.

    Waits until at least ``expect`` events arrived (or ``timeout``), then ``settle_s`` more for
    stragglers: on AWS, SNS delivers after ``Publish`` returns (on moto, before).
    """
    return collect_many({"q": queue_url}, {"q": expect}, timeout=timeout, settle_s=settle_s)["q"]


def collect_many(queues: dict[str, str], expect: dict[str, int] | None = None, *, timeout: float = 5.0,
                 settle_s: float = 0.3) -> dict[str, list[Event]]:
    """:func:`collect` for several queues at once (one shared wait): name → events received."""
    sqs = client("sqs")
    want = expect or {}
    got: dict[str, list[Event]] = {name: [] for name in queues}
    deadline = time.monotonic() + timeout
    quiet_until: float | None = None
    while True:
        busy = False
        for name, url in queues.items():
            msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                                       MessageAttributeNames=["All"]).get("Messages", [])
            if msgs:
                busy = True
                got[name] += [parse_event(m) for m in msgs]
                sqs.delete_message_batch(QueueUrl=url, Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs)])
        if busy:
            quiet_until = None
            continue
        now = time.monotonic()
        if all(len(got[n]) >= want.get(n, 0) for n in queues):
            quiet_until = quiet_until or now + settle_s
            if now >= quiet_until:
                return got
        elif now >= deadline:
            return got
        time.sleep(0.05)


@dataclass
class FanoutRun:
    """N orders published once each, and what every service's workers did with them."""

    placed: list[Published]
    done: dict[str, int]  # service → distinct orders it processed among these
    deliveries: dict[str, int]  # service → events it processed (counting duplicates)
    finished_at: dict[str, dict[str, float]]  # service → order id → perf_counter when done
    publishes: int  # Publish calls made by the publisher

    @property
    def n(self) -> int:
        """Orders accepted."""
        return sum(1 for p in self.placed if p.ok)

    @property
    def ids(self) -> list[str]:
        """Accepted order ids, in order."""
        return [p.order_id for p in self.placed if p.ok and p.order_id]

    @property
    def publish_ms(self) -> list[float]:
        """Publisher response times (validate + store + Publish), real ms."""
        return [p.response_ms for p in self.placed if p.ok]


def fanout_run(fshop: FanoutShop, n: int = 10, *, start: int = 0, timeout: float = 30) -> FanoutRun:
    """Publish ``n`` sample orders (one Publish each) while every service's workers run; wait for all."""
    from ..core.backend import count_api_calls

    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 200:
        raise WorkshopError("fanout.bad_n", value=n)
    fshop.reset_counts()
    publishes_before = count_api_calls("sns", "Publish")
    own = not any(s.running for s in fshop.subscribers.values())
    if own:
        fshop.start()
    try:
        placed = fshop.place_many(fshop.sample_orders(n, start=start))
        publishes = count_api_calls("sns", "Publish") - publishes_before
        ids = [p.order_id for p in placed if p.ok and p.order_id]
        fshop.wait_until_processed(ids, timeout=timeout)
    finally:
        if own:
            fshop.stop()
    subs = fshop.subscribers
    return FanoutRun(
        placed,
        {name: s.processed(ids) for name, s in subs.items()},
        {name: sum(s.done[i] for i in ids) for name, s in subs.items()},
        {name: {i: s.finished_at[i] for i in ids if i in s.finished_at} for name, s in subs.items()},
        publishes,
    )


@dataclass
class DeployRun:
    """Orders flowing while one service's workers are stopped (a deploy) and another scales up."""

    placed: list[Published]
    down: str  # the service that was stopped
    scaled: str  # the service that was scaled up
    down_window: tuple[float, float]  # seconds since t0 when it stopped / started again
    scale_at: float  # seconds since t0 when ``scaled`` went from 1 to ``scaled_to`` workers
    scaled_to: int
    depth: dict[str, Any]  # service → DepthSeries
    processed: dict[str, int]  # service → distinct orders processed in the end
    done_during_down: dict[str, int]  # service → orders it finished while ``down`` was stopped (any order)
    t0: float
    interval_ms: float = 0.0  # one order every … ms

    @property
    def ids(self) -> list[str]:
        """Accepted order ids."""
        return [p.order_id for p in self.placed if p.ok and p.order_id]

    @property
    def peak_backlog(self) -> dict[str, int]:
        """Largest queue depth (visible + in flight) per service."""
        return {name: series.peak for name, series in self.depth.items()}


def deploy_run(fshop: FanoutShop, n: int = 30, *, interval_ms: float = 30, down: str = "email",
               scaled: str = "shipping", scaled_to: int = 3, start: int = 0, timeout: float = 30) -> DeployRun:
    """One client places ``n`` orders, one every ``interval_ms``; a third of the way in, ``down``'s
    workers stop (a deploy) and ``scaled`` scales to ``scaled_to`` workers; two thirds in, ``down``
    starts again. Every queue's depth is sampled. Returns when every service processed every order.
    """
    from ..core.workers import DepthSampler

    if not isinstance(n, int) or isinstance(n, bool) or not 3 <= n <= 200:
        raise WorkshopError("fanout.bad_n", value=n)
    fshop[down]
    fshop[scaled]  # clear errors for unknown names, before anything starts
    fshop.reset_counts()
    fshop.stop()
    samplers = {name: DepthSampler(s.queue_url, interval_s=0.05) for name, s in fshop.subscribers.items()}
    payloads = fshop.sample_orders(n, start=start)
    fshop.start(1)
    t0 = time.perf_counter()
    for s in samplers.values():
        s.start()
    placed: list[Published] = []
    stop_at, restart_at, scale_at = n // 3, 2 * n // 3, n // 3
    window = [0.0, 0.0]
    done_at_stop: dict[str, set[str]] = {}
    done_restart: dict[str, set[str]] = {}
    try:
        for i, payload in enumerate(payloads):
            if i == stop_at:
                fshop[down].stop()
                window[0] = time.perf_counter() - t0
                done_at_stop = {name: set(s.done) for name, s in fshop.subscribers.items()}
            if i == scale_at:
                fshop[scaled].start(scaled_to)
            if i == restart_at:
                window[1] = time.perf_counter() - t0
                done_restart = {name: set(s.done) for name, s in fshop.subscribers.items()}
                fshop[down].start(1)
            due = t0 + i * interval_ms / 1000
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            placed.append(fshop.place_order(payload))
        ids = [p.order_id for p in placed if p.ok and p.order_id]
        fshop.wait_until_processed(ids, timeout=timeout)
        wait_until(lambda: all(sum(_depth(s.queue_url).values()) == 0 for s in fshop.subscribers.values()), 3,
                   poll_s=0.05)
    finally:
        series = {name: s.stop() for name, s in samplers.items()}
        fshop.stop()
    during = {name: len(done_restart[name] - done_at_stop[name]) for name in fshop.subscribers}
    return DeployRun(placed, down, scaled, (window[0], window[1]), window[0], scaled_to, series,
                     {name: s.processed(ids) for name, s in fshop.subscribers.items()}, during, t0, interval_ms)


def publisher_unchanged(before_ms: float, after_ms: float) -> tuple[bool, float]:
    """Did the publisher's median response time stay put after a subscriber was added? ``(holds, limit)``.

    Limit: ``before × 2 + 5 ms``. The slack absorbs noise on a shared 2-core laptop (measured: the
    median of 15 orders moved between 9 and 29 ms from one run to the next with nothing changed)
    and moto's in-Publish delivery to one more queue (a few milliseconds for a raw subscriber). A
    publisher that waited for its new subscriber could not pass whatever the slack: in
    :func:`live_add` that subscriber's worker only starts after the last order, so a waiting
    publisher would not answer at all (:attr:`LiveAdd.answered_before_worker` checks exactly that).
    """
    limit = before_ms * 2 + 5.0
    return after_ms <= limit, limit


def _depth(url: str) -> dict[str, int]:
    from ..core.resources import queue_depth

    return queue_depth(url)


@dataclass
class LiveAdd:
    """Orders flowing while a new subscriber is added: publisher times before and after."""

    placed: list[Published]
    t0: float
    added_window: tuple[float, float]  # seconds since t0: subscribe call started / returned
    name: str
    received: set[str]  # order ids the new subscriber processed
    publish_api_ms: dict[str, float]  # median time of the Publish call alone, "before" / "after"
    worker_started: float = float("nan")  # seconds since t0 when the new subscriber's worker started

    def _side(self, before: bool) -> list[Published]:
        a, b = self.added_window
        return [p for p in self.placed if p.ok and ((p.end - self.t0) < a if before else (p.start - self.t0) > b)]

    @property
    def before(self) -> list[Published]:
        """Orders answered before the subscription was created."""
        return self._side(True)

    @property
    def after(self) -> list[Published]:
        """Orders that arrived after the subscription existed."""
        return self._side(False)

    @property
    def median_ms(self) -> dict[str, float]:
        """Median publisher response time, ``{"before", "after"}``, real ms."""
        from ..shop import percentile

        return {"before": percentile([p.response_ms for p in self.before], 50),
                "after": percentile([p.response_ms for p in self.after], 50)}

    @property
    def answered_before_worker(self) -> bool:
        """True when every "after" order was answered before the new subscriber's worker started."""
        return bool(self.after) and max(p.end - self.t0 for p in self.after) < self.worker_started

    @property
    def missed_after(self) -> list[str]:
        """Orders placed after the subscription existed that the new subscriber did not get."""
        return [p.order_id for p in self.after if p.order_id not in self.received]

    @property
    def got_before(self) -> list[str]:
        """Orders answered before the subscription existed that it got anyway (should be none)."""
        return [p.order_id for p in self.before if p.order_id in self.received]


def live_add(fshop: FanoutShop, name: str, record_fn: RecordFn | None = None, *, n_before: int = 30,
             n_after: int = 30, interval_ms: float = 30, start: int = 0, timeout: float = 30,
             start_worker: str = "after", **subscriber_kwargs: Any) -> LiveAdd:
    """Orders flow (one every ``interval_ms``) while every service's workers run; after ``n_before``
    orders, the subscriber ``name`` is added from another thread, without pausing the client;
    orders keep coming while it is being subscribed, then ``n_after`` more follow. The publisher
    object is the same throughout.

    ``start_worker="after"`` (default) starts the new subscriber's worker once the last order is
    answered (its queue holds the events meanwhile), so both halves of the measurement run with
    the same threads competing for this machine and the emulator's lock — the comparison is then
    about the publisher, not about how many threads share a laptop. ``"now"`` starts it at once.
    """
    if any(not isinstance(v, int) or isinstance(v, bool) or not 5 <= v <= 200 for v in (n_before, n_after)):
        raise WorkshopError("fanout.bad_n", value=(n_before, n_after))
    if start_worker not in ("after", "now"):
        raise WorkshopError("fanout.bad_start_worker", value=start_worker)
    if name in fshop.subscribers:
        fshop.remove_subscriber(name)
    fshop.stop()
    fshop.reset_counts()
    fshop.start(1)
    placed: list[Published] = []
    window = [float("inf"), float("inf")]
    t0 = time.perf_counter()
    holder: dict[str, Subscriber] = {}

    def subscribe() -> None:
        window[0] = time.perf_counter() - t0
        holder["sub"] = fshop.add_subscriber(name, record_fn, **subscriber_kwargs)
        window[1] = time.perf_counter() - t0
        if start_worker == "now":
            holder["sub"].start(1)

    adder = threading.Thread(target=subscribe, name="add-subscriber", daemon=True)
    worker_at = float("nan")
    try:
        i = after = 0
        while after < n_after:  # orders keep coming while the subscription is made: n_after more after it
            if i == n_before:
                adder.start()
            due = t0 + i * interval_ms / 1000
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            subscribed = window[1] < float("inf")
            placed.append(fshop.place_order(fshop.sample_orders(1, start=start + i)[0]))
            after += subscribed
            i += 1
            if i > n_before + n_after + 1000:  # the subscription never finished: stop here
                break
        adder.join(timeout)
        sub = holder.get("sub")
        if sub is not None and not sub.running:
            worker_at = time.perf_counter() - t0
            sub.start(1)
        elif sub is not None:
            worker_at = window[1]
        after_ids = [p.order_id for p in placed if p.ok and p.order_id and p.start - t0 > window[1]]
        if sub is not None:
            fshop.wait_until_processed(after_ids, services=[name], timeout=timeout)
        all_ids = [p.order_id for p in placed if p.ok and p.order_id]
        fshop.wait_until_processed(all_ids, services=[s for s in fshop.subscribers if s != name], timeout=timeout)
    finally:
        fshop.stop()
    sub = holder.get("sub")
    received = set(sub.done) if sub is not None else set()
    api_before = [p.publish_ms for p in placed if p.ok and p.end - t0 < window[0]]
    api_after = [p.publish_ms for p in placed if p.ok and p.start - t0 > window[1]]
    from ..shop import percentile

    return LiveAdd(placed, t0, (window[0], window[1]), name, received,
                   {"before": percentile(api_before, 50), "after": percentile(api_after, 50)}, worker_at)


#: 04 section 3: six orders to route (label → payload without an order id). Totals in yen:
#: A 1,800 · B 13,000 · C 19,200 · D 2,400 · E 3,600 · F 26,000.
ROUTING_ORDERS: dict[str, dict[str, Any]] = {
    "A": {"customer_id": "cust-aiko", "items": [{"product_id": "whisk", "quantity": 1}], "shipping": "express"},
    "B": {"customer_id": "cust-ren", "items": [{"product_id": "kyusu", "quantity": 2}], "shipping": "standard"},
    "C": {"customer_id": "cust-mei", "items": [{"product_id": "tea-bowl", "quantity": 4}], "shipping": "express"},
    "D": {"customer_id": "cust-haruto", "items": [{"product_id": "matcha-100g", "quantity": 1}],
          "shipping": "standard"},
    "E": {"customer_id": "cust-riku", "items": [{"product_id": "whisk", "quantity": 2}], "shipping": "express"},
    "F": {"customer_id": "cust-sakura", "items": [{"product_id": "kyusu", "quantity": 4}], "shipping": "standard"},
}
#: 04 section 3: the filtered subscribers: name → (filter policy, scope).
ROUTING_SUBSCRIBERS: dict[str, tuple[dict[str, Any], str]] = {
    "express-shipping": ({"shipping_speed": ["express"]}, "MessageAttributes"),
    "fraud-review": ({"total_amount": [{"numeric": [">=", 20000]}]}, "MessageAttributes"),
    "gold-gift": ({"customer": {"tier": ["gold"]}}, "MessageBody"),
}


def routing_table(orders: dict[str, dict[str, Any]] | None = None, shop: Shop | None = None) -> list[dict[str, Any]]:
    """The facts a filter policy sees, per order label: customer, tier, shipping, total (yen)."""
    from ..shop import load_catalog

    catalog = shop.catalog if shop is not None else load_catalog()
    rows = []
    for label, payload in (orders or ROUTING_ORDERS).items():
        total = sum(catalog[i["product_id"]].price_jpy * i["quantity"] for i in payload["items"])
        rows.append({"order": label, "customer": payload["customer_id"], "tier": customer_tier(payload["customer_id"]),
                     "shipping": payload.get("shipping", "standard"), "total_jpy": total})
    return rows


def expected_routes(orders: dict[str, dict[str, Any]] | None = None,
                    subscribers: dict[str, tuple[dict[str, Any], str]] | None = None,
                    shop: Shop | None = None) -> dict[str, set[str]]:
    """Which order labels each filtered subscriber should get, by :func:`policy_matches` on the real events."""
    from ..shop import load_catalog, validate_order

    catalog = shop.catalog if shop is not None else load_catalog()
    out: dict[str, set[str]] = {}
    for name, (policy, scope) in (subscribers or ROUTING_SUBSCRIBERS).items():
        out[name] = set()
        for label, payload in (orders or ROUTING_ORDERS).items():
            order = validate_order({**payload, "order_id": f"x-{label}"}, catalog)
            attrs, body = event_facts(*build_event(order, shipping=payload.get("shipping", "standard")))
            if policy_matches(policy, attrs, body, scope=scope):
                out[name].add(label)
    return out


def format_routing_table(rows: list[dict[str, Any]] | None = None) -> str:
    """The routing orders as a text table (for the prediction cell)."""
    rows = rows or routing_table()
    head = f"{'order':<6}{'customer':<14}{'tier':<9}{'shipping':<10}{'total (yen)':>12}"
    lines = [head, "-" * len(head)]
    lines += [f"{r['order']:<6}{r['customer']:<14}{r['tier']:<9}{r['shipping']:<10}{r['total_jpy']:>12,}" for r in rows]
    return "\n".join(lines)


@dataclass
class RoutingRun:
    """The routing orders published once each, and which filtered queue got which."""

    ids: dict[str, str]  # label → order id
    received: dict[str, set[str]]  # subscriber → labels it received
    expected: dict[str, set[str]]  # subscriber → labels the filter policies select
    unfiltered: dict[str, set[str]]  # the unfiltered services → labels (all of them)

    @property
    def as_predicted(self) -> bool:
        """True when every filtered queue got exactly what the policies select."""
        return self.received == self.expected


def routing_run(fshop: FanoutShop, *, orders: dict[str, dict[str, Any]] | None = None,
                subscribers: dict[str, tuple[dict[str, Any], str]] | None = None, timeout: float = 10) -> RoutingRun:
    """Subscribe the filtered queues, publish the routing orders, and read back who got what.

    The service workers are not running here: their queues are read and emptied directly.
    """
    import secrets

    orders = orders or ROUTING_ORDERS
    subs = subscribers or ROUTING_SUBSCRIBERS
    fshop.stop()
    for name, (policy, scope) in subs.items():
        fshop.add_subscriber(name, filter_policy=policy, filter_scope=scope)
    for sub in fshop.subscribers.values():
        purge(sub.queue_url)
    run = secrets.token_hex(2)
    ids: dict[str, str] = {}
    for label, payload in orders.items():
        answer = fshop.place_order({**payload, "order_id": f"route-{run}-{label}"})
        if not answer.ok:
            raise WorkshopError("fanout.route_failed", label=label, error=answer.error)
        ids[label] = answer.order_id or ""
    labels = {oid: label for label, oid in ids.items()}
    expected = expected_routes(orders, subs, fshop.shop)
    received: dict[str, set[str]] = {}
    unfiltered: dict[str, set[str]] = {}
    queues = {name: sub.queue_url for name, sub in fshop.subscribers.items()}
    want = {name: len(expected[name]) if name in expected else len(orders) for name in queues}
    for name, events in collect_many(queues, want, timeout=timeout).items():
        got = {labels[e.order_id] for e in events if e.order_id in labels}
        (received if name in subs else unfiltered)[name] = got
    return RoutingRun(ids, received, expected, unfiltered)


@dataclass
class Deliveries:
    """The same event as two subscribers received it: wrapped in SNS's envelope, and raw."""

    envelope_body: str
    envelope_attributes: dict[str, Any]  # SQS message attributes of the envelope message (none)
    raw_body: str
    raw_attributes: dict[str, Any]  # SQS message attributes of the raw message (SNS's, carried over)
    envelope_event: Event
    raw_event: Event


def delivery_demo(fshop: FanoutShop, *, timeout: float = 10) -> Deliveries:
    """Subscribe ``peek-envelope`` (default delivery) and ``peek-raw`` (raw), publish one order,
    read what each got, then unsubscribe both. The service queues get the order as usual.
    """
    env_sub = fshop.add_subscriber("peek-envelope")
    raw_sub = fshop.add_subscriber("peek-raw", raw=True)
    try:
        answer = fshop.place_order(fshop.sample_orders(1)[0])
        if not answer.ok:
            raise WorkshopError("fanout.route_failed", label="peek", error=answer.error)
        sqs = client("sqs")
        got: dict[str, dict[str, Any]] = {}
        deadline = time.monotonic() + timeout
        while len(got) < 2 and time.monotonic() < deadline:
            for key, sub in (("env", env_sub), ("raw", raw_sub)):
                if key not in got:
                    msgs = sqs.receive_message(QueueUrl=sub.queue_url, MaxNumberOfMessages=1, WaitTimeSeconds=0,
                                               MessageAttributeNames=["All"]).get("Messages", [])
                    if msgs:
                        got[key] = msgs[0]
                        sqs.delete_message(QueueUrl=sub.queue_url, ReceiptHandle=msgs[0]["ReceiptHandle"])
            time.sleep(0.02)
        if len(got) < 2:
            raise WorkshopError("fanout.nothing_delivered", timeout=timeout)
    finally:
        fshop.remove_subscriber("peek-envelope")
        fshop.remove_subscriber("peek-raw")
    env, raw = got["env"], got["raw"]

    def plain(attrs: dict[str, Any]) -> dict[str, Any]:
        return {n: a.get("StringValue") for n, a in (attrs or {}).items()}

    return Deliveries(env["Body"], plain(env.get("MessageAttributes", {})), raw["Body"],
                      plain(raw.get("MessageAttributes", {})), parse_event(env), parse_event(raw))


def oversized_demo(fshop: FanoutShop, *, kib: int = 300) -> tuple[Published, bool]:
    """Place an order whose gift message makes its event ``kib`` KiB; ``(answer, order stored?)``."""
    import secrets

    wish = "お誕生日おめでとう! "  # 29 bytes in UTF-8: Japanese characters take 3 bytes each
    oid = f"big-{secrets.token_hex(3)}"
    payload = {**fshop.sample_orders(1)[0], "order_id": oid,
               "gift_message": wish * (kib * 1024 // len(wish.encode()) + 1)}
    answer = fshop.place_order(payload)
    return answer, fshop.shop.store.get_order(oid) is not None


def queue_policy(queue_url: str) -> dict[str, Any] | None:
    """The queue's access policy (what lets the topic send to it on real AWS), or ``None``."""
    text = client("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=["Policy"]).get(
        "Attributes", {}).get("Policy")
    return json.loads(text) if text else None


_NOISE = ("Signature", "SigningCertURL", "UnsubscribeURL", "SignatureVersion")


def format_deliveries(demo: Deliveries, width: int = 100) -> str:
    """Both bodies as a subscriber sees them, long fields shortened, for printing side by side (one after the other)."""

    def short(value: Any) -> Any:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        return text if len(text) <= width else text[: width - 1] + "…"

    env = json.loads(demo.envelope_body)
    env_view = {k: (short(v) if k in _NOISE or k == "Message" else v) for k, v in env.items()}
    raw_view = {k: short(v) if k == "order" else v for k, v in json.loads(demo.raw_body).items()}
    return "\n".join([
        "── envelope (default): the SQS message body is SNS's JSON; the event is a string inside \"Message\"",
        json.dumps(env_view, indent=2, ensure_ascii=False),
        "   SQS message attributes: " + (json.dumps(demo.envelope_attributes) if demo.envelope_attributes else "none"),
        "",
        "── raw (RawMessageDelivery=true): the SQS message body is the event itself",
        json.dumps(raw_view, indent=2, ensure_ascii=False),
        "   SQS message attributes: " + json.dumps(demo.raw_attributes, ensure_ascii=False),
    ])


def try_policy(policy_json: str, scope: str = "MessageAttributes") -> str:
    """Which routing orders (A–F) a filter policy would let through, by :func:`policy_matches`; one line each.

    For the notebook's widget: the text is parsed as JSON, and a mistake is reported as a sentence.
    """
    try:
        policy = json.loads(policy_json)
    except ValueError as exc:
        return say("fanout.policy_not_json", error=str(exc))
    try:
        routes = expected_routes(subscribers={"try": (policy, scope)})["try"]
    except WorkshopError as err:
        return f"⚠ {err}"
    lines = []
    for row in routing_table():
        mark = "✓ gets it " if row["order"] in routes else "· filtered"
        lines.append(f"{mark}  order {row['order']}: {row['customer']:<12} {row['tier']:<8} {row['shipping']:<9} "
                     f"{row['total_jpy']:>7,} yen")
    return "\n".join(lines)
