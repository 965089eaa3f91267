"""Figures for the notebooks: a plain module of functions, each returning a matplotlib Figure.

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

from ..shop import STEPS, LoadResult, OrderResult, Shop, Span, SweepPoint, percentile, speed

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
    return f"speed ×{speed():g}"


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
        ax.set_title(title or "No spans to draw")
        ax.set_xlabel("time since the order arrived (ms, measured)")
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
    ax.text(total, -0.85, f" response {total:.0f} ms " if later_is_total else f"response {total:.0f} ms ",
            fontsize=9, fontweight="bold", va="center", ha="left" if later_is_total else "right")
    if predicted_ms is not None:
        ax.axvline(predicted_ms, color="#444444", linestyle="--", linewidth=1.2)
        ax.text(predicted_ms, -0.85, f"predicted {predicted_ms:.0f} ms " if later_is_total else f" predicted {predicted_ms:.0f} ms",
                fontsize=8, color="#444444", va="center", ha="right" if later_is_total else "left")
    ax.set_yticks(range(len(order)), labels, fontsize=8)
    ax.set_ylim(len(spans) - 0.4, -1.35)
    ax.set_xlim(0, max(total, predicted_ms or 0) * 1.22)
    ax.set_xlabel(f"time since the order arrived (ms, measured; {_speed_note()})")
    ax.set_ylabel("step (service)")
    ax.set_title(title or "One synchronous order: each step waits for the one before")
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
            ax.text(left, row, f"  {res.status} at {res.failed_step}", va="center", fontsize=7, color="#c44e52")
    ax.set_yticks(range(len(rows)), [f"order {i + 1}" for i in range(len(rows))], fontsize=7)
    ax.invert_yaxis()
    ax.legend(handles=[Patch(color=STEP_COLORS[s], label=s) for s in STEPS], ncols=6, fontsize=8,
              loc="upper center", bbox_to_anchor=(0.5, -0.18 if len(rows) < 12 else -0.08), frameon=False)
    ax.set_xlabel(f"time spent in each step, stacked (ms, measured; {_speed_note()})")
    ax.set_ylabel("order")
    ax.set_title(title or "Every order takes the sum of its steps")
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
        ax.axvline(value, color="black", linestyle=style, linewidth=1.4, label=f"p{q} = {value:.0f} ms")
    if predicted_ms is not None:
        ax.axvline(predicted_ms, color="#dd8452", linestyle="--", linewidth=1.6, label=f"predicted = {predicted_ms:.0f} ms")
    ax.legend(fontsize=8)
    ax.set_xlabel(f"response time (ms, measured; {_speed_note()})")
    ax.set_ylabel("orders (count)")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title or f"Response times of {len(times)} orders")
    return fig


def step_means(results: Sequence[OrderResult] | LoadResult, *, title: str | None = None, ax: Any = None) -> Figure:
    """Mean measured time per step over completed orders: where the response time goes."""
    rows = [r for r in (results.results if isinstance(results, LoadResult) else results) if r.ok]
    fig, ax = _axes(ax, size=(8, 3.2))
    means = []
    for step in STEPS:
        durations = [s.duration_ms for r in rows for s in r.spans if s.step == step]
        means.append(sum(durations) / len(durations) if durations else 0.0)
    ax.barh(range(len(STEPS)), means, color=[STEP_COLORS[s] for s in STEPS])
    for i, m in enumerate(means):
        ax.text(m, i, f" {m:.0f} ms", va="center", fontsize=8)
    ax.set_yticks(range(len(STEPS)), STEPS)
    ax.invert_yaxis()
    ax.set_xlim(0, max(means + [1]) * 1.2)
    ax.set_xlabel(f"mean time in the step (ms, measured; {_speed_note()})")
    ax.set_ylabel("step")
    ax.set_title(title or f"Where the time goes ({len(rows)} completed orders)")
    return fig


def load_sweep(points: Sequence[SweepPoint], *, title: str | None = None) -> Figure:
    """Throughput and p50/p95 response time against one step's latency, measured vs model."""
    if not points:
        raise ValueError("no sweep points to draw")
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8), layout="constrained")
    xs = [p.latency_ms for p in points]
    step = points[0].step
    clients = points[0].load.clients
    left.plot(xs, [p.model_throughput_per_s for p in points], "--", color="#444444",
              label=f"model: λ = {clients} clients / W")
    left.plot(xs, [p.throughput_per_s for p in points], "o-", color="#4c72b0", label="measured (all clients busy)")
    left.set_xlabel(f"{step} median latency in the profile (ms at speed 1)")
    left.set_ylabel("throughput (orders/s, measured)")
    left.set_title("Throughput of the whole shop")
    left.set_ylim(0, max(max(p.model_throughput_per_s, p.throughput_per_s) for p in points) * 1.15)
    left.legend(fontsize=8)
    left.grid(alpha=0.3)
    right.plot(xs, [p.load.p(50) for p in points], "o-", color="#4c72b0", label="p50 measured")
    right.plot(xs, [p.load.p(95) for p in points], "s:", color="#c44e52", label="p95 measured")
    right.plot(xs, [p.mean_ms for p in points], "x", color="black", markersize=8, label="mean W measured")
    right.plot(xs, [p.model_response_ms for p in points], "--", color="#444444", label="model: mean W")
    right.set_xlabel(f"{step} median latency in the profile (ms at speed 1)")
    right.set_ylabel(f"response time (ms, measured; {_speed_note()})")
    right.set_title("Response time of every order")
    right.set_ylim(0, None)
    right.legend(fontsize=8)
    right.grid(alpha=0.3)
    fig.suptitle(title or f"One slow service ({step}) caps everyone: {clients} clients placing orders back to back")
    return fig


def availability(
    load: LoadResult,
    shop: Shop,
    *,
    title: str | None = None,
) -> Figure:
    """Share of orders that succeeded vs the product of step availabilities, and failures per step."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.6), layout="constrained")
    steps = [s for s in STEPS if shop.service(s).failure_rate > 0]
    names = [f"{s}\nalone" for s in steps] + ["model:\nproduct", "measured\nchain"]
    values = [shop.service(s).availability for s in steps] + [shop.expected_availability(), load.success_share]
    colors = [STEP_COLORS[s] for s in steps] + ["#444444", "#4c72b0"]
    left.bar(range(len(values)), [v * 100 for v in values], color=colors)
    for i, v in enumerate(values):
        left.text(i, v * 100, f"{v * 100:.1f}", ha="center", va="bottom", fontsize=8)
    left.set_xticks(range(len(values)), names, fontsize=8, rotation=0)
    low = min(values) * 100
    left.set_ylim(max(0, low - 10), 101)
    left.set_ylabel("orders or calls that succeed (%)")
    left.set_xlabel("each step alone, the chain's model, and the measurement")
    left.set_title(f"Success of {len(load.results)} orders")
    by_step = load.failures_by_step()
    right.bar(range(len(STEPS)), [by_step.get(s, 0) for s in STEPS], color=[STEP_COLORS[s] for s in STEPS])
    right.set_xticks(range(len(STEPS)), STEPS, fontsize=8)
    right.set_xlabel("step where the order failed")
    right.set_ylabel("failed orders (count)")
    right.yaxis.set_major_locator(MaxNLocator(integer=True))
    right.set_title("Any step's failure fails the whole order")
    fig.suptitle(title or "One failure fails all: availability of a chain is a product")
    return fig


def orders_timeline(
    load: LoadResult,
    *,
    step: str | None = None,
    title: str | None = None,
    ax: Any = None,
) -> Figure:
    """Every order of a stream as a bar from sending to answer, coloured by outcome.

    Deploy windows on ``load.windows`` are shaded; ``step`` marks when each order reached it.
    """
    rows = load.results
    fig, ax = _axes(ax, size=(10, max(3.2, 0.16 * len(rows) + 1.6)))
    t0 = load.start
    for window in load.windows:
        ax.axvspan((window.start - t0) * 1000, (window.end - t0) * 1000, color="#e17c05", alpha=0.18)
    for row, res in enumerate(rows):
        begin = (res.submitted if res.submitted is not None else res.start) - t0
        ax.barh(row, res.response_ms, left=begin * 1000, height=0.7,
                color=OUTCOME_COLORS.get(res.status, "#c44e52"))
        span = res.span(step) if step else None
        if span is not None:
            ax.plot((span.start - t0) * 1000, row, marker="|", color="black", markersize=6)
    handles = [Patch(color=OUTCOME_COLORS["COMPLETED"], label="completed"),
               Patch(color=OUTCOME_COLORS["FAILED"], label="failed")]
    if load.windows:
        w = load.windows[0]
        handles.append(Patch(color="#e17c05", alpha=0.3, label=f"{w.service} restarting ({w.mode})"))
    if step:
        handles.append(plt.Line2D([], [], marker="|", color="black", linestyle="", label=f"reached {step}"))
    ax.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    ax.set_yticks(range(len(rows)), [str(i + 1) if i % 5 == 4 or i == 0 else "" for i in range(len(rows))])
    ax.invert_yaxis()
    ax.set_xlabel(f"time since the stream started (ms, measured; {_speed_note()})")
    ax.set_ylabel("order (in sending order)")
    ax.set_title(title or f"{len(rows)} orders, one bar each from sending to answer")
    ax.grid(axis="x", alpha=0.3)
    return fig


def latency_explorer(
    shop: Shop, *, overhead_ms: float = 0.0, steps: Sequence[str] = STEPS, max_ms: int = 2000
) -> Any:
    """Sliders for each step's median latency (profile ms); every change places one order and
    redraws its timeline with the predicted (Σ medians × speed + ``overhead_ms``) and measured
    response time.

    Returns the widget (display it, or leave it as the cell's last value). Jitter is off
    while exploring unless the checkbox turns it on, so predicted and measured can be compared.
    """
    import io

    import ipywidgets as widgets
    from IPython.display import Image

    sliders = {
        s: widgets.IntSlider(
            value=int(shop.service(s).median_ms), min=0, max=max_ms, step=10, description=s,
            continuous_update=False, style={"description_width": "70px"},
            layout=widgets.Layout(width="420px"),
        )
        for s in steps
    }
    jitter = widgets.Checkbox(value=False, description="random variation (jitter)")
    reset = widgets.Button(description="back to the profile", icon="undo", layout=widgets.Layout(width="190px"))
    out = widgets.Output()
    status = widgets.HTML()

    def redraw(_change: Any = None) -> None:
        for s, slider in sliders.items():
            shop.configure(s, median_ms=slider.value)
        shop.set_jitter(jitter.value)
        service_ms = shop.predicted_ms()
        predicted = service_ms + overhead_ms
        result = shop.place_order_sync(shop.sample_orders(1)[0])
        status.value = (
            f"<b>predicted</b> Σ medians × speed {service_ms:.0f} ms + overhead {overhead_ms:.0f} ms = "
            f"{predicted:.0f} ms · <b>measured</b> {result.response_ms:.0f} ms · difference "
            f"{result.response_ms - predicted:+.0f} ms{' (jitter on)' if jitter.value else ''}"
        )
        fig = timeline(result, predicted_ms=predicted, title="Move a slider: the response time moves by the same amount")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=90)
        plt.close(fig)
        out.outputs = ()  # replace the picture (works from a widget callback, in any thread)
        out.append_display_data(Image(data=buf.getvalue(), format="png"))

    def back(_button: Any) -> None:
        for s, slider in sliders.items():
            slider.unobserve(redraw, "value")
            slider.value = int(shop.profile[s].median_ms)
            slider.observe(redraw, "value")
        redraw()

    for slider in sliders.values():
        slider.observe(redraw, "value")
    jitter.observe(redraw, "value")
    reset.on_click(back)
    redraw()
    controls = widgets.VBox([widgets.HTML("<b>median latency per step (ms at speed 1)</b>"), *sliders.values(),
                             widgets.HBox([jitter, reset])])
    return widgets.VBox([widgets.HBox([controls]), status, out])
