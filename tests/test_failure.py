"""Failure isolation: the outage both ways, the orders pipeline with its DLQ, chaos hooks, figures, panel."""

from __future__ import annotations

import json

import pytest
from matplotlib.figure import Figure

from helpers.core import resources
from helpers.core.messages import WorkshopError
from helpers.core.sampling import wait_until
from helpers.core.workers import fake_sqs_event
from helpers.failure import lesson
from helpers.failure import plots as pf
from helpers.failure.chaos import Chaos, Killed
from helpers.failure.dlq import peek
from helpers.failure.outage import BAD_PRODUCT, finish, outage_run, sync_outage
from helpers.failure.panel import ControlPanel
from helpers.failure.pipeline import OrderPipeline, legacy_body, message_order_id
from helpers.shop import InvalidOrder, Shop, Status, speed_factor


@pytest.fixture(scope="module")
def shop(module_own_prefix):
    s = Shop.create()
    yield s


@pytest.fixture(scope="module")
def pipe(shop):
    return OrderPipeline.create(shop, queue="t-orders", visibility_timeout=1, max_receive_count=2)


@pytest.fixture(autouse=True)
def calm(shop, pipe):
    shop.reset(failures=False)
    shop.store.reset_stock(shop.catalog)
    pipe.accept_legacy = False
    pipe.chaos = None
    with speed_factor(0):
        yield


def one_effect_each(pipe, ids):
    return all(n == 1 for per in pipe.effects(ids).values() for n in per.values())


# --- the outage ----------------------------------------------------------------------------------


def test_synchronously_an_email_outage_fails_every_order_after_charging_it(shop):
    result = sync_outage(shop, n=4)
    assert result.failed_at_email == 4 and result.completed == 0 and result.charged == result.n == 4
    assert not shop.service("email").is_down


def test_through_the_queue_an_outage_delays_orders_and_only_the_bad_messages_reach_the_dlq(shop):
    pipe = OrderPipeline.create(shop, queue="t-outage", visibility_timeout=1, max_receive_count=3)
    with speed_factor(0.02):
        run = outage_run(pipe, before=3, during=4, outage_s=1.0)
    assert run.all_accepted("before") and run.all_accepted("during")
    assert len(run.good) == 8  # the untimed first order + 3 + 4
    assert run.each_done_once  # completed, one record per effect table: redeliveries repeated nothing
    assert run.deliveries > len(run.good)  # some failed during the outage and came back
    assert sorted(run.in_dlq) == sorted(run.bad) and len(run.bad) == 2
    assert (run.visibility_timeout, run.max_receive_count) == (1, 3)
    assert run.down_at < run.up_at <= run.drained_at
    assert [key for _, key in run.marks] == ["bad", "dlq"]
    assert not shop.service("email").is_down
    assert BAD_PRODUCT in " ".join(pipe.diagnose(m.body) for m in peek(pipe.dlq_url))  # the data bug, named
    fig = pf.outage(run, sync_outage(shop, n=2))
    assert isinstance(fig, Figure)
    for ax in fig.axes:
        assert ax.get_title() and ax.get_ylabel()
    pipe.fix_stock()
    pipe.accept_legacy = True
    method, moved = lesson.redrive(pipe.queue_url, pipe.dlq_url)
    assert (method, moved) == ("receive-send-delete", 2)
    with speed_factor(0.02):
        statuses = finish(pipe, run.bad)
    assert set(statuses.values()) == {Status.COMPLETED} and one_effect_each(pipe, run.bad)
    assert pipe.depths() == {"queue": 0, "dlq": 0}


def test_a_message_names_its_order_in_either_format():
    assert message_order_id(json.dumps({"order_id": "o-1"})) == "o-1"
    assert message_order_id(legacy_body({"customer_id": "c", "items": []}, "legacy-1")) == "legacy-1"
    assert message_order_id("not json") is None and message_order_id("[1]") is None


# --- the pipeline --------------------------------------------------------------------------------


def test_the_pipeline_runs_every_step_once_and_completes_the_order(shop, pipe):
    answer = pipe.accept_order(shop.sample_orders(1)[0])
    with pipe.pool(1):
        assert pipe.wait_until_completed([answer.order_id], 10)
    assert pipe.status(answer.order_id) == Status.COMPLETED
    assert one_effect_each(pipe, [answer.order_id])


def test_a_duplicate_send_is_harmless_with_the_guard_and_double_charges_without(shop, pipe):
    answer = pipe.accept_order(shop.sample_orders(1)[0])
    pipe.send_duplicate(answer.order_id)
    with pipe.pool(1):
        assert wait_until(lambda: pipe.deliveries[answer.order_id] == 2, 10)
        assert wait_until(lambda: sum(resources.queue_depth(pipe.queue_url).values()) == 0, 5)
    assert one_effect_each(pipe, [answer.order_id])

    naive = OrderPipeline(shop, pipe.queue_url, pipe.dlq_url, idempotent=False)
    answer = naive.accept_order(shop.sample_orders(1)[0])
    naive.send_duplicate(answer.order_id)
    with naive.pool(1):
        assert wait_until(lambda: naive.deliveries[answer.order_id] == 2, 10)
    assert shop.store.count_by_order("payments", [answer.order_id])[answer.order_id] == 2


def test_parse_reads_orders_rejects_poison_and_reads_the_legacy_format_only_when_taught(shop, pipe):
    order = shop.validate(shop.sample_orders(1)[0])
    assert pipe.parse(order.to_json()) == order
    for body in ("not json", "[1, 2]", json.dumps({"order_id": "x"})):
        with pytest.raises(InvalidOrder):
            pipe.parse(body)
    legacy = legacy_body({"customer_id": "cust-mei", "items": [{"product_id": "whisk", "quantity": 2}]}, "legacy-t1")
    with pytest.raises(InvalidOrder, match="old app"):
        pipe.parse(legacy)
    pipe.accept_legacy = True
    got = pipe.parse(legacy)
    assert got.order_id == "legacy-t1" and got.items[0].product_id == "whisk" and got.items[0].quantity == 2


def test_diagnose_names_the_cause_and_is_silent_once_fixed(shop, pipe):
    order = shop.validate({"customer_id": "cust-aiko", "items": [{"product_id": "tea-bowl", "quantity": 1}]})
    assert pipe.diagnose(order.to_json()) == ""
    pipe.break_stock("tea-bowl")
    assert "tea-bowl" in pipe.diagnose(order.to_json())
    pipe.fix_stock()
    assert pipe.diagnose(order.to_json()) == ""
    assert "JSON" in pipe.diagnose("not json") or "message" in pipe.diagnose("not json")


def test_bad_input_gets_one_sentence(shop, pipe):
    with pytest.raises(WorkshopError, match="accept it first"):
        pipe.send_duplicate("no-such-order")
    with pytest.raises(WorkshopError, match="no product"):
        pipe.break_stock("teapot-9000")
    with pytest.raises(WorkshopError, match="maxReceiveCount"):
        OrderPipeline.create(shop, queue="t-bad", max_receive_count=0)


def test_the_pipeline_hands_its_work_to_the_functions_it_is_given(shop):
    calls = {"add_dlq": [], "write_once": 0, "retry": 0}

    def add_dlq(queue_url, dlq_url, max_receive_count):
        calls["add_dlq"].append(max_receive_count)
        return lesson.add_dead_letter_queue(queue_url, dlq_url, max_receive_count)

    def write_once(table, order_id, fields):
        calls["write_once"] += 1
        return lesson.write_once(table, order_id, fields)

    def retry(fn, attempts, base_s, cap_s):
        calls["retry"] += 1
        return lesson.call_with_retries(fn, attempts, base_s, cap_s)

    pipe = OrderPipeline.create(shop, queue="t-handed", max_receive_count=4, add_dlq=add_dlq,
                                write_once=write_once, retry=retry)
    assert calls["add_dlq"] == [4] and pipe.settings() == {"visibility_timeout": 1, "max_receive_count": 4}
    order = shop.accept_order(shop.sample_orders(1)[0])[0]
    assert pipe.handler(fake_sqs_event([order.to_json()], receive_count=1), None) == {"batchItemFailures": []}
    assert calls["retry"] == 5 and calls["write_once"] == 5  # one record per step, each through the retry
    assert one_effect_each(pipe, [order.order_id])


# --- chaos hooks ---------------------------------------------------------------------------------


def test_a_killed_batch_fails_whole_and_its_redelivery_completes_everything_once(shop, pipe):
    orders = [shop.accept_order(p)[0] for p in shop.sample_orders(3)]
    event = fake_sqs_event([o.to_json() for o in orders], receive_count=1)
    pipe.chaos = Chaos(kill_rate=1.0, seed=4)
    with pytest.raises(Killed):
        pipe.handler(event, None)
    assert len(pipe.chaos.kills) == 1
    pipe.chaos = None
    event = fake_sqs_event([o.to_json() for o in orders], receive_count=2)  # the whole batch comes back
    assert pipe.handler(event, None) == {"batchItemFailures": []}
    ids = [o.order_id for o in orders]
    assert one_effect_each(pipe, ids) and all(s == Status.COMPLETED for s in pipe.statuses(ids).values())


def test_chaos_with_no_kill_rate_changes_nothing(shop, pipe):
    orders = [shop.accept_order(p)[0] for p in shop.sample_orders(2)]
    pipe.chaos = Chaos(kill_rate=0.0)
    assert pipe.handler(fake_sqs_event([o.to_json() for o in orders]), None) == {"batchItemFailures": []}
    assert one_effect_each(pipe, [o.order_id for o in orders])


# --- the control panel ---------------------------------------------------------------------------


def test_the_control_panel_actions_and_what_it_shows(shop):
    panel = ControlPanel(OrderPipeline.create(shop, queue="t-panel", visibility_timeout=1, max_receive_count=2),
                         refresh_s=0.2)
    widget = panel.widget()
    assert widget.children  # buttons and status built
    ids = panel.send_orders(3)
    assert len(ids) == 3 and panel.inject_duplicate() == ids[-1]
    panel.inject_poison()
    panel.set_down("email", True)
    assert panel.snapshot()["down"] == ["email"]
    panel.set_down("email", False)
    panel.set_failure_rate("email", 0.0)
    panel.start_workers()
    try:
        assert wait_until(lambda: all(o["status"] == Status.COMPLETED for o in panel.snapshot()["orders"]), 10)
        assert wait_until(lambda: panel.snapshot()["depths"]["dlq"] == 1, 10)  # the poison message
    finally:
        panel.close()
    snap = panel.snapshot()
    assert all(o["payments"] == 1 and o["emails"] == 1 for o in snap["orders"])
    assert "DLQ" in panel.render() and "payments" in panel.render()
    assert panel.redrive() == 1
