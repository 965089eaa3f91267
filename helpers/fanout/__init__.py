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

from ..core.limits import SNS_MAX_BYTES, SQS_MAX_BYTES
from .demos import (
    ROUTING_ORDERS,
    ROUTING_SUBSCRIBERS,
    Deliveries,
    DeployRun,
    FanoutRun,
    LiveAdd,
    RoutingRun,
    collect,
    collect_many,
    delivery_demo,
    deploy_run,
    expected_routes,
    fanout_run,
    format_deliveries,
    format_routing_table,
    live_add,
    oversized_demo,
    publisher_unchanged,
    queue_policy,
    routing_run,
    routing_table,
    try_policy,
)
from .events import (
    CUSTOMER_TIERS,
    EVENT_TYPE,
    SERVICES,
    SHIPPING_SPEEDS,
    TOPIC,
    Event,
    Published,
    build_event,
    check_event_size,
    customer_tier,
    event_size,
    parse_event,
)
from .filters import (
    event_facts,
    policy_matches,
)
from .publisher import (
    FanoutShop,
)
from .subscribers import (
    RecordFn,
    Subscriber,
    SubscriptionInfo,
    read_topology,
)

__all__ = [
    "SNS_MAX_BYTES",
    "SQS_MAX_BYTES",
    "CUSTOMER_TIERS",
    "Deliveries",
    "DeployRun",
    "EVENT_TYPE",
    "Event",
    "FanoutRun",
    "FanoutShop",
    "LiveAdd",
    "Published",
    "ROUTING_ORDERS",
    "ROUTING_SUBSCRIBERS",
    "RecordFn",
    "RoutingRun",
    "SERVICES",
    "SHIPPING_SPEEDS",
    "Subscriber",
    "SubscriptionInfo",
    "TOPIC",
    "build_event",
    "check_event_size",
    "collect",
    "collect_many",
    "customer_tier",
    "delivery_demo",
    "deploy_run",
    "event_facts",
    "event_size",
    "expected_routes",
    "fanout_run",
    "format_deliveries",
    "format_routing_table",
    "live_add",
    "oversized_demo",
    "parse_event",
    "policy_matches",
    "publisher_unchanged",
    "queue_policy",
    "read_topology",
    "routing_run",
    "routing_table",
    "try_policy",
]
