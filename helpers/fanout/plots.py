"""Figures of 04_pubsub_fanout: each function returns a matplotlib Figure.

Every figure has a title, labelled axes and units; times are measured real wall-clock time.
The topology picture is drawn from the subscriptions *read back from SNS*
(:func:`helpers.fanout.read_topology`), not from what the notebook meant to create.
End the call with ``;`` in a notebook so Jupyter shows the figure once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.ticker import MaxNLocator

from ..core.limits import SNS_MAX_BYTES, SQS_MAX_BYTES
from ..shop import percentile, speed
from .demos import DeployRun, FanoutRun, LiveAdd, RoutingRun
from .subscribers import SubscriptionInfo

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
                 label=f"Publish calls by the order API: {run.publishes}")
    left.set_ylabel("events processed (count)")
    left.set_xlabel("service (its own queue and workers)")
    left.set_title(f"{run.n} orders, {run.publishes} publishes, {sum(run.deliveries.values())} deliveries")
    left.legend(fontsize=8, loc="lower right")
    left.yaxis.set_major_locator(MaxNLocator(integer=True))
    left.margins(y=0.15)
    answered = {p.order_id: p.end for p in run.placed if p.ok}
    for i, n in enumerate(names):
        ms = [(t - answered[o]) * 1000 for o, t in run.finished_at[n].items() if o in answered]
        right.scatter(ms, [i] * len(ms), s=22, alpha=0.7, color=_color(n, i))
        if ms:
            right.annotate(f"median {percentile(ms, 50):.0f} ms", (max(ms), i), xytext=(6, 0),
                           textcoords="offset points", va="center", fontsize=8)
    right.set_yticks(range(len(names)), names)
    right.set_ylabel("service")
    right.set_xlabel(f"time from the order's 202 answer until the service was done (ms, measured; speed ×{speed():g})")
    right.set_title("Each service works at its own pace")
    right.set_xlim(left=0)
    right.margins(x=0.2)
    right.grid(alpha=0.3, axis="x")
    return fig


def deploy(run: DeployRun) -> Figure:
    """Each service's queue depth over time, with one service's deploy window and another's scale-up."""
    fig, ax = plt.subplots(figsize=(10, 3.8), layout="constrained")
    a, b = run.down_window
    ax.axvspan(a, b, color=_color(run.down), alpha=0.12, label=f"{run.down} workers stopped (a deploy)")
    ax.axvline(run.scale_at, color=_color(run.scaled), linestyle=":", linewidth=1.5,
               label=f"{run.scaled} scaled 1 → {run.scaled_to} workers")
    for i, (name, series) in enumerate(run.depth.items()):
        ax.step(series.t_s, series.total, where="post", linewidth=2, color=_color(name, i),
                label=f"{name} queue (peak {series.peak})")
    ends = [p.end - run.t0 for p in run.placed if p.ok]
    if ends:
        ax.axvline(max(ends), color=PUBLISHER_COLOR, linestyle="--", linewidth=1, label="last order answered")
    ax.set_xlabel("time since the first order (s)")
    ax.set_ylabel("messages in the queue (waiting + in flight)")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(f"{len(run.ids)} orders, one every {run.interval_ms:.0f} ms: the {run.down} queue waits, "
                 "the others carry on")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")
    return fig


def live_add(result: LiveAdd) -> Figure:
    """Publisher response time of every order over time, with the moment the new subscriber was added."""
    fig, ax = plt.subplots(figsize=(10, 3.8), layout="constrained")
    before, after = result.before, result.after
    others = [p for p in result.placed if p.ok and p not in before and p not in after]
    for group, color, label in ((before, PUBLISHER_COLOR, "before"), (after, _color(result.name), "after")):
        if group:
            t = [p.start - result.t0 for p in group]
            ms = [p.response_ms for p in group]
            med = percentile(ms, 50)
            ax.scatter(t, ms, s=14, color=color, label=f"{label}: median {med:.1f} ms ({len(group)} orders)")
            ax.hlines(med, min(t), max(t), color=color, linewidth=2)
    if others:
        ax.scatter([p.start - result.t0 for p in others], [p.response_ms for p in others], s=14, color="#8c8c8c",
                   label=f"during the subscribe calls ({len(others)}; in neither median)")
    a, b = result.added_window
    ax.axvspan(a, max(b, a + 0.01), color=_color(result.name), alpha=0.25)
    ax.annotate(f"'{result.name}' subscribed\n(publisher untouched)", (b, 0.97), xycoords=("data", "axes fraction"),
                xytext=(6, 0), textcoords="offset points", va="top", fontsize=8)
    ws = result.worker_started
    if ws == ws and ws > b + 0.05:  # not NaN, and later than the subscription
        ax.axvline(ws, color=_color(result.name), linestyle="--", linewidth=1)
        ax.annotate(f"'{result.name}' worker starts:\nits queue held the events", (ws, 0.03),
                    xycoords=("data", "axes fraction"), xytext=(-6, 0), textcoords="offset points", ha="right",
                    va="bottom", fontsize=8)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("time the order arrived (s since the first order)")
    ax.set_ylabel("order API response time (ms)")
    ax.set_title("Adding a subscriber while orders flow: the publisher's response time")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    return fig


def routing(result: RoutingRun) -> Figure:
    """Which filtered queue received which order (✓), and where that differs from the filter policies (red)."""
    labels = sorted(result.ids)
    names = list(result.expected)
    fig, ax = plt.subplots(figsize=(1.2 + 0.75 * len(labels), 0.8 + 0.55 * len(names)), layout="constrained")
    for r, name in enumerate(names):
        for c, label in enumerate(labels):
            got = label in result.received.get(name, set())
            want = label in result.expected[name]
            face = "#dff0d8" if got and want else "#f2dede" if got != want else "white"
            ax.add_patch(plt.Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor=face, edgecolor="#cccccc"))
            if got:
                ax.text(c, r, "✓", ha="center", va="center", fontsize=13, color="#2d6a2d" if want else "#a94442")
            elif want:
                ax.text(c, r, "missing", ha="center", va="center", fontsize=7, color="#a94442")
    ax.set_xlim(-0.5, len(labels) - 0.5)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_xticks(range(len(labels)), [f"order {x}" for x in labels])
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("order (see the table above)")
    ax.set_ylabel("filtered queue")
    ok = "as the filter policies say" if result.as_predicted else "NOT as the filter policies say (red)"
    ax.set_title(f"Which queue received which order: {ok}", fontsize=10)
    return fig


def sizes(event_bytes: int) -> Figure:
    """An event's size next to SNS's and SQS's message limits (KiB)."""
    fig, ax = plt.subplots(figsize=(8, 2.6), layout="constrained")
    rows = [("SQS message limit\n(since 2025)", SQS_MAX_BYTES, "#8c8c8c"),
            ("SNS message limit", SNS_MAX_BYTES, TOPIC_COLOR),
            ("this order's event", event_bytes, "#c44e52" if event_bytes > SNS_MAX_BYTES else "#55a868")]
    bars = ax.barh([r[0] for r in rows], [r[1] / 1024 for r in rows], color=[r[2] for r in rows])
    ax.bar_label(bars, fmt="%.0f KiB", fontsize=8, padding=3)
    ax.axvline(SNS_MAX_BYTES / 1024, color=TOPIC_COLOR, linestyle="--", linewidth=1)
    ax.set_xlabel("size (KiB = 1,024 bytes; message + attributes)")
    ax.set_ylabel("message")
    ax.set_title("An SNS → SQS fan-out is bounded by the smaller limit: SNS's 256 KiB")
    ax.margins(x=0.15)
    return fig


def _box(ax: Any, x: float, y: float, w: float, h: float, text: str, color: str, *, fontsize: int = 9) -> None:
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.08",
                                facecolor=color, edgecolor="#333333", alpha=0.9))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, color="white", fontweight="bold")


def _policy_text(sub: SubscriptionInfo, width: int = 44) -> str:
    if sub.filter_policy is None:
        return "every event"
    text = json.dumps(sub.filter_policy, ensure_ascii=False, separators=(",", ":"))
    if len(text) > width:
        text = text[: width - 1] + "…"
    scope = "body" if sub.filter_scope == "MessageBody" else "attributes"
    return f"filter ({scope}): {text}"


def topology(subscriptions: Sequence[SubscriptionInfo], *, prefix: str, topic_name: str = "order-events",
             publisher: str = "order API\n(FanoutShop.place_order)") -> Figure:
    """Publisher → topic → one box per subscribed queue, labelled with its filter policy and delivery mode.

    ``subscriptions`` should come from :func:`helpers.fanout.read_topology`: the picture shows what
    SNS has, so a forgotten or extra subscription is visible.
    """
    subs = list(subscriptions)
    n = max(len(subs), 1)
    height = max(3.0, 0.62 * n + 0.8)
    fig, ax = plt.subplots(figsize=(11.6, height), layout="constrained")
    ax.set_xlim(0, 11.6)
    ax.set_ylim(-0.6, n - 0.4)
    ax.invert_yaxis()
    mid = (n - 1) / 2
    _box(ax, 1.1, mid, 1.9, 0.8, publisher, PUBLISHER_COLOR, fontsize=8)
    _box(ax, 3.6, mid, 1.7, 0.7, f"SNS topic\n{topic_name}", TOPIC_COLOR, fontsize=8)
    ax.add_patch(FancyArrowPatch((2.05, mid), (2.75, mid), arrowstyle="-|>", mutation_scale=14, color="#333333"))
    ax.text(2.4, mid - 0.32, "Publish ×1", ha="center", fontsize=7)
    for i, sub in enumerate(subs):
        name = sub.short_name(prefix)
        _box(ax, 6.1, i, 2.0, 0.5, f"SQS {name}", _color(name, i), fontsize=8)
        ax.add_patch(FancyArrowPatch((4.45, mid), (5.1, i), arrowstyle="-|>", mutation_scale=12,
                                     color="#555555", connectionstyle="arc3,rad=0.0"))
        mode = "raw" if sub.raw else "envelope"
        ax.text(7.2, i, f"{_policy_text(sub)}\ndelivery: {mode}", va="center", fontsize=7, family="monospace")
    ax.set_axis_off()
    ax.set_title(f"What SNS says is subscribed to {topic_name}: {len(subs)} subscription(s)\n"
                 "(read back with ListSubscriptionsByTopic + GetSubscriptionAttributes)", fontsize=10)
    # axis labels kept for the house rule, though the axes are hidden: the picture has no units
    ax.set_xlabel("publisher → topic → subscribed queues")
    return fig
