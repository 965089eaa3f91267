"""The publisher: :class:`FanoutShop` validates, stores, announces the order once, and owns the subscribers.

The AWS calls of the lesson are not made here: the notebook writes them (``subscribe_queue`` and
``publish_order_event`` in :mod:`helpers.fanout.lesson`) and hands them over. This module runs them
in an experiment: it keeps the queues empty between runs, answers 202 / 400 / 413, and starts the
workers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..core.backend import client
from ..core.messages import WorkshopError
from ..core.resources import _paginate, ensure_queue, ensure_topic, purge, queue_arn
from ..core.sampling import wait_until
from ..shop import InvalidOrder, Shop, Status
from .events import SERVICES, SHIPPING_SPEEDS, TOPIC, Event, Published, check_event_size, event_size
from .lesson import build_event, publish_order_event, subscribe_queue
from .subscribers import RecordFn, Subscriber, _check_name

#: ``subscribe(sns, sqs, topic_arn, queue_url, *, raw, filter_policy, scope) -> subscription ARN``
SubscribeFn = Callable[..., str]
#: ``publish(sns, topic_arn, order, *, shipping, gift_message) -> message id``
PublishFn = Callable[..., str]


class FanoutShop:
    """The order API that publishes one event per order, and the services subscribed to it.

    ``queues`` (service → URL) are queues the notebook already subscribed to the topic; each one's
    workers run the domain step of the same name (``shipping``, ``email``, ``points``). The
    queues are emptied, and subscriptions of the topic to other queues (left by an earlier run)
    are removed unless ``keep_other_subscriptions``: "Run All" twice starts from the same place.
    ``subscribe`` and ``publish`` are the notebook's functions (default: the saved ones).
    """

    def __init__(self, shop: Shop, topic_arn: str, queues: dict[str, str] | None = None, *,
                 subscribe: SubscribeFn | None = None, publish: PublishFn | None = None,
                 visibility_timeout: int = 30, keep_other_subscriptions: bool = False) -> None:
        self.shop = shop
        self.topic_arn = topic_arn
        self.subscribe = subscribe or subscribe_queue
        self.publish = publish or publish_order_event
        self.visibility_timeout = visibility_timeout
        self.subscribers: dict[str, Subscriber] = {}
        given = dict(queues or {})
        found = self._subscriptions()
        arns = {url: queue_arn(url) for url in given.values()}
        if not keep_other_subscriptions:
            for endpoint, sub_arn in found.items():
                if endpoint not in arns.values():
                    client("sns").unsubscribe(SubscriptionArn=sub_arn)
        for name, url in given.items():
            _check_name(name)
            if arns[url] not in found:
                raise WorkshopError("fanout.not_subscribed", name=name)
            purge(url)
            self.subscribers[name] = Subscriber(name, url, found[arns[url]], self.step_record_fn(name), owner=self)

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
        """The shop, its topic ``<prefix>-<topic>`` and one subscribed queue per service, for later notebooks.

        ``services`` maps a queue short name to the domain step it runs, or lists step names.
        ``queue_options`` gives per-service queue settings, e.g. ``{"email": {"dlq": True,
        "max_receive_count": 3, "visibility_timeout": 2}}`` (see :meth:`add_subscriber`).
        """
        fshop = cls(shop or Shop.create(), ensure_topic(topic), visibility_timeout=visibility_timeout,
                    keep_other_subscriptions=keep_other_subscriptions)
        chosen = dict(services) if isinstance(services, dict) else {s: s for s in services}
        options = queue_options or {}
        for name, step in chosen.items():
            fshop.add_subscriber(name, step=step, raw=raw, queue_options=options.get(name))
        return fshop

    def _subscriptions(self) -> dict[str, str]:
        """The topic's confirmed subscriptions: endpoint ARN → subscription ARN."""
        subs = _paginate(client("sns"), "list_subscriptions_by_topic", "Subscriptions", TopicArn=self.topic_arn)
        return {s["Endpoint"]: s["SubscriptionArn"] for s in subs if s["SubscriptionArn"].startswith("arn:")}

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
        the queue gets; ``raw`` turns on raw message delivery. ``queue_options``: ``dlq=True``
        creates ``<prefix>-<name>-dlq`` and attaches it; any other key goes to
        :func:`helpers.core.resources.ensure_queue`. The queue is emptied and subscribed with
        :attr:`subscribe`. Start its workers with ``.start()``.
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
        existing = self._subscriptions().get(queue_arn(url))
        if existing:  # a new filter or delivery mode: subscribe afresh (AWS refuses changed attributes)
            client("sns").unsubscribe(SubscriptionArn=existing)
        sub_arn = self.subscribe(client("sns"), client("sqs"), self.topic_arn, url, raw=raw,
                                 filter_policy=filter_policy, scope=filter_scope)
        sub = Subscriber(name, url, sub_arn, record_fn, dlq_url=dlq_url, owner=self, filter_policy=filter_policy)
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
        except Exception as exc:  # already gone (e.g. removed by a new FanoutShop): that is the goal
            if getattr(exc, "response", {}).get("Error", {}).get("Code") not in ("NotFound", "NotFoundException"):
                raise

    def __getitem__(self, name: str) -> Subscriber:
        if name not in self.subscribers:
            raise WorkshopError("fanout.unknown_subscriber", name=name, valid=", ".join(self.subscribers) or "none")
        return self.subscribers[name]

    # --- publish ---------------------------------------------------------------------------------
    def place_order(self, payload: Any) -> Published:
        """Validate → size check → store ``ACCEPTED`` → :attr:`publish` the event → answer 202.

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
        try:
            message_id = self.publish(client("sns"), self.topic_arn, order, shipping=shipping, gift_message=gift)
        except Exception:
            client("dynamodb").delete_item(
                TableName=self.shop.store.tables["orders"], Key={"order_id": {"S": order.order_id}}
            )
            raise
        end = time.perf_counter()
        return Published(order.order_id, Status.ACCEPTED, start, end, message_id=message_id, size_bytes=size)

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

    def unfiltered(self) -> list[str]:
        """The subscribers without a filter policy: each of them gets every event."""
        return [name for name, sub in self.subscribers.items() if sub.filter_policy is None]

    def reset_counts(self) -> None:
        """Forget every subscriber's counts."""
        for sub in self.subscribers.values():
            sub.reset_counts()


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
