"""Figures of 02_sync_bottlenecks: each function returns a matplotlib Figure (or, for the sliders, a widget).

The same conventions as :mod:`helpers.sync.plots` (01's figures, whose colours these share):
a title, labelled axes and units; times on the axes are measured real milliseconds, latencies a
learner sets are profile milliseconds at speed 1. Every title and label comes from
:func:`~helpers.core.messages.say`, so a translated edition shows its own words.

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
from ..shop import STEPS, LoadResult, OrderResult, Shop, SweepPoint, speed
from .plots import OUTCOME_COLORS, STEP_COLORS, timeline
from .responses import Option

#: Colours of the three options in the comparison figure: today's chain, the improved chain, async.
OPTION_COLORS = ("#c44e52", "#dd8452", "#55a868")


def _axes(ax: Any, size: tuple[float, float]) -> tuple[Figure, Any]:
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=size, layout="constrained")
    return fig, ax


def load_sweep(points: Sequence[SweepPoint], *, title: str | None = None) -> Figure:
    """Throughput and p50/p95 response time against one step's latency, measured vs model (Little's law)."""
    if not points:
        raise ValueError("no sweep points to draw")
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8), layout="constrained")
    xs = [p.latency_ms for p in points]
    step = points[0].step
    clients = points[0].load.clients
    x_label = say("sync.fig.sweep.x", step=step)
    left.plot(xs, [p.model_throughput_per_s for p in points], "--", color="#444444",
              label=say("sync.fig.sweep.model_rate", clients=clients))
    left.plot(xs, [p.throughput_per_s for p in points], "o-", color="#4c72b0", label=say("sync.fig.sweep.measured_rate"))
    left.set_xlabel(x_label)
    left.set_ylabel(say("sync.fig.sweep.rate_y"))
    left.set_title(say("sync.fig.sweep.rate_title"))
    left.set_ylim(0, max(max(p.model_throughput_per_s, p.throughput_per_s) for p in points) * 1.15)
    left.legend(fontsize=8)
    left.grid(alpha=0.3)
    right.plot(xs, [p.load.p(50) for p in points], "o-", color="#4c72b0", label=say("sync.fig.sweep.p50"))
    right.plot(xs, [p.load.p(95) for p in points], "s:", color="#c44e52", label=say("sync.fig.sweep.p95"))
    right.plot(xs, [p.mean_ms for p in points], "x", color="black", markersize=8, label=say("sync.fig.sweep.mean_w"))
    right.plot(xs, [p.model_response_ms for p in points], "--", color="#444444", label=say("sync.fig.sweep.model_w"))
    right.set_xlabel(x_label)
    right.set_ylabel(say("sync.fig.response_y", speed=speed()))
    right.set_title(say("sync.fig.sweep.response_title"))
    right.set_ylim(0, None)
    right.legend(fontsize=8)
    right.grid(alpha=0.3)
    fig.suptitle(title or say("sync.fig.sweep.title", step=step, clients=clients))
    return fig


def availability(load: LoadResult, shop: Shop, *, title: str | None = None) -> Figure:
    """Share of orders that succeeded vs the product of step availabilities, and failures per step."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.6), layout="constrained")
    steps = [s for s in STEPS if shop.service(s).failure_rate > 0]
    names = [say("sync.fig.avail.alone", step=s) for s in steps] + [say("sync.fig.avail.model"),
                                                                  say("sync.fig.avail.measured")]
    values = [shop.service(s).availability for s in steps] + [shop.expected_availability(), load.success_share]
    colors = [STEP_COLORS[s] for s in steps] + ["#444444", "#4c72b0"]
    left.bar(range(len(values)), [v * 100 for v in values], color=colors)
    for i, v in enumerate(values):
        left.text(i, v * 100, f"{v * 100:.1f}", ha="center", va="bottom", fontsize=8)
    left.set_xticks(range(len(values)), names, fontsize=8, rotation=0)
    left.set_ylim(max(0, min(values) * 100 - 10), 101)
    left.set_ylabel(say("sync.fig.avail.share_y"))
    left.set_xlabel(say("sync.fig.avail.share_x"))
    left.set_title(say("sync.fig.avail.share_title", n=len(load.results)))
    by_step = load.failures_by_step()
    right.bar(range(len(STEPS)), [by_step.get(s, 0) for s in STEPS], color=[STEP_COLORS[s] for s in STEPS])
    right.set_xticks(range(len(STEPS)), STEPS, fontsize=8)
    right.set_xlabel(say("sync.fig.avail.step_x"))
    right.set_ylabel(say("sync.fig.avail.failed_y"))
    right.yaxis.set_major_locator(MaxNLocator(integer=True))
    right.set_title(say("sync.fig.avail.step_title"))
    fig.suptitle(title or say("sync.fig.avail.title"))
    return fig


def orders_timeline(load: LoadResult, *, step: str | None = None, title: str | None = None, ax: Any = None) -> Figure:
    """Every order of a stream as a bar from sending to answer, coloured by outcome.

    Deploy windows on ``load.windows`` are shaded; ``step`` marks when each order reached it.
    Without a ``title``, a stream with a deploy window is titled by the window's mode.
    """
    rows = load.results
    fig, ax = _axes(ax, (10, max(3.2, 0.16 * len(rows) + 1.6)))
    t0 = load.start
    for window in load.windows:
        ax.axvspan((window.start - t0) * 1000, (window.end - t0) * 1000, color="#e17c05", alpha=0.18)
    for row, res in enumerate(rows):
        begin = (res.submitted if res.submitted is not None else res.start) - t0
        ax.barh(row, res.response_ms, left=begin * 1000, height=0.7, color=OUTCOME_COLORS.get(res.status, "#c44e52"))
        span = res.span(step) if step else None
        if span is not None:
            ax.plot((span.start - t0) * 1000, row, marker="|", color="black", markersize=6)
    handles = [Patch(color=OUTCOME_COLORS["COMPLETED"], label=say("sync.fig.stream.completed")),
               Patch(color=OUTCOME_COLORS["FAILED"], label=say("sync.fig.stream.failed"))]
    if load.windows:
        w = load.windows[0]
        handles.append(Patch(color="#e17c05", alpha=0.3, label=say("sync.fig.stream.window", service=w.service, mode=w.mode)))
    if step:
        handles.append(plt.Line2D([], [], marker="|", color="black", linestyle="",
                                  label=say("sync.fig.stream.reached", step=step)))
    ax.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    ax.set_yticks(range(len(rows)), [str(i + 1) if i % 5 == 4 or i == 0 else "" for i in range(len(rows))])
    ax.invert_yaxis()
    ax.set_xlabel(say("sync.fig.stream.x", speed=speed()))
    ax.set_ylabel(say("sync.fig.stream.y"))
    if title is None and load.windows:
        w = load.windows[0]
        title = say(f"sync.fig.stream.title_{w.mode}", service=w.service)
    ax.set_title(title or say("sync.fig.stream.title", n=len(rows)))
    ax.grid(axis="x", alpha=0.3)
    return fig


def failed_order(result: OrderResult, *, ax: Any = None) -> Figure:
    """The timeline of one failed order (01's :func:`~helpers.sync.plots.timeline`), titled by the step that failed it."""
    return timeline(result, title=say("sync.fig.failed_order.title", step=result.failed_step or "?"), ax=ax)


def three_responses(options: Sequence[Option], *, requirement_ms: Sequence[float] = (), title: str | None = None) -> Figure:
    """The ways to respond side by side: what a customer waits, answers per second, answers during an outage.

    One bar per option in each of three panels. ``requirement_ms`` draws each response-time
    requirement as a vertical line on the first panel (the first as it was, the last as revisited).
    Wait and throughput use log scales because the options differ by orders of magnitude.
    """
    if not options:
        raise ValueError("no options to draw")
    fig, (wait, rate, outage) = plt.subplots(1, 3, figsize=(12, 1.1 + 0.55 * len(options)), layout="constrained",
                                             sharey=True)
    rows = range(len(options))
    colors = [OPTION_COLORS[i % len(OPTION_COLORS)] for i in rows]
    panels = (
        (wait, [o.p50_ms for o in options], "{:.0f} ms", "sync.fig.options.wait_x", "sync.fig.options.wait_title"),
        (rate, [o.throughput_per_s for o in options], "{:.1f}/s", "sync.fig.options.rate_x", "sync.fig.options.rate_title"),
        (outage, [o.outage_ok_share * 100 for o in options], "{:.0f} %", "sync.fig.options.outage_x",
         "sync.fig.options.outage_title"),
    )
    for ax, values, fmt, x_key, title_key in panels:
        ax.barh(rows, values, color=colors)
        for row, value in zip(rows, values, strict=True):
            ax.text(value, row, " " + fmt.format(value), va="center", fontsize=8)
        ax.set_xlabel(say(x_key, speed=speed()))
        ax.set_title(say(title_key))
        ax.grid(axis="x", alpha=0.3)
    for ax, values in ((wait, panels[0][1]), (rate, panels[1][1])):
        ax.set_xscale("log")
        ax.set_xlim(min(values + list(requirement_ms)) / 2, max(values + list(requirement_ms)) * 6)
    outage.set_xlim(0, 125)
    for i, limit in enumerate(requirement_ms):
        key = "sync.fig.options.requirement_first" if i == 0 else "sync.fig.options.requirement_revisited"
        wait.axvline(limit, color="#444444", linestyle="--" if i == 0 else ":", linewidth=1.3,
                     label=say(key, limit=limit))
    if requirement_ms:
        wait.legend(fontsize=7, loc="lower right")
    wait.set_yticks(list(rows), [o.label for o in options], fontsize=8)
    wait.set_ylabel(say("sync.fig.options.y"))
    wait.invert_yaxis()
    for ax in (rate, outage):
        ax.set_ylabel(say("sync.fig.options.y"))
        ax.yaxis.label.set_visible(False)
    fig.suptitle(title or say("sync.fig.options.title", speed=speed()))
    return fig


def latency_explorer(shop: Shop, *, overhead_ms: float = 0.0, steps: Sequence[str] = STEPS, max_ms: int = 2000) -> Any:
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
            continuous_update=False, style={"description_width": "70px"}, layout=widgets.Layout(width="420px"),
        )
        for s in steps
    }
    jitter = widgets.Checkbox(value=False, description=say("sync.fig.explorer.jitter"))
    reset = widgets.Button(description=say("sync.fig.explorer.reset"), icon="undo", layout=widgets.Layout(width="190px"))
    out = widgets.Output()
    status = widgets.HTML()

    def redraw(_change: Any = None) -> None:
        for s, slider in sliders.items():
            shop.configure(s, median_ms=slider.value)
        shop.set_jitter(jitter.value)
        service_ms = shop.predicted_ms()
        predicted = service_ms + overhead_ms
        result = shop.place_order_sync(shop.sample_orders(1)[0])
        status.value = say("sync.fig.explorer.status", service=service_ms, overhead=overhead_ms, predicted=predicted,
                           measured=result.response_ms, difference=result.response_ms - predicted)
        if jitter.value:
            status.value += say("sync.fig.explorer.jitter_on")
        fig = timeline(result, predicted_ms=predicted, title=say("sync.fig.explorer.title"))
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
    controls = widgets.VBox([widgets.HTML(say("sync.fig.explorer.heading")), *sliders.values(),
                             widgets.HBox([jitter, reset])])
    return widgets.VBox([widgets.HBox([controls]), status, out])
