"""Figures of 05_failure_isolation: each function returns a matplotlib Figure.

Every figure has a title, labelled axes and units; times are measured real wall-clock seconds.
End the call with ``;`` in a notebook so Jupyter shows the figure once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..core.sampling import DepthSeries
from .chaos import ChaosRun
from .idempotency import DuplicateRun
from .outage import OutageRun, SyncOutage
from .retry import StormRun, TransientResult

OK_COLOR = "#55a868"
FAIL_COLOR = "#c44e52"
QUEUE_COLOR = "#4c72b0"
DLQ_COLOR = "#8172b3"
OUTAGE_COLOR = "#c44e52"


def _shade(ax: Any, start: float, end: float, label: str = "outage") -> None:
    ax.axvspan(start, end, color=OUTAGE_COLOR, alpha=0.12, label=label)


def outage(run: OutageRun, sync: SyncOutage) -> Figure:
    """Acceptance over time, the e-mail backlog over time, and what customers got, sync vs async."""
    fig, (acc, depth, bars) = plt.subplots(1, 3, figsize=(14, 3.8), layout="constrained",
                                           gridspec_kw={"width_ratios": [3, 3, 2]})
    for phase, color, label in (("before", QUEUE_COLOR, "before the outage"), ("during", FAIL_COLOR, "during")):
        pts = [(p.start - run.t0, p.response_ms) for p in getattr(run, phase) if p.ok]
        if pts:
            acc.scatter(*zip(*pts, strict=True), s=18, color=color, label=f"{label} (p50 {run.p50(phase):.0f} ms)")
    _shade(acc, run.down_at, run.up_at, "e-mail down")
    acc.set_xlabel("time the order was placed (s)")
    acc.set_ylabel("acceptance response time (ms)")
    acc.set_ylim(bottom=0)
    acc.set_title("Acceptance does not notice the outage")
    acc.legend(fontsize=8, loc="upper right")
    acc.grid(alpha=0.3)
    d = run.depth
    depth.step(d.t_s, d.total, where="post", color=QUEUE_COLOR, linewidth=2, label="waiting + in flight")
    depth.step(d.t_s, d.visible, where="post", color=QUEUE_COLOR, linewidth=1, linestyle="--", label="visible")
    _shade(depth, run.down_at, run.up_at, "e-mail down")
    if run.drained_at == run.drained_at:  # not NaN
        depth.axvline(run.drained_at, color=OK_COLOR, linestyle=":", linewidth=1.5, label="last e-mail sent")
    depth.set_xlabel("time (s)")
    depth.set_ylabel("e-mail events in the queue")
    depth.yaxis.set_major_locator(MaxNLocator(integer=True))
    depth.set_title("E-mails wait in their queue, then drain")
    depth.legend(fontsize=8, loc="best")
    depth.grid(alpha=0.3)
    n_sync = len(sync.load.results)
    n_async = len(run.accept_ms("during"))
    emailed = sum(1 for p in run.during if p.ok and run.emails.get(p.order_id or "", 0) == 1)
    labels = ["sync\ncompleted", "sync\ncharged", "async\naccepted", "async\ne-mailed"]
    values = [n_sync - len(sync.load.failed()), sync.charged, n_async, emailed]
    totals = [n_sync, n_sync, len(run.during), n_async]
    b = bars.bar(labels, values, color=[FAIL_COLOR, FAIL_COLOR, QUEUE_COLOR, OK_COLOR])
    bars.bar_label(b, labels=[f"{v}/{t}" for v, t in zip(values, totals, strict=True)], fontsize=8)
    bars.set_ylabel("orders placed during the outage")
    bars.set_title("Orders during the outage")
    bars.tick_params(axis="x", labelsize=8)
    bars.margins(y=0.15)
    return fig


def transient(result: TransientResult) -> Figure:
    """Success share per number of attempts: measured bars, predicted 1 − pᵏ line."""
    fig, ax = plt.subplots(figsize=(7, 3.4), layout="constrained")
    ks = sorted(result.succeeded)
    measured = [result.success_share[k] * 100 for k in ks]
    b = ax.bar([str(k) for k in ks], measured, color=QUEUE_COLOR, label="measured")
    ax.bar_label(b, fmt="%.1f %%", fontsize=8)
    ax.plot([str(k) for k in ks], [result.predicted[k] * 100 for k in ks], color="black", marker="o",
            linestyle="--", label=f"predicted 1 − {result.failure_rate:g}ᵏ")
    ax.set_xlabel("attempts allowed (k)")
    ax.set_ylabel("calls that succeeded (%)")
    ax.set_ylim(0, 109)
    ax.set_title(f"{result.n} calls to a step failing {result.failure_rate:.0%} of the time")
    ax.legend(fontsize=8, loc="lower right")
    return fig


def storm(runs: Sequence[StormRun]) -> Figure:
    """Calls per capacity window over time, one row per strategy, outage shaded, capacity marked."""
    fig, axes = plt.subplots(len(runs), 1, figsize=(10, 2.1 * len(runs) + 0.6), layout="constrained",
                             sharex=True)
    axes = list(axes) if len(runs) > 1 else [axes]
    end = max((t for r in runs for t, _ in r.calls), default=1.0)
    for ax, run in zip(axes, runs, strict=True):
        w = run.window_s
        n_bins = int(end / w) + 1
        ok = [0] * n_bins
        bad = [0] * n_bins
        for t, outcome in run.calls:
            (ok if outcome == "ok" else bad)[int(t / w)] += 1
        left = [i * w for i in range(n_bins)]
        ax.bar(left, bad, width=w, align="edge", color=FAIL_COLOR, alpha=0.45, label="failed (down or throttled)")
        ax.bar(left, ok, width=w, align="edge", bottom=bad, color=OK_COLOR, label="succeeded")
        ax.axvspan(0, run.down_s, color=OUTAGE_COLOR, alpha=0.08)
        ax.axhline(run.capacity, color="black", linestyle=":", linewidth=1, label=f"capacity {run.capacity} per window")
        ax.set_ylabel(f"calls per\n{w * 1000:.0f} ms")
        ax.set_title(f"{run.strategy.name}: {run.total_calls} calls, last client through at "
                     f"{run.last_done_s:.2f} s, peak {run.peak_per_window()} calls in one window", fontsize=9)
        ax.grid(alpha=0.3, axis="y")
    axes[0].legend(fontsize=7, loc="upper right")
    axes[-1].set_xlabel(f"time since {runs[0].clients} clients failed together (s; the service is down for "
                        f"{runs[0].down_s:g} s, shaded)")
    return fig


def dlq_flow(queue: DepthSeries, dlq: DepthSeries, *, marks: Sequence[tuple[float, str]] = ()) -> Figure:
    """Messages in the orders queue and in its dead-letter queue over time."""
    fig, ax = plt.subplots(figsize=(9, 3.4), layout="constrained")
    ax.step(queue.t_s, queue.total, where="post", color=QUEUE_COLOR, linewidth=2, label="orders queue (waiting + in flight)")
    ax.step(dlq.t_s, dlq.total, where="post", color=DLQ_COLOR, linewidth=2, label="dead-letter queue")
    end = max([*queue.t_s, *dlq.t_s, 1e-9])
    for t, label in marks:
        ax.axvline(t, color="black", linestyle=":", linewidth=1)
        right = t > 0.7 * end  # near the right edge: write the label to the left of the line
        ax.annotate(label, (t, ax.get_ylim()[1] * 0.6), xytext=(-3 if right else 3, 0), textcoords="offset points",
                    fontsize=8, va="top", ha="right" if right else "left")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("messages")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("Good orders drain; the two that keep failing move to the DLQ")
    ax.legend(fontsize=8, loc="upper right")
    ax.grid(alpha=0.3)
    return fig


def duplicates(runs: dict[str, DuplicateRun]) -> Figure:
    """Deliveries and charges per consumer for the same forced duplicate."""
    fig, ax = plt.subplots(figsize=(8, 3.4), layout="constrained")
    names = list(runs)
    width = 0.38
    xs = range(len(names))
    b1 = ax.bar([x - width / 2 for x in xs], [runs[n].delivered for n in names], width, color=QUEUE_COLOR,
                label="deliveries of the message")
    b2 = ax.bar([x + width / 2 for x in xs], [runs[n].charges for n in names], width,
                color=[FAIL_COLOR if runs[n].charges > 1 else OK_COLOR for n in names],
                label="charges in the payments table")
    ax.bar_label(b1, fontsize=8)
    ax.bar_label(b2, fontsize=8)
    ax.set_xticks(list(xs), names)
    ax.set_ylabel("count")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    first = next(iter(runs.values()))
    ax.set_title(f"One order, delivered twice (visibility timeout {first.visibility_timeout_s} s, "
                 f"first delivery took {first.hold_s:g} s)")
    ax.set_ylim(0, max(r.delivered for r in runs.values()) + 1.2)
    ax.legend(fontsize=8, loc="upper center", ncol=2)
    return fig


def chaos(run: ChaosRun) -> Figure:
    """Queue and DLQ depth, worker deaths and the outage (left); orders completed over time (right)."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(14, 3.9), layout="constrained",
                                      gridspec_kw={"width_ratios": [3, 2]})
    q, d = run.queue_depth, run.dlq_depth
    left.step(q.t_s, q.visible, where="post", color=QUEUE_COLOR, linewidth=1.5, label="orders queue: waiting")
    left.step(q.t_s, q.in_flight, where="post", color=QUEUE_COLOR, linewidth=1.5, linestyle="--",
              label="orders queue: in flight")
    left.step(d.t_s, d.total, where="post", color=DLQ_COLOR, linewidth=2, label="dead-letter queue")
    _shade(left, *run.outage, f"{run.config.outage_step} down")
    for i, k in enumerate(run.kills):
        left.axvline(k, color="black", linewidth=0.8, alpha=0.6, label="a worker died" if i == 0 else None)
    left.set_xlabel("time since the first order (s)")
    left.set_ylabel("messages")
    left.yaxis.set_major_locator(MaxNLocator(integer=True))
    left.set_title(f"{run.config.orders} orders, {len(run.kills)} worker deaths, {len(run.duplicates_sent)} "
                   f"duplicate sends, {len(run.slowed)} slow deliveries, {run.config.poison} poison messages",
                   fontsize=9)
    left.legend(fontsize=7, loc="upper right")
    left.grid(alpha=0.3)
    done = list(run.completed_at)
    counts = list(range(1, len(done) + 1))
    end = max([*q.t_s, *done, 0.0])
    right.step([*done, end], [*counts, len(done)], where="post", color=OK_COLOR, linewidth=2,
               label="orders completed")
    right.axhline(len(run.accepted), color="black", linestyle=":", linewidth=1, label=f"accepted ({len(run.accepted)})")
    _shade(right, *run.outage, f"{run.config.outage_step} down")
    right.set_xlabel("time since the first order (s)")
    right.set_ylabel("orders completed (count)")
    right.set_title(f"{run.deliveries} deliveries for {len(run.accepted)} orders; "
                    f"{run.reconciliation.completed} completed (counted in the orders table)")
    right.legend(fontsize=8, loc="lower right")
    right.grid(alpha=0.3)
    return fig
