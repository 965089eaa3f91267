"""Figures of 03_queues: every axis titled and labelled with units, from synthetic results (no AWS)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from helpers.core.sampling import DepthSeries
from helpers.core.workers import WorkerStats  # noqa: E402
from helpers.queues import plots as pq  # noqa: E402
from helpers.queues.async_shop import Accepted, AsyncRun, ScalingRun, SyncVsAsync  # noqa: E402
from helpers.queues.sqs_lab import (  # noqa: E402
    AtLeastOnceResult,
    AtLeastOnceRun,
    BatchingResult,
    BatchingRun,
    Delivery,
    FifoResult,
    PollingResult,
    PollingRun,
)
from helpers.shop import LoadResult, OrderResult  # noqa: E402


def _depth() -> DepthSeries:
    return DepthSeries(t_s=[0.0, 0.5, 1.0, 1.5], visible=[0, 0, 0, 0], in_flight=[0, 1, 1, 0], delayed=[0] * 4)


def _async_run(n: int = 4) -> AsyncRun:
    accepted = [Accepted(f"o{i}", "ACCEPTED", i * 0.01, i * 0.01 + 0.005) for i in range(n)]
    return AsyncRun(accepted, {f"o{i}": 0.2 + i * 0.1 for i in range(n)}, {f"o{i}": "COMPLETED" for i in range(n)},
                    workers=2, stats=WorkerStats(), depth=_depth(), t0=0.0)


def _figures():
    sync = LoadResult([OrderResult(f"s{i}", "COMPLETED", [], 0.0, 0.1 + i * 0.01) for i in range(4)], 0.0, 1.0)
    yield "sync_vs_async", pq.sync_vs_async(SyncVsAsync(sync, _async_run()))
    runs = [AtLeastOnceRun(vt, 1.5, 1, [Delivery(0.5, "order-1", 1, "A-slow", "ok")]) for vt in (1, 3)]
    yield "at_least_once", pq.at_least_once(AtLeastOnceResult(runs))
    stats = WorkerStats(received=3, empty_receives=100, receives=103)
    yield "polling", pq.polling(PollingResult(PollingRun(0, 1.0, stats, []), PollingRun(1, 1.0, WorkerStats(receives=4), [])))
    single = BatchingRun("one by one", 10, {"SendMessage": 10, "ReceiveMessage": 10, "DeleteMessage": 10}, 0.1)
    batched = BatchingRun("batches of 10", 10, {"SendMessageBatch": 1, "ReceiveMessage": 1, "DeleteMessageBatch": 1}, 0.1)
    yield "batching", pq.batching(BatchingResult(single, batched))
    yield "scaling", pq.scaling([ScalingRun(1, 4, _async_run()), ScalingRun(4, 4, _async_run())])
    yield "sale_backlog", pq.sale_backlog()


@pytest.mark.parametrize(("name", "fig"), list(_figures()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_axis_has_a_title_and_labels_with_units(name, fig):
    for ax in fig.axes:
        assert ax.get_title(), f"{name}: an axis without a title"
        assert ax.get_ylabel(), f"{name}: a y axis without a label"
    assert any("(" in ax.get_xlabel() or "(" in ax.get_ylabel() for ax in fig.axes), f"{name}: no units"
    plt.close(fig)


def test_fifo_table_shows_every_group_and_the_copies():
    result = FifoResult(["alice", "bob"], 2, ("alice", 1),
                        {"standard": {"alice": [2, 1], "bob": [1, 2]}, "fifo": {"alice": [1, 2], "bob": [1, 2]}},
                        {"standard": 2, "fifo": 1}, True, "moto", ["a note on moto"])
    table = pq.fifo_table(result)
    assert "alice" in table and "[2, 1]" in table and "standard 2, FIFO 1" in table and "a note on moto" in table


def test_the_sale_chart_shows_the_queue_growing_while_the_workers_stay_at_their_limit():
    fig = pq.sale_backlog()
    waiting, in_flight, api = (ax.lines[0].get_ydata() for ax in fig.axes)
    assert waiting[-1] > waiting[1] > waiting[0] == 0  # arrivals beat the workers: the queue only grows
    assert set(in_flight) == {pq.SALE_MAX_WORKERS} and set(api) == {pq.SALE_ACCEPT_MS}
    plt.close(fig)


def test_the_fifo_table_stays_aligned_in_japanese():
    import unicodedata

    from helpers.core import i18n

    result = FifoResult(["alice"], 1, ("alice", 1), {"standard": {"alice": [2, 1]}, "fifo": {"alice": [1, 2]}},
                        {"standard": 2, "fifo": 1}, True, "moto", [])
    i18n.use_language("ja")
    try:
        header, row = pq.fifo_table(result).splitlines()[:2]
    finally:
        i18n.reset_language()

    def columns(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    assert "お客様" in header
    assert columns(header[: header.index("FIFO")]) == row.index("[1, 2]"), (header, row)
    assert columns(header) == columns(row)
