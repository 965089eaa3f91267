"""Retries: the backoff formula, the retry loop, and the two measured demos."""

from __future__ import annotations

import random

import pytest

from helpers.core.messages import WorkshopError
from helpers.failure.lesson import TRANSIENT, backoff_delay, call_with_retries
from helpers.failure.retry import RecoveringService, Strategy, retry_storm, transient_demo
from helpers.shop import OutOfStock, ServiceFailure, ServiceUnavailable


def delays(retries, **kwargs):
    return [backoff_delay(n, **kwargs) for n in range(1, retries + 1)]


def test_exponential_backoff_doubles_up_to_the_cap():
    assert delays(6, base_s=0.1, cap_s=2.0, jitter=False) == pytest.approx([0.1, 0.2, 0.4, 0.8, 1.6, 2.0])


def test_full_jitter_stays_between_zero_and_the_ceiling_and_varies():
    rng = random.Random(3)
    ceilings = [0.1, 0.2, 0.4, 0.8, 1.6, 2.0]
    draws = [delays(6, base_s=0.1, cap_s=2.0, rng=rng) for _ in range(200)]
    for got in draws:
        assert all(0 <= d <= c for d, c in zip(got, ceilings, strict=True))
    fifth = [d[4] for d in draws]
    assert min(fifth) < 0.4 and max(fifth) > 1.2  # spread over the whole range, not bunched at the ceiling


def test_full_jitter_is_repeatable_with_a_seed():
    assert delays(5, base_s=0.1, cap_s=1, rng=random.Random(9)) == delays(5, base_s=0.1, cap_s=1, rng=random.Random(9))


def flaky(failures: int, error: type[Exception] = ServiceFailure):
    calls = []

    def fn():
        calls.append(1)
        if len(calls) <= failures:
            if error in (ServiceFailure, ServiceUnavailable):
                raise error("shop.failure", step="email", service="email")
            raise error("boom")
        return "sent"

    return fn, calls


def test_a_transient_error_is_retried_with_the_backoff_waits(monkeypatch):
    slept = []
    monkeypatch.setattr("helpers.failure.lesson.time.sleep", slept.append)
    monkeypatch.setattr("helpers.failure.lesson.random.uniform", lambda low, high: high)  # the ceiling, every time
    fn, calls = flaky(2)
    assert call_with_retries(fn, attempts=4, base_s=0.1, cap_s=1) == "sent" and len(calls) == 3
    assert slept == pytest.approx([0.1, 0.2])


def test_after_the_last_attempt_the_last_error_is_raised():
    fn, calls = flaky(10, error=ServiceUnavailable)
    with pytest.raises(ServiceUnavailable):
        call_with_retries(fn, attempts=3, base_s=0, cap_s=0)
    assert len(calls) == 3


def test_a_permanent_error_is_not_retried():
    fn, calls = flaky(1, error=ValueError)
    with pytest.raises(ValueError):
        call_with_retries(fn, attempts=5, base_s=0, cap_s=0)
    assert len(calls) == 1

    def out_of_stock():
        raise OutOfStock("shop.out_of_stock", step="inventory", service="inventory", product="kyusu")

    assert not issubclass(OutOfStock, TRANSIENT)
    with pytest.raises(OutOfStock):
        call_with_retries(out_of_stock, attempts=5, base_s=0, cap_s=0)


def test_transient_demo_matches_one_minus_p_to_the_k_and_restores_the_service(backend):
    from helpers.shop import Shop

    shop = Shop.create(reset_stock=False)
    before = shop.service("email").failure_rate
    result = transient_demo(shop, call_with_retries, step="email", failure_rate=0.3, n=400, attempts=(1, 2, 3))
    shares = result.success_share
    assert shares[1] < shares[2] < shares[3]
    for k in (1, 2, 3):
        assert abs(shares[k] - result.predicted[k]) < 0.08
    assert result.calls[1] == 400 and result.calls[3] > result.calls[1]
    assert shop.service("email").failure_rate == before


def test_a_recovering_service_is_down_then_serves_its_capacity_per_window():
    svc = RecoveringService("db", down_s=60, capacity=2, window_s=10)
    with pytest.raises(ServiceUnavailable):
        svc.call()
    svc.down_s = 0
    svc.call()
    svc.call()
    with pytest.raises(ServiceFailure):
        svc.call()
    assert [outcome for _, outcome in svc.calls] == ["down", "ok", "ok", "throttled"]


def test_retry_storm_waits_with_the_backoff_it_is_given():
    asked = []

    def backoff(retry, base_s, cap_s, jitter=True, rng=random):
        asked.append((retry, jitter))
        return backoff_delay(retry, base_s, cap_s, jitter, rng)

    runs = retry_storm(backoff, clients=3, down_s=0.1, capacity=3)
    assert asked and {j for _, j in asked} == {True, False} and all(r.gave_up == 0 for r in runs)


def test_retry_storm_eager_makes_many_more_calls_and_jitter_breaks_up_the_waves():
    eager, plain, jitter = retry_storm(backoff_delay, clients=10, down_s=0.3, capacity=3, window_s=0.05)
    assert all(r.gave_up == 0 and len(r.done_at) == 10 for r in (eager, plain, jitter))
    assert eager.total_calls > 3 * jitter.total_calls
    assert plain.peak_per_window() > jitter.peak_per_window()


def test_retry_storm_rejects_a_silly_number_of_clients():
    with pytest.raises(WorkshopError, match="clients"):
        retry_storm(backoff_delay, clients=0, strategies=(Strategy("eager", 0.01, 0.01, False),))


def test_the_retry_figures_have_titles_and_labelled_axes(backend):
    from matplotlib.figure import Figure

    from helpers.failure import plots as pf
    from helpers.shop import Shop

    shop = Shop.create(reset_stock=False)
    figs = [pf.transient(transient_demo(shop, call_with_retries, n=50, attempts=(1, 2))),
            pf.storm(retry_storm(backoff_delay, clients=4, down_s=0.1, capacity=2))]
    for fig in figs:
        assert isinstance(fig, Figure)
        for ax in fig.axes:
            assert ax.get_title() and ax.get_ylabel()
        assert fig.axes[-1].get_xlabel()
