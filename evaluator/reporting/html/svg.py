"""Static SVG for the HTML report, from small pure functions.

``el`` builds one element and escapes every attribute value and text it is given (markupsafe, the
escaper Jinja2 uses), so a name from a file can never become markup. Coordinates are rounded to
one decimal, so the same inputs give the same bytes. Each chart takes plain values and returns
``Markup``; none reads a file or the clock.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from evaluator.reporting.flow import Edge, Flow
from evaluator.textsafe import one_line

BRIDGE_COLOUR = {"same": "#9e9e9e", "native": "#2e7d32", "standard": "#1565c0", "custom": "#e65100"}
BREAK_COLOUR = "#c62828"
ISLAND_FILLS = ("#e8f5e9", "#e3f2fd", "#fff3e0", "#f3e5f5", "#e0f7fa", "#fce4ec", "#f9fbe7")
CONCERN_LETTER = {"lineage": "L", "audit": "A", "identity": "I"}


def _fmt(value: object) -> str:
    if isinstance(value, float):
        text = f"{value:.1f}"
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def el(tag: str, attrs: dict[str, object] | None = None, *children: Markup | str) -> Markup:
    """``<tag attr="...">children</tag>``: attribute values and plain-string children are
    escaped (and made one line); ``Markup`` children are trusted, having been built here."""
    parts = [tag]
    for key, value in (attrs or {}).items():
        if value is None:
            continue
        parts.append(f'{key.rstrip("_").replace("_", "-")}="{escape(one_line(_fmt(value)))}"')
    inner = "".join(c if isinstance(c, Markup) else str(escape(one_line(c))) for c in children)
    if not inner and tag not in ("text", "title", "tspan"):
        return Markup(f"<{' '.join(parts)}/>")
    return Markup(f"<{' '.join(parts)}>{inner}</{tag}>")


def svg(width: float, height: float, label: str, *children: Markup) -> Markup:
    return el(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {_fmt(float(width))} {_fmt(float(height))}",
            "width": _fmt(float(width)),
            "height": _fmt(float(height)),
            "role": "img",
            "aria-label": label,
            "class": "chart",
        },
        el("title", None, label),
        *children,
    )


# ---------------------------------------------------------------------- trade-off chart


@dataclass(frozen=True)
class Point:
    name: str
    x: float
    y: float
    size: float
    """Glue, 0..100: the bubble's area grows with it."""
    viable: bool
    pareto: bool


def radius(size: float) -> float:
    return 5 + 22 * math.sqrt(max(0.0, min(size, 100.0)) / 100)


def domain(values: Sequence[float], *, span: float = 20.0) -> tuple[float, float, float]:
    """An axis range around ``values`` on 0..100, at least ``span`` wide, ends on multiples of
    the tick step (returned third), so close scores are told apart without hiding the scale."""
    lo, hi = (min(values), max(values)) if values else (0.0, 100.0)
    pad = max((hi - lo) * 0.15, 2.0)
    lo, hi = max(0.0, lo - pad), min(100.0, hi + pad)
    if hi - lo < span:
        grow = (span - (hi - lo)) / 2
        lo, hi = max(0.0, lo - grow), min(100.0, hi + grow)
        lo, hi = (lo, min(100.0, lo + span)) if lo == 0 else (max(0.0, hi - span), hi)
    step = 5.0 if hi - lo <= 40 else 10.0 if hi - lo <= 80 else 20.0
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def _spread(ys: list[float], gap: float) -> list[float]:
    """Label positions at least ``gap`` apart, each as near its point as that allows."""
    order = sorted(range(len(ys)), key=lambda i: (ys[i], i))
    out = list(ys)
    for k in range(1, len(order)):
        prev, cur = order[k - 1], order[k]
        out[cur] = max(out[cur], out[prev] + gap)
    return out


def scatter(points: Sequence[Point], *, x_label: str, y_label: str, title: str) -> Markup:
    """Fit (up, higher is better) against a score where lower is better (right is worse), one
    bubble per stack sized by glue, Pareto-front stacks outlined (the front is over all four
    scores, so it is marked, not drawn as a line in two of them). The axes zoom to
    the data (their ticks say where), so stacks a few points apart do not sit on each other."""
    w, h, left, right, top, bottom = 500.0, 330.0, 48.0, 172.0, 30.0, 44.0
    pw, ph = w - left - right, h - top - bottom
    x0, x1, xs = domain([p.x for p in points], span=10.0)
    y0, y1, ys = domain([p.y for p in points], span=10.0)

    inset = 14.0  # keeps a bubble at the end of an axis off the frame

    def px(x: float) -> float:
        share = (min(max(x, x0), x1) - x0) / (x1 - x0)
        return round(left + inset + (pw - 2 * inset) * share, 1)

    def py(y: float) -> float:
        share = (min(max(y, y0), y1) - y0) / (y1 - y0)
        return round(top + inset + (ph - 2 * inset) * (1 - share), 1)

    grid: list[Markup] = []
    for i in range(round((x1 - x0) / xs) + 1):
        tick = x0 + i * xs
        grid.append(
            el("line", {"x1": px(tick), "y1": top, "x2": px(tick), "y2": top + ph, "class": "grid"})
        )
        grid.append(
            el(
                "text",
                {"x": px(tick), "y": top + ph + 14, "class": "tick", "text-anchor": "middle"},
                _fmt(tick),
            )
        )
    for i in range(round((y1 - y0) / ys) + 1):
        tick = y0 + i * ys
        grid.append(
            el(
                "line",
                {"x1": left, "y1": py(tick), "x2": left + pw, "y2": py(tick), "class": "grid"},
            )
        )
        grid.append(
            el(
                "text",
                {"x": left - 6, "y": py(tick) + 4, "class": "tick", "text-anchor": "end"},
                _fmt(tick),
            )
        )
    mid = _fmt(top + ph / 2)
    axes = [
        el("rect", {"x": left, "y": top, "width": pw, "height": ph, "class": "frame"}),
        el(
            "text",
            {"x": left + pw / 2, "y": h - 8, "class": "axis", "text-anchor": "middle"},
            f"{x_label} (lower is better)",
        ),
        el(
            "text",
            {
                "x": 14,
                "y": top + ph / 2,
                "class": "axis",
                "text-anchor": "middle",
                "transform": f"rotate(-90 14 {mid})",
            },
            f"{y_label} (higher is better)",
        ),
        el("text", {"x": left, "y": 18, "class": "chart-title"}, title),
    ]
    ordered = sorted(points, key=lambda p: (-p.size, p.name))
    bubbles: list[Markup] = []
    for p in ordered:
        cls = (
            "bubble" + (" viable" if p.viable else " not-viable") + (" pareto" if p.pareto else "")
        )
        status = ("viable" if p.viable else "not viable") + (
            ", on the Pareto front" if p.pareto else ""
        )
        bubbles.append(
            el(
                "g",
                {"class": cls},
                el(
                    "title",
                    None,
                    f"{p.name}: {y_label} {p.y:.1f}, {x_label} {p.x:.1f}, glue {p.size:.1f}; {status}",
                ),
                el("circle", {"cx": px(p.x), "cy": py(p.y), "r": round(radius(p.size), 1)}),
            )
        )
    # Names in a column right of the plot, each joined to its bubble by a thin leader line.
    label_ys = _spread([py(p.y) + 4 for p in ordered], 14.0)
    names: list[Markup] = []
    for p, ly in zip(ordered, label_ys, strict=True):
        lx = left + pw + 14
        names.append(
            el(
                "line",
                {
                    "x1": px(p.x),
                    "y1": py(p.y),
                    "x2": lx - 3,
                    "y2": round(ly - 4, 1),
                    "class": "leader",
                },
            )
        )
        names.append(el("text", {"x": lx, "y": round(ly, 1), "class": "label"}, p.name))
    return svg(
        w,
        h + max(0.0, max(label_ys, default=0) - (top + ph)),
        title,
        *grid,
        *axes,
        *names,
        *bubbles,
    )


# ---------------------------------------------------------------------- bar chart


@dataclass(frozen=True)
class Bar:
    label: str
    share: float | None
    """0..1; None when the stack does not compete (not viable)."""
    text: str


def bars(items: Sequence[Bar], *, title: str) -> Markup:
    """Horizontal bars, one per stack, on a 0..100% axis."""
    label_w, bar_w, row, top = 200.0, 300.0, 26.0, 28.0
    w = label_w + bar_w + 80
    h = top + row * len(items) + 22
    out: list[Markup] = [el("text", {"x": 0, "y": 16, "class": "chart-title"}, title)]
    for tick in (0, 25, 50, 75, 100):
        x = label_w + bar_w * tick / 100
        out.append(el("line", {"x1": x, "y1": top - 4, "x2": x, "y2": h - 20, "class": "grid"}))
        out.append(
            el("text", {"x": x, "y": h - 6, "class": "tick", "text-anchor": "middle"}, f"{tick}%")
        )
    for i, item in enumerate(items):
        y = top + row * i
        out.append(
            el(
                "text",
                {"x": label_w - 8, "y": y + 15, "class": "label", "text-anchor": "end"},
                item.label,
            )
        )
        if item.share is None:
            out.append(el("text", {"x": label_w + 4, "y": y + 15, "class": "muted"}, item.text))
            continue
        width = round(bar_w * item.share, 1)
        out.append(
            el(
                "rect",
                {
                    "x": label_w,
                    "y": y + 3,
                    "width": max(width, 0.5),
                    "height": row - 8,
                    "class": "bar",
                },
            )
        )
        out.append(
            el(
                "text",
                {"x": round(label_w + width + 6, 1), "y": y + 15, "class": "label"},
                item.text,
            )
        )
    return svg(w, h, title, *out)


# ---------------------------------------------------------------------- stack diagram

NODE_W, GAP_X, GAP_Y, LINE_H, PAD = 168.0, 64.0, 22.0, 13.0, 16.0
LEFT = 44.0
"""Where the first column starts: room for the lanes into its left side."""
WRAP = 26
COLUMNS = 4


def _wrap(items: Sequence[str]) -> list[str]:
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + len(item) + 2 <= WRAP:
            lines[-1] += ", " + item
        else:
            lines.append(item)
    return lines


def _layers(flow: Flow, order: dict[str, int]) -> tuple[dict[str, int], list[str]]:
    """Each stage tool's column: one after every tool that hands it work earlier in the
    lifecycle (longest path), so the picture reads left to right. Tools that serve no stage
    (cross-cutting concerns, idle tools) go in a row of their own, returned second."""
    key = {
        t: min(order[c] for c in flow.serves[t] if c in order)
        for t in flow.tools
        if any(c in order for c in flow.serves[t])
    }
    layer: dict[str, int] = {}
    for tool in sorted(key, key=lambda t: (key[t], t)):
        before = [
            layer[e.source]
            for e in flow.edges
            if e.target == tool
            and e.source in layer
            and (key[e.source], e.source) < (key[tool], tool)
        ]
        layer[tool] = 1 + max(before) if before else 0
    rest = [t for t in flow.tools if t not in key]
    return layer, rest


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    h: float
    band: int
    col: int

    @property
    def mid_y(self) -> float:
        return self.y + self.h / 2

    @property
    def mid_x(self) -> float:
        return self.x + NODE_W / 2


def _node(flow: Flow, tool: str, box: Box, name: str) -> Markup:
    island = flow.island_of(tool)
    idle = tool in flow.idle
    many = len(flow.islands) > 1
    fill = ISLAND_FILLS[island % len(ISLAND_FILLS)] if island is not None and many else "#ffffff"
    lines = _wrap(flow.serves[tool]) if flow.serves[tool] else ["idle: serves no need"]
    inside = flow.internal.get(tool, 0)
    if inside:
        lines.append(f"{inside} handoff{'s' if inside != 1 else ''} inside")
    texts = [el("text", {"x": box.x + 8, "y": box.y + 16, "class": "node-name"}, tool)]
    texts += [
        el(
            "text",
            {"x": box.x + 8, "y": round(box.y + 30 + LINE_H * i, 1), "class": "node-text"},
            line,
        )
        for i, line in enumerate(lines)
    ]
    if island is not None and many:
        texts.append(
            el(
                "text",
                {
                    "x": box.x + NODE_W - 8,
                    "y": box.y + 16,
                    "class": "island-tag",
                    "text-anchor": "end",
                },
                f"island {island + 1}",
            )
        )
    detail = ", ".join(flow.serves[tool]) or "serves no need"
    where = f"; integration island {island + 1}" if island is not None and many else ""
    return el(
        "g",
        {"class": "node idle" if idle else "node"},
        el("title", None, f"{name} ({tool}): {detail}{where}"),
        el(
            "rect",
            {"x": box.x, "y": box.y, "width": NODE_W, "height": box.h, "rx": 6, "fill": fill},
        ),
        *texts,
    )


Pt = tuple[float, float]


def _curve(p0: Pt, p1: Pt, p2: Pt, p3: Pt) -> tuple[str, Pt]:
    path = "M{:.1f},{:.1f} C{:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f}".format(*p0, *p1, *p2, *p3)
    mid = (
        (p0[0] + 3 * p1[0] + 3 * p2[0] + p3[0]) / 8,
        (p0[1] + 3 * p1[1] + 3 * p2[1] + p3[1]) / 8,
    )
    return path, mid


def _route(a: Box, b: Box, band_top: float, lane: tuple[float, float]) -> tuple[str, Pt]:
    """An SVG path from ``a`` to ``b`` that keeps clear of other boxes in the common cases, and
    where to put its badge: to the next column, side to side; further along the row, over the
    top of the row and down the gap left of the target into its side; to a later row, out of the source's right side, down the gap beside its
    column to a lane under its row (``lane``: that gap's x and the lane's y), across to the gap
    left of the target, and down into its left side; back, or within a column, around."""
    if a.band == b.band and b.col == a.col + 1:
        x1, y1, x2, y2 = a.x + NODE_W, a.mid_y, b.x - 2, b.mid_y
        c = (x2 - x1) / 2
        return _curve((x1, y1), (x1 + c, y1), (x2 - c, y2), (x2, y2))
    if a.band == b.band and b.col > a.col:
        x1, y1 = a.mid_x + 20, a.y
        gx, tx, ty = b.x - 10 - (b.col - a.col) * 4, b.x - 2, b.mid_y
        lift = band_top - 12 - (b.col - a.col) * 6
        path = (
            f"M{x1:.1f},{y1:.1f} L{x1:.1f},{lift + 8:.1f} Q{x1:.1f},{lift:.1f} {x1 + 8:.1f},{lift:.1f} "
            f"L{gx - 8:.1f},{lift:.1f} Q{gx:.1f},{lift:.1f} {gx:.1f},{lift + 8:.1f} "
            f"L{gx:.1f},{ty - 8:.1f} Q{gx:.1f},{ty:.1f} {gx + 8:.1f},{ty:.1f} L{tx:.1f},{ty:.1f}"
        )
        return path, ((x1 + gx) / 2, lift)
    if b.band > a.band:
        lx, ly = lane
        x1, y1 = a.x + NODE_W, a.mid_y
        tx, ty = b.x - 2, b.mid_y
        gx = b.x - 14 - (lx - a.x - NODE_W - 14)  # the gap left of the target, offset as the lane
        turn = 8.0 if gx > lx else -8.0
        path = (
            f"M{x1:.1f},{y1:.1f} L{lx - 8:.1f},{y1:.1f} Q{lx:.1f},{y1:.1f} {lx:.1f},{y1 + 8:.1f} "
            f"L{lx:.1f},{ly - 8:.1f} Q{lx:.1f},{ly:.1f} {lx + turn:.1f},{ly:.1f} "
            f"L{gx - turn:.1f},{ly:.1f} Q{gx:.1f},{ly:.1f} {gx:.1f},{ly + 8:.1f} "
            f"L{gx:.1f},{ty - 8:.1f} Q{gx:.1f},{ty:.1f} {gx + 8:.1f},{ty:.1f} L{tx:.1f},{ty:.1f}"
        )
        return path, ((lx + gx) / 2, ly)
    if a.band == b.band and b.col == a.col:
        x1, y1, x2, y2 = a.x + NODE_W, a.mid_y, b.x + NODE_W + 2, b.mid_y
        bulge = 34 + abs(y2 - y1) * 0.15
        return _curve((x1, y1), (x1 + bulge, y1), (x2 + bulge, y2), (x2, y2))
    x1, y1, x2, y2 = a.mid_x - 20, a.y + a.h, b.mid_x + 20, b.y + b.h + 2
    drop = max(y1, y2) + 30
    return _curve((x1, y1), (x1, drop), (x2, drop), (x2, y2))


def _edge(
    edge: Edge, a: Box, b: Box, band_top: float, lane: tuple[float, float], marker: str
) -> Markup:
    path, (mx, my) = _route(a, b, band_top, lane)
    stages = "; ".join(f"{s} -> {t}" for s, t in edge.stages)
    broken = ", ".join(edge.broken) or "nothing"
    title = (
        f"{edge.source} -> {edge.target}: {edge.connection} ({stages}); "
        f"does not carry: {broken}" + ("; between teams" if edge.team_boundary else "")
    )
    parts: list[Markup] = [
        el("title", None, title),
        el(
            "path",
            {
                "d": path,
                "stroke": BRIDGE_COLOUR[edge.connection],
                "class": f"edge {edge.connection}",
                "marker-end": f"url(#{marker}-{edge.connection})",
            },
        ),
    ]
    letters = "".join(CONCERN_LETTER[c] for c in edge.breaks_governance)
    if letters:
        bw = 8 + 7 * len(letters)
        parts.append(
            el(
                "rect",
                {
                    "x": round(mx - bw / 2, 1),
                    "y": round(my - 8, 1),
                    "width": bw,
                    "height": 15,
                    "rx": 7,
                    "class": "break",
                },
            )
        )
        parts.append(
            el(
                "text",
                {
                    "x": round(mx, 1),
                    "y": round(my + 3.5, 1),
                    "class": "break-text",
                    "text-anchor": "middle",
                },
                letters,
            )
        )
    return el("g", {"class": "handoff"}, *parts)


def _height(flow: Flow, tool: str) -> float:
    lines = len(_wrap(flow.serves[tool])) if flow.serves[tool] else 1
    return 24 + LINE_H * (lines + (1 if flow.internal.get(tool) else 0))


def diagram(
    flow: Flow, order: dict[str, int], names: dict[str, str], *, ident: str, title: str
) -> Markup:
    """Tools as boxes (what each serves, handoffs kept inside it, island by fill colour, idle
    dashed), handoffs between tools as arrows coloured by bridge (custom dashed), a red badge
    where lineage (L), audit (A) or identity (I) does not carry across. Columns follow the
    lifecycle, at most ``COLUMNS`` to a row; later columns continue on the next row."""
    layer, rest = _layers(flow, order)
    columns: dict[int, list[str]] = {}
    for tool in sorted(layer, key=lambda t: (layer[t], t)):
        columns.setdefault(layer[tool], []).append(tool)
    boxes: dict[str, Box] = {}
    band_tops: dict[int, float] = {}
    band_bottoms: dict[int, float] = {}
    y_band = PAD + 40
    for band in range(0, max(columns, default=-1) + 1, COLUMNS):
        band_tops[band // COLUMNS] = y_band
        bottom = y_band
        for col in range(band, band + COLUMNS):
            y = y_band + (col % 2) * 18
            for tool in columns.get(col, []):
                boxes[tool] = Box(
                    LEFT + (col - band) * (NODE_W + GAP_X),
                    y,
                    _height(flow, tool),
                    band // COLUMNS,
                    col,
                )
                y += _height(flow, tool) + GAP_Y
            bottom = max(bottom, y)
        band_bottoms[band // COLUMNS] = bottom
        y_band = bottom + 56
    labels: list[Markup] = []
    if rest:
        labels.append(
            el(
                "text",
                {"x": PAD, "y": y_band - 14, "class": "row-label"},
                "cross-cutting and idle tools",
            )
        )
        per_row = COLUMNS + 1
        for i in range(0, len(rest), per_row):
            row = rest[i : i + per_row]
            for j, tool in enumerate(row):
                boxes[tool] = Box(
                    LEFT + j * (NODE_W + GAP_X / 2), y_band, _height(flow, tool), -1 - i, j
                )
            y_band += max(_height(flow, t) for t in row) + GAP_Y
    used = max(
        [
            min(len(columns), COLUMNS) * (NODE_W + GAP_X) - GAP_X,
            min(len(rest), COLUMNS + 1) * (NODE_W + GAP_X / 2),
        ]
    )
    w = LEFT + PAD + used + 40
    h = y_band + PAD
    defs = el(
        "defs",
        None,
        *(
            el(
                "marker",
                {
                    "id": f"{ident}-{kind}",
                    "viewBox": "0 0 10 10",
                    "refX": 9,
                    "refY": 5,
                    "markerWidth": 7,
                    "markerHeight": 7,
                    "orient": "auto-start-reverse",
                },
                el("path", {"d": "M0,0 L10,5 L0,10 z", "fill": colour}),
            )
            for kind, colour in BRIDGE_COLOUR.items()
        ),
    )
    heading = el(
        "text",
        {"x": PAD, "y": PAD + 4, "class": "row-label"},
        "the lifecycle, left to right" + (", row by row" if len(columns) > COLUMNS else ""),
    )
    edges = []
    down = 0
    for e in flow.edges:
        a, b = boxes[e.source], boxes[e.target]
        lane = (
            a.x + NODE_W + 14 + 8 * (down % 4),
            band_bottoms.get(a.band, 0.0) + 8 + 9 * (down % 4),
        )
        if b.band > a.band >= 0:
            down += 1
        edges.append(_edge(e, a, b, band_tops.get(a.band, PAD), lane, ident))
    nodes = [_node(flow, t, boxes[t], names.get(t, t)) for t in flow.tools]
    return svg(w, h, title, defs, heading, *labels, *edges, *nodes)
