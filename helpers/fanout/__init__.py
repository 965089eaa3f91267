"""Pub/sub fan-out: one "order placed" event on an SNS topic, one SQS queue (and workers) per service.

The lesson's AWS calls are written in notebook 04 and saved to :mod:`helpers.fanout.lesson`:
``subscribe_queue`` (the queue policy that lets the topic send, then ``Subscribe`` with
``RawMessageDelivery`` and a ``FilterPolicy`` on the attributes or the ``MessageBody``),
``build_event`` / ``publish_order_event`` (``Publish`` with message attributes) and
``FILTERED_SERVICES``. This package runs them in experiments.

The publisher (:class:`FanoutShop`) does only what the customer must wait for, then announces
the order once::

    validate → size check → store ACCEPTED → publish_order_event(...) → 202

It does not know who listens. Each downstream service owns a queue subscribed to the topic and
its own worker pool (:class:`Subscriber`)::

    <prefix>-order-events ──► <prefix>-shipping  → workers → shop.create_shipment(order)
                          ├─► <prefix>-email     → workers → shop.send_email(order)
                          └─► <prefix>-points    → workers → shop.add_points(order)

so each service fails, scales and deploys on its own, and a new service is one more
subscription (:meth:`FanoutShop.add_subscriber`): the publisher's code is not touched.

* :class:`FanoutShop` — ``FanoutShop(shop, topic_arn, queues, subscribe=..., publish=...)`` takes
  the topic and the subscribed queues a notebook made; ``FanoutShop.create(shop=None, *,
  services=SERVICES, topic=TOPIC, queue_options=None, visibility_timeout=30, raw=False)`` makes
  them (later notebooks). ``place_order(payload) -> Published`` (400 for an invalid order, 413
  for an event over SNS's limit, nothing stored in either case); ``add_subscriber``,
  ``remove_subscriber``, ``start`` / ``stop``, ``wait_until_processed``.
* :class:`Subscriber` — one service's queue, subscription, worker pool and counts.
* :func:`parse_event` — envelope or raw delivery, both become the same :class:`Event`.
* :func:`event_size` / :func:`check_event_size` — SNS's 256 KiB limit (:data:`SNS_MAX_BYTES`).
* :func:`policy_matches` — a local model of SNS filter policies, checked against the backend by the tests.
* Measurements for 04 (each returns a dataclass that :mod:`helpers.fanout.plots` draws):
  :func:`fanout_run`, :func:`deploy_run`, :func:`live_add` (+ :func:`publisher_unchanged`),
  :func:`routing_run` (+ :data:`ROUTING_ORDERS`, :func:`expected_routes`), :func:`delivery_demo`,
  :func:`oversized_demo`.
"""

from __future__ import annotations

from ..core.limits import SNS_MAX_BYTES, SQS_MAX_BYTES
from .delivery import Deliveries, delivery_demo, format_deliveries, oversized_demo
from .demos import (
    DeployRun,
    FanoutRun,
    LiveAdd,
    collect_many,
    deploy_run,
    fanout_run,
    live_add,
    publisher_unchanged,
)
from .events import (
    CUSTOMER_TIERS,
    EVENT_TYPE,
    SERVICES,
    SHIPPING_SPEEDS,
    TOPIC,
    Event,
    Published,
    check_event_size,
    customer_tier,
    event_size,
    parse_event,
)
from .filters import event_facts, policy_matches
from .lesson import FILTERED_SERVICES, build_event, publish_order_event, subscribe_queue
from .publisher import FanoutShop
from .routing import (
    ROUTING_ORDERS,
    RoutingRun,
    expected_routes,
    format_routing_table,
    routing_run,
    routing_table,
    try_policy,
)
from .subscribers import RecordFn, Subscriber

__all__ = [
    "CUSTOMER_TIERS",
    "EVENT_TYPE",
    "FILTERED_SERVICES",
    "ROUTING_ORDERS",
    "SERVICES",
    "SHIPPING_SPEEDS",
    "SNS_MAX_BYTES",
    "SQS_MAX_BYTES",
    "TOPIC",
    "Deliveries",
    "DeployRun",
    "Event",
    "FanoutRun",
    "FanoutShop",
    "LiveAdd",
    "Published",
    "RecordFn",
    "RoutingRun",
    "Subscriber",
    "build_event",
    "check_event_size",
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
    "publish_order_event",
    "publisher_unchanged",
    "routing_run",
    "routing_table",
    "subscribe_queue",
    "try_policy",
]
