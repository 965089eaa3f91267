"""The "order placed" event: its names, its size as SNS counts it, and how a subscriber reads it back.

The event itself is built by ``build_event`` in :mod:`helpers.fanout.lesson` (written in notebook 04).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..core.limits import SNS_MAX_BYTES
from ..core.messages import WorkshopError
from ..shop import Accepted, InvalidOrder, Order

#: The topic every order event is published to: ``<prefix>-order-events``.
TOPIC = "order-events"
#: The event type in the body and in the ``event_type`` message attribute.
EVENT_TYPE = "OrderPlaced"
#: The services fanned out to by default: queue short name → domain step it runs.
SERVICES: dict[str, str] = {"shipping": "shipping", "email": "email", "points": "points"}


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


def customer_tier(customer_id: str) -> str:
    """The customer's loyalty tier as the shop knows it: ``gold``, ``silver`` or ``regular``."""
    return CUSTOMER_TIERS.get(customer_id, "regular")


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


def _parse_number(value: str) -> int | float:
    try:
        return int(value)
    except ValueError:
        return float(value)


def _attr_value(data_type: str, value: Any) -> Any:
    return _parse_number(str(value)) if data_type.startswith("Number") else value


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
class Published(Accepted):
    """The answer of :meth:`FanoutShop.place_order`: an :class:`~helpers.shop.Accepted` plus the event's id and size.

    ``http_status`` is stored here, not derived: ``413`` for an event over SNS's limit, ``400`` for an invalid order.
    """

    message_id: str | None = None  # SNS message id of the published event
    size_bytes: int = 0  # the event's size as SNS counts it
    http_status: int = 202  # a field here: 413 cannot be derived from the status
