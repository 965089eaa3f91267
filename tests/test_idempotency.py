"""Idempotent consumers: the conditional write, the step guard built on it, Powertools' utility, a forced duplicate."""

from __future__ import annotations

import pytest

from helpers.core.backend import client
from helpers.core.messages import WorkshopError
from helpers.core.workers import LambdaContext
from helpers.failure import lesson
from helpers.failure import plots as pf
from helpers.failure.idempotency import (
    DuplicateRun,
    StepGuard,
    duplicate_delivery,
    ensure_idempotency_table,
    partial_batch_demo,
)
from helpers.shop import Order, OutOfStock, Shop, speed_factor


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


def test_write_once_writes_the_first_time_only_and_never_raises_for_a_duplicate(shop):
    table = shop.store.tables["payments"]
    order = new_order(shop)
    assert lesson.write_once(table, order.order_id, {"amount_jpy": 100}) is True
    assert lesson.write_once(table, order.order_id, {"amount_jpy": 999}) is False
    records = shop.store.records("payments", order.order_id)
    assert len(records) == 1 and int(records[0]["amount_jpy"]) == 100  # the first write stands


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


def powertools_consumer(shop):
    """The notebook's Powertools consumer: idempotent_function, and register_lambda_context in the handler."""
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )

    persistence = DynamoDBPersistenceLayer(table_name=ensure_idempotency_table(), boto3_client=client("dynamodb"))
    config = IdempotencyConfig(event_key_jmespath="order_id")

    @idempotent_function(data_keyword_argument="order", persistence_store=persistence, config=config)
    def charge(order: dict) -> dict:
        span = shop.charge_payment(Order.from_dict(order))
        return {"order_id": span.order_id}

    def consume(order: Order, lambda_context) -> dict:
        config.register_lambda_context(lambda_context)
        return charge(order=order.to_dict())

    return consume


def context():
    return LambdaContext("test", "ap-northeast-1", "123456789012", 30.0)


def test_powertools_runs_the_function_once_and_its_in_progress_record_expires_with_the_invocation(shop):
    consume = powertools_consumer(shop)
    order = new_order(shop)
    first, second = consume(order, context()), consume(order, context())
    assert first == second == {"order_id": order.order_id}
    assert shop.store.count_by_order("payments", [order.order_id])[order.order_id] == 1
    items = [i for i in client("dynamodb").scan(TableName=ensure_idempotency_table())["Items"]
             if order.order_id in json_of(i)]
    assert len(items) == 1 and items[0]["status"]["S"] == "COMPLETED"
    assert "in_progress_expiration" in items[0]  # set because the handler registered its context


def json_of(item):
    return str(item.get("data", {}).get("S", ""))


def test_powertools_lets_a_failed_call_be_tried_again(shop):
    consume = powertools_consumer(shop)
    order = new_order(shop)
    with shop.service("payment").outage(), pytest.raises(WorkshopError):
        consume(order, context())
    consume(order, context())
    assert shop.store.count_by_order("payments", [order.order_id])[order.order_id] == 1


def test_a_forced_duplicate_charges_the_plain_consumer_twice_and_the_idempotent_ones_once(shop):
    guard = StepGuard.create(shop)
    runs = duplicate_delivery(shop, {
        "plain": shop.charge_payment,
        "guard": guard.charge_once,
        "powertools": powertools_consumer(shop),  # takes lambda_context: gets the worker's context
    }, visibility_timeout_s=1, hold_s=1.2)
    assert all(r.delivered == 2 and sorted(c for _, c, _ in r.deliveries) == [1, 2] for r in runs.values())
    assert {name: r.charges for name, r in runs.items()} == {"plain": 2, "guard": 1, "powertools": 1}
    fig = pf.duplicates(runs)
    assert fig.axes[0].get_title() and fig.axes[0].get_ylabel()


def test_the_duplicates_figure_names_the_notebooks_consumers_in_the_learners_language():
    import matplotlib.pyplot as plt

    from helpers.core import i18n

    def run(name, charges):
        return DuplicateRun(name, "ord-1", 1, 1.2, [(0.0, 1, "a"), (1.0, 2, "b")], charges)

    runs = {name: run(name, n) for name, n in (("plain", 2), ("conditional write", 1), ("mine", 1))}
    english = [t.get_text() for t in pf.duplicates(runs).axes[0].get_xticklabels()]
    i18n.use_language("ja")
    try:
        japanese = [t.get_text() for t in pf.duplicates(runs).axes[0].get_xticklabels()]
    finally:
        i18n.reset_language()
        plt.close("all")
    assert english == ["plain", "conditional write", "mine"]
    assert japanese == ["対策なし", "条件付き書き込み", "mine"]  # a name of the learner's own stays as written


def test_duplicate_delivery_needs_a_hold_longer_than_the_visibility_timeout(shop):
    with pytest.raises(WorkshopError, match="longer than the visibility timeout"):
        duplicate_delivery(shop, {"plain": shop.charge_payment}, visibility_timeout_s=1, hold_s=0.5)


def test_partial_batch_failure_composes_with_idempotency(shop):
    for consume in (StepGuard.create(shop).charge_once, powertools_consumer(shop)):
        result = partial_batch_demo(shop, consume)
        assert result.failed_ids == [["m4"], ["m4"]]
        assert list(result.charges.values()) == [1, 1, 1]
    plain = partial_batch_demo(shop, shop.charge_payment)  # the check fails without idempotency
    assert plain.failed_ids == [["m4"], ["m4"]] and list(plain.charges.values()) == [4, 2, 2]


def test_the_guard_writes_with_the_function_it_is_given(shop):
    written = []

    def write_once(table, order_id, fields):
        written.append(table)
        return lesson.write_once(table, order_id, fields)

    guard = StepGuard(shop, write_once=write_once)
    order = new_order(shop)
    for step in ("inventory", "payment", "shipping", "email", "points"):
        guard.run(step, order)
    assert len(written) == 5 and guard.done_steps(order.order_id) == {"inventory", "payment", "shipping", "email", "points"}
