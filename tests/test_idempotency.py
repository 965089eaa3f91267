"""Idempotent consumers: the conditional-write guard, Powertools' utility, and a forced duplicate."""

from __future__ import annotations

import pytest

from helpers.core.backend import client
from helpers.core.messages import WorkshopError
from helpers.failure import plots as pf
from helpers.failure.idempotency import (
    StepGuard,
    duplicate_delivery,
    effects_per_order,
    ensure_idempotency_table,
    partial_batch_demo,
    powertools_step,
)
from helpers.shop import OutOfStock, Shop, speed_factor


@pytest.fixture(scope="module")
def shop(module_own_prefix):
    s = Shop.create()
    yield s


@pytest.fixture(autouse=True)
def calm(shop):
    shop.reset(failures=False)
    with speed_factor(0):
        yield


def new_order(shop, i=0, **changes):
    payload = {**shop.sample_orders(1, start=i)[0], **changes}
    return shop.accept_order(payload)[0]


def test_a_guarded_step_runs_once_however_often_it_is_called(shop):
    guard = StepGuard.create(shop)
    order = new_order(shop)
    assert [guard.run("payment", order) for _ in range(3)] == [True, False, False]
    assert shop.store.count_by_order("payments", [order.order_id])[order.order_id] == 1
    assert guard.skipped["payment"] == 2


def test_the_plain_step_charges_every_time(shop):
    order = new_order(shop)
    shop.charge_payment(order)
    shop.charge_payment(order)
    assert shop.store.count_by_order("payments", [order.order_id])[order.order_id] == 2


def test_guarded_inventory_takes_the_units_once(shop):
    guard = StepGuard.create(shop)
    order = new_order(shop, items=[{"product_id": "whisk", "quantity": 3}, {"product_id": "kyusu", "quantity": 2}])
    before = {p: shop.store.stock_level(p) for p in ("whisk", "kyusu")}
    assert guard.run("inventory", order) and not guard.run("inventory", order)
    assert shop.store.stock_level("whisk") == before["whisk"] - 3
    assert shop.store.stock_level("kyusu") == before["kyusu"] - 2
    assert shop.store.count_by_order("reservations", [order.order_id])[order.order_id] == 1


def test_guarded_inventory_out_of_stock_takes_nothing(shop):
    guard = StepGuard.create(shop)
    order = new_order(shop, items=[{"product_id": "whisk", "quantity": 1}, {"product_id": "furoshiki", "quantity": 2}])
    ddb = client("dynamodb")
    ddb.update_item(TableName=shop.store.tables["stock"], Key={"product_id": {"S": "furoshiki"}},
                    UpdateExpression="SET available = :one", ExpressionAttributeValues={":one": {"N": "1"}})
    whisk = shop.store.stock_level("whisk")
    with pytest.raises(OutOfStock):
        guard.run("inventory", order)
    assert shop.store.stock_level("whisk") == whisk and shop.store.stock_level("furoshiki") == 1
    assert shop.store.count_by_order("reservations", [order.order_id])[order.order_id] == 0
    shop.store.reset_stock(shop.catalog)


def test_done_steps_reads_what_was_written(shop):
    guard = StepGuard.create(shop)
    order = new_order(shop)
    assert guard.done_steps(order.order_id) == set()
    guard.run("payment", order)
    guard.run("email", order)
    assert guard.done_steps(order.order_id) == {"payment", "email"}


def test_a_failing_service_writes_nothing_and_the_step_can_run_later(shop):
    guard = StepGuard.create(shop)
    order = new_order(shop)
    with shop.service("email").outage(), pytest.raises(WorkshopError):
        guard.run("email", order)
    assert guard.done_steps(order.order_id) == set()
    assert guard.run("email", order)


def test_unknown_step_gets_a_sentence(shop):
    with pytest.raises(WorkshopError, match="unknown|valid|step"):
        StepGuard.create(shop).run("validate", new_order(shop))


def test_powertools_runs_the_function_once_and_returns_the_stored_result(shop):
    table = ensure_idempotency_table()
    charge = powertools_step(shop, "payment", table)
    order = new_order(shop)
    first = charge(order=order.to_dict())
    second = charge(order=order.to_dict())
    assert first == second and first["order_id"] == order.order_id
    assert shop.store.count_by_order("payments", [order.order_id])[order.order_id] == 1
    items = client("dynamodb").scan(TableName=table)["Items"]
    assert any(i["id"]["S"].startswith("payment#") and i["status"]["S"] == "COMPLETED" for i in items)


def test_powertools_lets_a_failed_call_be_tried_again(shop):
    charge = powertools_step(shop, "payment", ensure_idempotency_table())
    order = new_order(shop)
    with shop.service("payment").outage(), pytest.raises(WorkshopError):
        charge(order=order.to_dict())
    charge(order=order.to_dict())
    assert shop.store.count_by_order("payments", [order.order_id])[order.order_id] == 1


def test_a_forced_duplicate_charges_the_naive_consumer_twice_and_the_idempotent_ones_once(shop):
    guard = StepGuard.create(shop)
    pt = powertools_step(shop, "payment", ensure_idempotency_table())
    runs = duplicate_delivery(shop, {
        "naive": shop.charge_payment,
        "guard": guard.charge_once,
        "powertools": lambda order: pt(order=order.to_dict()),
    }, visibility_timeout_s=1, hold_s=1.2)
    assert all(r.delivered == 2 and sorted(c for _, c, _ in r.deliveries) == [1, 2] for r in runs.values())
    assert {name: r.charges for name, r in runs.items()} == {"naive": 2, "guard": 1, "powertools": 1}
    fig = pf.duplicates(runs)
    assert fig.axes[0].get_title() and fig.axes[0].get_ylabel()


def test_duplicate_delivery_needs_a_hold_longer_than_the_visibility_timeout(shop):
    with pytest.raises(WorkshopError, match="longer than the visibility timeout"):
        duplicate_delivery(shop, {"naive": shop.charge_payment}, visibility_timeout_s=1, hold_s=0.5)


def test_partial_batch_failure_composes_with_idempotency(shop):
    result = partial_batch_demo(shop, StepGuard.create(shop))
    assert result.failed_ids == [["m4"], ["m4"]]
    assert list(result.charges.values()) == [1, 1, 1]


def test_effects_per_order_counts_every_table(shop):
    guard = StepGuard.create(shop)
    order = new_order(shop)
    for step in ("inventory", "payment", "shipping", "email", "points"):
        guard.run(step, order)
    assert effects_per_order(shop, [order.order_id]) == {
        order.order_id: {"reservations": 1, "payments": 1, "shipments": 1, "emails": 1, "points": 1}}
