"""Failure isolation: the outage both ways, the orders pipeline with its DLQ, chaos hooks, figures, panel."""

from __future__ import annotations

import json

import pytest
from matplotlib.figure import Figure

from helpers.core import resources
from helpers.core.messages import WorkshopError
from helpers.core.sampling import wait_until
from helpers.core.workers import fake_sqs_event
from helpers.failure import plots as pf
from helpers.failure.dlq import redrive
from helpers.failure.idempotency import effects_per_order
from helpers.failure.outage import (
    Chaos,
    Killed,
    OrderPipeline,
    dlq_flow,
    finish,
    legacy_body,
    outage_fanout,
    outage_run,
    sync_outage,
)
from helpers.failure.panel import ControlPanel
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


def one_effect_each(shop, ids):
    return all(n == 1 for per in effects_per_order(shop, ids).values() for n in per.values())


# --- the outage ----------------------------------------------------------------------------------


def test_synchronously_an_email_outage_fails_every_order_after_charging_it(shop):
    result = sync_outage(shop, n=4)
    assert result.failed_at_email == 4 and not result.load.completed() and result.charged == 4
    assert not shop.service("email").is_down


def test_asynchronously_acceptance_carries_on_and_every_order_gets_one_email_after_recovery(shop):
    fshop = outage_fanout(shop)
    run = outage_run(fshop, before=3, during=4, outage_s=1.2)
    assert all(p.ok for p in [*run.before, *run.during])
    assert run.peak_backlog >= 4  # the e-mails waited in their queue
    assert run.exactly_one_email and len(run.order_ids) == 8  # warm-up + 3 + 4
    assert run.email_attempts > len(run.order_ids)  # some e-mails failed and were tried again
    assert run.down_at < run.up_at <= run.drained_at
    assert not shop.service("email").is_down
    fig = pf.outage(run, sync_outage(shop, n=2))
    assert isinstance(fig, Figure)
    for ax in fig.axes:
        assert ax.get_title() and ax.get_ylabel()


# --- the pipeline --------------------------------------------------------------------------------


def test_the_pipeline_runs_every_step_once_and_completes_the_order(shop, pipe):
    answer = pipe.accept_order(shop.sample_orders(1)[0])
    with pipe.pool(1):
        assert pipe.wait_until_completed([answer.order_id], 10)
    assert pipe.status(answer.order_id) == Status.COMPLETED
    assert one_effect_each(shop, [answer.order_id])


def test_a_duplicate_send_is_harmless_with_the_guard_and_double_charges_without(shop, pipe):
    answer = pipe.accept_order(shop.sample_orders(1)[0])
    pipe.send_duplicate(answer.order_id)
    with pipe.pool(1):
        assert wait_until(lambda: pipe.deliveries[answer.order_id] == 2, 10)
        assert wait_until(lambda: sum(resources.queue_depth(pipe.queue_url).values()) == 0, 5)
    assert one_effect_each(shop, [answer.order_id])

    naive = OrderPipeline(shop, pipe.queue_url, pipe.dlq_url, guard=None)
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


def test_poison_goes_to_the_dlq_and_after_the_fix_a_redrive_completes_it(shop, pipe):
    with pipe.pool(2) as workers:
        flow = dlq_flow(pipe, good=3, product="kyusu", pool=workers)
        assert flow.in_dlq == 2 and flow.max_receive_count == 2 and flow.visibility_timeout == 1
        assert all(s == Status.COMPLETED for s in pipe.statuses(flow.good).values())
        assert all(s != Status.COMPLETED for s in pipe.statuses(flow.stuck).values())
        assert isinstance(pf.dlq_flow(flow.queue, flow.dlq, marks=flow.marks), Figure)
        pipe.fix_stock()
        pipe.accept_legacy = True
        moved = redrive(pipe.queue_url, pipe.dlq_url)
        assert moved.moved == 2
        statuses = finish(pipe, flow.stuck, pool=workers)
    assert all(s == Status.COMPLETED for s in statuses.values())
    assert one_effect_each(shop, flow.stuck)
    assert pipe.depths() == {"queue": 0, "dlq": 0}


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
    assert one_effect_each(shop, ids) and all(s == Status.COMPLETED for s in pipe.statuses(ids).values())


def test_chaos_with_no_kill_rate_changes_nothing(shop, pipe):
    orders = [shop.accept_order(p)[0] for p in shop.sample_orders(2)]
    pipe.chaos = Chaos(kill_rate=0.0)
    assert pipe.handler(fake_sqs_event([o.to_json() for o in orders]), None) == {"batchItemFailures": []}
    assert one_effect_each(shop, [o.order_id for o in orders])


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
