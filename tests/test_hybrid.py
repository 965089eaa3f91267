"""Which steps stay synchronous: the decision table, the predictions, the hybrid route and per-step progress."""

from __future__ import annotations

import json

import pytest
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from helpers.core import resources
from helpers.core.messages import WorkshopError
from helpers.core.sampling import wait_until
from helpers.core.workers import fake_sqs_event
from helpers.shop import STEPS, Status, load_profile, speed_factor
from helpers.together import lesson
from helpers.together.api import proxy_event
from helpers.together.hybrid import (
    CALLER_NEEDS_ANSWER,
    CONFIRMED,
    decide,
    predict,
    prediction_table,
    status_document,
)

from .lesson_06 import handler_shop


@pytest.fixture(scope="module")
def hshop(module_own_prefix):
    with handler_shop("hybrid-06") as shop:
        yield shop


@pytest.fixture(autouse=True)
def fresh(hshop):
    hshop.shop.reset()
    hshop.shop.set_failure_rates(0)
    with speed_factor(0):
        yield
    hshop.shop.reset()


def post(path: str, payload) -> tuple[int, dict]:
    """The handler's answer to a POST of ``payload`` (JSON): status code and body."""
    answer = lesson.lambda_handler(proxy_event("POST", path, body=json.dumps(payload)), None)
    return answer["statusCode"], json.loads(answer["body"])


# --- the decision table -------------------------------------------------------------------------------


def test_the_caller_waits_for_validate_inventory_payment_and_not_the_rest():
    d = decide(load_profile())
    assert d.sync_steps == ("validate", "inventory", "payment")
    assert d.async_steps == ("shipping", "email", "points")
    assert set(CALLER_NEEDS_ANSWER) == set(STEPS)


def test_the_table_carries_the_profile_numbers_and_a_reason_per_step():
    profile = load_profile()
    table = decide(profile).table()
    assert table.column("step") == list(STEPS)
    assert table.column("median (ms)") == [profile[s].median_ms for s in STEPS]
    assert all(len(why) > 30 for why in table.column("why"))
    assert "payment" in str(table) and "<table>" in table._repr_html_()


def test_flags_can_be_overridden_but_validate_always_stays_sync():
    d = decide(load_profile(), {"payment": False, "email": True, "validate": False})
    assert d.sync_steps == ("validate", "inventory", "email")
    with pytest.raises(WorkshopError, match="refund"):
        decide(load_profile(), {"refund": True})


def test_decide_on_a_shop_uses_its_current_settings(hshop):
    hshop.shop.configure("payment", median_ms=1000)
    row = next(r for r in decide(hshop.shop).rows if r.step == "payment")
    assert row.median_ms == 1000


def test_predictions_order_the_designs_by_wait_and_by_errors():
    with speed_factor(1):
        sync, hybrid, async_ = predict(decide(load_profile()))
    assert (sync.design, hybrid.design, async_.design) == ("sync", "hybrid", "async")
    assert sync.median_ms == sum(p.median_ms for p in load_profile().values())
    assert sync.median_ms > hybrid.median_ms > async_.median_ms
    assert sync.error_share > hybrid.error_share > async_.error_share == 0
    assert hybrid.waits_for == ("validate", "inventory", "payment")
    assert "confirmed" in hybrid.knows and "received" in async_.knows
    assert len(prediction_table([sync, hybrid, async_]).rows) == 3


# --- the status document -------------------------------------------------------------------------------


def test_status_document_lists_every_step_with_pending_and_counts_done():
    doc = status_document({"order_id": "o", "status": Status.ACCEPTED, "steps": {"inventory": "ok"}})
    assert list(doc["steps"]) == list(STEPS)
    assert doc["steps"]["validate"] == "ok" and doc["steps"]["payment"] == "pending"
    assert (doc["steps_done"], doc["steps_total"]) == (2, 6)
    failed = status_document({"order_id": "o", "status": Status.FAILED, "steps": {"payment": "failed"},
                              "failed_step": "payment", "error": "declined"})
    assert failed["failed_step"] == "payment" and failed["error"] == "declined"


def test_status_document_fills_in_the_steps_a_status_only_worker_did_not_record():
    done = status_document({"order_id": "o", "status": Status.COMPLETED})  # 03's worker: no map of steps
    assert set(done["steps"].values()) == {"ok"} and done["steps_done"] == 6
    failed = status_document({"order_id": "o", "status": Status.FAILED, "failed_step": "shipping"})
    assert [failed["steps"][s] for s in STEPS] == ["ok", "ok", "ok", "failed", "pending", "pending"]
    marked = status_document({"order_id": "o", "status": Status.FAILED, "failed_step": "payment",
                              "steps": {"inventory": "ok", "payment": "unavailable"}})
    assert marked["steps"]["payment"] == "unavailable"  # what a worker recorded wins


# --- the hybrid route ----------------------------------------------------------------------------------


def test_the_hybrid_route_confirms_after_payment_and_queues_the_rest(hshop):
    with hshop.pool(1):
        status, body = post("/hybrid/orders", hshop.shop.sample_orders(1)[0])
        assert status == 201 and body["status"] == CONFIRMED
        assert [s["step"] for s in body["steps"]] == ["validate", "inventory", "payment"]
        assert body["queued_steps"] == ["shipping", "email", "points"] == [
            s for s in STEPS if s not in lesson.CALLER_WAITS_FOR]
        assert hshop.wait_until_finished([body["order_id"]], 10)
    doc = hshop.status_of(body["order_id"])
    assert doc["status"] == Status.COMPLETED and doc["steps_done"] == 6
    effects = hshop.shop.store.effects([body["order_id"]])
    assert all(counter[body["order_id"]] == 1 for counter in effects.values())


def test_a_failing_sync_step_answers_at_once_and_queues_nothing(hshop):
    before = resources.queue_depth(hshop.queue_url)["visible"]
    with hshop.shop.service("inventory").outage():
        status, body = post("/hybrid/orders", hshop.shop.sample_orders(1)[0])
    assert status == 502 and body["status"] == Status.FAILED and body["failed_step"] == "inventory"
    assert resources.queue_depth(hshop.queue_url)["visible"] == before
    doc = hshop.status_of(body["order_id"])
    assert doc["status"] == Status.FAILED and doc["steps"]["inventory"] == "unavailable"
    assert hshop.shop.store.effects([body["order_id"]])["payments"][body["order_id"]] == 0


def test_an_invalid_order_is_rejected_and_nothing_is_stored(hshop):
    before = hshop.shop.store.count("orders")
    status, body = post("/hybrid/orders", {"customer_id": "cust-aiko", "items": []})
    assert status == 400 and set(body) == {"error"} and "item" in body["error"]
    assert hshop.shop.store.count("orders") == before


def test_an_order_from_03s_accept_gets_every_step_marked(hshop):
    status, body = post("/async/orders", hshop.shop.sample_orders(1)[0])
    assert status == 202
    with hshop.pool(1):
        assert hshop.wait_until_finished([body["order_id"]], 10)
    doc = hshop.status_of(body["order_id"])
    assert doc["status"] == Status.COMPLETED and set(doc["steps"].values()) == {"ok"}


def test_a_failed_queued_step_marks_the_order_failed_at_that_step(hshop):
    _, body = post("/hybrid/orders", hshop.shop.sample_orders(1)[0])
    with hshop.shop.service("email").outage(), hshop.pool(1):
        assert hshop.wait_until_finished([body["order_id"]], 10)
    doc = hshop.status_of(body["order_id"])
    assert doc["status"] == Status.FAILED and doc["failed_step"] == "email"
    assert doc["steps"]["shipping"] == "ok" and doc["steps"]["email"] == "unavailable"
    assert doc["steps"]["points"] == "pending"


def test_with_retries_a_failed_queued_step_comes_back(hshop):
    hshop.retry_failures = True
    try:
        _, body = post("/hybrid/orders", hshop.shop.sample_orders(1)[0])
        pool = hshop.pool(1, visibility_timeout=0)
        email = hshop.shop.service("email")
        email.take_down()
        with pool:
            assert wait_until(lambda: pool.stats.failed >= 1, 10)
            email.restore()
            assert hshop.wait_until_finished([body["order_id"]], 10)
        assert hshop.status_of(body["order_id"])["status"] == Status.COMPLETED
    finally:
        hshop.retry_failures = False
        hshop.shop.service("email").restore()


def test_the_sync_path_is_recorded_as_finished(hshop):
    result = hshop.place_order_sync(hshop.shop.sample_orders(1)[0])
    assert result.ok and hshop.final_status[result.order_id] == Status.COMPLETED


def test_an_unknown_step_in_the_message_is_one_sentence(hshop):
    order = hshop.shop.validate(hshop.shop.sample_orders(1)[0])
    record = fake_sqs_event([order.to_json()])["Records"][0]
    record["messageAttributes"] = {"steps": {"stringValue": "shipping,gift", "dataType": "String"}}
    with pytest.raises(WorkshopError, match="gift"):
        hshop.process_record(SQSRecord(record))
