"""Figures of 05_failure_isolation: each function returns a matplotlib Figure.

Every figure has a title, labelled axes and units; times are measured real wall-clock seconds.
Titles, labels and legends come from :mod:`helpers.failure.messages` (``failure.plot.*``), so a
translation changes the words and nothing else. End the call with ``;`` in a notebook so Jupyter
shows the figure once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..core.messages import catalog, say
from ..shop import Status
from .chaos import ChaosRun
from .idempotency import DuplicateRun
from .outage import OutageRun, SyncOutage
from .retry import StormRun, TransientResult

OK_COLOR = "#55a868"
FAIL_COLOR = "#c44e52"
QUEUE_COLOR = "#4c72b0"
DLQ_COLOR = "#8172b3"
OUTAGE_COLOR = "#c44e52"


def _shade(ax: Any, start: float, end: float, label: str) -> None:
    ax.axvspan(start, end, color=OUTAGE_COLOR, alpha=0.12, label=label)


def _marks(ax: Any, marks: Sequence[tuple[float, str]], end: float) -> None:
    """Dotted vertical lines with a short label; near the right edge the label goes to the left."""
    top = ax.get_ylim()[1]
    for t, label in marks:
        ax.axvline(t, color="black", linestyle=":", linewidth=1)
        right = t > 0.7 * end
        ax.annotate(label, (t, top * 0.97), xytext=(-3 if right else 3, 0), textcoords="offset points",
                    fontsize=8, va="top", ha="right" if right else "left")


def consumer_label(name: str) -> str:
    """A consumer's name on the figure: the names the notebook uses in the learner's language, others as given."""
    key = f"failure.plot.consumer.{name}"
    return say(key) if key in catalog()["en"] else name


def outage(run: OutageRun, sync: SyncOutage) -> Figure:
    """Acceptance over time; both queues' depth over time; what the orders placed during the outage got."""
    fig, (acc, depth, bars) = plt.subplots(1, 3, figsize=(14, 3.8), layout="constrained",
                                           gridspec_kw={"width_ratios": [3, 3, 2]})
    down = say("failure.plot.down", step=run.step)
    for phase, color in (("before", QUEUE_COLOR), ("during", FAIL_COLOR)):
        pts = [(p.start - run.t0, p.response_ms) for p in getattr(run, phase) if p.ok]
        if pts:
            acc.scatter(*zip(*pts, strict=True), s=18, color=color,
                        label=say(f"failure.plot.{phase}", p50=run.p50(phase)))
    _shade(acc, run.down_at, run.up_at, down)
    acc.set_xlabel(say("failure.plot.placed_s"))
    acc.set_ylabel(say("failure.plot.accept_ms"))
    acc.set_ylim(bottom=0)
    acc.set_title(say("failure.plot.accept_title"))
    acc.legend(fontsize=8, loc="upper right")
    acc.grid(alpha=0.3)
    q, d = run.queue, run.dlq
    depth.step(q.t_s, q.total, where="post", color=QUEUE_COLOR, linewidth=2, label=say("failure.plot.queue"))
    depth.step(d.t_s, d.total, where="post", color=DLQ_COLOR, linewidth=2, label=say("failure.plot.dlq"))
    _shade(depth, run.down_at, run.up_at, down)
    if run.drained_at == run.drained_at:  # not NaN
        depth.axvline(run.drained_at, color=OK_COLOR, linestyle="--", linewidth=1.5, label=say("failure.plot.drained"))
    depth.set_ylim(0, max([*q.total, *d.total, 1]) * 1.25)
    end = max([*q.t_s, *d.t_s, 1e-9])
    _marks(depth, [(t, say(f"failure.plot.mark.{key}", n=len(run.bad))) for t, key in run.marks], end)
    depth.set_xlabel(say("failure.plot.time_s"))
    depth.set_ylabel(say("failure.plot.messages"))
    depth.yaxis.set_major_locator(MaxNLocator(integer=True))
    depth.set_title(say("failure.plot.depth_title"))
    depth.legend(fontsize=8, loc="center right")
    depth.grid(alpha=0.3)
    during_ids = [p.order_id for p in run.during if p.ok and p.order_id]
    completed = sum(1 for o in during_ids if run.statuses.get(o) == Status.COMPLETED)
    labels = [say("failure.plot.bar.sync_done"), say("failure.plot.bar.sync_charged"),
              say("failure.plot.bar.async_accepted"), say("failure.plot.bar.async_done")]
    values = [sync.completed, sync.charged, len(during_ids), completed]
    totals = [sync.n, sync.n, len(run.during), len(during_ids)]
    b = bars.bar(labels, values, color=[FAIL_COLOR, FAIL_COLOR, QUEUE_COLOR, OK_COLOR])
    bars.bar_label(b, labels=[f"{v}/{t}" for v, t in zip(values, totals, strict=True)], fontsize=8)
    bars.set_ylabel(say("failure.plot.orders_during"))
    bars.set_title(say("failure.plot.bars_title"))
    bars.tick_params(axis="x", labelsize=8)
    bars.margins(y=0.15)
    return fig


def transient(result: TransientResult) -> Figure:
    """Success share per number of attempts: measured bars, predicted 1 − pᵏ line."""
    fig, ax = plt.subplots(figsize=(7, 3.4), layout="constrained")
    ks = sorted(result.succeeded)
    measured = [result.success_share[k] * 100 for k in ks]
    b = ax.bar([str(k) for k in ks], measured, color=QUEUE_COLOR, label=say("failure.plot.measured"))
    ax.bar_label(b, fmt="%.1f %%", fontsize=8, label_type="center", color="white")
    ax.plot([str(k) for k in ks], [result.predicted[k] * 100 for k in ks], color="black", marker="o",
            linestyle="--", label=say("failure.plot.predicted", p=result.failure_rate))
    ax.set_xlabel(say("failure.plot.attempts"))
    ax.set_ylabel(say("failure.plot.succeeded_pct"))
    ax.set_ylim(0, 109)
    ax.set_title(say("failure.plot.transient_title", n=result.n, rate=result.failure_rate))
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
        ax.bar(left, bad, width=w, align="edge", color=FAIL_COLOR, alpha=0.45, label=say("failure.plot.failed_calls"))
        ax.bar(left, ok, width=w, align="edge", bottom=bad, color=OK_COLOR, label=say("failure.plot.ok_calls"))
        ax.axvspan(0, run.down_s, color=OUTAGE_COLOR, alpha=0.08)
        ax.axhline(run.capacity, color="black", linestyle=":", linewidth=1,
                   label=say("failure.plot.capacity", n=run.capacity))
        ax.set_ylabel(say("failure.plot.calls_per", ms=w * 1000))
        ax.set_title(say("failure.plot.storm_row", name=say(f"failure.strategy.{run.strategy.name}"), calls=run.total_calls,
                         last=run.last_done_s, peak=run.peak_per_window()), fontsize=9)
        ax.grid(alpha=0.3, axis="y")
    axes[0].legend(fontsize=7, loc="upper right")
    axes[-1].set_xlabel(say("failure.plot.storm_x", clients=runs[0].clients, down=runs[0].down_s))
    return fig


def duplicates(runs: dict[str, DuplicateRun]) -> Figure:
    """Deliveries and charges per consumer for the same forced duplicate."""
    fig, ax = plt.subplots(figsize=(8, 3.4), layout="constrained")
    names = list(runs)
    width = 0.38
    xs = range(len(names))
    b1 = ax.bar([x - width / 2 for x in xs], [runs[n].delivered for n in names], width, color=QUEUE_COLOR,
                label=say("failure.plot.deliveries"))
    b2 = ax.bar([x + width / 2 for x in xs], [runs[n].charges for n in names], width,
                color=[FAIL_COLOR if runs[n].charges > 1 else OK_COLOR for n in names],
                label=say("failure.plot.charges"))
    ax.bar_label(b1, fontsize=8)
    ax.bar_label(b2, fontsize=8)
    ax.set_xticks(list(xs), [consumer_label(n) for n in names])
    ax.set_ylabel(say("failure.plot.count"))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    first = next(iter(runs.values()))
    ax.set_title(say("failure.plot.duplicates_title", vt=first.visibility_timeout_s, hold=first.hold_s))
    ax.set_ylim(0, max(r.delivered for r in runs.values()) + 1.2)
    ax.legend(fontsize=8, loc="upper center", ncol=2)
    return fig


def chaos(run: ChaosRun) -> Figure:
    """Queue and DLQ depth, worker deaths and the outage (left); orders completed over time (right)."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(14, 3.9), layout="constrained",
                                      gridspec_kw={"width_ratios": [3, 2]})
    q, d = run.queue_depth, run.dlq_depth
    down = say("failure.plot.down", step=run.config.outage_step)
    left.step(q.t_s, q.visible, where="post", color=QUEUE_COLOR, linewidth=1.5, label=say("failure.plot.waiting"))
    left.step(q.t_s, q.in_flight, where="post", color=QUEUE_COLOR, linewidth=1.5, linestyle="--",
              label=say("failure.plot.in_flight"))
    left.step(d.t_s, d.total, where="post", color=DLQ_COLOR, linewidth=2, label=say("failure.plot.dlq"))
    _shade(left, *run.outage, down)
    for i, k in enumerate(run.kills):
        left.axvline(k, color="black", linewidth=0.8, alpha=0.6, label=say("failure.plot.died") if i == 0 else None)
    left.set_xlabel(say("failure.plot.since_first_s"))
    left.set_ylabel(say("failure.plot.messages"))
    left.yaxis.set_major_locator(MaxNLocator(integer=True))
    left.set_title(say("failure.plot.chaos_title", orders=run.config.orders, kills=len(run.kills),
                       duplicates=len(run.duplicates_sent), slow=len(run.slowed), poison=run.config.poison),
                   fontsize=9)
    left.legend(fontsize=7, loc="upper right")
    left.grid(alpha=0.3)
    done = list(run.completed_at)
    counts = list(range(1, len(done) + 1))
    end = max([*q.t_s, *done, 0.0])
    right.step([*done, end], [*counts, len(done)], where="post", color=OK_COLOR, linewidth=2,
               label=say("failure.plot.completed"))
    right.axhline(len(run.accepted), color="black", linestyle=":", linewidth=1,
                  label=say("failure.plot.accepted", n=len(run.accepted)))
    _shade(right, *run.outage, down)
    right.set_xlabel(say("failure.plot.since_first_s"))
    right.set_ylabel(say("failure.plot.completed_count"))
    right.set_title(say("failure.plot.completed_title", deliveries=run.deliveries, orders=len(run.accepted),
                        completed=run.reconciliation.completed))
    right.legend(fontsize=8, loc="lower right")
    right.grid(alpha=0.3)
    return fig
