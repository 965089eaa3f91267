"""Exercises of 01_sync_order (02_sync_bottlenecks's are in :mod:`helpers.sync.exercises_02`).

01: change the order handler, then the checker runs it. ``01.email_later``: the customer does not
wait for the e-mail. ``01.email_optional``: an e-mail outage does not fail the order.

Each checker runs the learner's handler on a shop of its own (the notebook's tables, its own
services: no random failures, no jitter), through the same harness as the notebook
(:meth:`helpers.shop.Shop.place_order_sync`), and reads the records the order left in DynamoDB.
"""

from __future__ import annotations

import threading
from typing import Any

from ..core.exercises import Wrong, exercise
from ..core.messages import WorkshopError, say
from ..core.sampling import wait_until
from ..shop import OrderResult, ServiceError, Shop, Status, speed_factor
from ..shop.shop import Handler
from . import exercises_02  # noqa: F401  (02's exercises: importing the module registers them)

#: The checker's speed factor: the e-mail must be slow enough in real time to see who waits for it.
CHECK_SPEED = 0.2
#: The checker's e-mail service: a slow provider (shop ms), about 600 ms of real time at CHECK_SPEED.
EMAIL_MS = 3000.0
#: How long the checker waits for an e-mail sent in the background (real s).
EMAIL_WAIT_S = 3.0
#: The records every completed order leaves before its answer, besides the e-mail.
BEFORE_ANSWER = ("reservations", "payments", "shipments", "points")


def _check_shop() -> Shop:
    """A shop for one check: the notebook's tables (stock back to the catalog's), services at the profile, nothing random."""
    shop = Shop.create(seed=7)
    shop.reset(failures=False)
    shop.set_jitter(False)
    return shop


def _handler(answer: Any, key: str) -> Handler:
    if not callable(answer):
        raise Wrong(key, kind=type(answer).__name__)
    return answer


def _run(handler: Handler, shop: Shop, start: int) -> OrderResult:
    """One sample order through the notebook's harness; a handler that accepts nothing gets its sentence."""
    try:
        return shop.place_order_sync(shop.sample_orders(1, start=start)[0], handler=handler)
    except WorkshopError as err:
        if err.key == "shop.no_order":
            raise Wrong("ex.01.no_order") from None
        raise


def _records(shop: Shop, order_id: str | None) -> dict[str, int]:
    """Records per effect table for one order: ``{"payments": 1, "emails": 0, …}``."""
    return {kind: counts[order_id] for kind, counts in shop.store.effects([order_id or "?"]).items()}


def _missing(records: dict[str, int]) -> list[str]:
    return [kind for kind in BEFORE_ANSWER if records[kind] != 1]


# --- 01.email_later --------------------------------------------------------------------------


def _email_later_answer() -> Handler:
    def place_order_quick(shop, payload):
        """Like place_order, but the customer does not wait for the e-mail."""
        order, _ = shop.accept_order(payload)
        shop.reserve_stock(order)
        shop.charge_payment(order)
        shop.create_shipment(order)
        threading.Thread(target=shop.send_email, args=(order,)).start()  # runs on; the customer does not wait
        shop.add_points(order)
        return order

    return place_order_quick


@exercise("01.email_later", solution_answer=_email_later_answer)
def _check_email_later(answer: Any) -> str:
    handler = _handler(answer, "ex.01.email_later.not_function")
    shop = _check_shop()
    shop.configure("email", median_ms=EMAIL_MS)
    with speed_factor(CHECK_SPEED):
        email_ms = EMAIL_MS * CHECK_SPEED
        result = _run(handler, shop, start=3)
        if result.status != Status.COMPLETED:
            raise Wrong("ex.01.email_later.not_completed", status=result.status, step=result.failed_step)
        at_answer = _records(shop, result.order_id)
        if result.span("email") is not None or result.response_ms >= 0.8 * email_ms:
            raise Wrong("ex.01.email_later.waits", ms=result.response_ms, email_ms=email_ms)
        if _missing(at_answer):
            raise Wrong("ex.01.email_later.missing", kinds=", ".join(_missing(at_answer)))
        sent = wait_until(lambda: _records(shop, result.order_id)["emails"] >= 1, EMAIL_WAIT_S, poll_s=0.05)
    if not sent:
        raise Wrong("ex.01.email_later.no_email", seconds=EMAIL_WAIT_S)
    if _records(shop, result.order_id)["emails"] > 1:
        raise Wrong("ex.01.email_later.twice")
    return say("ex.01.email_later.ok", ms=result.response_ms, email_ms=email_ms)


# --- 01.email_optional -----------------------------------------------------------------------


def _email_optional_answer() -> Handler:
    def place_order_tolerant(shop, payload):
        """Like place_order, but an e-mail failure does not fail the order."""
        order, _ = shop.accept_order(payload)
        shop.reserve_stock(order)
        shop.charge_payment(order)
        shop.create_shipment(order)
        try:
            shop.send_email(order)
        except ServiceError:
            pass  # no e-mail this time; the order is still complete
        shop.add_points(order)
        return order

    return place_order_tolerant


@exercise("01.email_optional", solution_answer=_email_optional_answer)
def _check_email_optional(answer: Any) -> str:
    handler = _handler(answer, "ex.01.email_optional.not_function")
    shop = _check_shop()
    with speed_factor(0):  # only outcomes matter here
        with shop.service("email").outage():
            down = _run(handler, shop, start=4)
        if down.status != Status.COMPLETED:
            raise Wrong("ex.01.email_optional.fails", status=down.status, step=down.failed_step)
        if _missing(_records(shop, down.order_id)):
            raise Wrong("ex.01.email_optional.skipped", kinds=", ".join(_missing(_records(shop, down.order_id))))
        up = _run(handler, shop, start=5)
        if up.status != Status.COMPLETED or _records(shop, up.order_id)["emails"] != 1:
            raise Wrong("ex.01.email_optional.no_email")
        with shop.service("payment").outage():
            unpaid = _run(handler, shop, start=6)
    if unpaid.status != Status.FAILED or unpaid.failed_step != "payment":
        raise Wrong("ex.01.email_optional.too_broad", status=unpaid.status)
    return say("ex.01.email_optional.ok")

