"""Diagrams: the data model (boxes, arrows), the layered left-to-right layout, and the drawing."""

from __future__ import annotations

import io
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.textpath import TextToPath

from ..messages import WorkshopError, say

#: kind → (caption above the name, colour); boxes are filled with a light tint of the colour. The caption
#: is an AWS service's name, shown as written, or (``diagrams.…``) the key of a sentence in the learner's language.
KINDS: dict[str, tuple[str, str]] = {
    "client": ("diagrams.kind.client", "#999999"), "api": ("Amazon API Gateway", "#CC79A7"),
    "function": ("AWS Lambda", "#E69F00"), "queue": ("Amazon SQS", "#0072B2"), "dlq": ("Amazon SQS (DLQ)", "#D55E00"),
    "topic": ("Amazon SNS", "#009E73"), "table": ("Amazon DynamoDB", "#56B4E9"),
    "service": ("diagrams.kind.service", "#B8A800"),
}
#: arrow style → (line style, colour, key of the legend's sentence)
STYLES: dict[str, tuple[Any, str, str]] = {
    "sync": ("-", "#333333", "diagrams.style.sync"),
    "async": ((0, (4, 3)), "#333333", "diagrams.style.async"),
    "redrive": ((0, (1, 2)), "#D55E00", "diagrams.style.redrive"),
}
SOURCES = ("backend", "notebook", "missing")
MAX_WIDTH, MIN_GAP = 10.5, 0.4  # inches
NAME_PT, SMALL_PT, TITLE_PT, LEGEND_PT = 8.5, 7, 12, 8
_TTP = TextToPath()


def kind_caption(kind: str) -> str:
    """The caption above a box of ``kind``: the AWS service's name, or the kind's sentence (:func:`say`)."""
    caption = KINDS[kind][0]
    return say(caption) if caption.startswith("diagrams.") else caption


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of ``text`` in inches at ``size`` points (its widest line)."""
    prop = FontProperties(size=size, weight="bold" if bold else "normal")
    return max(_TTP.get_text_width_height_descent(s, prop, ismath=False)[0] for s in text.split("\n")) / 72


def shorten(text: str, max_chars: int) -> str:
    """``text`` cut in the middle to ``max_chars`` characters, first word and end kept: ``afs-…-orders``."""
    if len(text) <= max_chars:
        return text
    dash = text.find("-")
    head = text[: dash + 1] if 0 < dash < max_chars // 3 else text[: max_chars // 3]
    tail = text[len(text) - (max_chars - 1 - len(head)):]
    cut = tail.find("-")
    return head + "…" + (tail[cut:] if 0 < cut <= 2 else tail)


def _fit(text: str, size: float, width: float, bold: bool = False) -> str:
    n = len(text)
    while n > 5 and text_width(shorten(text, n), size, bold) > width:
        n -= 1
    return shorten(text, n)


@dataclass
class Node:
    """One box. ``source``: "backend" (read back just now), "notebook" (runs here) or "missing"."""
    id: str
    label: str
    kind: str
    caption: str = ""
    detail: str = ""
    source: str = "notebook"
    group: str | None = None


@dataclass
class Edge:
    """One arrow between node ids; ``style`` is "sync", "async" or "redrive"; ``label`` is short."""
    src: str
    dst: str
    label: str = ""
    style: str = "sync"


@dataclass
class Diagram:
    """Nodes in the order of the flow (read back ones have the id ``kind:name``), edges, bands (``groups``)."""
    title: str
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    groups: dict[str, list[str]] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)

    @property
    def labels(self) -> list[str]:
        """Every node's full label (what tests and notebook claims look for)."""
        return [n.label for n in self.nodes]

    def add(self, id: str, label: str, kind: str, *, caption: str = "", detail: str = "",
            source: str = "notebook", group: str | None = None) -> str:
        """Add a box and return its id; ``caption`` defaults to the kind's AWS service name."""
        if kind not in KINDS:
            raise WorkshopError("diagrams.bad_kind", kind=kind, valid=", ".join(KINDS))
        if any(n.id == id for n in self.nodes):
            raise WorkshopError("diagrams.duplicate", node=id)
        self.nodes.append(Node(id, label, kind, caption or kind_caption(kind), detail, source, group))
        if group is not None:
            self.groups.setdefault(group, []).append(id)
        return id

    def connect(self, src: str, dst: str, label: str = "", style: str = "sync") -> None:
        """Add an arrow from ``src`` to ``dst`` (ids or labels)."""
        if style not in STYLES:
            raise WorkshopError("diagrams.bad_style", style=style, valid=", ".join(STYLES))
        self.edges.append(Edge(self.node(src).id, self.node(dst).id, label, style))

    def has(self, key: str) -> bool:
        """Is there a node with id or label ``key``?"""
        return any(key in (n.id, n.label) for n in self.nodes)

    def node(self, key: str) -> Node:
        """The node whose id is ``key``, or else the first whose label is ``key``."""
        for n in sorted(self.nodes, key=lambda n: n.id != key):
            if key in (n.id, n.label):
                return n
        raise WorkshopError("diagrams.no_node", node=key)

    def edge(self, src: str, dst: str) -> Edge | None:
        """The first arrow from ``src`` to ``dst`` (ids or labels), or None."""
        if not (self.has(src) and self.has(dst)):
            return None
        a, b = self.node(src).id, self.node(dst).id
        return next((e for e in self.edges if e.src == a and e.dst == b), None)

    def _repr_png_(self) -> tuple[bytes, dict[str, int]]:
        buf = io.BytesIO()
        draw(self).savefig(buf, format="png", dpi=150)  # sharp, and shown at 100 px per inch
        return buf.getvalue(), {"width": int(layout(self).width * 100)}

    def show(self) -> None:
        """Display the diagram in the notebook (a Diagram that ends a cell shows itself too)."""
        from IPython.display import display

        display(self)


@dataclass
class Layout:
    """Geometry in inches from the bottom-left corner: box centres, layers, back edges, group boxes."""
    width: float
    height: float
    box_w: float
    box_h: float
    pos: dict[str, tuple[float, float]]
    layer: dict[str, int]
    back: set[tuple[str, str]]
    title_lines: list[str]
    labels: dict[int, tuple[str, str]]  # edge index → (text drawn, where: "mid", "near dst" or "near src")
    group_boxes: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)


def _place(desired: list[float], height: int) -> list[float]:
    """Half-row positions near ``desired``, in order, one row apart, inside ``0 … height-1``."""
    ys: list[float] = []
    for v in desired:
        v = min(max(round(v * 2) / 2, 0.0), height - 1.0)
        ys.append(max(v, ys[-1] + 1) if ys else v)
    for k in range(len(ys) - 1, -1, -1):
        ys[k] = min(ys[k], height - 1.0 if k == len(ys) - 1 else ys[k + 1] - 1)
    return ys


def layout(d: Diagram) -> Layout:
    """Layers by longest path, order by barycentre, rows aligned along the main flow, one band per group."""
    ids = [n.id for n in d.nodes]  # nodes are added in the order of the flow: an arrow to an earlier one goes back
    back = {(e.src, e.dst) for e in d.edges if ids.index(e.dst) <= ids.index(e.src)}
    forward = [e for e in d.edges if (e.src, e.dst) not in back]
    layer = dict.fromkeys(ids, 0)
    for _ in ids:
        for e in forward:
            layer[e.dst] = max(layer[e.dst], layer[e.src] + 1)
    n_layers = max(layer.values(), default=0) + 1
    near: dict[str, list[str]] = {i: [] for i in ids}
    main: dict[str, list[str]] = {i: [] for i in ids}  # neighbours along the main flow (not the DLQ path)
    for e in forward:
        for a, b in ((e.src, e.dst), (e.dst, e.src)):
            near[a].append(b)
            main[a] += [b] if e.style != "redrive" else []
    bands = [None, *d.groups]
    band = {n.id: bands.index(n.group) for n in d.nodes}
    rows = {L: [i for i in ids if layer[i] == L] for L in range(n_layers)}
    for L in range(1, n_layers):  # one barycentre sweep: under its neighbours, a DLQ under its worker
        ref = {m: k for k, m in enumerate(rows[L - 1])}
        rows[L].sort(key=lambda m: (band[m], (lambda ks: sum(ks) / len(ks) if ks else 0.0)(
            [ref[x] for x in near[m] if x in ref]) + (0.5 if d.node(m).kind == "dlq" else 0)))
    heights = [max(sum(1 for m in rows[L] if band[m] == b) for L in rows) for b in range(len(bands))]
    offset = [sum(heights[:b]) for b in range(len(bands))]
    y: dict[str, float] = {}
    for sweep in range(5):
        for L in range(n_layers) if sweep % 2 == 0 else range(n_layers - 1, -1, -1):
            for b in range(len(bands)):
                mine = [m for m in rows[L] if band[m] == b]
                if sweep == 0 or len(mine) < heights[b]:
                    wish = [[y[x] for x in main[m] if x in y and band[x] == b] for m in mine]
                    start = (heights[b] - len(mine)) / 2
                    wish = [sum(w) / len(w) if w and sweep else start + k for k, w in enumerate(wish)]
                    y.update(zip(mine, _place(wish, heights[b]), strict=True))
    box_h = 0.58 + (0.16 if any(n.detail or n.source == "missing" for n in d.nodes) else 0)
    pitch, gaps, labels = box_h + 0.26, [0.0] * n_layers, {}
    row = {m: offset[band[m]] + y[m] for m in ids}
    for k, e in enumerate(d.edges):
        if e in forward and e.label:  # near the end that fans out, else in the middle (between rows if diagonal)
            outs, ins = (sum(1 for f in forward if getattr(f, a) == getattr(e, a)) for a in ("src", "dst"))
            where = "mid" if e.style == "redrive" else "near dst" if outs > ins else "near src" if ins > outs else "mid"
            level = where != "mid" or abs(row[e.src] - row[e.dst]) < 0.5
            text = _two_lines(e.label) if level else e.label
            labels[k] = (text, where)
            room = 0.3 + (0.35 if where != "mid" and max(outs, ins) >= 3 else 0)  # fanned lines part first
            gaps[layer[e.src]] = max(gaps[layer[e.src]], text_width(text, SMALL_PT) + room if level else 0)
    for L in range(n_layers - 1):
        fan = max([sum(1 for f in forward if f.src == m and layer[f.dst] == L + 1) for m in rows[L]] or [0])
        gaps[L] = max(gaps[L], MIN_GAP, 0.5 + 0.12 * fan if fan >= 3 else 0)
    gaps = gaps[:-1]
    needed = max([text_width(n.label, NAME_PT, True) + 0.2 for n in d.nodes] or [1.3])
    box_w = max(1.2, min(needed, 1.8, (MAX_WIDTH - 0.3 - sum(gaps)) / n_layers))
    title_lines = textwrap.wrap(d.title, int((MAX_WIDTH - 0.4) * 72 / (TITLE_PT * 0.66))) or [""]
    span = n_layers * box_w + sum(gaps)
    width = max(span + 0.3, 6.0, max(text_width(t, TITLE_PT, True) for t in title_lines) + 0.5)
    xs = [(width - span) / 2 + L * box_w + sum(gaps[:L]) + box_w / 2 for L in range(n_layers)]
    top = 0.3 + 0.24 * len(title_lines) + (0.3 if d.groups and d.nodes[0].group else 0.1)
    from_top = {m: top + pitch / 2 + row[m] * pitch
                + 0.5 * sum(1 for h in heights[1:band[m]] if h) for m in ids}
    lowest = max([from_top[m] + box_h / 2 for m in ids] or [top])
    for e in d.edges:  # an arc under the boxes needs room
        if (e.src, e.dst) in back:
            depth = 0.175 * abs(xs[layer[e.src]] - xs[layer[e.dst]]) + 0.15
            lowest = max(lowest, max(from_top[e.src], from_top[e.dst]) + box_h / 2 + depth)
    height = lowest + 0.25 + 0.24 * len(_legend_rows(d, width - 0.4)) + 0.05
    pos = {m: (xs[layer[m]], height - from_top[m]) for m in ids}
    lay = Layout(width, height, box_w, box_h, pos, layer, back, title_lines, labels)
    for title, members in d.groups.items():
        gx, gy = [pos[m][0] for m in members], [pos[m][1] for m in members]
        lay.group_boxes[title] = (min(gx) - box_w / 2 - 0.12, min(gy) - box_h / 2 - 0.12,
                                  max(gx) + box_w / 2 + 0.12, max(gy) + box_h / 2 + 0.32)
    return lay


def _two_lines(label: str) -> str:
    """A label (no digits) wider than 0.55 in split in two at a space or a capital (``Send`` / ``Message``)."""
    cuts = [m.start() for m in re.finditer(r" |(?<=[a-z])(?=[A-Z/])", label)]
    if "\n" in label or not cuts or text_width(label, SMALL_PT) <= 0.55 or re.search(r"\d", label):
        return label
    k = min(cuts, key=lambda c: max(text_width(label[:c], SMALL_PT), text_width(label[c:], SMALL_PT)))
    return label[:k].rstrip() + "\n" + label[k:].lstrip()


def _backend_name() -> str:
    try:
        from helpers import current

        info = current()
    except Exception:  # no backend chosen yet: the diagram is still drawable
        return say("diagrams.where.backend")
    return "moto" if info.name == "moto" else (say("diagrams.where.endpoint") if info.endpoint else "AWS")


def _legend_rows(d: Diagram, width: float) -> list[list[tuple[str, str, str, float]]]:
    where = _backend_name()
    entries = [("line", s, say(STYLES[s][2])) for s in STYLES if any(e.style == s for e in d.edges)]
    entries += [("box", s, say(f"diagrams.source.{s}", where=where)) for s in SOURCES if any(n.source == s for n in d.nodes)]
    rows: list[list[tuple[str, str, str, float]]] = [[]]
    for kind, key, text in entries:
        w = 0.5 + text_width(text, LEGEND_PT) + 0.3
        if rows[-1] and sum(r[3] for r in rows[-1]) + w > width:
            rows.append([])
        rows[-1].append((kind, key, text, w))
    return [r for r in rows if r]


def _mix(colour: str, amount: float, towards: float) -> tuple[float, ...]:
    return tuple(c + (towards - c) * amount for c in (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)))


def draw(diagram: Diagram) -> Figure:
    """Draw ``diagram`` as a matplotlib Figure (not registered with pyplot, so it never shows twice)."""
    lay = layout(diagram)
    fig = Figure(figsize=(lay.width, lay.height))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set(xlim=(0, lay.width), ylim=(0, lay.height))
    ax.set_axis_off()
    for title, (x0, y0, x1, y1) in lay.group_boxes.items():
        ax.add_patch(FancyBboxPatch((x0, y0), x1 - x0, y1 - y0, boxstyle="round,pad=0,rounding_size=0.08",
                                    facecolor="#f3f3f3", edgecolor="#d0d0d0", linewidth=0.8, zorder=0))
        ax.text(x0 + 0.1, y1 - 0.07, title, ha="left", va="top", fontsize=8.5, style="italic", color="#555555")
    for n in diagram.nodes:
        _box(ax, lay, diagram, n)
    for k, e in enumerate(diagram.edges):
        _arrow(ax, lay, e, *lay.labels.get(k, (e.label, "mid")))
    for k, line in enumerate(lay.title_lines):
        fig.text(0.5, 1 - (0.2 + 0.24 * k) / lay.height, line, ha="center", va="top", fontsize=TITLE_PT,
                 fontweight="bold", color="#111111")
    _legend(ax, diagram, lay)
    return fig


def _box(ax: Any, lay: Layout, d: Diagram, n: Node) -> None:
    (x, y), w, h = lay.pos[n.id], lay.box_w, lay.box_h
    colour = "#9a9a9a" if n.source == "missing" else KINDS[n.kind][1]
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0,rounding_size=0.06", zorder=2,
                                facecolor="#eeeeee" if n.source == "missing" else _mix(colour, 0.82, 1),
                                edgecolor=_mix(colour, 0.15, 0), linewidth=1.0 if n.source == "notebook" else 1.7,
                                linestyle="-" if n.source == "backend" else (0, (3, 2))))
    name = d.shown[n.id] = _fit(n.label, NAME_PT, w - 0.14, bold=True)
    detail = n.detail or (say("diagrams.not_found") if n.source == "missing" else "")
    lines = [(_fit(n.caption, SMALL_PT, w - 0.12), SMALL_PT, _mix(colour, 0.45, 0), "normal"),
             (name, NAME_PT, "#111111", "bold")]
    if detail:
        lines.append((_fit(detail, SMALL_PT, w - 0.12), SMALL_PT, "#B03A00" if n.source == "missing" else "#444444",
                      "normal"))
    ys = [y + 0.095, y - 0.095] if len(lines) == 2 else [y + 0.2, y + 0.01, y - 0.19]
    for (text, size, c, weight), yy in zip(lines, ys, strict=True):
        ax.text(x, yy, text, ha="center", va="center", fontsize=size, color=c, fontweight=weight, zorder=3)


def _arrow(ax: Any, lay: Layout, e: Edge, text: str, where: str) -> None:
    ls, colour, _ = STYLES[e.style]
    (x1, y1), (x2, y2), w, h = lay.pos[e.src], lay.pos[e.dst], lay.box_w, lay.box_h
    label_w = text_width(text, SMALL_PT) if text else 0
    if (e.src, e.dst) in lay.back:
        up = y1 > y2 + 0.01  # the source sits higher: loop over the tops, else under the bottoms
        side, vert = (0.15 if x1 > x2 else -0.15), (h / 2 if up else -h / 2)
        a, b = (x1 - side, y1 + vert), (x2 + side, y2 + vert)
        rad = 0.35 * (1 if up == (a[0] > b[0]) else -1)
        lx = (a[0] + b[0]) / 2 + 0.5 * rad * (b[1] - a[1])
        ly = (a[1] + b[1]) / 2 - 0.5 * rad * (b[0] - a[0])
    else:
        a, b, rad = (x1 + w / 2, y1), (x2 - w / 2, y2), 0.0
        lx = {"near dst": b[0] - label_w / 2 - 0.18, "near src": a[0] + label_w / 2 + 0.18}.get(where, (a[0] + b[0]) / 2)
        ly = a[1] + (lx - a[0]) / (b[0] - a[0]) * (b[1] - a[1])
    style = f"arc3,rad={rad}"
    ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-", connectionstyle=style, linestyle=ls, shrinkA=0,
                                 shrinkB=4, color=colour, linewidth=1.4, zorder=1))
    ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-|>,head_length=0.5,head_width=0.22", connectionstyle=style,
                                 mutation_scale=14, shrinkA=0, shrinkB=0, color=colour, linewidth=0, zorder=1))
    if text:
        ax.text(lx, ly, text, ha="center", va="center", fontsize=SMALL_PT, color=colour, zorder=4,
                bbox={"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none", "alpha": 0.92})


def _legend(ax: Any, d: Diagram, lay: Layout) -> None:
    rows = _legend_rows(d, lay.width - 0.4)
    y = 0.03 + 0.24 * len(rows)
    for row in rows:
        x = (lay.width - sum(r[3] for r in row)) / 2
        for kind, key, text, w in row:
            if kind == "line":
                ax.add_line(Line2D([x, x + 0.4], [y, y], linestyle=STYLES[key][0], color=STYLES[key][1], lw=1.6))
            else:
                ax.add_patch(FancyBboxPatch((x + 0.05, y - 0.07), 0.3, 0.14, boxstyle="round,pad=0,rounding_size=0.03",
                                            facecolor="#eeeeee" if key == "missing" else "white", edgecolor="#555555",
                                            linewidth=1.0 if key == "notebook" else 1.7,
                                            linestyle="-" if key == "backend" else (0, (3, 2))))
            ax.text(x + 0.5, y, text, ha="left", va="center", fontsize=LEGEND_PT, color="#333333")
            x += w
        y -= 0.24
