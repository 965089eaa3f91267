"""The publisher: :class:`FanoutShop` validates, stores, announces the order once, and owns the subscribers."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

from ..core.backend import client
from ..core.messages import WorkshopError
from ..core.resources import ensure_queue, ensure_topic, purge, queue_arn, subscribe_queue
from ..core.sampling import wait_until
from ..shop import InvalidOrder, Shop, Status
from .events import (
    SERVICES,
    SHIPPING_SPEEDS,
    TOPIC,
    Event,
    Published,
    build_event,
    check_event_size,
    event_size,
)
from .subscribers import RecordFn, Subscriber, SubscriptionInfo, _check_name, read_topology


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
        return Published(order.order_id, Status.ACCEPTED, start, end, message_id=message_id, size_bytes=size,
                         publish_ms=(end - t_pub) * 1000)

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
