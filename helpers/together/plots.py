"""Figures of 06_sync_and_async_together: each function returns a matplotlib Figure.

Every figure has a title, labelled axes and units; times are measured real wall-clock time.
End the call with ``;`` in a notebook so Jupyter shows the figure once.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from ..core.messages import say
from ..shop import STEPS, Status, percentile, speed
from .api_client import Comparison, StatusTimeline
from .checklist import MonitoringResult
from .hybrid import Prediction

#: One colour per design, the same in every figure of the notebook.
DESIGN_COLORS: dict[str, str] = {"sync": "#c44e52", "hybrid": "#55a868", "async": "#4c72b0"}
STATUS_COLORS: dict[str, str] = {
    Status.ACCEPTED: "#4c72b0",
    "CONFIRMED": "#55a868",
    Status.COMPLETED: "#2ca02c",
    Status.FAILED: "#c44e52",
}


def _design(path: str) -> str:
    return next((d for d in DESIGN_COLORS if f"/{d}/" in path), "async")


def endpoints(cmp: Comparison, predictions: Sequence[Prediction] = (), *, title: str | None = None) -> Figure:
    """What the client waited per endpoint, over HTTP: every request as a dot, a box per endpoint (log scale).

    ``predictions`` (from :func:`helpers.together.hybrid.predict`) adds the profile's typical wait as a dash.
    """
    rank = {"sync": 0, "hybrid": 1, "async": 2}
    paths = sorted(cmp.runs, key=lambda p: rank[_design(p)])
    fig, ax = plt.subplots(figsize=(9, 4), layout="constrained")
    data = [cmp.runs[p].ms for p in paths]
    box = ax.boxplot(data, positions=range(len(paths)), widths=0.5, showfliers=False, patch_artist=True)
    rng = random.Random(6)
    for i, (path, values) in enumerate(zip(paths, data, strict=True)):
        color = DESIGN_COLORS[_design(path)]
        box["boxes"][i].set(facecolor=color, alpha=0.25, edgecolor=color)
        ax.scatter([i + rng.uniform(-0.12, 0.12) for _ in values], values, s=18, color=color, zorder=3)
        med = percentile(values, 50)
        ax.annotate(say("plot06.median", ms=med), (i + 0.3, med), fontsize=8, va="center")
    by_design = {p.design: p for p in predictions}
    for i, path in enumerate(paths):
        pred = by_design.get(_design(path))
        if pred is not None and pred.median_ms > 0:
            ax.plot([i - 0.3, i + 0.3], [pred.median_ms] * 2, color="black", linestyle="--", linewidth=1,
                    label=say("plot06.predicted") if i == 0 else None)
    ax.set_xticks(range(len(paths)), [say("plot06.endpoint_tick", path=p, n=len(cmp.runs[p].ms)) for p in paths])
    ax.set_xlim(-0.5, len(paths) - 0.2)
    ax.set_yscale("log")
    ax.set_ylabel(say("plot06.response_axis", speed=speed()))
    ax.set_xlabel(say("plot06.endpoint_axis"))
    ax.grid(alpha=0.3, axis="y", which="both")
    if predictions:
        ax.legend(fontsize=8, loc="upper right")
    ax.set_title(title or say("plot06.endpoints_title"))
    return fig


def status_timeline(timeline: StatusTimeline, *, sync_ms: float | None = None) -> Figure:
    """One order seen from the caller: steps done at each poll of ``GET /orders/{id}``, over time.

    Markers are coloured by the status the poll saw; vertical lines mark the POST's answer, the
    moment the worker really finished (server side) and, with ``sync_ms``, how long the same
    order took through the synchronous endpoint.
    """
    fig, ax = plt.subplots(figsize=(9, 4), layout="constrained")
    t = [0.0, timeline.answered_ms] + [s.t_ms for s in timeline.samples]
    done = [0, 1] + [s.steps_done for s in timeline.samples]
    ax.step(t, done, where="post", color="#555555", linewidth=1.5, label=say("plot06.steps_seen"))
    for status in dict.fromkeys(s.status for s in timeline.samples):
        pts = [s for s in timeline.samples if s.status == status]
        ax.scatter([s.t_ms for s in pts], [s.steps_done for s in pts], s=30, zorder=3,
                   color=STATUS_COLORS.get(status, "#8c8c8c"), label=say("plot06.poll_saw", status=status))
    ax.axvline(timeline.answered_ms, color=STATUS_COLORS[Status.ACCEPTED], linestyle=":",
               label=say("plot06.post_answered", status=timeline.post.status, ms=timeline.answered_ms))
    if timeline.finished_ms is not None:
        ax.axvline(timeline.finished_ms, color="#2ca02c", linestyle="--",
                   label=say("plot06.worker_finished", ms=timeline.finished_ms))
    if sync_ms is not None:
        ax.axvline(sync_ms, color=DESIGN_COLORS["sync"], linestyle="-.", label=say("plot06.sync_answer", ms=sync_ms))
    ax.set_yticks(range(len(STEPS) + 1), ["0"] + [f"{i + 1}: {s}" for i, s in enumerate(STEPS)])
    ax.set_ylim(-0.3, len(STEPS) + 0.3)
    ax.set_xlabel(say("plot06.since_post_axis", speed=speed()))
    ax.set_ylabel(say("plot06.steps_axis"))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(say("plot06.timeline_title", order_id=timeline.order_id, polls=timeline.polls,
                     interval=timeline.interval_ms, path=timeline.path))
    return fig


def monitoring(result: MonitoringResult) -> Figure:
    """Queue depth (top) and the age of the oldest message (bottom) while the consumer is stuck, then recovers."""
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 5), sharex=True, layout="constrained")
    t = [s.t_s for s in result.samples]
    for ax in (top, bottom):
        ax.axvspan(0, result.stuck_s, color="#c44e52", alpha=0.08, label=say("plot06.stuck"))
        ax.grid(alpha=0.3)
    top.plot(t, [s.visible for s in result.samples], color="#4c72b0", marker="o", markersize=3,
             label=say("plot06.waiting"))
    top.set_ylabel(say("plot06.waiting_axis"))
    top.legend(fontsize=8, loc="upper right")
    top.set_title(say("plot06.monitoring_title", produced=result.produced, consumed=result.consumed))
    bottom.plot(t, [s.oldest_age_s for s in result.samples], color="#8172b3", marker="o", markersize=3,
                label=say("plot06.age"))
    bottom.axhline(result.age_threshold_s, color="#c44e52", linestyle="--",
                   label=say("plot06.threshold", threshold=result.age_threshold_s))
    bottom.set_ylabel(say("plot06.age_axis"))
    bottom.set_xlabel(say("plot06.time_axis"))
    bottom.legend(fontsize=8, loc="upper right")
    return fig

