"""Our own SVG drawing of the PRISMA 2020 flow diagram (new review; databases, registers and
other methods), laid out as the official template: phase bars on the left (Identification,
Screening, Included), the databases-and-registers arm with its removal/exclusion boxes to the
right of each step, and the other-methods arm beside it.

Pure: a `PrismaFlow` in, SVG text out. Every piece of text is XML-escaped (source names and
exclusion reasons are user input), and boxes grow to fit their wrapped lines, so a long list
of reasons never spills out of its box. Plain SVG 1.1 with no scripts or external fonts: it
opens in any browser and converts with rsvg-convert.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
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


def flow_svg(flow: PrismaFlow, *, title: str = "") -> str:
    """The PRISMA 2020 flow diagram of `flow` as a standalone SVG document."""
    f = flow
    has_other = f.website_results + f.organisation_results + f.citations_results > 0
    awaiting_ta = [f"Awaiting a decision {_n(f.records_awaiting)}"] if f.records_awaiting else []
    awaiting_ft = (
        [f"Awaiting assessment {_n(f.dbr_awaiting_reports)}"] if f.dbr_awaiting_reports else []
    )
    sources = {**f.database_specific_results, **f.register_specific_results}
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
        [
            _Box(0, _lines(f"Studies included in review {_n(f.new_studies)}",
                           f"Reports of included studies {_n(f.new_reports)}")),
        ],
    ]  # fmt: skip
    del sources
    if has_other:
        other_awaiting = f.other_records_awaiting + f.other_awaiting_reports
        rows[0].append(
            _Box(2, _lines("Records identified from:", f"Websites {_n(f.website_results)}",
                           f"Organisations {_n(f.organisation_results)}",
                           f"Citation searching {_n(f.citations_results)}"))
        )  # fmt: skip
        rows[2] += [
            _Box(2, _lines(f"Reports sought for retrieval {_n(f.other_sought_reports)}",
                           *([f"Duplicates, not sought {_n(f.other_duplicates)}"]
                             if f.other_duplicates else []),
                           *([f"Ineligible by automation {_n(f.other_excluded_automatic)}"]
                             if f.other_excluded_automatic else []),
                           *([f"Excluded at screening {_n(f.other_records_excluded)}"]
                             if f.other_records_excluded else []),
                           *([f"Awaiting {_n(other_awaiting)}"] if other_awaiting else []))),
            _Box(3, _lines(f"Reports not retrieved {_n(f.other_notretrieved_reports)}")),
        ]  # fmt: skip
        rows[3] += [
            _Box(2, _lines(f"Reports assessed for eligibility {_n(f.other_assessed)}")),
            _Box(3, _reasons("Reports excluded:", f.other_excluded)),
        ]

    heights = [float(max(_height(b) for b in row)) for row in rows]
    heights[-1] = max(heights[-1], 80.0)  # room for the rotated "Included" label
    ys: list[float] = []
    y: float = TOP + 40
    for h in heights:
        ys.append(y)
        y += h + GAP_Y
    width = (COLS[3] if has_other else COLS[1]) + BOX_W + 20
    height = y + 10

    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif"'
        f' font-size="{FONT}">',
        "<title>PRISMA 2020 flow diagram" + (f" — {escape(title)}" if title else "") + "</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7"'
        ' markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"'
        ' fill="#333"/></marker></defs>',
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    # arm headers
    db_w = COLS[1] + BOX_W - COLS[0]
    parts.append(
        f'<rect x="{COLS[0]}" y="{TOP - 20}" width="{db_w}" height="44" rx="6" fill="#ffc000"'
        ' stroke="#333"/>'
    )
    parts.append(
        _text(COLS[0] + PAD, TOP + 6,
              ("Identification of new studies via databases and registers",), True)
    )  # fmt: skip
    if has_other:
        ow = COLS[3] + BOX_W - COLS[2]
        parts.append(
            f'<rect x="{COLS[2]}" y="{TOP - 20}" width="{ow}" height="44" rx="6" fill="#d9d9d9"'
            ' stroke="#333"/>'
        )
        parts.append(
            _text(
                COLS[2] + PAD, TOP + 6, ("Identification of new studies via other methods",), True
            )
        )
    # phase bars: identification = row 0, screening = rows 1-3, included = row 4
    phases = [("Identification", 0, 0), ("Screening", 1, 3), ("Included", 4, 4)]
    for name, first, last in phases:
        top, bottom = ys[first], ys[last] + heights[last]
        cx, cy = 20 + BAR_W / 2, (top + bottom) / 2
        parts.append(
            f'<rect x="20" y="{top}" width="{BAR_W}" height="{bottom - top}" rx="6"'
            ' fill="#9dc3e6" stroke="#333"/>'
        )
        parts.append(
            f'<text x="{cx:.0f}" y="{cy:.0f}" font-weight="bold" text-anchor="middle"'
            f' dominant-baseline="middle" transform="rotate(-90 {cx:.0f} {cy:.0f})">{name}</text>'
        )
    # boxes
    centre: dict[tuple[int, int], tuple[float, float, float]] = {}  # (row, col) → (x, top, h)
    for r, row in enumerate(rows):
        for box in row:
            x, h = float(COLS[box.col]), float(_height(box))
            top = ys[r] + (heights[r] - h) / 2 if box.col in (1, 3) else ys[r]
            if box.col in (0, 2):
                h = heights[r]
            centre[(r, box.col)] = (x, top, h)
            parts.append(
                f'<rect x="{x}" y="{top:.0f}" width="{BOX_W}" height="{h:.0f}" fill="white"'
                ' stroke="#333"/>'
            )
            parts.append(_text(x + PAD, top + PAD + FONT, box.lines, box.bold_first))
    # arrows down each main column and across to the side boxes
    for col, side in ((0, 1), (2, 3)):
        chain = [r for r in range(len(rows)) if (r, col) in centre]
        for a, b in pairwise(chain):
            xa, ta, ha = centre[(a, col)]
            _, tb, _ = centre[(b, col)]
            parts.append(_arrow(xa + BOX_W / 2, ta + ha, xa + BOX_W / 2, tb - 2))
        for r in chain:
            if (r, side) in centre:
                x, t, h = centre[(r, col)]
                _, ts, hs = centre[(r, side)]
                parts.append(_arrow(x + BOX_W, ts + hs / 2, COLS[side] - 2, ts + hs / 2))
    if has_other and (3, 2) in centre and (4, 0) in centre:
        x, t, h = centre[(3, 2)]
        x0, t0, h0 = centre[(4, 0)]
        parts.append(_arrow(x + BOX_W / 2, t + h, x0 + BOX_W + 2, t0 + h0 / 2))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
