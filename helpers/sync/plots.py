"""Figures of 01_sync_order (and the colours 02's figures share): functions returning a matplotlib Figure.

02's figures are in :mod:`helpers.sync.plots_02`.

Every figure has a title, labelled axes and units. Times on the axes are *measured* real
wall-clock milliseconds (the simulated latencies are already scaled by the speed factor);
latencies a learner *sets* (sliders, sweeps) are profile milliseconds at speed 1.

In a notebook end the call with ``;`` (or assign it) so Jupyter shows the figure once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from ..core.messages import say
from ..shop import STEPS, LoadResult, OrderResult, Span, percentile, speed

#: One colour per step, the same in every figure.
STEP_COLORS: dict[str, str] = {
    "validate": "#8c8c8c",
    "inventory": "#4c72b0",
    "payment": "#dd8452",
    "shipping": "#55a868",
    "email": "#8172b3",
    "points": "#937860",
}
#: Colours of outcomes (orders and spans).
OUTCOME_COLORS: dict[str, str] = {
    "ok": "#55a868",
    "COMPLETED": "#55a868",
    "failed": "#c44e52",
    "FAILED": "#c44e52",
    "unavailable": "#e17c05",
    "rejected": "#8c8c8c",
    "REJECTED": "#8c8c8c",
    "out_of_stock": "#b07aa1",
}


def _axes(ax: Any = None, *, size: tuple[float, float] = (9, 3.6)) -> tuple[Figure, Any]:
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=size, layout="constrained")
    return fig, ax


def _speed_note() -> str:
    return say("sync.fig.speed_note", speed=speed())


def timeline(
    result: OrderResult | Sequence[Span],
    *,
    predicted_ms: float | None = None,
    title: str | None = None,
    ax: Any = None,
) -> Figure:
    """Gantt chart of one order: one bar per step, time on the x-axis, response time marked.

    Failed steps are red and hatched. ``predicted_ms`` adds a dashed line for the prediction.
    """
    spans = list(result.spans if isinstance(result, OrderResult) else result)
    fig, ax = _axes(ax)
    if not spans:
        ax.set_title(title or say("sync.fig.timeline.empty"))
        ax.set_xlabel(say("sync.fig.timeline.x", note=_speed_note()))
        return fig
    t0 = min(s.start for s in spans)
    if isinstance(result, OrderResult):
        t0 = min(t0, result.start)
        total = result.response_ms
    else:
        total = (max(s.end for s in spans) - t0) * 1000
    order = [s.step for s in spans]
    labels = [f"{s.step}\n({s.service})" for s in spans]
    for row, span in enumerate(spans):
        left = (span.start - t0) * 1000
        color = STEP_COLORS.get(span.step, "#999999") if span.ok else OUTCOME_COLORS.get(span.outcome, "#c44e52")
        ax.barh(row, span.duration_ms, left=left, color=color, edgecolor="black", linewidth=0.6,
                hatch=None if span.ok else "//")
        note = f"{span.duration_ms:.0f} ms" + ("" if span.ok else f" — {span.outcome}")
        ax.text(left + span.duration_ms + total * 0.01, row, note, va="center", fontsize=8)
    # the two vertical lines get their labels in the free row on top: the later one to its right
    later_is_total = predicted_ms is None or total >= predicted_ms
    ax.axvline(total, color="black", linewidth=1.5)
    response = say("sync.fig.timeline.response", ms=total)
    ax.text(total, -0.85, f" {response} " if later_is_total else f"{response} ",
            fontsize=9, fontweight="bold", va="center", ha="left" if later_is_total else "right")
    if predicted_ms is not None:
        ax.axvline(predicted_ms, color="#444444", linestyle="--", linewidth=1.2)
        predicted = say("sync.fig.timeline.predicted", ms=predicted_ms)
        ax.text(predicted_ms, -0.85, f"{predicted} " if later_is_total else f" {predicted}",
                fontsize=8, color="#444444", va="center", ha="right" if later_is_total else "left")
    ax.set_yticks(range(len(order)), labels, fontsize=8)
    ax.set_ylim(len(spans) - 0.4, -1.35)
    ax.set_xlim(0, max(total, predicted_ms or 0) * 1.22)
    ax.set_xlabel(say("sync.fig.timeline.x", note=_speed_note()))
    ax.set_ylabel(say("sync.fig.timeline.y"))
    ax.set_title(title or say("sync.fig.timeline.title"))
    ax.grid(axis="x", alpha=0.3)
    return fig


def stacked_orders(results: Sequence[OrderResult] | LoadResult, *, title: str | None = None, ax: Any = None) -> Figure:
    """One row per order, its steps stacked end to end: the bar's length is the response time."""
    rows = list(results.results if isinstance(results, LoadResult) else results)
    fig, ax = _axes(ax, size=(9, max(2.8, 0.28 * len(rows) + 1.4)))
    for row, res in enumerate(rows):
        left = 0.0
        for span in res.spans:
            color = STEP_COLORS.get(span.step, "#999") if span.ok else OUTCOME_COLORS.get(span.outcome, "#c44e52")
            ax.barh(row, span.duration_ms, left=left, color=color, edgecolor="white", linewidth=0.4,
                    hatch=None if span.ok else "//")
            left += span.duration_ms
        if not res.ok:
            ax.text(left, row, "  " + say("sync.fig.stacked.failed", status=res.status, step=res.failed_step),
                    va="center", fontsize=7, color="#c44e52")
    ax.set_yticks(range(len(rows)), [say("sync.fig.stacked.order", n=i + 1) for i in range(len(rows))], fontsize=7)
    ax.invert_yaxis()
    ax.legend(handles=[Patch(color=STEP_COLORS[s], label=s) for s in STEPS], ncols=6, fontsize=8,
              loc="upper center", bbox_to_anchor=(0.5, -0.18 if len(rows) < 12 else -0.08), frameon=False)
    ax.set_xlabel(say("sync.fig.stacked.x", note=_speed_note()))
    ax.set_ylabel(say("sync.fig.stacked.y"))
    ax.set_title(title or say("sync.fig.stacked.title", n=len(rows)))
    ax.grid(axis="x", alpha=0.3)
    return fig


def response_times(
    results: Sequence[OrderResult] | LoadResult | Sequence[float],
    *,
    predicted_ms: float | None = None,
    title: str | None = None,
    ax: Any = None,
    bins: int = 15,
) -> Figure:
    """Histogram of response times with the median (p50) and p95 marked, and the prediction if given."""
    if isinstance(results, LoadResult):
        times = results.response_ms
    else:
        times = [r.response_ms if isinstance(r, OrderResult) else float(r) for r in results]
    fig, ax = _axes(ax)
    ax.hist(times, bins=bins, color="#4c72b0", edgecolor="white")
    for q, style in ((50, "-"), (95, ":")):
        value = percentile(times, q)
        ax.axvline(value, color="black", linestyle=style, linewidth=1.4,
                   label=say("sync.fig.responses.percentile", q=q, ms=value))
    if predicted_ms is not None:
        ax.axvline(predicted_ms, color="#dd8452", linestyle="--", linewidth=1.6,
                   label=say("sync.fig.responses.predicted", ms=predicted_ms))
    ax.legend(fontsize=8)
    ax.set_xlabel(say("sync.fig.responses.x", note=_speed_note()))
    ax.set_ylabel(say("sync.fig.responses.y"))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title or say("sync.fig.responses.title", n=len(times)))
    return fig
