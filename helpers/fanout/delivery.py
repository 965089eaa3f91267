"""What a subscriber receives in 04_pubsub_fanout: SNS's envelope or the raw event, and an event too big for SNS."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from ..core.backend import client
from ..core.messages import WorkshopError, say
from .events import Event, Published, parse_event
from .publisher import FanoutShop


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
    wish = "お誕生日おめでとう! "  # 29 bytes in UTF-8: Japanese characters take 3 bytes each
    oid = f"big-{secrets.token_hex(3)}"
    payload = {**fshop.sample_orders(1)[0], "order_id": oid,
               "gift_message": wish * (kib * 1024 // len(wish.encode()) + 1)}
    answer = fshop.place_order(payload)
    return answer, fshop.shop.store.get_order(oid) is not None


_NOISE = ("Signature", "SigningCertURL", "UnsubscribeURL", "SignatureVersion")


def format_deliveries(demo: Deliveries, width: int = 100) -> str:
    """Both bodies as a subscriber sees them, long fields shortened, for printing side by side (one after the other)."""

    def short(value: Any) -> Any:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        return text if len(text) <= width else text[: width - 1] + "…"

    env = json.loads(demo.envelope_body)
    env_view = {k: (short(v) if k in _NOISE or k == "Message" else v) for k, v in env.items()}
    raw_view = {k: short(v) if k == "order" else v for k, v in json.loads(demo.raw_body).items()}
    env_attrs = json.dumps(demo.envelope_attributes) if demo.envelope_attributes else say("fanout.deliveries.none")
    return "\n".join([
        say("fanout.deliveries.envelope"),
        json.dumps(env_view, indent=2, ensure_ascii=False),
        say("fanout.deliveries.attributes", attributes=env_attrs),
        "",
        say("fanout.deliveries.raw"),
        json.dumps(raw_view, indent=2, ensure_ascii=False),
        say("fanout.deliveries.attributes", attributes=json.dumps(demo.raw_attributes, ensure_ascii=False)),
    ])
