"""Figures and tables of 03_queues: each function returns a matplotlib Figure (or a text table).

Every figure has a title, labelled axes and units; times are measured real wall-clock time,
except :func:`sale_backlog`, the fixed chart of exercise 03.backlog. Texts are sentences of
:mod:`helpers.queues.messages` (``queues.fig.*``), so they can be translated. End the call with
``;`` in a notebook so Jupyter shows the figure once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..core.display import pad
from ..core.messages import say
from ..shop import percentile, speed
from .async_shop import ScalingRun, SyncVsAsync
from .sqs_lab import AtLeastOnceResult, BatchingResult, FifoResult, PollingResult

SYNC_COLOR = "#c44e52"
ACCEPT_COLOR = "#4c72b0"
E2E_COLOR = "#8172b3"
WORKER_COLORS = {1: "#dd8452", 2: "#55a868", 4: "#4c72b0", 8: "#8172b3"}

#: Exercise 03.backlog: a sale of 40 minutes, orders arriving at 300 a minute, 2 workers at most
#: (the trigger's maximum concurrency), each finishing 60 orders a minute.
SALE_MINUTES = 40
SALE_ORDERS_PER_MIN = 300
SALE_MAX_WORKERS = 2
SALE_ORDERS_PER_WORKER_MIN = 60
SALE_ACCEPT_MS = 35


def _cdf(ax: Any, values: Sequence[float], label: str, color: str, style: str = "-") -> None:
    data = sorted(values)
    n = len(data)
    if not n:
        return
    ax.step(data, [(i + 1) / n * 100 for i in range(n)], where="post", color=color, linestyle=style,
            linewidth=2, label=say("queues.fig.p50", label=label, ms=percentile(data, 50)))


def sync_vs_async(result: SyncVsAsync) -> Figure:
    """Left: response times as distributions (CDF, log scale). Right: medians side by side."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8), layout="constrained",
                                      gridspec_kw={"width_ratios": [3, 2]})
    _cdf(left, result.sync_ms, say("queues.fig.sync_response"), SYNC_COLOR)
    _cdf(left, result.accept_ms, say("queues.fig.async_response"), ACCEPT_COLOR)
    _cdf(left, result.end_to_end_ms, say("queues.fig.async_done"), E2E_COLOR, "--")
    left.set_xscale("log")
    left.set_xlabel(say("queues.fig.time_per_order", speed=speed()))
    left.set_ylabel(say("queues.fig.orders_at_or_below"))
    left.set_ylim(0, 102)
    left.grid(alpha=0.3, which="both")
    left.legend(fontsize=8, loc="lower right")
    left.set_title(say("queues.fig.each_way", n=len(result.sync_ms)))
    p50 = result.p50
    labels = [say("queues.fig.bar_sync"), say("queues.fig.bar_async"), say("queues.fig.bar_done")]
    values = [p50["sync"], p50["accept"], p50["end_to_end"]]
    bars = right.bar(labels, values, color=[SYNC_COLOR, ACCEPT_COLOR, E2E_COLOR])
    right.bar_label(bars, fmt="%.0f ms", fontsize=8)
    right.set_ylabel(say("queues.fig.median_per_order"))
    right.set_title(say("queues.fig.sooner", ratio=result.ratio))
    right.margins(y=0.15)
    return fig


def at_least_once(result: AtLeastOnceResult) -> Figure:
    """Each delivery on a timeline (which worker, which message), one panel per visibility timeout."""
    runs = result.runs
    fig, axes = plt.subplots(1, len(runs), figsize=(5.2 * len(runs), 3.2), layout="constrained", sharey=True)
    axes = list(axes) if len(runs) > 1 else [axes]
    markers = {"A-slow": ("o", "#dd8452"), "B-fast": ("s", ACCEPT_COLOR)}
    for ax, run in zip(axes, runs, strict=True):
        labels = sorted(run.per_message)
        for worker, (marker, color) in markers.items():
            pts = [(d.t_s, labels.index(d.label)) for d in run.deliveries if d.worker == worker]
            if pts:
                ax.scatter(*zip(*pts, strict=True), marker=marker, color=color, s=60,
                           label=say("queues.fig.worker", name=worker))
        ax.set_yticks(range(len(labels)), labels)
        ax.set_xlabel(say("queues.fig.delivery_time"))
        ax.set_ylabel(say("queues.fig.message"))
        ax.set_title(say("queues.fig.alo_title", vt=run.visibility_timeout_s, work=run.processing_s,
                         deliveries=len(run.deliveries), n=run.n_messages))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="lower right")
    return fig


def polling(result: PollingResult) -> Figure:
    """Empty receives and receives per second, short vs long polling, same period and messages."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.4), layout="constrained")
    names = [say("queues.fig.short_polling"), say("queues.fig.long_polling", wait=result.long.wait_time_s)]
    runs = [result.short, result.long]
    bars = left.bar(names, [r.stats.empty_receives for r in runs], color=[SYNC_COLOR, ACCEPT_COLOR])
    left.bar_label(bars, fontsize=8)
    left.set_yscale("log")
    left.set_ylabel(say("queues.fig.empty_receives"))
    left.set_title(say("queues.fig.same_period", s=result.short.duration_s, n=result.short.stats.received))
    bars = right.bar(names, [r.stats.receives / r.duration_s for r in runs], color=[SYNC_COLOR, ACCEPT_COLOR])
    right.bar_label(bars, fmt="%.1f /s", fontsize=8)
    right.set_yscale("log")
    right.set_ylabel(say("queues.fig.receives_per_s"))
    right.set_title(say("queues.fig.billed"))
    return fig


def batching(result: BatchingResult) -> Figure:
    """API calls per operation for the same orders, one by one vs batches of 10."""
    fig, ax = plt.subplots(figsize=(8, 3.4), layout="constrained")
    kinds = [("send", ("SendMessage", "SendMessageBatch")), ("receive", ("ReceiveMessage",)),
             ("delete", ("DeleteMessage", "DeleteMessageBatch"))]
    width = 0.38
    for offset, run, color in ((-width / 2, result.single, SYNC_COLOR), (width / 2, result.batched, ACCEPT_COLOR)):
        values = [sum(run.calls.get(op, 0) for op in ops) for _, ops in kinds]
        mode = say("queues.fig.one_by_one") if run.mode == "one by one" else say("queues.fig.in_batches")
        bars = ax.bar([i + offset for i in range(len(kinds))], values, width, color=color,
                      label=say("queues.fig.calls_label", mode=mode, n=run.total_calls))
        ax.bar_label(bars, fontsize=8)
    ax.set_xticks(range(len(kinds)), [say(f"queues.fig.op_{k}") for k, _ in kinds])
    ax.set_ylabel(say("queues.fig.api_calls"))
    ax.set_title(say("queues.fig.batch_title", n=result.single.n, ratio=result.ratio))
    ax.legend(fontsize=8)
    ax.margins(y=0.15)
    return fig


def fifo_table(result: FifoResult) -> str:
    """Processing order per customer on each queue kind, the copies left by a duplicate send, and notes."""
    header = [say("queues.fig.customer"), say("queues.fig.standard_queue"), say("queues.fig.fifo_queue")]
    lines = [pad(header[0], 10) + pad(header[1], 18) + pad(header[2], 18)]
    for g in result.groups:
        lines.append(pad(g, 10) + pad(str(result.order["standard"][g]), 18) + pad(str(result.order["fifo"][g]), 18))
    lines.append("")
    lines.append(say("queues.fig.copies", standard=result.copies["standard"], fifo=result.copies["fifo"]))
    lines += [f"· {note}" for note in result.notes]
    return "\n".join(lines)


def scaling(runs: Sequence[ScalingRun]) -> Figure:
    """Queue depth over time, acceptance latency over time, and drain time, per worker count."""
    fig, (depth_ax, accept_ax, drain_ax) = plt.subplots(1, 3, figsize=(13, 3.8), layout="constrained",
                                                        gridspec_kw={"width_ratios": [3, 3, 2]})
    for r in runs:
        color = WORKER_COLORS.get(r.workers, "#333333")
        label = say("queues.fig.n_workers", n=r.workers)
        if r.run.depth is not None:
            depth_ax.plot(r.run.depth.t_s, r.run.depth.total, color=color, linewidth=2, label=label)
        t = [a.start - r.run.t0 for a in r.run.accepted if a.ok]
        accept_ax.scatter(t, r.run.accept_ms, s=10, color=color, label=label)
    depth_ax.set_xlabel(say("queues.fig.since_burst"))
    depth_ax.set_ylabel(say("queues.fig.in_queue"))
    depth_ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    depth_ax.set_title(say("queues.fig.burst_depth", n=runs[0].burst))
    depth_ax.legend(fontsize=8)
    depth_ax.grid(alpha=0.3)
    accept_ax.set_xlabel(say("queues.fig.sent_at"))
    accept_ax.set_ylabel(say("queues.fig.accept_ms"))
    accept_ax.set_ylim(bottom=0)
    accept_ax.set_title(say("queues.fig.accept_fast"))
    accept_ax.grid(alpha=0.3)
    accept_ax.legend(fontsize=8)
    bars = drain_ax.bar([str(r.workers) for r in runs], [r.drain_s for r in runs],
                        color=[WORKER_COLORS.get(r.workers, "#333333") for r in runs])
    drain_ax.bar_label(bars, fmt="%.1f s", fontsize=8)
    drain_ax.set_xlabel(say("queues.fig.workers"))
    drain_ax.set_ylabel(say("queues.fig.until_done"))
    drain_ax.set_title(say("queues.fig.drain_sooner") if len(runs) > 1 else say("queues.fig.drain"))
    drain_ax.margins(y=0.15)
    return fig


def sale_backlog() -> Figure:
    """Exercise 03.backlog: during a sale the queue grows while the workers are all busy and the API stays fast."""
    minutes = list(range(SALE_MINUTES + 1))
    busy = min(SALE_MAX_WORKERS, SALE_ORDERS_PER_MIN / SALE_ORDERS_PER_WORKER_MIN)
    drained = busy * SALE_ORDERS_PER_WORKER_MIN
    panels = [
        ([max(0.0, (SALE_ORDERS_PER_MIN - drained) * m) for m in minutes], SYNC_COLOR, "queues.fig.sale_visible",
         "queues.fig.sale_visible_title"),
        ([busy] * len(minutes), E2E_COLOR, "queues.fig.sale_in_flight", "queues.fig.sale_in_flight_title"),
        ([SALE_ACCEPT_MS] * len(minutes), ACCEPT_COLOR, "queues.fig.sale_api_ms", "queues.fig.sale_api_title"),
    ]
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.4), layout="constrained")
    for ax, (values, color, ylabel, title) in zip(axes, panels, strict=True):
        ax.plot(minutes, values, color=color, linewidth=2)
        ax.set_ylim(0, max(values) * 1.6)
        ax.set_xlabel(say("queues.fig.sale_minutes"))
        ax.set_ylabel(say(ylabel))
        ax.set_title(say(title))
        ax.grid(alpha=0.3)
    axes[1].yaxis.set_major_locator(MaxNLocator(integer=True))
    fig.suptitle(say("queues.fig.sale_title"))
    return fig
