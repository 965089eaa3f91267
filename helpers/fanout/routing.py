"""Filter policies at work in 04_pubsub_fanout: six orders A–F, the filtered queues, and who gets which order."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from ..core.messages import WorkshopError, say
from ..core.resources import purge
from ..shop import Shop, load_catalog, validate_order
from .demos import collect_many
from .events import customer_tier
from .filters import event_facts, policy_matches
from .lesson import FILTERED_SERVICES, build_event
from .publisher import FanoutShop

#: Six orders to route (label → payload without an order id). Totals in yen:
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

#: name → (filter policy, scope), as :data:`helpers.fanout.lesson.FILTERED_SERVICES`.
Subscriptions = dict[str, tuple[dict[str, Any], str]]


def routing_table(orders: dict[str, dict[str, Any]] | None = None, shop: Shop | None = None) -> list[dict[str, Any]]:
    """The facts a filter policy sees, per order label: customer, tier, shipping, total (yen)."""
    catalog = shop.catalog if shop is not None else load_catalog()
    rows = []
    for label, payload in (orders or ROUTING_ORDERS).items():
        total = sum(catalog[i["product_id"]].price_jpy * i["quantity"] for i in payload["items"])
        rows.append({"order": label, "customer": payload["customer_id"], "tier": customer_tier(payload["customer_id"]),
                     "shipping": payload.get("shipping", "standard"), "total_jpy": total})
    return rows


def expected_routes(orders: dict[str, dict[str, Any]] | None = None, subscribers: Subscriptions | None = None,
                    shop: Shop | None = None) -> dict[str, set[str]]:
    """Which order labels each filtered subscriber should get, by :func:`policy_matches` on the real events."""
    catalog = shop.catalog if shop is not None else load_catalog()
    out: dict[str, set[str]] = {}
    for name, (policy, scope) in (subscribers or FILTERED_SERVICES).items():
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
    head = say("fanout.table.head")
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
    rows: list[dict[str, Any]] | None = None  # routing_table() of the orders: the facts under each label

    @property
    def as_predicted(self) -> bool:
        """True when every filtered queue got exactly what the policies select."""
        return self.received == self.expected


def routing_run(fshop: FanoutShop, subscribers: Subscriptions | None = None, *,
                orders: dict[str, dict[str, Any]] | None = None, timeout: float = 10) -> RoutingRun:
    """Subscribe the filtered queues (with ``fshop.subscribe``), publish the routing orders, and read back who got what.

    The service workers are not running here: their queues are read and emptied directly.
    """
    orders = orders or ROUTING_ORDERS
    subs = subscribers or FILTERED_SERVICES
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
    return RoutingRun(ids, received, expected, unfiltered, routing_table(orders, fshop.shop))


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
        key = "fanout.try.gets" if row["order"] in routes else "fanout.try.filtered"
        lines.append(say(key, order=row["order"], customer=row["customer"], tier=row["tier"],
                         shipping=row["shipping"], total=row["total_jpy"]))
    return "\n".join(lines)
