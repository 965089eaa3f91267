"""02's harness for the three ways to respond: timing a learner's function, meeting a requirement, options."""

from __future__ import annotations

import threading
import time

import pytest

from helpers.core.messages import WorkshopError
from helpers.shop import LoadResult, OrderResult, Status
from helpers.sync.responses import CallRun, Option, share_within, time_calls


def test_time_calls_times_each_call_in_payload_order():
    def slow_for(payload):
        time.sleep(payload / 1000)

    run = time_calls(slow_for, [30, 5, 15], clients=1)
    assert all(t >= want for t, want in zip(run.times_ms, [30, 5, 15], strict=True))
    assert run.times_ms[0] > run.times_ms[1] and run.ok_count == 3 and run.ok_share == 1.0
    assert run.p(50) == pytest.approx(sorted(run.times_ms)[1])
    assert run.throughput_per_s == pytest.approx(3 / (run.end - run.start))


def test_time_calls_uses_the_clients_at_once():
    seen: set[str] = set()

    def note_thread(_payload):
        seen.add(threading.current_thread().name)
        time.sleep(0.02)

    run = time_calls(note_thread, list(range(6)), clients=3)
    assert len(seen) == 3 and run.clients == 3
    assert run.end - run.start < 0.1, "six calls of 20 ms on three threads take about 40 ms, not 120"


def test_a_call_that_raises_is_recorded_and_the_run_goes_on():
    def picky(payload):
        if payload == "bad":
            raise ValueError("no such product")
        return payload

    run = time_calls(picky, ["a", "bad", "c"], clients=2)
    assert run.errors == [None, "ValueError: no such product", None]
    assert run.ok_count == 2 and run.ok_share == pytest.approx(2 / 3) and len(run.times_ms) == 3
    assert "2 of 3 calls returned" in run.summary()


def test_bad_arguments_get_one_sentence():
    with pytest.raises(WorkshopError, match="function to call"):
        time_calls("accept_order", [1])
    for clients in (0, 1.5, True):
        with pytest.raises(WorkshopError, match="clients"):
            time_calls(print, [1], clients=clients)


def _result(ms: float, ok: bool = True) -> OrderResult:
    return OrderResult("o", Status.COMPLETED if ok else Status.FAILED, [], 0.0, ms / 1000)


def test_share_within_counts_only_fast_successful_orders():
    rows = [_result(100), _result(300), _result(900), _result(50, ok=False)]
    assert share_within(rows, 300) == pytest.approx(2 / 4), "a fast failure does not meet a requirement"
    assert share_within(LoadResult(rows, 0.0, 1.0), 1000) == pytest.approx(3 / 4)
    assert share_within(rows, 10) == 0.0
    assert share_within([], 100) != share_within([], 100), "no orders: nan"


def test_options_come_from_a_load_and_from_timed_calls():
    load = LoadResult([_result(100), _result(200), _result(300)], 0.0, 1.0, clients=1)
    outage = LoadResult([_result(5, ok=False), _result(5, ok=False)], 0.0, 1.0)
    sync = Option.of_sync(load, outage)
    assert sync.label == "sync, 1 workers"
    assert sync.p50_ms == pytest.approx(200) and sync.outage_ok_share == 0.0
    assert sync.throughput_per_s == pytest.approx(load.busy_throughput_per_s)
    run = CallRun([2.0, 4.0, 6.0], [None, None, "X: y"], 0.0, 0.5, 2)
    fast = Option.of_calls(run, label="async")
    assert fast.label == "async" and "async" in Option.of_calls(run).label
    assert fast.p50_ms == 4.0 and fast.throughput_per_s == pytest.approx(6.0) and fast.outage_ok_share == pytest.approx(2 / 3)
