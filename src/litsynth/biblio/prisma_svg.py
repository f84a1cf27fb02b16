"""Our own drawing of the PRISMA 2020 flow diagram (new review; databases, registers and
other methods), laid out as the official template: phase bars on the left (Identification,
Screening, Included), the databases-and-registers arm with its removal/exclusion boxes to the
right of each step, and the other-methods arm beside it, its last box joined to "Studies
included" by an elbow arrow as the template draws it.

The layout is computed once (`layout`: boxes, bars, texts and arrows in pixels) and drawn by
two renderers: `flow_svg` here (plain SVG 1.1, no scripts or external fonts, every text
XML-escaped because source names and reasons are user input) and prisma_figure.py
(matplotlib: PNG and PDF without a browser). Boxes grow to fit their wrapped lines, so a long
list of reasons never spills out of its box.

What the template has no box for (other-methods records that were duplicates, ineligible by
automation or excluded when screened, so not sought) is shown in a dashed note beside the
identification box, never inside a template box.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from xml.sax.saxutils import escape

from litsynth.biblio.prisma import PrismaFlow

FONT = 12  # px
LINE = 15  # px between baselines
CHAR = 5.9  # average px per character of 12px Helvetica/Arial text, for wrapping
PAD = 8
BOX_W = 230
GAP_X = 40
GAP_Y = 34
BAR_W = 26
TOP = 70
LEFT = 20 + BAR_W + 14
COLS = [
    LEFT,
    LEFT + BOX_W + GAP_X,
    LEFT + 2 * (BOX_W + GAP_X) + 20,
    LEFT + 3 * (BOX_W + GAP_X) + 20,
]


PREVIOUS = -1  # the column of an updated review's previous version, left of the others


@dataclass(frozen=True)
class _Box:
    col: int
    lines: tuple[str, ...]
    bold_first: bool = True


def _wrap(text: str, width_px: int = BOX_W - 2 * PAD) -> list[str]:
    return textwrap.wrap(text, width=max(int(width_px / CHAR), 10)) or [""]


def _lines(*parts: str) -> tuple[str, ...]:
    out: list[str] = []
    for p in parts:
        out += _wrap(p)
    return tuple(out)


def _n(v: int) -> str:
    # no-break spaces: textwrap never splits "(n = 12)" across two lines
    return f"(n\u00a0=\u00a0{v})"


def _reasons(title: str, reasons: Mapping[str, int]) -> tuple[str, ...]:
    items = [f"{reason} {_n(n)}" for reason, n in reasons.items()]
    return _lines(f"{title} {_n(sum(reasons.values()))}", *items)


def _height(box: _Box) -> int:
    return len(box.lines) * LINE + 2 * PAD


def _text(x: float, y: float, lines: tuple[str, ...], bold_first: bool) -> str:
    spans = []
    for i, line in enumerate(lines):
        weight = ' font-weight="bold"' if bold_first and i == 0 else ""
        spans.append(f'<tspan x="{x:.0f}" y="{y + i * LINE:.0f}"{weight}>{escape(line)}</tspan>')
    return f"<text>{''.join(spans)}</text>"


def _arrow(x1: float, y1: float, x2: float, y2: float) -> str:
    return (
        f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" stroke="#333"'
        ' stroke-width="1.4" marker-end="url(#arrow)"/>'
    )


@dataclass(frozen=True)
class Shape:
    """A rectangle: a box, an arm header or a phase bar."""

    x: float
    y: float
    w: float
    h: float
    fill: str = "white"
    rx: float = 0
    dashed: bool = False


@dataclass(frozen=True)
class Label:
    """Lines of text; x, y is the first baseline. `vertical` text is centred and turned 90°."""

    x: float
    y: float
    lines: tuple[str, ...]
    bold_first: bool = True
    vertical: bool = False


@dataclass(frozen=True)
class Arrow:
    points: tuple[tuple[float, float], ...]  # a polyline; the head is at the last point


@dataclass(frozen=True)
class Drawing:
    width: float
    height: float
    title: str
    shapes: tuple[Shape, ...] = ()
    labels: tuple[Label, ...] = ()
    arrows: tuple[Arrow, ...] = ()


@dataclass
class _Canvas:
    shapes: list[Shape] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)


def _updated(f: PrismaFlow) -> bool:
    """Whether to draw the template for updated reviews: a previous version is counted."""
    return bool(f.previous_studies or f.previous_reports)


def _included(f: PrismaFlow) -> _Box:
    if _updated(f):
        return _Box(0, _lines(f"New studies included in review {_n(f.new_studies)}",
                              f"Reports of new included studies {_n(f.new_reports)}"))  # fmt: skip
    return _Box(0, _lines(f"Studies included in review {_n(f.new_studies)}",
                          f"Reports of included studies {_n(f.new_reports)}"))  # fmt: skip


def _rows(f: PrismaFlow, has_other: bool) -> list[list[_Box]]:
    awaiting_ta = [f"Awaiting a decision {_n(f.records_awaiting)}"] if f.records_awaiting else []
    awaiting_ft = (
        [f"Awaiting assessment {_n(f.dbr_awaiting_reports)}"] if f.dbr_awaiting_reports else []
    )
    rows: list[list[_Box]] = [
        [
            _Box(0, _lines("Records identified from:", f"Databases {_n(f.database_results)}",
                           *[f"  {s} {_n(n)}" for s, n in f.database_specific_results.items()],
                           f"Registers {_n(f.register_results)}")),
            _Box(1, _lines("Records removed before screening:",
                           f"Duplicate records removed {_n(f.duplicates)}",
                           "Records marked as ineligible by automation tools "
                           + _n(f.excluded_automatic),
                           f"Records removed for other reasons {_n(f.excluded_other)}")),
        ],
        [
            _Box(0, _lines(f"Records screened {_n(f.records_screened)}", *awaiting_ta)),
            _Box(1, _lines(f"Records excluded {_n(f.records_excluded)}")),
        ],
        [
            _Box(0, _lines(f"Reports sought for retrieval {_n(f.dbr_sought_reports)}")),
            _Box(1, _lines(f"Reports not retrieved {_n(f.dbr_notretrieved_reports)}")),
        ],
        [
            _Box(0, _lines(f"Reports assessed for eligibility {_n(f.dbr_assessed)}", *awaiting_ft)),
            _Box(1, _reasons("Reports excluded:", f.dbr_excluded)),
        ],
        [_included(f)],
    ]  # fmt: skip
    if _updated(f):
        rows[0].append(
            _Box(PREVIOUS, _lines("Studies included in previous version of review "
                                  + _n(f.previous_studies),
                                  "Reports of studies included in previous version of review "
                                  + _n(f.previous_reports)))
        )  # fmt: skip
        found = (
            [f"including new reports of studies in previous version {_n(f.previous_new_reports)}"]
            if f.previous_new_reports
            else []
        )
        rows.append(
            [_Box(0, _lines(f"Total studies included in review {_n(f.total_studies)}",
                            f"Reports of total included studies {_n(f.total_reports)}", *found))]
        )  # fmt: skip
    if not has_other:
        return rows
    rows[0].append(
        _Box(2, _lines("Records identified from:", f"Websites {_n(f.website_results)}",
                       f"Organisations {_n(f.organisation_results)}",
                       f"Citation searching {_n(f.citations_results)}"))
    )  # fmt: skip
    not_sought = [
        f"{what} {_n(n)}"
        for what, n in (
            ("Duplicates", f.other_duplicates),
            ("Ineligible by automation tools", f.other_excluded_automatic),
            ("Excluded when screened", f.other_records_excluded),
            ("Awaiting a decision", f.other_records_awaiting + f.other_awaiting_reports),
        )
        if n
    ]
    if not_sought:
        rows[0].append(_Box(3, _lines("Not sought for retrieval:", *not_sought)))
    awaiting_other = (
        [f"Awaiting assessment {_n(f.other_awaiting_reports)}"] if f.other_awaiting_reports else []
    )
    rows[2] += [
        _Box(2, _lines(f"Reports sought for retrieval {_n(f.other_sought_reports)}")),
        _Box(3, _lines(f"Reports not retrieved {_n(f.other_notretrieved_reports)}")),
    ]
    rows[3] += [
        _Box(
            2, _lines(f"Reports assessed for eligibility {_n(f.other_assessed)}", *awaiting_other)
        ),
        _Box(3, _reasons("Reports excluded:", f.other_excluded)),
    ]
    return rows


def layout(flow: PrismaFlow, *, title: str = "") -> Drawing:
    """Where every box, text and arrow of the diagram goes, in pixels. An updated review gets
    the template for updated reviews: a "Previous studies" column on the left, and a total of
    the new and previous studies under the new ones."""
    has_other = flow.website_results + flow.organisation_results + flow.citations_results > 0
    updated = _updated(flow)
    shift = BOX_W + GAP_X if updated else 0  # the other columns stand right of the previous one

    def col_x(col: int) -> float:
        return float(LEFT if col == PREVIOUS else COLS[col] + shift)

    rows = _rows(flow, has_other)
    heights = [float(max(_height(b) for b in row)) for row in rows]
    included = len(rows) - 1 if not updated else len(rows) - 2  # the new studies' row
    heights[included] = max(heights[included], 80.0)  # room for the rotated "Included" label
    ys: list[float] = []
    y: float = TOP + 40
    for h in heights:
        ys.append(y)
        y += h + GAP_Y
    width = col_x(3 if has_other else 1) + BOX_W + 20
    c = _Canvas()
    # arm headers
    if updated:
        c.shapes.append(Shape(LEFT, TOP - 20, BOX_W, 44, "#d9d9d9", 6))
        c.labels.append(Label(LEFT + PAD, TOP + 6, ("Previous studies",)))
    c.shapes.append(Shape(col_x(0), TOP - 20, col_x(1) + BOX_W - col_x(0), 44, "#ffc000", 6))
    c.labels.append(
        Label(
            col_x(0) + PAD, TOP + 6, ("Identification of new studies via databases and registers",)
        )
    )
    if has_other:
        c.shapes.append(Shape(col_x(2), TOP - 20, col_x(3) + BOX_W - col_x(2), 44, "#d9d9d9", 6))
        c.labels.append(
            Label(col_x(2) + PAD, TOP + 6, ("Identification of new studies via other methods",))
        )
    # phase bars: identification = row 0, screening = rows 1-3, included = the rest
    for name, first, last in (
        ("Identification", 0, 0), ("Screening", 1, 3), ("Included", 4, len(rows) - 1),
    ):  # fmt: skip
        top, bottom = ys[first], ys[last] + heights[last]
        c.shapes.append(Shape(20, top, BAR_W, bottom - top, "#9dc3e6", 6))
        c.labels.append(Label(20 + BAR_W / 2, (top + bottom) / 2, (name,), vertical=True))
    # boxes: main columns fill their row, side boxes are centred on it
    placed: dict[tuple[int, int], tuple[float, float, float]] = {}  # (row, col) → (x, top, h)
    for r, row in enumerate(rows):
        for box in row:
            x, h = col_x(box.col), float(_height(box))
            note = r == 0 and box.col == 3  # the other arm's "not sought" note
            top = ys[r] + (heights[r] - h) / 2 if box.col in (1, 3) and not note else ys[r]
            if box.col in (0, 2, PREVIOUS):
                h = heights[r]
            placed[(r, box.col)] = (x, top, h)
            c.shapes.append(Shape(x, round(top), BOX_W, round(h), dashed=note))
            c.labels.append(Label(x + PAD, top + PAD + FONT, box.lines, box.bold_first))
    # arrows down each main column and across to the side boxes
    for col, side in ((0, 1), (2, 3)):
        chain = [r for r in range(len(rows)) if (r, col) in placed]
        for a, b in pairwise(chain):
            xa, ta, ha = placed[(a, col)]
            _, tb, _ = placed[(b, col)]
            c.arrows.append(Arrow(((xa + BOX_W / 2, ta + ha), (xa + BOX_W / 2, tb - 2))))
        for r in chain:
            if (r, side) in placed and not (r == 0 and side == 3):
                x, _t, _h = placed[(r, col)]
                _, ts, hs = placed[(r, side)]
                c.arrows.append(Arrow(((x + BOX_W, ts + hs / 2), (col_x(side) - 2, ts + hs / 2))))
    if (0, 3) in placed:  # the note hangs off the identification box, dashed, like a footnote
        x, t, h = placed[(0, 2)]
        c.arrows.append(Arrow(((x + BOX_W, t + h / 2), (col_x(3) - 2, t + h / 2))))
    if (3, 2) in placed and (4, 0) in placed:
        # as the template: down from "assessed" (other methods), then left into "included"
        x, t, h = placed[(3, 2)]
        x0, t0, h0 = placed[(4, 0)]
        mid = t0 + h0 / 2
        c.arrows.append(
            Arrow(((x + BOX_W / 2, t + h), (x + BOX_W / 2, mid), (x0 + BOX_W + 2, mid)))
        )
    if updated:
        # the previous studies down their column, then right into the total
        x, t, h = placed[(0, PREVIOUS)]
        x0, t0, h0 = placed[(len(rows) - 1, 0)]
        mid = t0 + h0 / 2
        c.arrows.append(Arrow(((x + BOX_W / 2, t + h), (x + BOX_W / 2, mid), (x0 - 2, mid))))
    return Drawing(width, y + 10, title, tuple(c.shapes), tuple(c.labels), tuple(c.arrows))


def _svg_text(label: Label) -> str:
    if label.vertical:
        x, y = f"{label.x:.0f}", f"{label.y:.0f}"
        return (
            f'<text x="{x}" y="{y}" font-weight="bold" text-anchor="middle"'
            f' dominant-baseline="middle" transform="rotate(-90 {x} {y})">'
            f"{escape(label.lines[0])}</text>"
        )
    return _text(label.x, label.y, label.lines, label.bold_first)


def _svg_arrow(arrow: Arrow) -> str:
    if len(arrow.points) == 2:
        (x1, y1), (x2, y2) = arrow.points
        return _arrow(x1, y1, x2, y2)
    points = " ".join(f"{x:.0f},{y:.0f}" for x, y in arrow.points)
    return (
        f'<polyline points="{points}" fill="none" stroke="#333" stroke-width="1.4"'
        ' marker-end="url(#arrow)"/>'
    )


def _svg_shape(s: Shape) -> str:
    rx = f' rx="{s.rx:g}"' if s.rx else ""
    dash = ' stroke-dasharray="5,4"' if s.dashed else ""
    return (
        f'<rect x="{s.x:g}" y="{s.y:g}" width="{s.w:g}" height="{s.h:g}"{rx} fill="{s.fill}"'
        f' stroke="#333"{dash}/>'
    )


def flow_svg(flow: PrismaFlow, *, title: str = "") -> str:
    """The PRISMA 2020 flow diagram of `flow` as a standalone SVG document."""
    d = layout(flow, title=title)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{d.width:g}" height="{d.height:g}"'
        f' viewBox="0 0 {d.width:g} {d.height:g}" font-family="Helvetica, Arial, sans-serif"'
        f' font-size="{FONT}">',
        "<title>PRISMA 2020 flow diagram" + (f" — {escape(title)}" if title else "") + "</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7"'
        ' markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"'
        ' fill="#333"/></marker></defs>',
        f'<rect width="{d.width:g}" height="{d.height:g}" fill="white"/>',
    ]
    parts += [_svg_shape(s) for s in d.shapes]
    parts += [_svg_text(label) for label in d.labels]
    parts += [_svg_arrow(a) for a in d.arrows]
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
