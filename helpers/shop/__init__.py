"""The shop's order domain: one order, six steps, each a simulated service with real state.

An order goes through the same six steps in every notebook::

    validate → inventory → payment → shipping → email → points

Each step calls a simulated :class:`Service` (a real ``time.sleep`` drawn from the step's
latency profile in ``data/service_profile.json``, scaled by the **speed factor**, and a
random failure at the step's failure rate), then writes its *effect* to DynamoDB through the
backend seam (moto by default, the same code on real AWS):

============  ==========================  ===============================================
step          method                      effect (one record per call, countable)
============  ==========================  ===============================================
validate      :meth:`Shop.accept_order`   orders table: the order, status ``ACCEPTED``
inventory     :meth:`Shop.reserve_stock`  stock table decremented + a reservations record
payment       :meth:`Shop.charge_payment` payments table: one charge record
shipping      :meth:`Shop.create_shipment` shipments table: one shipment record
email         :meth:`Shop.send_email`     emails table: one e-mail record
points        :meth:`Shop.add_points`     points table: one points record
============  ==========================  ===============================================

Every step returns a :class:`Span` (service, start, end, outcome), so any request can be
drawn (:mod:`helpers.sync.plots`). A failing step raises a :class:`ServiceError` (with the span
attached as ``err.span``). The synchronous chain is notebook 01's handler ``place_order``
(saved to :mod:`helpers.sync.lesson`), the way the webinar's first API works;
:meth:`Shop.place_order_sync` runs it and records its spans. The asynchronous notebooks call
the same step methods from queue messages (orders travel as JSON: :meth:`Order.to_json` /
:meth:`Order.from_json`).

Time. Profile latencies are "shop time" (what a real service would take). Every simulated
sleep is ``latency × speed factor`` (:func:`speed`, env ``WORKSHOP_SPEED``, default
:data:`DEFAULT_SPEED`), so CI runs fast and the shapes stay the same. Everything *measured*
(spans, response times, throughput) is real wall-clock time from ``time.perf_counter``.

Threads. A :class:`Shop` is safe to use from many threads (the load runners do): each
service guards its random generator and settings with a lock, and every AWS call goes
through :func:`helpers.core.backend.client`, which serializes calls into moto.
"""

from __future__ import annotations

from .data import (
    DATA_DIR,
    StepProfile,
    load_catalog,
    load_invalid_examples,
    load_profile,
    load_sample_orders,
    lognormal_mean,
    lognormal_sigma,
)
from .model import (
    DOWNSTREAM,
    EFFECTS,
    MAX_QUANTITY,
    STEPS,
    InvalidOrder,
    Item,
    Order,
    OutOfStock,
    Product,
    ServiceError,
    ServiceFailure,
    ServiceUnavailable,
    Span,
    Status,
    new_order_id,
    validate_order,
)
from .results import (
    Accepted,
    BusyWindow,
    LoadResult,
    OrderResult,
    SweepPoint,
    percentile,
)
from .services import (
    DeployWindow,
    Service,
)
from .shop import (
    Shop,
    StepsRun,
)
from .speed import (
    DEFAULT_SPEED,
    FAIL_FAST_MS,
    set_speed,
    speed,
    speed_factor,
)
from .store import (
    Store,
)

__all__ = [
    "StepsRun",
    "Accepted",
    "BusyWindow",
    "DATA_DIR",
    "DEFAULT_SPEED",
    "DOWNSTREAM",
    "DeployWindow",
    "EFFECTS",
    "FAIL_FAST_MS",
    "InvalidOrder",
    "Item",
    "LoadResult",
    "MAX_QUANTITY",
    "Order",
    "OrderResult",
    "OutOfStock",
    "Product",
    "STEPS",
    "Service",
    "ServiceError",
    "ServiceFailure",
    "ServiceUnavailable",
    "Shop",
    "Span",
    "Status",
    "StepProfile",
    "Store",
    "SweepPoint",
    "load_catalog",
    "load_invalid_examples",
    "load_profile",
    "load_sample_orders",
    "lognormal_mean",
    "lognormal_sigma",
    "new_order_id",
    "percentile",
    "set_speed",
    "speed",
    "speed_factor",
    "validate_order",
]
