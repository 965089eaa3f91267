"""The order model: steps, statuses, orders and their validation, spans, and the services' errors."""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from ..core.messages import WorkshopError

#: The steps of an order, in the order the synchronous chain runs them.
STEPS: tuple[str, ...] = ("validate", "inventory", "payment", "shipping", "email", "points")
#: The steps after validation: what a worker does with an accepted order.
DOWNSTREAM: tuple[str, ...] = STEPS[1:]


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


@dataclass(frozen=True)
class Product:
    """One catalog entry (``data/catalog.json``)."""

    product_id: str
    name: str
    price_jpy: int
    initial_stock: int


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
