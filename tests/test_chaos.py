"""The chaos run, at test size and repeated: always zero lost and zero double effects, counted from the stores.

Also: the reconciliation itself must catch what it claims to catch (a double charge, a lost order,
poison outside the DLQ), or a green run would prove nothing.
"""

from __future__ import annotations

import pytest

from helpers.core.backend import client
from helpers.core.exercises import ClaimFailed
from helpers.core.messages import WorkshopError
from helpers.failure import lesson
from helpers.failure import plots as pf
from helpers.failure.chaos import ChaosConfig, Reconciliation, chaos_run, reconcile
from helpers.failure.pipeline import OrderPipeline
from helpers.shop import Shop, speed_factor

N_ORDERS = 300


@pytest.fixture(scope="module")
def shop(module_own_prefix):
    s = Shop.create()
    yield s


@pytest.mark.parametrize("seed", [11, 12])
def test_chaos_reconciles_to_nothing_lost_and_nothing_twice(shop, seed):
    cfg = ChaosConfig(orders=N_ORDERS, accept_s=2.5, seed=seed, poison=4, duplicates=10, slow=3, speed=0.02)
    written = []

    def write_once(table, order_id, fields):
        written.append(order_id)
        return lesson.write_once(table, order_id, fields)

    pipe = OrderPipeline.create(shop, queue=f"t-chaos-{seed}", visibility_timeout=1, max_receive_count=4,
                                write_once=write_once)
    run = chaos_run(cfg, pipeline=pipe, progress=False)
    rec = run.reconciliation
    assert rec.ok, rec.mismatches()
    assert rec.accepted == N_ORDERS == rec.completed + rec.in_dlq_orders
    assert not rec.lost and rec.double_effects == 0 and rec.missing_effects == 0
    assert rec.poison_in_dlq == rec.poison_sent == 4
    # the chaos really happened: deaths, redeliveries, duplicates, slow deliveries, skipped steps
    assert run.kills and run.deliveries > N_ORDERS + len(run.duplicates_sent)
    assert len(run.duplicates_sent) == 10 and run.slowed
    assert sum(run.skipped_steps.values()) > 0
    assert set(run.accepted) <= set(written)  # every step went through the function the pipeline was given
    fig = pf.chaos(run)
    assert all(ax.get_title() and ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)


@pytest.fixture
def pipe(shop):
    return OrderPipeline.create(shop, queue="t-chaos-rec", visibility_timeout=1, max_receive_count=2)


def completed_orders(shop, pipe, n):
    ids = [a.order_id for a in pipe.accept_many(shop.sample_orders(n))]
    with speed_factor(0), pipe.pool(1):
        assert pipe.wait_until_completed(ids, 15)
    return ids


def test_reconciliation_catches_a_double_charge(shop, pipe):
    ids = completed_orders(shop, pipe, 3)
    order = shop.validate({**shop.sample_orders(1)[0], "order_id": ids[0]})
    shop.store.record_charge(order)  # a second charge, as a naive consumer would write
    rec = reconcile(pipe, ids, [])
    assert not rec.ok and rec.double == {"payments": [ids[0]]}
    with pytest.raises(ClaimFailed, match="double effect"):
        rec.check()


def test_reconciliation_catches_a_lost_order_and_a_missing_effect(shop, pipe):
    ids = completed_orders(shop, pipe, 2)
    lost = shop.accept_order(shop.sample_orders(1)[0])[0].order_id  # accepted, never sent: lost
    client("dynamodb").delete_item(TableName=shop.store.tables["emails"],
                                   Key={"order_id": {"S": ids[0]}, "record_id": {"S": "once"}})
    rec = reconcile(pipe, [*ids, lost], [])
    assert rec.lost == [lost] and rec.missing == {"emails": [ids[0]]}
    assert not rec.ok and any("lost" in line for line in rec.mismatches())


def test_reconciliation_catches_poison_that_did_not_reach_the_dlq(shop, pipe):
    rec = reconcile(pipe, [], ["this poison was never sent"])
    assert rec.poison_sent == 1 and rec.poison_in_dlq == 0 and not rec.ok


def test_reconciliation_table_marks_each_check():
    rec = Reconciliation(accepted=2, completed=2, in_dlq_orders=0, poison_sent=1, poison_in_dlq=1)
    assert rec.ok and rec.table().count("✅") == len(rec.checks())


def test_reconciliation_table_stays_aligned_in_japanese():
    from helpers.core import i18n
    from helpers.core.display import columns

    rec = Reconciliation(accepted=2, completed=2, in_dlq_orders=0, poison_sent=1, poison_in_dlq=1)
    i18n.use_language("ja")
    try:
        lines = rec.table().splitlines()
    finally:
        i18n.reset_language()
    assert "期待値" in lines[0] and any("失われた注文" in line for line in lines)
    assert {columns(line) for line in lines} == {64}, lines  # 44 + 10 + 10 screen columns on every line
    assert all(columns(line[:-10]) == 54 and line[:-10].endswith(str(expected))  # the middle column too
               for line, (_, expected, _) in zip(lines[1:], rec.checks(), strict=True))


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"orders": 0}, "1–1000 orders"),
        ({"outage_step": "validate"}, "valid"),
        ({"kill_rate": 1.0}, "probability"),
        ({"orders": 5, "duplicates": 6}, "outnumber"),
    ],
)
def test_impossible_chaos_settings_get_one_sentence(changes, words):
    with pytest.raises(WorkshopError, match=words):
        ChaosConfig(**changes).validate()


def test_the_chaos_run_needs_idempotent_steps(shop):
    naive = OrderPipeline.create(shop, queue="t-chaos-naive", idempotent=False)
    with pytest.raises(WorkshopError, match="idempotent"):
        chaos_run(ChaosConfig(orders=5, duplicates=0, slow=0), pipeline=naive, progress=False)
