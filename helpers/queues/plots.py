"""Figures and tables of 03_queues: each function returns a matplotlib Figure (or a text table).

Every figure has a title, labelled axes and units; times are measured real wall-clock time.
End the call with ``;`` in a notebook so Jupyter shows the figure once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..shop import percentile, speed
from .async_shop import ScalingRun, SyncVsAsync
from .sqs_lab import AtLeastOnceResult, BatchingResult, FifoResult, PollingResult, VisibilityResult

SYNC_COLOR = "#c44e52"
ACCEPT_COLOR = "#4c72b0"
E2E_COLOR = "#8172b3"
WORKER_COLORS = {1: "#dd8452", 2: "#55a868", 4: "#4c72b0", 8: "#8172b3"}


def _cdf(ax: Any, values: Sequence[float], label: str, color: str, style: str = "-") -> None:
    data = sorted(values)
    n = len(data)
    if not n:
        return
    ax.step(data, [(i + 1) / n * 100 for i in range(n)], where="post", color=color, linestyle=style,
            linewidth=2, label=f"{label} (p50 {percentile(data, 50):.0f} ms)")


def sync_vs_async(result: SyncVsAsync) -> Figure:
    """Left: response times as distributions (CDF, log scale). Right: medians side by side."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8), layout="constrained",
                                      gridspec_kw={"width_ratios": [3, 2]})
    _cdf(left, result.sync_ms, "sync: response", SYNC_COLOR)
    _cdf(left, result.accept_ms, "async: response (accepted)", ACCEPT_COLOR)
    _cdf(left, result.end_to_end_ms, "async: until the order is done", E2E_COLOR, "--")
    left.set_xscale("log")
    left.set_xlabel(f"time per order (ms, measured, log scale; speed ×{speed():g})")
    left.set_ylabel("orders at or below (%)")
    left.set_ylim(0, 102)
    left.grid(alpha=0.3, which="both")
    left.legend(fontsize=8, loc="lower right")
    left.set_title(f"{len(result.sync_ms)} orders each way: what the client waits")
    p50 = result.p50
    labels = ["sync\nresponse", "async\nresponse", "async\nuntil done"]
    values = [p50["sync"], p50["accept"], p50["end_to_end"]]
    bars = right.bar(labels, values, color=[SYNC_COLOR, ACCEPT_COLOR, E2E_COLOR])
    right.bar_label(bars, fmt="%.0f ms", fontsize=8)
    right.set_ylabel("median time per order (ms)")
    right.set_title(f"Answer {result.ratio:.0f}× sooner; the work still takes its time")
    right.margins(y=0.15)
    return fig


def visibility(result: VisibilityResult) -> Figure:
    """Messages in flight / visible over time, with each delivery marked."""
    fig, ax = plt.subplots(figsize=(9, 3.4), layout="constrained")
    d = result.depth
    ax.step(d.t_s, d.in_flight, where="post", color=ACCEPT_COLOR, linewidth=2, label="in flight (hidden)")
    ax.step(d.t_s, d.visible, where="post", color=SYNC_COLOR, linewidth=2, linestyle="--", label="visible (waiting)")
    for i, dl in enumerate(result.deliveries):
        ax.axvline(dl.t_s, color="black", linestyle=":", linewidth=1)
        ax.annotate(f"delivery {i + 1}: {dl.outcome}\nreceive count {dl.receive_count}", (dl.t_s, 1.05),
                    xytext=(4, 0), textcoords="offset points", fontsize=8, va="bottom")
    if len(result.deliveries) > 1:
        a, b = result.deliveries[0].t_s, result.deliveries[1].t_s
        ax.axvspan(a, b, color=ACCEPT_COLOR, alpha=0.08)
        ax.annotate(f"hidden {b - a:.2f} s (visibility timeout {result.visibility_timeout_s} s)",
                    ((a + b) / 2, 0.5), ha="center", fontsize=8)
    ax.set_ylim(-0.05, 1.6)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("time since the message was sent (s)")
    ax.set_ylabel("messages")
    ax.set_title("A worker crashes mid-message: the message hides, then comes back")
    ax.legend(fontsize=8, loc="upper right")
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
                ax.scatter(*zip(*pts, strict=True), marker=marker, color=color, s=60, label=f"worker {worker}")
        ax.set_yticks(range(len(labels)), labels)
        ax.set_xlabel("time a delivery was processed (s since start)")
        ax.set_ylabel("message")
        ax.set_title(f"visibility timeout {run.visibility_timeout_s} s, work {run.processing_s:g} s:\n"
                     f"{len(run.deliveries)} deliveries of {run.n_messages} messages")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="lower right")
    return fig


def polling(result: PollingResult) -> Figure:
    """Empty receives and receives per second, short vs long polling, same period and messages."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.4), layout="constrained")
    names = ["short polling\n(WaitTimeSeconds 0)", f"long polling\n(WaitTimeSeconds {result.long.wait_time_s})"]
    runs = [result.short, result.long]
    bars = left.bar(names, [r.stats.empty_receives for r in runs], color=[SYNC_COLOR, ACCEPT_COLOR])
    left.bar_label(bars, fontsize=8)
    left.set_yscale("log")
    left.set_ylabel("empty receives (count, log scale)")
    left.set_title(f"Same {result.short.duration_s:.1f} s, same {result.short.stats.received} messages")
    bars = right.bar(names, [r.stats.receives / r.duration_s for r in runs], color=[SYNC_COLOR, ACCEPT_COLOR])
    right.bar_label(bars, fmt="%.1f /s", fontsize=8)
    right.set_yscale("log")
    right.set_ylabel("ReceiveMessage calls per second (log)")
    right.set_title("Each call is a billed request on AWS")
    return fig


def batching(result: BatchingResult) -> Figure:
    """API calls per operation for the same orders, one by one vs batches of 10."""
    fig, ax = plt.subplots(figsize=(8, 3.4), layout="constrained")
    kinds = [("send", ("SendMessage", "SendMessageBatch")), ("receive", ("ReceiveMessage",)),
             ("delete", ("DeleteMessage", "DeleteMessageBatch"))]
    width = 0.38
    for offset, run, color in ((-width / 2, result.single, SYNC_COLOR), (width / 2, result.batched, ACCEPT_COLOR)):
        values = [sum(run.calls.get(op, 0) for op in ops) for _, ops in kinds]
        bars = ax.bar([i + offset for i in range(len(kinds))], values, width, color=color,
                      label=f"{run.mode}: {run.total_calls} calls")
        ax.bar_label(bars, fontsize=8)
    ax.set_xticks(range(len(kinds)), [k for k, _ in kinds])
    ax.set_ylabel("API calls (count)")
    ax.set_title(f"{result.single.n} orders sent, received and deleted: {result.ratio:.0f}× fewer calls in batches")
    ax.legend(fontsize=8)
    ax.margins(y=0.15)
    return fig


def fifo_table(result: FifoResult) -> str:
    """Processing order per customer on each queue kind, and the copies left by a duplicate send."""
    lines = [f"{'customer':<10}{'standard queue':<18}{'FIFO queue':<18}"]
    for g in result.groups:
        lines.append(f"{g:<10}{str(result.order['standard'][g]):<18}{str(result.order['fifo'][g]):<18}")
    lines.append("")
    lines.append(f"same order sent twice → messages queued: standard {result.copies['standard']}, "
                 f"FIFO {result.copies['fifo']}")
    return "\n".join(lines)


def scaling(runs: Sequence[ScalingRun]) -> Figure:
    """Queue depth over time, acceptance latency over time, and drain time, per worker count."""
    fig, (depth_ax, accept_ax, drain_ax) = plt.subplots(1, 3, figsize=(13, 3.8), layout="constrained",
                                                        gridspec_kw={"width_ratios": [3, 3, 2]})
    for r in runs:
        color = WORKER_COLORS.get(r.workers, "#333333")
        label = f"{r.workers} worker{'s' if r.workers > 1 else ''}"
        if r.run.depth is not None:
            depth_ax.plot(r.run.depth.t_s, r.run.depth.total, color=color, linewidth=2, label=label)
        t = [a.start - r.run.t0 for a in r.run.accepted if a.ok]
        accept_ax.scatter(t, r.run.accept_ms, s=10, color=color, label=label)
    depth_ax.set_xlabel("time since the burst started (s)")
    depth_ax.set_ylabel("orders in the queue (waiting + in flight)")
    depth_ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    depth_ax.set_title(f"Burst of {runs[0].burst} orders: queue depth")
    depth_ax.legend(fontsize=8)
    depth_ax.grid(alpha=0.3)
    accept_ax.set_xlabel("time the order was sent (s since the burst started)")
    accept_ax.set_ylabel("acceptance response time (ms)")
    accept_ax.set_ylim(bottom=0)
    accept_ax.set_title("Acceptance stays fast while the queue fills")
    accept_ax.grid(alpha=0.3)
    accept_ax.legend(fontsize=8)
    bars = drain_ax.bar([str(r.workers) for r in runs], [r.drain_s for r in runs],
                        color=[WORKER_COLORS.get(r.workers, "#333333") for r in runs])
    drain_ax.bar_label(bars, fmt="%.1f s", fontsize=8)
    drain_ax.set_xlabel("workers")
    drain_ax.set_ylabel("time until every order is done (s)")
    drain_ax.set_title("More workers drain it sooner" if len(runs) > 1 else "Time to drain the burst")
    drain_ax.margins(y=0.15)
    return fig
