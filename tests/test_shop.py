"""The shop's order domain: validation, services, DynamoDB effects, the sync chain and the load runners."""

from __future__ import annotations

import itertools
import json
import math
import time

import pytest

from helpers import shop as shop_mod
from helpers.core.messages import WorkshopError
from helpers.shop import (
    DOWNSTREAM,
    STEPS,
    InvalidOrder,
    LoadResult,
    Order,
    OrderResult,
    OutOfStock,
    Service,
    ServiceFailure,
    ServiceUnavailable,
    Shop,
    Span,
    Status,
    StepProfile,
    Store,
    load_catalog,
    load_invalid_examples,
    load_profile,
    load_sample_orders,
    percentile,
    set_speed,
    speed,
    speed_factor,
    validate_order,
)


@pytest.fixture()
def fast():
    """Run without sleeping (only outcomes and effects matter), and restore the speed after."""
    set_speed(0)
    yield
    set_speed(None)


@pytest.fixture()
def shop(backend, fast) -> Shop:
    s = Shop.create(seed=3)
    s.set_failure_rates(0)
    return s


def _payload(**overrides):
    base = {"customer_id": "cust-test", "email": "t@example.com", "items": [{"product_id": "whisk", "quantity": 2}]}
    base.update(overrides)
    return base


def _table_counts(store: Store) -> dict[str, int]:
    from helpers.core.backend import client

    ddb = client("dynamodb")
    return {kind: ddb.scan(TableName=name, Select="COUNT")["Count"] for kind, name in store.tables.items()}


# --- data -----------------------------------------------------------------------------------


def test_profile_has_every_step_with_documented_numbers():
    profile = load_profile()
    assert list(profile) == list(STEPS)
    for p in profile.values():
        assert p.median_ms > 0 and p.p95_ms >= p.median_ms and 0 <= p.failure_rate < 0.05
        assert p.why, f"{p.step} has no explanation of where its numbers come from"
    assert max(profile.values(), key=lambda p: p.median_ms).step == "payment"
    doc = json.loads((shop_mod.DATA_DIR / "service_profile.json").read_text())["_doc"]
    for field in ("median_ms", "p95_ms", "failure_rate", "why", "speed"):
        assert field in doc


def test_sample_orders_are_valid_and_invalid_examples_are_not():
    catalog = load_catalog()
    orders = load_sample_orders()
    assert len(orders) >= 20
    for payload in orders:
        validate_order(payload, catalog)
    for example in load_invalid_examples():
        with pytest.raises(InvalidOrder):
            validate_order(example["payload"], catalog)


# --- validation -----------------------------------------------------------------------------


def test_valid_order_gets_an_id_a_total_and_points():
    catalog = load_catalog()
    order = validate_order(_payload(items=[{"product_id": "whisk", "quantity": 2}, {"product_id": "kyusu", "quantity": 1}]), catalog)
    assert order.order_id.startswith("ord-")
    assert order.total_jpy == 2 * catalog["whisk"].price_jpy + catalog["kyusu"].price_jpy
    assert order.points == order.total_jpy // 100
    assert validate_order(json.dumps(_payload()), catalog).customer_id == "cust-test"  # a JSON string works too
    assert validate_order(json.dumps(_payload()).encode(), catalog).items[0].quantity == 2
    assert validate_order(_payload(order_id="client-42"), catalog).order_id == "client-42"


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        ("{not json", "not valid JSON"),
        ([1, 2], "not a JSON object"),
        (_payload(customer_id=""), "customer_id is missing"),
        ({"items": [{"product_id": "whisk", "quantity": 1}]}, "customer_id is missing"),
        (_payload(items=[]), "at least one item"),
        (_payload(items="whisk"), "at least one item"),
        (_payload(items=[{"product_id": "whisk"}]), "must be an object with product_id and quantity"),
        (_payload(items=["whisk"]), "must be an object with product_id and quantity"),
        (_payload(items=[{"product_id": "nope", "quantity": 1}]), "no product 'nope'"),
        (_payload(items=[{"product_id": "whisk", "quantity": 0}]), "whole number from 1 to 99"),
        (_payload(items=[{"product_id": "whisk", "quantity": -1}]), "whole number from 1 to 99"),
        (_payload(items=[{"product_id": "whisk", "quantity": 1.5}]), "whole number from 1 to 99"),
        (_payload(items=[{"product_id": "whisk", "quantity": "2"}]), "whole number from 1 to 99"),
        (_payload(items=[{"product_id": "whisk", "quantity": True}]), "whole number from 1 to 99"),
        (_payload(items=[{"product_id": "whisk", "quantity": 100}]), "whole number from 1 to 99"),
        (_payload(email="not-an-address"), "not an e-mail address"),
        (_payload(order_id="has spaces!"), "order_id"),
    ],
)
def test_invalid_orders_get_one_clear_sentence(payload, words):
    with pytest.raises(InvalidOrder) as info:
        validate_order(payload, load_catalog())
    text = str(info.value)
    assert words in text
    assert text.startswith("Order rejected") and "\n" not in text and "{{" not in text


def test_invalid_order_is_rejected_and_changes_nothing(shop):
    shop.place_order_sync(_payload())  # stock below its initial level, so a reset would show
    before = _table_counts(shop.store)
    stock = {pid: shop.store.stock_level(pid) for pid in shop.catalog}
    for example in shop.invalid_examples():
        result = shop.place_order_sync(example["payload"])
        assert result.status == Status.REJECTED and not result.ok
        assert result.failed_step == "validate" and result.error.startswith("Order rejected")
        assert [s.outcome for s in result.spans] == ["rejected"]
    assert _table_counts(shop.store) == before
    assert {pid: shop.store.stock_level(pid) for pid in shop.catalog} == stock


def test_order_round_trips_through_json_and_poison_bodies_are_clear():
    order = validate_order(_payload(), load_catalog())
    assert Order.from_json(order.to_json()) == order
    for body in ("not json", "[1]", json.dumps({"order_id": "x"})):
        with pytest.raises(InvalidOrder, match="Order.to_json"):
            Order.from_json(body)


# --- speed ----------------------------------------------------------------------------------


def test_speed_comes_from_set_speed_then_env_then_default(monkeypatch):
    monkeypatch.delenv("WORKSHOP_SPEED", raising=False)
    set_speed(None)
    assert speed() == shop_mod.DEFAULT_SPEED
    monkeypatch.setenv("WORKSHOP_SPEED", "0.5")
    assert speed() == 0.5
    assert set_speed(0.1) == 0.1
    with speed_factor(0):
        assert speed() == 0
    assert speed() == 0.1
    set_speed(None)
    assert speed() == 0.5
    monkeypatch.setenv("WORKSHOP_SPEED", "fast")
    with pytest.raises(WorkshopError, match="WORKSHOP_SPEED"):
        speed()
    for bad in (-1, "x", float("nan"), 100):
        with pytest.raises(WorkshopError, match="speed factor"):
            set_speed(bad)
    monkeypatch.delenv("WORKSHOP_SPEED")
    assert set_speed(None) == shop_mod.DEFAULT_SPEED


# --- services -------------------------------------------------------------------------------


def _service(step: str = "payment", seed: int = 1, **kw) -> Service:
    svc = Service(load_profile()[step], seed=seed)
    svc.configure(**kw)
    return svc


def test_a_call_sleeps_latency_times_speed():
    svc = _service(jitter=False)
    with speed_factor(0.01):
        t = time.perf_counter()
        slept = svc.call()
        elapsed = (time.perf_counter() - t) * 1000
    assert slept == pytest.approx(350 * 0.01)
    assert elapsed >= slept * 0.99
    with speed_factor(0):
        assert svc.call() == 0


def test_latencies_follow_the_profile_median_and_p95():
    svc = _service("email", seed=11)
    draws = [svc.sample_ms() for _ in range(4000)]
    assert percentile(draws, 50) == pytest.approx(180, rel=0.05)
    assert percentile(draws, 95) == pytest.approx(400, rel=0.07)
    assert sum(draws) / len(draws) == pytest.approx(svc.mean_ms, rel=0.04)
    assert svc.mean_ms > svc.median_ms  # the slow tail pulls the mean up


def test_same_seed_same_draws_other_seed_other_draws():
    a, b, c = _service(seed=5), _service(seed=5), _service(seed=6)
    da = [a.sample_ms() for _ in range(5)]
    assert da == [b.sample_ms() for _ in range(5)]
    assert da != [c.sample_ms() for _ in range(5)]


def test_failure_rate_decides_failures(fast):
    always = _service(failure_rate=1.0)
    with pytest.raises(ServiceFailure) as info:
        always.call()
    assert "payment" in str(info.value)
    never = _service(failure_rate=0.0)
    for _ in range(50):
        never.call()
    some = _service(failure_rate=0.2, seed=2)
    fails = 0
    for _ in range(2000):
        try:
            some.call()
        except ServiceFailure:
            fails += 1
    assert 0.17 < fails / 2000 < 0.23


def test_outage_makes_calls_unavailable_until_restored(fast):
    svc = _service(failure_rate=0)
    with svc.outage():
        assert svc.is_down
        with pytest.raises(ServiceUnavailable, match="outage"):
            svc.call()
    assert not svc.is_down
    svc.call()
    svc.take_down()
    with pytest.raises(ServiceUnavailable):
        svc.call()
    svc.restore()
    svc.call()


def test_deploy_window_fails_inside_and_passes_outside():
    svc = _service(failure_rate=0, jitter=False)
    with speed_factor(0.001):
        window = svc.deploy(40_000, start_in_ms=0, mode="fail")  # 40 ms real
        with pytest.raises(ServiceUnavailable, match="deploy"):
            svc.call()
        time.sleep(max(0.0, window.end - time.perf_counter()) + 0.002)
        svc.call()


def test_deploy_window_in_wait_mode_holds_the_call_until_it_is_back():
    svc = _service(failure_rate=0, jitter=False)
    with speed_factor(0.001):
        window = svc.deploy(50_000, mode="wait")  # 50 ms real
        svc.call()
        assert time.perf_counter() >= window.end
    with pytest.raises(WorkshopError, match="'fail'"):
        svc.deploy(10, mode="maybe")


def test_configure_keeps_the_shape_and_rejects_nonsense():
    svc = _service("payment")
    ratio = svc.p95_ms / svc.median_ms
    svc.configure(median_ms=1000)
    assert svc.p95_ms == pytest.approx(1000 * ratio)
    for kw, words in (({"median_ms": -1}, "latency"), ({"failure_rate": 1.5}, "failure rate"),
                      ({"p95_ms": 10}, "p95")):
        with pytest.raises(WorkshopError, match=words):
            svc.configure(**kw)
    svc.reset()
    assert svc.median_ms == 350 and svc.failure_rate == load_profile()["payment"].failure_rate


def test_lognormal_helpers():
    assert shop_mod.lognormal_sigma(100, 100) == 0
    assert shop_mod.lognormal_mean(100, 100) == 100
    p = StepProfile("x", "x", 100, 200, 0.1)
    assert p.availability == pytest.approx(0.9)
    assert p.mean_ms == pytest.approx(100 * math.exp((math.log(2) / 1.6448536269514722) ** 2 / 2))


# --- the synchronous chain and its effects --------------------------------------------------------


def test_completed_order_has_six_spans_one_after_another_and_every_effect(shop):
    payload = _payload(items=[{"product_id": "whisk", "quantity": 2}, {"product_id": "matcha-100g", "quantity": 1}])
    whisk, matcha = shop.store.stock_level("whisk"), shop.store.stock_level("matcha-100g")
    result = shop.place_order_sync(payload)
    assert result.ok and result.status == Status.COMPLETED
    assert [s.step for s in result.spans] == list(STEPS)
    assert all(s.ok for s in result.spans)
    for before, after in itertools.pairwise(result.spans):
        assert after.start >= before.end  # sequential: a step starts when the one before answered
    assert result.back_to_back
    assert result.response_ms >= result.steps_ms + result.status_ms > result.steps_ms
    assert 0 <= result.unaccounted_ms < 5  # nothing but the spans and the final status write
    stored = shop.store.get_order(result.order_id)
    assert stored["status"] == Status.COMPLETED
    assert stored["steps"] == dict.fromkeys(STEPS, "ok")
    assert stored["items"] == [{"product_id": "whisk", "quantity": 2}, {"product_id": "matcha-100g", "quantity": 1}]
    effects = shop.store.effects([result.order_id])
    assert {kind: c[result.order_id] for kind, c in effects.items()} == dict.fromkeys(effects, 1)
    assert shop.store.stock_level("whisk") == whisk - 2
    assert shop.store.stock_level("matcha-100g") == matcha - 1
    charge = shop.store.records("payments", result.order_id)[0]
    assert charge["amount_jpy"] == result.order.total_jpy


def test_email_outage_fails_the_order_after_payment_was_taken(shop):
    with shop.service("email").outage():
        result = shop.place_order_sync(_payload())
    assert result.status == Status.FAILED and result.failed_step == "email"
    assert result.status_ms > 0 and 0 <= result.unaccounted_ms < 5
    assert "email" in result.error and "unavailable" in result.error
    assert [s.outcome for s in result.spans] == ["ok", "ok", "ok", "ok", "unavailable"]
    stored = shop.store.get_order(result.order_id)
    assert stored["status"] == Status.FAILED and stored["failed_step"] == "email"
    assert stored["steps"]["email"] == "unavailable" and "points" not in stored["steps"]
    effects = shop.store.effects([result.order_id])
    assert effects["payments"][result.order_id] == 1  # charged, although the order failed
    assert effects["emails"][result.order_id] == 0 and effects["points"][result.order_id] == 0


def test_step_functions_are_callable_alone_and_effects_are_countable(shop):
    order, span = shop.accept_order(_payload())
    assert span.step == "validate" and span.ok
    assert shop.store.get_order(order.order_id)["status"] == Status.ACCEPTED
    for step in DOWNSTREAM:
        assert shop.step_function(step)(order).step == step
    shop.charge_payment(order)  # a second charge: a duplicate must be visible
    counts = shop.store.count_by_order("payments", [order.order_id])
    assert counts[order.order_id] == 2
    shop.store.mark_step(order.order_id, "payment", "ok")
    shop.store.set_status(order.order_id, Status.COMPLETED)
    assert shop.store.get_order(order.order_id)["steps"] == {"payment": "ok"}
    with pytest.raises(WorkshopError, match="no step"):
        shop.step_function("validate")
    with pytest.raises(WorkshopError, match="effect records"):
        shop.store.count_by_order("stock")


def test_a_failing_step_raises_with_its_span_and_writes_no_effect(shop):
    order, _ = shop.accept_order(_payload())
    shop.configure("shipping", failure_rate=1.0)
    with pytest.raises(ServiceFailure) as info:
        shop.create_shipment(order)
    assert info.value.span.outcome == "failed" and info.value.span.step == "shipping"
    assert shop.store.count_by_order("shipments", [order.order_id])[order.order_id] == 0


def test_out_of_stock_takes_nothing(shop):
    level = shop.store.stock_level("kyusu")
    whisk = shop.store.stock_level("whisk")
    big = _payload(items=[{"product_id": "whisk", "quantity": 1}, {"product_id": "kyusu", "quantity": 99}])
    for _ in range(level // 99):
        assert shop.place_order_sync(_payload(items=[{"product_id": "kyusu", "quantity": 99}])).ok
    left = shop.store.stock_level("kyusu")
    assert left < 99
    result = shop.place_order_sync(big)
    assert result.failed_step == "inventory" and result.spans[-1].outcome == "out_of_stock"
    assert shop.store.stock_level("kyusu") == left
    assert shop.store.stock_level("whisk") == whisk  # the first line was put back
    with pytest.raises(OutOfStock):
        shop.store.reserve(validate_order(big, shop.catalog))
    Shop.create(seed=3)  # a new shop resets stock
    assert shop.store.stock_level("kyusu") == level


def test_create_reuses_tables_and_shops_do_not_share_settings(backend, fast):
    a = Shop.create(seed=1)
    b = Shop.create(seed=1)
    assert a.store.tables == b.store.tables
    a.configure("payment", median_ms=5000)
    a.service("email").take_down()
    assert b.service("payment").median_ms == 350 and not b.service("email").is_down
    a.reset()
    assert a.service("payment").median_ms == 350 and not a.service("email").is_down
    assert a.service("email").failure_rate == 0.01
    a.reset(failures=False)
    assert all(a.service(s).failure_rate == 0 for s in STEPS)


def test_predictions_come_from_the_current_settings(shop):
    with speed_factor(0.5):
        assert shop.predicted_ms() == pytest.approx(sum(p.median_ms for p in shop.profile.values()) * 0.5)
        assert shop.predicted_ms(stat="mean", overhead_ms=10) > shop.predicted_ms() + 10
    shop.set_failure_rates({"payment": 0.1, "email": 0.2})
    assert shop.expected_availability() == pytest.approx(0.9 * 0.8)
    shop.set_jitter(False)
    assert shop.service("payment").mean_ms == shop.service("payment").median_ms


def test_sample_orders_cycle_and_are_copies(shop):
    first = shop.sample_orders(3)
    first[0]["customer_id"] = "changed"
    assert shop.sample_orders(3)[0]["customer_id"] != "changed"
    n = len(load_sample_orders())
    assert shop.sample_orders(n + 2)[n] == shop.sample_orders(1)[0]


# --- load -----------------------------------------------------------------------------------


def test_run_load_keeps_payload_order_and_overlaps_clients(shop):
    payloads = shop.sample_orders(8)
    shop.set_jitter(False)
    with speed_factor(0.05):  # ~40 ms of sleeps per order: the clients really overlap
        load = shop.run_load(payloads, clients=4)
    assert [r.order.customer_id for r in load.results] == [p["customer_id"] for p in payloads]
    assert all(r.ok for r in load.results) and load.success_share == 1
    assert 1.5 < load.mean_in_system <= 4.05
    with pytest.raises(WorkshopError, match="clients"):
        shop.run_load(payloads, clients=0)


def test_run_load_survives_unexpected_errors(shop, monkeypatch):
    def boom(order):
        raise RuntimeError("throttled")

    monkeypatch.setattr(shop.store, "record_points", boom)
    load = shop.run_load(shop.sample_orders(2), clients=2)
    assert [r.status for r in load.results] == [Status.FAILED] * 2
    assert "throttled" in load.results[0].error


def test_back_to_back_detects_overlapping_steps():
    spans = [Span("o", "a", "a", 0.0, 1.0), Span("o", "b", "b", 0.5, 2.0)]
    assert not OrderResult("o", Status.COMPLETED, spans, 0.0, 2.0).back_to_back
    assert OrderResult("o", Status.COMPLETED, spans[:1], 0.0, 2.0).back_to_back


def _fake(start: float, end: float) -> OrderResult:
    return OrderResult("o", Status.COMPLETED, [], start, end)


def test_busy_throughput_counts_only_while_every_client_was_busy():
    # two clients, orders of exactly 1 s back to back; client B's last order ends late (drain)
    results = [_fake(0, 1), _fake(0, 1), _fake(1, 2), _fake(1, 2), _fake(2, 3), _fake(2, 7)]
    load = LoadResult(results, 0.0, 7.0, clients=2)
    assert load.busy_throughput_per_s == pytest.approx(2.0)  # 2 clients / 1 s per order
    assert load.throughput_per_s == pytest.approx(6 / 7)  # the naive number is dragged down by the drain
    assert load.mean_in_system == pytest.approx(10 / 7)
    busy = load.busy_window()
    assert busy.seconds == 2 and busy.mean_ms == pytest.approx(1000) and busy.in_progress == pytest.approx(2)
    assert busy.throughput_per_s * busy.mean_ms / 1000 == pytest.approx(busy.in_progress)  # L = λ·W
    # the slow last order counts only for the share of it inside the window: 0 here (it starts at the cut)
    short = LoadResult(results[:2], 0.0, 1.0, clients=2)
    assert short.busy_window() is None and short.busy_throughput_per_s == short.throughput_per_s


def test_busy_window_counts_running_orders_in_part():
    # one client; orders of 1 s, 1 s, then a last one starting at 2 s: window [0, 2]
    results = [_fake(0, 1), _fake(1, 2), _fake(2, 3)]
    busy = LoadResult(results, 0.0, 3.0, clients=1).busy_window()
    assert busy.throughput_per_s == pytest.approx(1.0) and busy.in_progress == pytest.approx(1.0)
    # two clients, one order still running across the cut: half of it counts
    results = [_fake(0, 2), _fake(0, 1), _fake(1, 1.5), _fake(1.5, 3)]
    busy = LoadResult(results, 0.0, 3.0, clients=2).busy_window()
    assert busy.seconds == 1.5
    assert busy.throughput_per_s == pytest.approx((0.75 + 1 + 1) / 1.5)
    assert busy.in_progress == pytest.approx(2.0)


def test_percentile_interpolates():
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([5], 95) == 5
    assert math.isnan(percentile([], 50))


def test_stream_during_a_deploy_fails_exactly_the_orders_that_reached_the_restarting_step(shop):
    shop.set_jitter(False)
    with speed_factor(0.05):  # orders ~40 ms of sleeps, one every 50 ms: the moto lock is never saturated
        window = shop.service("points").deploy(8000, mode="fail")  # from now for 400 ms
        load = shop.run_stream(shop.sample_orders(16), interval_ms=1000, windows=[window])  # 800 ms of orders
    assert load.windows == [window]
    failed = load.failed()
    assert failed and len(failed) < len(load.results)
    assert {r.order_id for r in load.reached_during("points", window)} == {r.order_id for r in failed}
    for r in load.results:
        reached = r.span("points")
        assert reached is not None
        inside = window.contains(reached.start)
        assert (not r.ok) == inside, (r.summary(), reached.start - window.start)
        if not r.ok:
            assert r.failed_step == "points"
    with pytest.raises(WorkshopError, match="interval_ms"):
        shop.run_stream([], interval_ms=0)


def test_sweep_models_throughput_and_restores_the_step(shop):
    shop.set_jitter(False)
    with speed_factor(0.02):
        points = shop.sweep_latency("shipping", [120, 2000], clients=2, orders_per_client=2, overhead_ms=5.0,
                                    progress=False)
        measured = shop.sweep_latency("shipping", [120], clients=2, orders_per_client=2, progress=False)
    assert [p.latency_ms for p in points] == [120, 2000]
    assert points[0].model_response_ms == pytest.approx(sum(s.median_ms for s in shop.profile.values()) * 0.02 + 5)
    assert points[1].model_response_ms == pytest.approx(points[0].model_response_ms + (2000 - 120) * 0.02)
    assert points[1].model_throughput_per_s < points[0].model_throughput_per_s
    assert all(len(p.load.results) == 4 and p.load.clients == 2 for p in points)
    assert shop.service("shipping").median_ms == 120
    for p in points + measured:
        assert p.model_throughput_per_s == pytest.approx(2 / (p.model_response_ms / 1000))
        assert p.littles_l == pytest.approx(p.load.busy_window().in_progress)
    # without a fixed overhead, the model takes what these very orders took beyond their sleeps
    m = measured[0]
    assert m.overhead_ms == pytest.approx(m.load.busy_window().overhead_ms)
    assert 0 < m.overhead_ms < m.mean_ms


def test_measure_overhead_is_what_an_order_takes_beyond_its_sleeps(shop):
    shop.set_jitter(False)
    with speed_factor(0.01):
        overhead = shop.measure_overhead(2)
        result = shop.place_order_sync(_payload())
    assert overhead > 0
    assert result.simulated_ms == pytest.approx(sum(s.median_ms for s in shop.profile.values()) * 0.01)
    assert result.overhead_ms == pytest.approx(result.response_ms - result.simulated_ms)
    assert 0 < result.overhead_ms < result.response_ms


def test_result_summaries_are_one_line(shop):
    ok = shop.place_order_sync(_payload())
    assert ok.summary().startswith("✅") and "COMPLETED" in ok.summary()
    bad = shop.place_order_sync(_payload(items=[]))
    assert bad.summary().startswith("❌ REJECTED") and "\n" not in bad.summary()
    assert "OrderResult(" in repr(bad)


def test_span_serializes():
    span = Span("o", "payment", "payment", 1.0, 1.5, "failed", 400.0, "x")
    assert Span.from_dict(span.to_dict()) == span
    assert span.duration_ms == 500 and not span.ok


def test_counts_and_describe(shop):
    before = shop.store.counts()
    assert set(before) == {"orders", "stock", "reservations", "payments", "shipments", "emails", "points"}
    assert before["stock"] == len(shop.catalog)
    shop.place_order_sync(_payload())
    after = shop.store.counts()
    assert after["orders"] == before["orders"] + 1 and after["payments"] == before["payments"] + 1
    with pytest.raises(WorkshopError, match="no 'nope' records"):
        shop.store.count("nope")
    text = shop.describe()
    assert all(step in text for step in STEPS) and "765 ms" in text
    assert text.splitlines()[0].split() == ["step", "service", "median", "p95", "fails", "sleeps", "(real)"]


def test_describe_speaks_the_learners_language_and_keeps_its_columns(shop, monkeypatch: pytest.MonkeyPatch):
    """In Japanese the headings are Japanese, and every line is as wide on screen as the English one
    (a full-width character takes two columns)."""
    import unicodedata

    import matplotlib

    from helpers.core import i18n

    def columns(line: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)

    english = shop.describe()
    monkeypatch.delenv("WORKSHOP_LANG", raising=False)
    monkeypatch.setattr(matplotlib, "rcParams", matplotlib.rcParams.copy())  # Japanese sets the figures' font
    try:
        i18n.use_language("ja")
        japanese = shop.describe()
    finally:
        i18n.reset_language()
    assert japanese.splitlines()[0].split()[:2] == ["ステップ", "サービス"] and "合計" in japanese
    assert [columns(line) for line in japanese.splitlines()[:-1]] == [len(line) for line in english.splitlines()[:-1]]
    assert japanese.splitlines()[2:-2] == english.splitlines()[2:-2]  # the rows of numbers do not change


def test_run_steps_is_the_one_loop_and_stops_at_the_first_failure(shop):
    """The loop the sync chain, the worker and the hybrid paths share: in order, stop at a failure, report each step."""
    order, _ = shop.accept_order(_payload())
    told = []
    with shop.service("shipping").outage():
        run = shop.run_steps(order, on_step=lambda step, outcome: told.append((step, outcome)))
    assert run.steps == {"inventory": "ok", "payment": "ok", "shipping": "unavailable"}
    assert run.failed_step == "shipping" and run.error is not None and run.error.outcome == "unavailable"
    assert [s.step for s in run.spans] == ["inventory", "payment", "shipping"] and told == list(run.steps.items())
    again = shop.run_steps(order, ["email", "points"])
    assert again.failed_step is None and again.error is None and again.steps == {"email": "ok", "points": "ok"}


# --- the harness around notebook 01's handler ----------------------------------------------------


def test_the_default_handler_is_notebook_01s_place_order(shop, monkeypatch):
    from helpers.sync import lesson

    called, original = [], lesson.place_order

    def spy(s, payload):
        called.append(payload)
        return original(s, payload)

    monkeypatch.setattr(lesson, "place_order", spy)
    assert shop.place_order_sync(_payload()).ok and len(called) == 1


def test_a_handler_of_ones_own_is_traced_step_by_step(shop):
    def three_steps(s, payload):
        order, _ = s.accept_order(payload)
        s.charge_payment(order)
        s.add_points(order)
        return order

    result = shop.place_order_sync(_payload(), handler=three_steps)
    assert result.ok and [s.step for s in result.spans] == ["validate", "payment", "points"]
    assert shop.store.get_order(result.order_id)["steps"] == {"validate": "ok", "payment": "ok", "points": "ok"}
    assert 0 <= result.unaccounted_ms < 5


def test_only_steps_on_the_handlers_own_thread_are_in_its_trace(shop):
    import threading

    threads = []

    def email_later(s, payload):
        order, _ = s.accept_order(payload)
        threads.append(threading.Thread(target=s.send_email, args=(order,)))
        threads[-1].start()
        return order

    result = shop.place_order_sync(_payload(), handler=email_later)
    threads[0].join()
    assert [s.step for s in result.spans] == ["validate"]
    assert shop.store.effects([result.order_id])["emails"][result.order_id] == 1
    again = shop.place_order_sync(_payload())  # the trace of one order does not leak into the next
    assert [s.step for s in again.spans] == list(STEPS)


def test_a_failure_the_handler_catches_completes_the_order_with_the_steps_outcome(shop):
    def email_optional(s, payload):
        order, _ = s.accept_order(payload)
        try:
            s.send_email(order)
        except shop_mod.ServiceError:
            pass
        s.add_points(order)

    with shop.service("email").outage():
        result = shop.place_order_sync(_payload(), handler=email_optional)
    assert result.status == Status.COMPLETED
    assert shop.store.get_order(result.order_id)["steps"] == {"validate": "ok", "email": "unavailable", "points": "ok"}


def test_a_handler_that_accepts_nothing_is_one_sentence(shop):
    with pytest.raises(WorkshopError, match="shop.accept_order"):
        shop.place_order_sync(_payload(), handler=lambda s, payload: None)
    rejected = shop.place_order_sync({"customer_id": ""}, handler=lambda s, payload: s.accept_order(payload))
    assert rejected.status == Status.REJECTED and [s.outcome for s in rejected.spans] == ["rejected"]


def test_run_load_and_measure_overhead_take_the_handler(shop):
    seen = []

    def counting(s, payload):
        seen.append(1)
        return s.accept_order(payload)[0]

    load = shop.run_load([_payload(), _payload()], clients=2, handler=counting)
    assert [len(r.spans) for r in load.results] == [1, 1] and len(seen) == 2
    shop.measure_overhead(2, handler=counting)
    assert len(seen) == 5  # 2 + a warm-up + 2
