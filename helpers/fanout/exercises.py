"""Exercises of 04_pubsub_fanout: queue or topic, predict the routing, write a filter policy, add a subscriber.

The rules each statement gives are constants here, so the notebook text and the checker cannot
drift apart. Filter policies are judged with :func:`helpers.fanout.policy_matches` on the real
events the shop publishes (the tests compare that model with the backend).
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from ..core.exercises import Wrong, exercise
from ..core.messages import WorkshopError, say
from ..shop import Order
from .filters import event_facts, policy_matches
from .lesson import FILTERED_SERVICES, build_event
from .publisher import FanoutShop
from .routing import ROUTING_ORDERS, expected_routes, routing_table
from .subscribers import Subscriber

# --- 04.queue_or_topic ---------------------------------------------------------------------------

#: The needs of the exercise (the table in the notebook), by letter → the right choice.
NEEDS: dict[str, str] = {"a": "topic", "b": "queue", "c": "topic", "d": "queue", "e": "topic"}
_CHOICES = {"queue": "queue", "sqs": "queue", "topic": "topic", "sns": "topic"}


def _choice(value: Any) -> str | None:
    """``"queue"`` or ``"topic"`` from an answer such as "Topic", "SNS topic" or "sqs"; None otherwise."""
    if not isinstance(value, str):
        return None
    found = {_CHOICES[w] for w in value.lower().replace("-", " ").split() if w in _CHOICES}
    return found.pop() if len(found) == 1 else None


def _queue_or_topic_answer() -> dict[str, str]:
    my_choices = {
        "a": "topic",  # three services, each needs every order
        "b": "queue",  # three workers share one job; a topic would print each label three times
        "c": "topic",  # a new subscriber, and the publisher does not change
        "d": "queue",  # one service takes a burst at its own pace
        "e": "topic",  # a filter policy on the courier's subscription; the others get everything
    }
    return my_choices


@exercise("04.queue_or_topic", solution_answer=_queue_or_topic_answer)
def _check_queue_or_topic(answer: Any) -> str:
    if not isinstance(answer, dict):
        raise Wrong("ex.04.queue_or_topic.not_dict", kind=type(answer).__name__)
    given = {str(k).strip().lower(): v for k, v in answer.items()}
    if any(v is Ellipsis for v in given.values()):
        raise Wrong("ex.04.queue_or_topic.unfilled")
    missing = [k for k in NEEDS if k not in given]
    if missing:
        raise Wrong("ex.04.queue_or_topic.missing", letters=", ".join(missing))
    unknown = sorted(set(given) - set(NEEDS))
    if unknown:
        raise Wrong("ex.04.queue_or_topic.unknown", letters=", ".join(unknown))
    for letter in NEEDS:
        if _choice(given[letter]) is None:
            raise Wrong("ex.04.queue_or_topic.not_choice", letter=letter, got=given[letter])
    wrong = [k for k, want in NEEDS.items() if _choice(given[k]) != want]
    if wrong:
        first = wrong[0]
        raise Wrong("ex.04.queue_or_topic.wrong", n=len(wrong), letter=first, want=NEEDS[first],
                    why=say(f"ex.04.queue_or_topic.why_{first}"))
    return say("ex.04.queue_or_topic.ok", n=len(NEEDS))

# --- 04.predict_routes ---------------------------------------------------------------------------


def _why(name: str, row: dict[str, Any]) -> str:
    if name == "express-shipping":
        return f"order {row['order']} ships {row['shipping']}"
    if name == "fraud-review":
        return f"order {row['order']} totals {row['total_jpy']:,} yen"
    return f"order {row['order']}'s customer is {row['tier']}"


def _labels(value: Any) -> set[str] | None:
    if isinstance(value, str):
        value = [value] if len(value) == 1 else list(value)
    if not isinstance(value, (set, list, tuple, frozenset)):
        return None
    return {str(v).strip().upper() for v in value}


def _routes_answer() -> dict[str, set[str]]:
    my_prediction = {
        "express-shipping": {"A", "C", "E"},  # shipping = express
        "fraud-review": {"F"},  # 26,000 yen; C is 19,200, just under 20,000
        "gold-gift": {"A", "C"},  # aiko and mei are gold; D and F are silver
    }
    return my_prediction


@exercise("04.predict_routes", solution_answer=_routes_answer)
def _check_routes(answer: Any) -> str:
    if not isinstance(answer, dict):
        raise Wrong("ex.04.predict_routes.not_dict", kind=type(answer).__name__)
    expected = expected_routes()
    if any(v is Ellipsis for v in answer.values()):
        raise Wrong("ex.04.predict_routes.unfilled")
    missing = [n for n in expected if n not in answer]
    if missing:
        raise Wrong("ex.04.predict_routes.missing_queue", names=", ".join(missing))
    rows = {r["order"]: r for r in routing_table()}
    for name, want in expected.items():
        got = _labels(answer[name])
        if got is None:
            raise Wrong("ex.04.predict_routes.not_labels", name=name, got=answer[name])
        unknown = sorted(got - set(rows))
        if unknown:
            raise Wrong("ex.04.predict_routes.unknown_label", name=name, labels=", ".join(unknown))
        if got != want:
            extra, lost = sorted(got - want), sorted(want - got)
            label = (extra or lost)[0]
            key = "ex.04.predict_routes.extra" if extra else "ex.04.predict_routes.missed"
            raise Wrong(key, name=name, label=label, why=_why(name, rows[label]),
                        policy=json.dumps(FILTERED_SERVICES[name][0]))
    total = sum(len(v) for v in expected.values())
    return say("ex.04.predict_routes.ok", n=total, orders=len(ROUTING_ORDERS))


# --- 04.filter_policy ----------------------------------------------------------------------------

#: The rule: gift wrapping for orders of at least this many yen …
GIFT_MIN_JPY = 5000
#: … from customers of these tiers.
GIFT_TIERS = ("gold", "silver")
#: The attributes every order event carries (what an attribute filter can use).
ATTRIBUTES = ("event_type", "shipping_speed", "customer_tier", "total_amount")
_CUSTOMERS = {"gold": "cust-aiko", "silver": "cust-haruto", "regular": "cust-ren"}


def _probe_events(threshold: int) -> list[tuple[dict[str, Any], dict[str, Any], str, int, str]]:
    """(attributes, body, tier, total, shipping) for every combination the checker tries."""
    out = []
    totals = (threshold - 1, threshold, threshold * 3)
    for tier, total, shipping in itertools.product(("gold", "silver", "regular"), totals, ("standard", "express")):
        order = Order("probe", _CUSTOMERS[tier], "x@example.com", (), total, "")
        attrs, body = event_facts(*build_event(order, shipping=shipping))
        out.append((attrs, body, tier, total, shipping))
    return out


def gift_rule(tier: str, total: int) -> bool:
    """Should the gift-wrap service get this order?"""
    return tier in GIFT_TIERS and total >= GIFT_MIN_JPY


def _policy_answer() -> dict[str, Any]:
    my_policy = {
        "customer_tier": ["gold", "silver"],  # one list: OR
        "total_amount": [{"numeric": [">=", 5000]}],  # another key: AND; the number without quotes
    }
    return my_policy


def _quoted_number(policy: dict[str, Any], threshold: int) -> bool:
    text = json.dumps(policy)
    return f'"{threshold}"' in text or f'"{threshold - 1}"' in text


def _judge_policy(policy: Any, scope: str, rule: Any, key_prefix: str, names: tuple[str, ...] | None,
                  threshold: int) -> None:
    """Raise :class:`Wrong` unless ``policy`` selects exactly the probe events ``rule(tier, total)`` selects."""
    if not isinstance(policy, dict) or not policy:
        raise Wrong(f"{key_prefix}.not_dict", kind=type(policy).__name__)
    if names is not None:
        unknown = [k for k in policy if k not in names]
        if unknown:
            raise Wrong(f"{key_prefix}.unknown_attr", attr=unknown[0], valid=", ".join(names))
    if _quoted_number(policy, threshold):
        raise Wrong(f"{key_prefix}.quoted_number")
    for attrs, body, tier, total, shipping in _probe_events(threshold):
        try:
            hit = policy_matches(policy, attrs, body, scope=scope)
        except WorkshopError as err:
            raise Wrong(f"{key_prefix}.invalid", error=str(err)) from None
        want = rule(tier, total)
        if hit and not want:
            raise Wrong(f"{key_prefix}.lets_through", total=total, tier=tier, shipping=shipping)
        if want and not hit:
            raise Wrong(f"{key_prefix}.drops", total=total, tier=tier, shipping=shipping)


@exercise("04.filter_policy", solution_answer=_policy_answer)
def _check_policy(answer: Any) -> str:
    _judge_policy(answer, "MessageAttributes", gift_rule, "ex.04.filter_policy", ATTRIBUTES, GIFT_MIN_JPY)
    return say("ex.04.filter_policy.ok", tiers=" or ".join(GIFT_TIERS), min=GIFT_MIN_JPY)


# --- 04.reviews ----------------------------------------------------------------------------------

#: The review service asks for a review only for orders of at least this many yen.
REVIEW_MIN_JPY = 10000
REVIEW_NAME = "reviews"
#: How many sample orders the checker places (enough for a few of 10,000 yen or more).
REVIEW_ORDERS = 10


def review_rule(tier: str, total: int) -> bool:
    """Should the review service get this order?"""
    return total >= REVIEW_MIN_JPY


def _reviews_answer() -> Subscriber:
    fshop = FanoutShop.create(services={}, topic="ex04-events")  # in the notebook: the fshop you already have
    review_requests = []

    def ask_for_review(event):
        review_requests.append(event.order_id)

    reviews = fshop.add_subscriber("reviews", ask_for_review,
                                   filter_policy={"total_amount": [{"numeric": [">=", 10000]}]})
    return reviews


@exercise("04.reviews", solution_answer=_reviews_answer)
def _check_reviews(answer: Any) -> str:
    from ..core.backend import client

    if not isinstance(answer, Subscriber) or answer.owner is None:
        raise Wrong("ex.04.reviews.not_subscriber", kind=type(answer).__name__)
    if answer.name != REVIEW_NAME:
        raise Wrong("ex.04.reviews.name", got=answer.name)
    attrs = client("sns").get_subscription_attributes(SubscriptionArn=answer.subscription_arn)["Attributes"]
    text = attrs.get("FilterPolicy") or ""
    if not text:
        raise Wrong("ex.04.reviews.no_filter")
    scope = attrs.get("FilterPolicyScope") or "MessageAttributes"
    _judge_policy(json.loads(text), scope, review_rule, "ex.04.reviews", None, REVIEW_MIN_JPY)
    fshop = answer.owner
    started_here = not answer.running
    if started_here:
        answer.start()
    try:
        placed = fshop.place_many(fshop.sample_orders(REVIEW_ORDERS, start=200))
        want = {p.order_id for p in placed if p.ok and _total(fshop, p.order_id) >= REVIEW_MIN_JPY}
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not want <= set(answer.done):
            time.sleep(0.05)
        time.sleep(0.2)  # a moment for anything that should not have come
    finally:
        if started_here:
            answer.stop()
    ids = {p.order_id for p in placed if p.ok}
    got = set(answer.done) & ids
    if got != want:
        raise Wrong("ex.04.reviews.mismatch", got=len(got), want=len(want), n=len(ids))
    return say("ex.04.reviews.ok", got=len(got), n=len(ids), min=REVIEW_MIN_JPY)


def _total(fshop: FanoutShop, order_id: str | None) -> int:
    order = fshop.shop.store.get_order(str(order_id)) if order_id else None
    return int(order["total_jpy"]) if order else 0
