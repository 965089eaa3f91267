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
attached as ``err.span``). :meth:`Shop.place_order_sync` runs the chain synchronously, the
way the webinar's first API does; the asynchronous notebooks call the same step methods
from queue messages (orders travel as JSON: :meth:`Order.to_json` / :meth:`Order.from_json`).

Time. Profile latencies are "shop time" (what a real service would take). Every simulated
sleep is ``latency × speed factor`` (:func:`speed`, env ``WORKSHOP_SPEED``, default
:data:`DEFAULT_SPEED`), so CI runs fast and the shapes stay the same. Everything *measured*
(spans, response times, throughput) is real wall-clock time from ``time.perf_counter``.

Threads. A :class:`Shop` is safe to use from many threads (the load runners do): each
service guards its random generator and settings with a lock, and every AWS call goes
through :func:`helpers.core.backend.client`, which serializes calls into moto.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import random
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..core.backend import client
from ..core.messages import WorkshopError, say
from ..core.resources import ensure_table

DATA_DIR = Path(__file__).resolve().parents[2] / "data"

#: The steps of an order, in the order the synchronous chain runs them.
STEPS: tuple[str, ...] = ("validate", "inventory", "payment", "shipping", "email", "points")
#: The steps after validation: what a worker does with an accepted order.
DOWNSTREAM: tuple[str, ...] = STEPS[1:]

#: Real sleep = profile latency × speed factor. 0.2: five times faster than real life, so
#: 01 and 02 run in under 20 s each under nbval (measured: ~9 s and ~14 s on the 2-core
#: machine) while the non-simulated part of an order — DynamoDB on moto (1–2 ms a call),
#: Python, waking up from sleeps: ~15–30 ms — stays small next to its ~150 ms of sleeps.
DEFAULT_SPEED = 0.2
#: How long a call to a service that is down takes before it fails (connection refused), shop ms.
FAIL_FAST_MS = 2.0
_Z95 = 1.6448536269514722  # standard normal 95th percentile

_TABLES: dict[str, tuple[str, str, str | None]] = {
    # kind: (short table name, partition key, sort key)
    "orders": ("shop-orders", "order_id", None),
    "stock": ("shop-stock", "product_id", None),
    "reservations": ("shop-reservations", "order_id", "record_id"),
    "payments": ("shop-payments", "order_id", "record_id"),
    "shipments": ("shop-shipments", "order_id", "record_id"),
    "emails": ("shop-emails", "order_id", "record_id"),
    "points": ("shop-points", "order_id", "record_id"),
}
#: Effect tables with one record per successful step call, keyed by order_id.
EFFECTS: dict[str, str] = {
    "inventory": "reservations",
    "payment": "payments",
    "shipping": "shipments",
    "email": "emails",
    "points": "points",
}


class Status:
    """Order statuses kept in the orders table (later notebooks may add their own)."""

    ACCEPTED = "ACCEPTED"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    REJECTED = "REJECTED"  # never stored: an invalid order changes nothing


# --- speed factor ---------------------------------------------------------------------------

_speed_override: float | None = None


def speed() -> float:
    """The speed factor: every simulated latency sleeps ``latency × speed()`` real seconds.

    ``set_speed`` wins, then ``$WORKSHOP_SPEED``, then :data:`DEFAULT_SPEED`. 1 = real-life
    durations; 0.2 = five times faster; 0 = no sleeping at all (only outcomes matter).
    """
    if _speed_override is not None:
        return _speed_override
    raw = os.environ.get("WORKSHOP_SPEED")
    if raw is None or raw.strip() == "":
        return DEFAULT_SPEED
    return _checked_speed(raw)


def set_speed(factor: float | str | None) -> float:
    """Set the speed factor for this process (``None``: back to ``$WORKSHOP_SPEED`` / default)."""
    global _speed_override
    _speed_override = None if factor is None else _checked_speed(factor)
    return speed()


@contextlib.contextmanager
def speed_factor(factor: float) -> Iterator[float]:
    """Run a block at another speed factor, e.g. ``with speed_factor(0): …`` when only outcomes matter."""
    global _speed_override
    saved = _speed_override
    _speed_override = _checked_speed(factor)
    try:
        yield _speed_override
    finally:
        _speed_override = saved


def _checked_speed(value: object) -> float:
    try:
        factor = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise WorkshopError("shop.bad_speed", value=value) from None
    if not math.isfinite(factor) or factor < 0 or factor > 10:
        raise WorkshopError("shop.bad_speed", value=value)
    return factor


def _sleep_shop_ms(shop_ms: float) -> float:
    """Sleep ``shop_ms × speed`` and return the real ms asked for."""
    real_ms = max(0.0, shop_ms) * speed()
    if real_ms > 0:
        time.sleep(real_ms / 1000)
    return real_ms


# --- data -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Product:
    """One catalog entry (``data/catalog.json``)."""

    product_id: str
    name: str
    price_jpy: int
    initial_stock: int


@dataclass(frozen=True)
class StepProfile:
    """One step's numbers from ``data/service_profile.json`` (see its ``_doc`` for meanings)."""

    step: str
    service: str
    median_ms: float
    p95_ms: float
    failure_rate: float
    why: str = ""

    @property
    def availability(self) -> float:
        """Share of calls that succeed: ``1 - failure_rate``."""
        return 1.0 - self.failure_rate

    @property
    def mean_ms(self) -> float:
        """Mean of the log-normal latency (above the median: the slow tail pulls it up)."""
        return lognormal_mean(self.median_ms, self.p95_ms)


def lognormal_sigma(median_ms: float, p95_ms: float) -> float:
    """σ of the log-normal with this median and 95th percentile (0 when p95 ≤ median)."""
    if median_ms <= 0 or p95_ms <= median_ms:
        return 0.0
    return math.log(p95_ms / median_ms) / _Z95


def lognormal_mean(median_ms: float, p95_ms: float) -> float:
    """Mean latency of the log-normal with this median and p95: ``median × exp(σ²/2)``."""
    sigma = lognormal_sigma(median_ms, p95_ms)
    return median_ms * math.exp(sigma * sigma / 2)


def _read_json(name: str, path: str | Path | None) -> Any:
    with open(path or DATA_DIR / name, encoding="utf-8") as fh:
        return json.load(fh)


def load_catalog(path: str | Path | None = None) -> dict[str, Product]:
    """The product catalog, by product id."""
    raw = _read_json("catalog.json", path)
    return {p["product_id"]: Product(**p) for p in raw["products"]}


def load_profile(path: str | Path | None = None) -> dict[str, StepProfile]:
    """The latency / failure profile of every step, in :data:`STEPS` order."""
    raw = _read_json("service_profile.json", path)["steps"]
    return {step: StepProfile(step=step, **raw[step]) for step in STEPS}


def load_sample_orders(path: str | Path | None = None) -> list[dict[str, Any]]:
    """The seeded sample order payloads (valid ones)."""
    return _read_json("sample_orders.json", path)["orders"]


def load_invalid_examples(path: str | Path | None = None) -> list[dict[str, Any]]:
    """Payloads validation must reject, each ``{"why": …, "payload": …}``."""
    return _read_json("sample_orders.json", path)["invalid_examples"]


# --- orders and validation ---------------------------------------------------------------------


class InvalidOrder(WorkshopError):
    """The order payload breaks a rule; the sentence says which and how to fix it.

    Raised before anything is written: an invalid order changes nothing. When raised by
    :meth:`Shop.accept_order`, ``span`` is the validation step's span.
    """

    span: Span | None = None


@dataclass(frozen=True)
class Item:
    """One order line."""

    product_id: str
    quantity: int


@dataclass(frozen=True)
class Order:
    """A validated order. Travels between services as JSON (:meth:`to_json` / :meth:`from_json`)."""

    order_id: str
    customer_id: str
    email: str
    items: tuple[Item, ...]
    total_jpy: int
    created_at: str

    @property
    def points(self) -> int:
        """Loyalty points earned: 1 point per 100 yen."""
        return self.total_jpy // 100

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {**asdict(self), "items": [asdict(i) for i in self.items]}

    def to_json(self) -> str:
        """The order as a JSON string (a message body)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Order:
        """Rebuild an order from :meth:`to_dict` output; a clear :class:`InvalidOrder` if it is not one."""
        try:
            return cls(
                order_id=str(data["order_id"]),
                customer_id=str(data["customer_id"]),
                email=str(data.get("email", "")),
                items=tuple(Item(str(i["product_id"]), int(i["quantity"])) for i in data["items"]),
                total_jpy=int(data["total_jpy"]),
                created_at=str(data.get("created_at", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidOrder("shop.invalid.message", detail=f"{type(exc).__name__}: {exc}") from None

    @classmethod
    def from_json(cls, body: str | bytes) -> Order:
        """Rebuild an order from a message body; a clear :class:`InvalidOrder` for a poison message."""
        try:
            data = json.loads(body)
        except (TypeError, ValueError) as exc:
            raise InvalidOrder("shop.invalid.message", detail=str(exc)) from None
        if not isinstance(data, dict):
            raise InvalidOrder("shop.invalid.message", detail=f"a JSON {type(data).__name__}, not an object")
        return cls.from_dict(data)


_ORDER_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_QUANTITY = 99


def new_order_id() -> str:
    """A fresh order id, e.g. ``ord-3f2a9c1b7e04``."""
    return "ord-" + uuid.uuid4().hex[:12]


def validate_order(payload: Any, catalog: dict[str, Product]) -> Order:
    """Check an order payload against the rules and the catalog; return the :class:`Order`.

    ``payload`` is a dict (or a JSON string / bytes of one) with ``customer_id``, optional
    ``email``, ``items`` = ``[{"product_id", "quantity"}, …]`` and optionally ``order_id``
    (a client-chosen id; otherwise one is made). Raises :class:`InvalidOrder` with one
    sentence for: malformed JSON or not an object, missing customer, bad e-mail, no items,
    a malformed item, an unknown product, a quantity that is not a whole number 1–99, or a
    bad order id. Pure: touches no table.
    """
    if isinstance(payload, (bytes, bytearray)):
        payload = payload.decode("utf-8", errors="replace")
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except ValueError as exc:
            raise InvalidOrder("shop.invalid.malformed", detail=str(exc)) from None
    if not isinstance(payload, dict):
        raise InvalidOrder("shop.invalid.not_object", kind=type(payload).__name__)
    customer = payload.get("customer_id")
    if not isinstance(customer, str) or not customer.strip():
        raise InvalidOrder("shop.invalid.no_customer")
    email = payload.get("email") or f"{customer.strip()}@example.com"
    if not isinstance(email, str) or "@" not in email:
        raise InvalidOrder("shop.invalid.email", email=email)
    order_id = payload.get("order_id") or new_order_id()
    if not isinstance(order_id, str) or not _ORDER_ID_RE.match(order_id):
        raise InvalidOrder("shop.invalid.order_id", order_id=order_id)
    items = payload.get("items")
    if not isinstance(items, list) or not items:
        raise InvalidOrder("shop.invalid.no_items")
    lines: list[Item] = []
    total = 0
    for pos, item in enumerate(items, start=1):
        if not isinstance(item, dict) or "product_id" not in item or "quantity" not in item:
            raise InvalidOrder("shop.invalid.item_shape", pos=pos, item=item)
        pid, qty = item["product_id"], item["quantity"]
        if pid not in catalog:
            examples = ", ".join(sorted(catalog)[:4])
            raise InvalidOrder("shop.invalid.unknown_product", product=pid, examples=examples)
        if isinstance(qty, bool) or not isinstance(qty, int) or not 1 <= qty <= MAX_QUANTITY:
            raise InvalidOrder("shop.invalid.quantity", product=pid, quantity=qty, max=MAX_QUANTITY)
        lines.append(Item(pid, qty))
        total += catalog[pid].price_jpy * qty
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return Order(order_id, customer.strip(), email, tuple(lines), total, created)


# --- spans and service errors --------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """One step of one order: which service, when (``time.perf_counter`` seconds), and how it ended.

    ``outcome`` is ``"ok"``, ``"failed"`` (the service returned an error), ``"unavailable"``
    (down or restarting), ``"rejected"`` (invalid order) or ``"out_of_stock"``.
    ``simulated_ms`` is the real time the simulated service slept (its part of the span; the
    rest is the DynamoDB write and Python).
    """

    order_id: str
    step: str
    service: str
    start: float
    end: float
    outcome: str = "ok"
    simulated_ms: float = 0.0
    error: str | None = None

    @property
    def duration_ms(self) -> float:
        """Measured length of the step, real ms."""
        return (self.end - self.start) * 1000

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Span:
        return cls(**data)


class ServiceError(WorkshopError):
    """A step's service call did not succeed. ``span`` is set by the step method that raised it."""

    outcome = "failed"

    def __init__(self, key: str, *, step: str, service: str, simulated_ms: float = 0.0, **kwargs: object) -> None:
        super().__init__(key, step=step, service=service, **kwargs)
        self.step = step
        self.service = service
        self.simulated_ms = simulated_ms
        self.span: Span | None = None


class ServiceFailure(ServiceError):
    """The service answered with an error (drawn at the step's failure rate)."""

    outcome = "failed"


class ServiceUnavailable(ServiceError):
    """The service is down (an outage) or restarting (a deploy window)."""

    outcome = "unavailable"


class OutOfStock(ServiceError):
    """Not enough units left to reserve (a business answer, not an outage)."""

    outcome = "out_of_stock"


# --- services ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeployWindow:
    """A restart of a service: calls between ``start`` and ``end`` (perf_counter s) fail or wait."""

    service: str
    start: float
    end: float
    mode: str  # "fail": calls fail fast; "wait": calls wait until the service is back

    def contains(self, t: float) -> bool:
        return self.start <= t < self.end

    @property
    def duration_ms(self) -> float:
        return (self.end - self.start) * 1000


class Service:
    """A simulated downstream service: latency, random failures, outages and deploys.

    Settings start from the step's :class:`StepProfile` and can be changed while threads call
    it (:meth:`configure`, :meth:`take_down`, :meth:`deploy`); :meth:`reset` goes back to the
    profile. ``jitter=False`` makes every call take exactly the median (crisp demos).
    """

    def __init__(self, profile: StepProfile, *, seed: int | str = 0) -> None:
        self.profile = profile
        self.step = profile.step
        self.name = profile.service
        self._rng = random.Random(f"{seed}:{profile.step}")
        self._lock = threading.Lock()
        self.reset()

    # settings
    def reset(self) -> None:
        """Back to the profile's numbers, up, no deploy windows, jitter on."""
        with self._lock:
            self.median_ms = float(self.profile.median_ms)
            self.p95_ms = float(self.profile.p95_ms)
            self.failure_rate = float(self.profile.failure_rate)
            self.jitter = True
            self._down = False
            self._windows: list[DeployWindow] = []

    def configure(
        self,
        *,
        median_ms: float | None = None,
        p95_ms: float | None = None,
        failure_rate: float | None = None,
        jitter: bool | None = None,
    ) -> Service:
        """Change latency (shop ms), failure rate (0–1) or jitter. A new median without a p95
        keeps the profile's p95/median ratio (the same shape, scaled)."""
        with self._lock:
            if median_ms is not None:
                if not (isinstance(median_ms, (int, float)) and math.isfinite(median_ms) and median_ms >= 0):
                    raise WorkshopError("shop.bad_latency", step=self.step, value=median_ms)
                ratio = self.profile.p95_ms / self.profile.median_ms if self.profile.median_ms else 1.0
                self.median_ms = float(median_ms)
                self.p95_ms = float(median_ms) * ratio
            if p95_ms is not None:
                if not (isinstance(p95_ms, (int, float)) and p95_ms >= self.median_ms):
                    raise WorkshopError("shop.bad_p95", step=self.step, value=p95_ms, median=self.median_ms)
                self.p95_ms = float(p95_ms)
            if failure_rate is not None:
                if not (isinstance(failure_rate, (int, float)) and 0 <= failure_rate <= 1):
                    raise WorkshopError("shop.bad_failure_rate", step=self.step, value=failure_rate)
                self.failure_rate = float(failure_rate)
            if jitter is not None:
                self.jitter = bool(jitter)
        return self

    @property
    def availability(self) -> float:
        """Share of calls that succeed while the service is up: ``1 - failure_rate``."""
        return 1.0 - self.failure_rate

    @property
    def mean_ms(self) -> float:
        """Expected latency of one call, shop ms (the median when jitter is off)."""
        return lognormal_mean(self.median_ms, self.p95_ms) if self.jitter else self.median_ms

    # outages and deploys
    def take_down(self) -> None:
        """An outage: every call fails fast with :class:`ServiceUnavailable` until :meth:`restore`."""
        with self._lock:
            self._down = True

    def restore(self) -> None:
        """End an outage and forget deploy windows."""
        with self._lock:
            self._down = False
            self._windows = []

    @contextlib.contextmanager
    def outage(self) -> Iterator[Service]:
        """``with shop.service("email").outage(): …`` — down inside the block, up again after."""
        self.take_down()
        try:
            yield self
        finally:
            self.restore()

    @property
    def is_down(self) -> bool:
        """Down now: an outage, or inside a deploy window."""
        now = time.perf_counter()
        with self._lock:
            return self._down or any(w.contains(now) for w in self._windows)

    def deploy(self, duration_ms: float, *, start_in_ms: float = 0.0, mode: str = "fail") -> DeployWindow:
        """Schedule a restart: from ``start_in_ms`` for ``duration_ms`` (shop ms, scaled by the speed).

        ``mode="fail"``: calls in the window fail fast (like connection refused);
        ``mode="wait"``: calls wait until the service is back (like a client retrying).
        Returns the window in real perf_counter seconds, for the timeline.
        """
        if mode not in ("fail", "wait"):
            raise WorkshopError("shop.bad_deploy_mode", mode=mode)
        start = time.perf_counter() + max(0.0, start_in_ms) * speed() / 1000
        window = DeployWindow(self.name, start, start + max(0.0, duration_ms) * speed() / 1000, mode)
        with self._lock:
            self._windows.append(window)
        return window

    # the call itself
    def sample_ms(self) -> float:
        """One latency draw in shop ms (log-normal with the median and p95; the median without jitter)."""
        with self._lock:
            return self._draw()[0]

    def _draw(self) -> tuple[float, bool]:
        """Latency (shop ms) and whether the call fails: one draw each, always in this order."""
        sigma = lognormal_sigma(self.median_ms, self.p95_ms)
        z = self._rng.gauss(0.0, 1.0)
        latency = self.median_ms * math.exp(sigma * z) if self.jitter else self.median_ms
        fails = self._rng.random() < self.failure_rate
        return latency, fails

    def call(self, at: float | None = None) -> float:
        """Do one simulated call: sleep its latency × speed, then succeed or raise.

        Returns the real ms slept. Raises :class:`ServiceUnavailable` (fast) when down or in a
        ``fail`` deploy window, :class:`ServiceFailure` after the latency at the failure rate.
        ``at`` is when the call was made (perf_counter s; default now): the step passes its
        span's start, so "reached the service during a deploy" is decided on the same instant.
        """
        waited = 0.0
        now = time.perf_counter() if at is None else at
        with self._lock:
            down = self._down
            window = next((w for w in self._windows if w.contains(now)), None)
            self._windows = [w for w in self._windows if w.end > now]
        if down or (window and window.mode == "fail"):
            slept = _sleep_shop_ms(FAIL_FAST_MS)
            reason = "outage" if down else "deploy"
            raise ServiceUnavailable(
                "shop.unavailable", step=self.step, service=self.name, reason=reason, simulated_ms=slept
            )
        if window is not None:  # "wait": blocked until the restart is over
            waited = max(0.0, window.end - time.perf_counter())
            time.sleep(waited)
            waited *= 1000
        with self._lock:
            latency, fails = self._draw()
        slept = _sleep_shop_ms(latency) + waited
        if fails:
            raise ServiceFailure("shop.failure", step=self.step, service=self.name, simulated_ms=slept)
        return slept


# --- DynamoDB store ------------------------------------------------------------------------------


def _to_ddb(value: dict[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeSerializer

    ser = TypeSerializer()
    return {k: ser.serialize(_decimals(v)) for k, v in value.items()}


def _decimals(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _decimals(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_decimals(v) for v in value]
    return value


def _from_ddb(item: dict[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeDeserializer

    de = TypeDeserializer()
    return {k: _plain(de.deserialize(v)) for k, v in item.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


class Store:
    """The shop's state in DynamoDB: one table per service (each service owns its data).

    ``orders`` (order_id → status, steps, items…), ``stock`` (product_id → available),
    and one record per successful call in ``reservations``, ``payments``, ``shipments``,
    ``emails`` and ``points`` (order_id + record_id), so a duplicate effect — a double
    charge — is visible by counting records per order (:meth:`count_by_order`).
    """

    def __init__(self, tables: dict[str, str]) -> None:
        self.tables = dict(tables)

    @classmethod
    def create(cls) -> Store:
        """Create the tables (or reuse them: ``ensure_table`` is idempotent)."""
        return cls({kind: ensure_table(short, key=key, sort_key=sk) for kind, (short, key, sk) in _TABLES.items()})

    @property
    def _ddb(self) -> Any:
        return client("dynamodb")

    # orders
    def put_order(self, order: Order, status: str = Status.ACCEPTED) -> None:
        """Store an order with ``status`` and no step done yet (overwrites one with the same id)."""
        now = time.time()
        item = {
            **order.to_dict(),
            "items": json.dumps([asdict(i) for i in order.items]),
            "status": status,
            "steps": {},
            "updated_at": Decimal(str(round(now, 3))),
        }
        self._ddb.put_item(TableName=self.tables["orders"], Item=_to_ddb(item))

    def set_status(
        self,
        order_id: str,
        status: str,
        *,
        steps: dict[str, str] | None = None,
        failed_step: str | None = None,
        error: str | None = None,
    ) -> None:
        """Set an order's status; optionally its step outcomes, the failed step and the error."""
        names = {"#s": "status", "#u": "updated_at"}
        values: dict[str, Any] = {":s": status, ":u": round(time.time(), 3)}
        sets = ["#s = :s", "#u = :u"]
        if steps is not None:
            names["#st"] = "steps"
            values[":st"] = dict(steps)
            sets.append("#st = :st")
        for attr, value in (("failed_step", failed_step), ("error", error)):
            if value is not None:
                names[f"#{attr}"] = attr
                values[f":{attr}"] = value
                sets.append(f"#{attr} = :{attr}")
        self._ddb.update_item(
            TableName=self.tables["orders"],
            Key={"order_id": {"S": order_id}},
            UpdateExpression="SET " + ", ".join(sets),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=_to_ddb(values),
        )

    def mark_step(self, order_id: str, step: str, outcome: str = "ok") -> None:
        """Record one step's outcome on the order (``steps.<step> = outcome``)."""
        self._ddb.update_item(
            TableName=self.tables["orders"],
            Key={"order_id": {"S": order_id}},
            UpdateExpression="SET #steps.#step = :o, #u = :u",
            ExpressionAttributeNames={"#steps": "steps", "#step": step, "#u": "updated_at"},
            ExpressionAttributeValues=_to_ddb({":o": outcome, ":u": round(time.time(), 3)}),
        )

    def get_order(self, order_id: str) -> dict[str, Any] | None:
        """The stored order as a plain dict (``items`` decoded), or ``None``."""
        item = self._ddb.get_item(
            TableName=self.tables["orders"], Key={"order_id": {"S": order_id}}, ConsistentRead=True
        ).get("Item")
        if item is None:
            return None
        order = _from_ddb(item)
        if isinstance(order.get("items"), str):
            order["items"] = json.loads(order["items"])
        return order

    # stock
    def reset_stock(self, catalog: dict[str, Product]) -> None:
        """Set every product's available units to the catalog's ``initial_stock``."""
        for p in catalog.values():
            self._ddb.put_item(
                TableName=self.tables["stock"],
                Item=_to_ddb({"product_id": p.product_id, "available": p.initial_stock}),
            )

    def stock_level(self, product_id: str) -> int:
        """Units available now (0 for an unknown product)."""
        item = self._ddb.get_item(
            TableName=self.tables["stock"], Key={"product_id": {"S": product_id}}, ConsistentRead=True
        ).get("Item")
        return int(item["available"]["N"]) if item else 0

    def reserve(self, order: Order) -> None:
        """Take the order's units out of stock (all or nothing) and write a reservation record.

        Raises :class:`OutOfStock` if a product has too few units; units already taken for
        the order's earlier lines are put back first.
        """
        ddb = self._ddb
        taken: list[Item] = []
        for item in order.items:
            try:
                ddb.update_item(
                    TableName=self.tables["stock"],
                    Key={"product_id": {"S": item.product_id}},
                    UpdateExpression="SET available = available - :q",
                    ConditionExpression="available >= :q",
                    ExpressionAttributeValues={":q": {"N": str(item.quantity)}},
                )
            except ddb.exceptions.ConditionalCheckFailedException:
                for back in taken:
                    self._release(back)
                raise OutOfStock(
                    "shop.out_of_stock", step="inventory", service="inventory", product=item.product_id
                ) from None
            taken.append(item)
        self._record("reservations", order, {"items": json.dumps([asdict(i) for i in order.items])})

    def _release(self, item: Item) -> None:
        self._ddb.update_item(
            TableName=self.tables["stock"],
            Key={"product_id": {"S": item.product_id}},
            UpdateExpression="SET available = available + :q",
            ExpressionAttributeValues={":q": {"N": str(item.quantity)}},
        )

    # effect records
    def _record(self, kind: str, order: Order, fields: dict[str, Any]) -> str:
        record_id = uuid.uuid4().hex
        item = {"order_id": order.order_id, "record_id": record_id, "at": round(time.time(), 3), **fields}
        self._ddb.put_item(TableName=self.tables[kind], Item=_to_ddb(item))
        return record_id

    def record_charge(self, order: Order) -> str:
        """One charge of the order's total to the customer (a second call is a double charge)."""
        return self._record("payments", order, {"customer_id": order.customer_id, "amount_jpy": order.total_jpy})

    def record_shipment(self, order: Order) -> str:
        """One shipment of the order's items."""
        return self._record("shipments", order, {"items": json.dumps([asdict(i) for i in order.items])})

    def record_email(self, order: Order) -> str:
        """One confirmation e-mail sent."""
        return self._record("emails", order, {"to": order.email, "subject": f"Order {order.order_id} confirmed"})

    def record_points(self, order: Order) -> str:
        """One credit of loyalty points."""
        return self._record("points", order, {"customer_id": order.customer_id, "points": order.points})

    def records(self, kind: str, order_id: str) -> list[dict[str, Any]]:
        """All records of ``kind`` (e.g. ``"payments"``) for one order."""
        table = self._table(kind)
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "TableName": table,
            "KeyConditionExpression": "order_id = :o",
            "ExpressionAttributeValues": {":o": {"S": order_id}},
            "ConsistentRead": True,
        }
        while True:
            page = self._ddb.query(**kwargs)
            items += [_from_ddb(i) for i in page.get("Items", [])]
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def count_by_order(self, kind: str, order_ids: Iterable[str] | None = None) -> Counter[str]:
        """How many records of ``kind`` each order has (one scan; optionally only ``order_ids``)."""
        table = self._table(kind)
        wanted = set(order_ids) if order_ids is not None else None
        counts: Counter[str] = Counter()
        kwargs: dict[str, Any] = {"TableName": table, "ProjectionExpression": "order_id", "ConsistentRead": True}
        while True:
            page = self._ddb.scan(**kwargs)
            for item in page.get("Items", []):
                oid = item["order_id"]["S"]
                if wanted is None or oid in wanted:
                    counts[oid] += 1
            if "LastEvaluatedKey" not in page:
                return counts
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def count(self, kind: str) -> int:
        """Items in one table (``"orders"``, ``"stock"``, ``"payments"``…) right now (a scan: small tables only)."""
        if kind not in self.tables:
            raise WorkshopError("shop.unknown_kind", kind=kind, valid=", ".join(self.tables))
        total = 0
        kwargs: dict[str, Any] = {"TableName": self.tables[kind], "Select": "COUNT", "ConsistentRead": True}
        while True:
            page = self._ddb.scan(**kwargs)
            total += page["Count"]
            if "LastEvaluatedKey" not in page:
                return total
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def counts(self) -> dict[str, int]:
        """Items in every table: ``{"orders": …, "stock": …, "payments": …}``."""
        return {kind: self.count(kind) for kind in self.tables}

    def effects(self, order_ids: Iterable[str]) -> dict[str, Counter[str]]:
        """For each effect table, records per order among ``order_ids``: ``{"payments": Counter, …}``."""
        ids = list(order_ids)
        return {kind: self.count_by_order(kind, ids) for kind in EFFECTS.values()}

    def _table(self, kind: str) -> str:
        if kind not in self.tables or kind in ("orders", "stock"):
            valid = ", ".join(EFFECTS.values())
            raise WorkshopError("shop.unknown_kind", kind=kind, valid=valid)
        return self.tables[kind]


# --- results ------------------------------------------------------------------------------------


@dataclass
class OrderResult:
    """What placing one order synchronously returned, and its spans."""

    order_id: str | None
    status: str
    spans: list[Span]
    start: float
    end: float
    failed_step: str | None = None
    error: str | None = None
    order: Order | None = None
    submitted: float | None = None  # when the client sent it (load runners); else = start
    status_ms: float = 0.0  # storing the final status (COMPLETED / FAILED): the only time outside the spans

    @property
    def ok(self) -> bool:
        return self.status == Status.COMPLETED

    @property
    def response_ms(self) -> float:
        """What the client waited: from sending (or start) to the answer, real ms."""
        return (self.end - (self.submitted if self.submitted is not None else self.start)) * 1000

    @property
    def steps_ms(self) -> float:
        """Sum of the step spans, real ms."""
        return sum(s.duration_ms for s in self.spans)

    @property
    def unaccounted_ms(self) -> float:
        """Response time not in a span nor in the final status write (≈ 0: a few µs of Python)."""
        return self.response_ms - self.steps_ms - self.status_ms

    @property
    def back_to_back(self) -> bool:
        """Every span starts after the one before it ended (the steps ran one after another)."""
        return all(b.start >= a.end for a, b in zip(self.spans, self.spans[1:]))  # noqa: B905

    @property
    def simulated_ms(self) -> float:
        """What the simulated services slept for this order, real ms."""
        return sum(s.simulated_ms for s in self.spans)

    @property
    def overhead_ms(self) -> float:
        """Response time beyond the simulated sleeps: DynamoDB, Python, waking up."""
        return self.response_ms - self.simulated_ms

    def span(self, step: str) -> Span | None:
        """The span of ``step``, if the order got that far."""
        return next((s for s in self.spans if s.step == step), None)

    def summary(self) -> str:
        """One line for the learner."""
        if self.ok:
            return say("shop.result_ok", order_id=self.order_id, ms=self.response_ms, steps=len(self.spans))
        return say(
            "shop.result_failed",
            status=self.status,
            step=self.failed_step,
            ms=self.response_ms,
            error=self.error,
        )

    def __repr__(self) -> str:
        return f"OrderResult({self.summary()})"


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0–100) with linear interpolation; NaN for no values."""
    data = sorted(values)
    if not data:
        return float("nan")
    pos = (len(data) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


@dataclass(frozen=True)
class BusyWindow:
    """A closed-loop run's steady part, measured on the same work: λ, W, L (= λ·W) and overhead."""

    seconds: float
    throughput_per_s: float  # λ: orders finished per second (partly finished ones in part)
    mean_ms: float  # W: time an order spends in the shop, averaged over that work
    in_progress: float  # L: orders in progress on average (the busy clients)
    overhead_ms: float  # per order beyond the simulated sleeps: DynamoDB, Python, waiting for a CPU


@dataclass
class LoadResult:
    """Many orders placed together: the results, the wall-clock window and the summaries."""

    results: list[OrderResult]
    start: float
    end: float
    clients: int | None = None
    interval_ms: float | None = None
    windows: list[DeployWindow] = field(default_factory=list)

    @property
    def wall_s(self) -> float:
        return self.end - self.start

    @property
    def throughput_per_s(self) -> float:
        """Orders answered per real second (completed or not)."""
        return len(self.results) / self.wall_s if self.wall_s > 0 else float("nan")

    def busy_window(self) -> BusyWindow | None:
        """Throughput, response time and load while every client was busy (closed loop, :meth:`Shop.run_load`).

        Until the last order starts, each answer frees a client that starts the next order at
        once, so all ``clients`` are busy. Over that window each order counts for the share of
        it that happened inside (finished orders fully, running ones partly), so the three
        numbers are measured on the same work and satisfy Little's law L = λ·W exactly; L
        comes out as the clients kept busy. (Plain ``n / wall time`` comes out lower: the run
        ends with clients idle while the last orders finish.) ``None`` with fewer than two
        orders per client.
        """
        n, clients = len(self.results), self.clients or 1
        if n < 2 * clients:
            return None
        cut = max(r.start for r in self.results)
        window = cut - self.start
        if window <= 0:
            return None
        done = inside_total = overhead = 0.0
        for r in self.results:
            length = r.end - r.start
            inside = max(0.0, min(r.end, cut) - r.start)
            share = inside / length if length > 0 else 1.0
            done += share
            inside_total += inside
            overhead += share * r.overhead_ms
        if done <= 0:
            return None
        return BusyWindow(
            seconds=window,
            throughput_per_s=done / window,
            mean_ms=inside_total / done * 1000,
            in_progress=inside_total / window,
            overhead_ms=overhead / done,
        )

    @property
    def busy_throughput_per_s(self) -> float:
        """Orders per real second while every client was busy (see :meth:`busy_window`);
        :attr:`throughput_per_s` when there are fewer than two orders per client."""
        busy = self.busy_window()
        return busy.throughput_per_s if busy else self.throughput_per_s

    @property
    def response_ms(self) -> list[float]:
        return [r.response_ms for r in self.results]

    def completed(self) -> list[OrderResult]:
        return [r for r in self.results if r.ok]

    def failed(self) -> list[OrderResult]:
        return [r for r in self.results if not r.ok]

    @property
    def success_share(self) -> float:
        return len(self.completed()) / len(self.results) if self.results else float("nan")

    def p(self, q: float) -> float:
        """Percentile ``q`` of the response times, real ms."""
        return percentile(self.response_ms, q)

    @property
    def mean_ms(self) -> float:
        times = self.response_ms
        return sum(times) / len(times) if times else float("nan")

    @property
    def mean_in_system(self) -> float:
        """Average number of orders in progress over the run: Σ response times / wall time (Little's L)."""
        return sum(self.response_ms) / 1000 / self.wall_s if self.wall_s > 0 else float("nan")

    def reached_during(self, step: str, window: DeployWindow) -> list[OrderResult]:
        """Orders whose call to ``step`` started inside ``window`` (e.g. a deploy)."""
        hits = []
        for r in self.results:
            span = r.span(step)
            if span is not None and window.contains(span.start):
                hits.append(r)
        return hits

    def failures_by_step(self) -> Counter[str]:
        """Failed orders per step that failed them."""
        return Counter(r.failed_step or "?" for r in self.failed())


@dataclass
class SweepPoint:
    """One point of a latency sweep: the step's latency (shop ms), the measurement and the model."""

    step: str
    latency_ms: float
    load: LoadResult
    model_response_ms: float
    model_throughput_per_s: float
    overhead_ms: float = 0.0  # per order, in the model: DynamoDB, Python, waiting for a CPU

    @property
    def throughput_per_s(self) -> float:
        """Measured steady throughput λ (:meth:`LoadResult.busy_window`)."""
        return self.load.busy_throughput_per_s

    @property
    def mean_ms(self) -> float:
        """Measured W over the same work as λ (the whole run's mean without a busy window)."""
        busy = self.load.busy_window()
        return busy.mean_ms if busy else self.load.mean_ms

    @property
    def littles_l(self) -> float:
        """λ·W from the measurements: Little's law says it equals the clients kept busy."""
        return self.throughput_per_s * self.mean_ms / 1000


# --- the shop ---------------------------------------------------------------------------------


class Shop:
    """Services + store for one notebook. Make one with :meth:`Shop.create`; nothing is global."""

    def __init__(
        self,
        *,
        catalog: dict[str, Product],
        profile: dict[str, StepProfile],
        store: Store,
        seed: int = 42,
        sample_orders: list[dict[str, Any]] | None = None,
    ) -> None:
        self.catalog = catalog
        self.profile = profile
        self.store = store
        self.seed = seed
        self.services: dict[str, Service] = {step: Service(profile[step], seed=seed) for step in STEPS}
        self._samples = list(sample_orders or [])

    @classmethod
    def create(cls, seed: int = 42, *, data_dir: str | Path | None = None, reset_stock: bool = True) -> Shop:
        """Load the data, create (or reuse) the tables and reset stock: a fresh shop, same tables.

        Needs the backend (``use_backend()``) first. ``seed`` makes latencies and failures
        repeatable when orders are placed one after another.
        """
        base = Path(data_dir) if data_dir else DATA_DIR
        catalog = load_catalog(base / "catalog.json")
        store = Store.create()
        if reset_stock:
            store.reset_stock(catalog)
        return cls(
            catalog=catalog,
            profile=load_profile(base / "service_profile.json"),
            store=store,
            seed=seed,
            sample_orders=load_sample_orders(base / "sample_orders.json"),
        )

    # configuration
    def service(self, step: str) -> Service:
        """The service behind ``step`` (one of :data:`STEPS`)."""
        if step not in self.services:
            raise WorkshopError("shop.unknown_step", step=step, valid=", ".join(STEPS))
        return self.services[step]

    def configure(self, step: str, **settings: Any) -> Service:
        """``shop.configure("payment", median_ms=900)`` — see :meth:`Service.configure`."""
        return self.service(step).configure(**settings)

    def set_failure_rates(self, rates: float | dict[str, float]) -> None:
        """One rate for every downstream step, or ``{step: rate}``."""
        chosen = dict.fromkeys(DOWNSTREAM, rates) if isinstance(rates, (int, float)) else rates
        for step, rate in chosen.items():
            self.configure(step, failure_rate=rate)

    def set_jitter(self, on: bool) -> None:
        """Random latency variation on (realistic) or off (every call takes its median)."""
        for svc in self.services.values():
            svc.configure(jitter=on)

    def reset(self, *, failures: bool = True) -> None:
        """Every service back to the profile: latencies, failure rates, up, jitter on.

        ``failures=False`` also sets every failure rate to 0 (for sections about time only).
        """
        for svc in self.services.values():
            svc.reset()
        if not failures:
            self.set_failure_rates(0)

    def predicted_ms(self, *, stat: str = "median", steps: Iterable[str] = STEPS, overhead_ms: float = 0.0) -> float:
        """Predicted response time of one order in real ms: Σ step latency × speed (+ overhead).

        ``stat="median"`` sums medians (the typical order), ``"mean"`` sums means (what
        throughput and Little's law need).
        """
        total = sum(
            (self.service(s).median_ms if stat == "median" else self.service(s).mean_ms) for s in steps
        )
        return total * speed() + overhead_ms

    def describe(self) -> str:
        """The services' current settings as a text table, with what one call sleeps at this speed."""
        head = f"{'step':<10} {'service':<10} {'median':>8} {'p95':>8} {'fails':>7} {'sleeps (real)':>14}"
        lines = [head, "-" * len(head)]
        for step in STEPS:
            svc = self.services[step]
            lines.append(
                f"{step:<10} {svc.name:<10} {svc.median_ms:>5.0f} ms {svc.p95_ms:>5.0f} ms "
                f"{svc.failure_rate * 100:>6.1f}% {svc.median_ms * speed():>11.0f} ms"
            )
        total = sum(s.median_ms for s in self.services.values())
        lines.append("-" * len(head))
        lines.append(f"{'sum':<21} {total:>5.0f} ms {'':>8} {'':>7} {total * speed():>11.0f} ms   (speed ×{speed():g})")
        return "\n".join(lines)

    def expected_availability(self) -> float:
        """Chance an order gets through every step: the product of the step availabilities."""
        return math.prod(svc.availability for svc in self.services.values())

    # orders
    def sample_orders(self, n: int | None = None, *, start: int = 0) -> list[dict[str, Any]]:
        """``n`` sample payloads (cycling through ``data/sample_orders.json``), fresh copies."""
        if not self._samples:
            return []
        count = len(self._samples) if n is None else n
        return [json.loads(json.dumps(self._samples[(start + i) % len(self._samples)])) for i in range(count)]

    def invalid_examples(self) -> list[dict[str, Any]]:
        """Payloads that validation must reject, each ``{"why", "payload"}``."""
        return load_invalid_examples()

    def validate(self, payload: Any) -> Order:
        """:func:`validate_order` against this shop's catalog (no sleep, no write)."""
        return validate_order(payload, self.catalog)

    # the steps (each: simulated call, then its DynamoDB effect; returns a Span or raises)
    def accept_order(self, payload: Any) -> tuple[Order, Span]:
        """Step 1, ``validate``: check the payload, store the order as ``ACCEPTED``.

        Raises :class:`InvalidOrder` (``.span`` set) for a bad payload; then nothing is written.
        """
        svc = self.services["validate"]
        start = time.perf_counter()
        simulated = svc.call(start)
        try:
            order = self.validate(payload)
        except InvalidOrder as err:
            oid = payload.get("order_id") if isinstance(payload, dict) else None
            err.span = Span(str(oid or "?"), "validate", svc.name, start, time.perf_counter(), "rejected",
                            simulated, str(err))
            raise
        self.store.put_order(order, Status.ACCEPTED)
        return order, Span(order.order_id, "validate", svc.name, start, time.perf_counter(), "ok", simulated)

    def reserve_stock(self, order: Order) -> Span:
        """Step 2, ``inventory``: reserve the units (stock table + a reservations record)."""
        return self._step("inventory", order, self.store.reserve)

    def charge_payment(self, order: Order) -> Span:
        """Step 3, ``payment``: charge the total (one payments record per call)."""
        return self._step("payment", order, self.store.record_charge)

    def create_shipment(self, order: Order) -> Span:
        """Step 4, ``shipping``: book the shipment (one shipments record per call)."""
        return self._step("shipping", order, self.store.record_shipment)

    def send_email(self, order: Order) -> Span:
        """Step 5, ``email``: send the confirmation (one emails record per call)."""
        return self._step("email", order, self.store.record_email)

    def add_points(self, order: Order) -> Span:
        """Step 6, ``points``: credit loyalty points (one points record per call)."""
        return self._step("points", order, self.store.record_points)

    def step_function(self, step: str) -> Callable[[Order], Span]:
        """The method for a downstream step, e.g. ``shop.step_function("payment")(order)``."""
        funcs = {
            "inventory": self.reserve_stock,
            "payment": self.charge_payment,
            "shipping": self.create_shipment,
            "email": self.send_email,
            "points": self.add_points,
        }
        if step not in funcs:
            raise WorkshopError("shop.unknown_step", step=step, valid=", ".join(DOWNSTREAM))
        return funcs[step]

    def _step(self, step: str, order: Order, effect: Callable[[Order], Any]) -> Span:
        svc = self.services[step]
        start = time.perf_counter()
        simulated = 0.0
        try:
            simulated = svc.call(start)
            effect(order)
        except ServiceError as err:
            err.span = Span(order.order_id, step, svc.name, start, time.perf_counter(), err.outcome,
                            err.simulated_ms or simulated, str(err))
            raise
        return Span(order.order_id, step, svc.name, start, time.perf_counter(), "ok", simulated)

    # the synchronous order
    def place_order_sync(self, payload: Any, *, submitted: float | None = None) -> OrderResult:
        """Place one order synchronously: every step, one after another, then answer.

        Returns an :class:`OrderResult`: ``COMPLETED``; ``FAILED`` at the first step that
        failed (steps before it keep their effects: nothing is undone — part of the lesson);
        or ``REJECTED`` for an invalid order (nothing written).
        """
        start = time.perf_counter()
        try:
            order, first = self.accept_order(payload)
        except InvalidOrder as err:
            spans = [err.span] if err.span else []
            return OrderResult(None, Status.REJECTED, spans, start, time.perf_counter(), "validate", str(err),
                               submitted=submitted)
        spans = [first]
        steps = {"validate": "ok"}
        for step in DOWNSTREAM:
            try:
                span = self.step_function(step)(order)
            except ServiceError as err:
                assert err.span is not None
                spans.append(err.span)
                steps[step] = err.outcome
                before = time.perf_counter()
                self.store.set_status(order.order_id, Status.FAILED, steps=steps, failed_step=step, error=str(err))
                end = time.perf_counter()
                return OrderResult(order.order_id, Status.FAILED, spans, start, end, step, str(err), order,
                                   submitted, (end - before) * 1000)
            spans.append(span)
            steps[step] = "ok"
        before = time.perf_counter()
        self.store.set_status(order.order_id, Status.COMPLETED, steps=steps)
        end = time.perf_counter()
        return OrderResult(order.order_id, Status.COMPLETED, spans, start, end, None, None, order, submitted,
                           (end - before) * 1000)

    def _safe_place(self, payload: Any, submitted: float | None = None) -> OrderResult:
        """place_order_sync that never raises (an unexpected error becomes a FAILED result)."""
        start = time.perf_counter()
        try:
            return self.place_order_sync(payload, submitted=submitted)
        except Exception as exc:  # e.g. a throttled AWS call: recorded, the run goes on
            return OrderResult(None, Status.FAILED, [], start, time.perf_counter(), "?",
                               f"{type(exc).__name__}: {exc}", submitted=submitted)

    # load
    def run_load(
        self, payloads: Sequence[Any], *, clients: int = 1, progress: bool | str = False
    ) -> LoadResult:
        """``clients`` threads place ``payloads`` as fast as they can (closed loop).

        Each client sends its next order as soon as its previous one is answered, like a web
        server with ``clients`` worker threads busy for the whole chain. Results come back in
        payload order. ``progress`` shows a tqdm bar (a string is its label).
        """
        if not isinstance(clients, int) or clients < 1:
            raise WorkshopError("shop.bad_clients", clients=clients)
        results: list[OrderResult | None] = [None] * len(payloads)
        bar = _progress(len(payloads), progress)
        start = time.perf_counter()
        if clients == 1:
            for i, payload in enumerate(payloads):
                results[i] = self._safe_place(payload)
                bar.update(1)
        else:
            def one(i: int) -> None:
                results[i] = self._safe_place(payloads[i])
                bar.update(1)

            with ThreadPoolExecutor(max_workers=clients, thread_name_prefix="client") as pool:
                list(pool.map(one, range(len(payloads))))
        end = time.perf_counter()
        bar.close()
        return LoadResult([r for r in results if r is not None], start, end, clients=clients)

    def run_stream(
        self,
        payloads: Sequence[Any],
        *,
        interval_ms: float,
        workers: int = 32,
        windows: Sequence[DeployWindow] = (),
        progress: bool | str = False,
    ) -> LoadResult:
        """Send one order every ``interval_ms`` (shop ms, scaled by the speed), whatever happens.

        Open loop, like customers arriving: each order gets its own worker thread (up to
        ``workers``), and its response time counts from when it was sent. ``windows`` (e.g.
        from :meth:`Service.deploy`) are kept on the result for the timeline.
        """
        if not interval_ms or interval_ms <= 0:
            raise WorkshopError("shop.bad_interval", interval_ms=interval_ms)
        gap = interval_ms * speed() / 1000
        bar = _progress(len(payloads), progress)
        futures = []
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="customer") as pool:
            for i, payload in enumerate(payloads):
                due = start + i * gap
                delay = due - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                fut = pool.submit(self._safe_place, payload, due)
                fut.add_done_callback(lambda _f: bar.update(1))
                futures.append(fut)
            results = [f.result() for f in futures]
        end = time.perf_counter()
        bar.close()
        return LoadResult(results, start, end, interval_ms=interval_ms, windows=list(windows))

    def measure_overhead(self, n: int = 3) -> float:
        """Median real ms an order takes beyond its simulated service time: DynamoDB calls,
        Python, and waking up from each sleep (on a busy machine that is not free).

        Places ``n`` orders (plus one warm-up: the first calls of a kernel are slower) at the
        current speed and subtracts what the services slept. The honest part of a prediction
        that the profile does not contain.
        """
        load = self.run_load(self.sample_orders(n + 1), clients=1)
        extra = [r.overhead_ms for r in load.results[1:] if r.ok] or [r.overhead_ms for r in load.results]
        return percentile(extra, 50)

    def sweep_latency(
        self,
        step: str,
        latencies_ms: Sequence[float],
        *,
        clients: int,
        orders_per_client: int,
        overhead_ms: float | None = None,
        progress: bool = True,
    ) -> list[SweepPoint]:
        """Make ``step`` slower and slower; at each latency run a closed-loop burst and model it.

        Model (Little's law, L = λ·W with L = ``clients`` busy threads): W = Σ mean step
        latency from the profile × speed + overhead, λ = clients / W. The overhead — DynamoDB,
        Python and, on a busy machine, waiting for a CPU — is measured on the same work as the
        throughput (:meth:`LoadResult.busy_window`) unless ``overhead_ms`` fixes it, so the
        model's only assumption is the profile's latencies. The step's settings are restored after.
        """
        svc = self.service(step)
        saved = (svc.median_ms, svc.p95_ms)
        points: list[SweepPoint] = []
        bar = _progress(len(latencies_ms), "latency sweep" if progress else False)
        try:
            for i, latency in enumerate(latencies_ms):
                svc.configure(median_ms=latency)
                load = self.run_load(self.sample_orders(clients * orders_per_client, start=i), clients=clients)
                extra = overhead_ms
                if extra is None:
                    busy = load.busy_window()
                    if busy is not None:
                        extra = busy.overhead_ms
                    else:
                        extra = sum(r.overhead_ms for r in load.results) / len(load.results) if load.results else 0.0
                model_w = self.predicted_ms(stat="mean", overhead_ms=extra)
                points.append(SweepPoint(step, float(latency), load, model_w, clients / (model_w / 1000), extra))
                bar.update(1)
        finally:
            svc.configure(median_ms=saved[0], p95_ms=saved[1])
            bar.close()
        return points


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, progress: bool | str) -> Any:
    if not progress:
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=progress if isinstance(progress, str) else None, leave=False)
