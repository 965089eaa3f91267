"""Figures of 04_pubsub_fanout: each function returns a matplotlib Figure.

Every figure has a title, labelled axes and units; times are measured real wall-clock time.
Titles and labels are sentences from :mod:`helpers.fanout.messages` (``say``), so they can be
translated. The architecture diagram is :func:`helpers.core.diagrams.fanout_stage`.
End the call with ``;`` in a notebook so Jupyter shows the figure once.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..core.limits import SNS_MAX_BYTES, SQS_MAX_BYTES
from ..core.messages import say
from ..shop import percentile, speed
from .demos import DeployRun, FanoutRun, LiveAdd
from .routing import RoutingRun

#: One colour per service, the same in every figure of this notebook (and as in helpers.sync.plots).
SERVICE_COLORS: dict[str, str] = {
    "shipping": "#55a868",
    "email": "#8172b3",
    "points": "#937860",
    "analytics": "#dd8452",
    "express-shipping": "#2a9d8f",
    "fraud-review": "#c44e52",
    "gold-gift": "#d4a017",
}
PUBLISHER_COLOR = "#4c72b0"
TOPIC_COLOR = "#e17c05"


def _color(name: str, i: int = 0) -> str:
    return SERVICE_COLORS.get(name, plt.get_cmap("tab10")(i % 10))


def fanout_counts(run: FanoutRun) -> Figure:
    """Left: events each service processed vs orders published. Right: when each service finished each order."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8), layout="constrained",
                                      gridspec_kw={"width_ratios": [2, 3]})
    names = list(run.deliveries)
    bars = left.bar(names, [run.deliveries[n] for n in names], color=[_color(n, i) for i, n in enumerate(names)])
    left.bar_label(bars, fontsize=8)
    left.axhline(run.publishes, color=PUBLISHER_COLOR, linestyle="--", linewidth=1.5,
                 label=say("fanout.fig.publish_calls", n=run.publishes))
    left.set_ylabel(say("fanout.fig.events_processed"))
    left.set_xlabel(say("fanout.fig.service_axis"))
    left.set_title(say("fanout.fig.counts_title", n=run.n, publishes=run.publishes, deliveries=sum(run.deliveries.values())))
    left.legend(fontsize=8, loc="lower right")
    left.yaxis.set_major_locator(MaxNLocator(integer=True))
    left.margins(y=0.15)
    answered = {p.order_id: p.end for p in run.placed if p.ok}
    for i, n in enumerate(names):
        ms = [(t - answered[o]) * 1000 for o, t in run.finished_at[n].items() if o in answered]
        right.scatter(ms, [i] * len(ms), s=22, alpha=0.7, color=_color(n, i))
        if ms:
            right.annotate(say("fanout.fig.median", ms=percentile(ms, 50)), (max(ms), i), xytext=(6, 0),
                           textcoords="offset points", va="center", fontsize=8)
    right.set_yticks(range(len(names)), names)
    right.set_ylabel(say("fanout.fig.service"))
    right.set_xlabel(say("fanout.fig.done_after", speed=speed()))
    right.set_title(say("fanout.fig.own_pace"))
    right.set_xlim(left=0)
    right.margins(x=0.2)
    right.grid(alpha=0.3, axis="x")
    return fig


def deploy(run: DeployRun) -> Figure:
    """Each service's queue depth over time, with one service's deploy window and another's scale-up."""
    fig, ax = plt.subplots(figsize=(10, 3.8), layout="constrained")
    a, b = run.down_window
    ax.axvspan(a, b, color=_color(run.down), alpha=0.12, label=say("fanout.fig.stopped", name=run.down))
    ax.axvline(run.scale_at, color=_color(run.scaled), linestyle=":", linewidth=1.5,
               label=say("fanout.fig.scaled", name=run.scaled, n=run.scaled_to))
    for i, (name, series) in enumerate(run.depth.items()):
        ax.step(series.t_s, series.total, where="post", linewidth=2, color=_color(name, i),
                label=say("fanout.fig.queue_peak", name=name, peak=series.peak))
    ends = [p.end - run.t0 for p in run.placed if p.ok]
    if ends:
        ax.axvline(max(ends), color=PUBLISHER_COLOR, linestyle="--", linewidth=1, label=say("fanout.fig.last_answered"))
    ax.set_xlabel(say("fanout.fig.since_first"))
    ax.set_ylabel(say("fanout.fig.depth"))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(say("fanout.fig.deploy_title", n=len(run.ids), ms=run.interval_ms, name=run.down))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")
    return fig


def live_add(result: LiveAdd) -> Figure:
    """Publisher response time of every order over time, with the moment the new subscriber was added."""
    fig, ax = plt.subplots(figsize=(10, 3.8), layout="constrained")
    before, after = result.before, result.after
    others = [p for p in result.placed if p.ok and p not in before and p not in after]
    for group, color, key in ((before, PUBLISHER_COLOR, "fanout.fig.before"), (after, _color(result.name), "fanout.fig.after")):
        if group:
            t = [p.start - result.t0 for p in group]
            ms = [p.response_ms for p in group]
            med = percentile(ms, 50)
            ax.scatter(t, ms, s=14, color=color, label=say(key, ms=med, n=len(group)))
            ax.hlines(med, min(t), max(t), color=color, linewidth=2)
    if others:
        ax.scatter([p.start - result.t0 for p in others], [p.response_ms for p in others], s=14, color="#8c8c8c",
                   label=say("fanout.fig.during", n=len(others)))
    a, b = result.added_window
    ax.axvspan(a, max(b, a + 0.01), color=_color(result.name), alpha=0.25)
    ax.annotate(say("fanout.fig.subscribed", name=result.name), (b, 0.97), xycoords=("data", "axes fraction"),
                xytext=(6, 0), textcoords="offset points", va="top", fontsize=8)
    ws = result.worker_started
    if ws == ws and ws > b + 0.05:  # not NaN, and later than the subscription
        ax.axvline(ws, color=_color(result.name), linestyle="--", linewidth=1)
        ax.annotate(say("fanout.fig.worker_starts", name=result.name), (ws, 0.03),
                    xycoords=("data", "axes fraction"), xytext=(-6, 0), textcoords="offset points", ha="right",
                    va="bottom", fontsize=8)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(say("fanout.fig.arrived"))
    ax.set_ylabel(say("fanout.fig.response_ms"))
    ax.set_title(say("fanout.fig.live_title"))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    return fig


def routing(result: RoutingRun) -> Figure:
    """Which filtered queue received which order (✓), and where that differs from the filter policies (red)."""
    labels = sorted(result.ids)
    names = list(result.expected)
    rows = {r["order"]: r for r in result.rows or []}
    fig, ax = plt.subplots(figsize=(1.6 + 0.95 * len(labels), 1.4 + 0.55 * len(names)), layout="constrained")
    for r, name in enumerate(names):
        for c, label in enumerate(labels):
            got = label in result.received.get(name, set())
            want = label in result.expected[name]
            face = "#dff0d8" if got and want else "#f2dede" if got != want else "white"
            ax.add_patch(plt.Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor=face, edgecolor="#cccccc"))
            if got:
                ax.text(c, r, "✓", ha="center", va="center", fontsize=13, color="#2d6a2d" if want else "#a94442")
            elif want:
                ax.text(c, r, say("fanout.fig.missing"), ha="center", va="center", fontsize=7, color="#a94442")
    ax.set_xlim(-0.5, len(labels) - 0.5)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_xticks(range(len(labels)), [_facts(x, rows.get(x)) for x in labels], fontsize=8)
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel(say("fanout.fig.order_axis"))
    ax.set_ylabel(say("fanout.fig.filtered_queue"))
    ax.set_title(say("fanout.fig.routing_ok" if result.as_predicted else "fanout.fig.routing_wrong"), fontsize=10)
    return fig


def sizes(event_bytes: int) -> Figure:
    """An event's size next to SNS's and SQS's message limits (KiB)."""
    fig, ax = plt.subplots(figsize=(8, 2.6), layout="constrained")
    rows = [(say("fanout.fig.sqs_limit"), SQS_MAX_BYTES, "#8c8c8c"),
            (say("fanout.fig.sns_limit"), SNS_MAX_BYTES, TOPIC_COLOR),
            (say("fanout.fig.this_event"), event_bytes, "#c44e52" if event_bytes > SNS_MAX_BYTES else "#55a868")]
    bars = ax.barh([r[0] for r in rows], [r[1] / 1024 for r in rows], color=[r[2] for r in rows])
    ax.bar_label(bars, fmt="%.0f KiB", fontsize=8, padding=3)
    ax.axvline(SNS_MAX_BYTES / 1024, color=TOPIC_COLOR, linestyle="--", linewidth=1)
    ax.set_xlabel(say("fanout.fig.size_axis"))
    ax.set_ylabel(say("fanout.fig.message"))
    ax.set_title(say("fanout.fig.sizes_title"))
    ax.margins(x=0.15)
    return fig


def _facts(label: str, row: dict | None) -> str:
    """A routing figure's column label: the order's letter and, when known, the facts a filter policy sees."""
    if row is None:
        return say("fanout.fig.order", label=label)
    return say("fanout.fig.order_facts", label=label, tier=row["tier"], shipping=row["shipping"], total=row["total_jpy"])
