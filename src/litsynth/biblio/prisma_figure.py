"""The PRISMA 2020 flow diagram as PNG or PDF, drawn with matplotlib from the same layout as
the SVG (prisma_svg.layout), so the three files always agree box for box.

matplotlib rather than converting the SVG: it installs from wheels on every platform, needs no
browser and no system cairo, and writes both raster (PNG, for Word) and vector (PDF, for
journals) output. Text uses DejaVu Sans, which matplotlib ships, so nothing is fetched.
"""

from __future__ import annotations

import io
from pathlib import Path

from litsynth import atomic
from litsynth.biblio.prisma import PrismaFlow
from litsynth.biblio.prisma_svg import FONT, LINE, Drawing, layout
from litsynth.errors import PrismaError

FORMATS = ("png", "pdf")
_PX = 1 / 96  # the layout is in CSS pixels; matplotlib works in inches


def draw(drawing: Drawing, path: Path, *, fmt: str, dpi: int = 200) -> None:
    """Write `drawing` as PNG or PDF (atomic: a half-written file never replaces a good one)."""
    if fmt not in FORMATS:
        raise PrismaError(f"unknown figure format {fmt!r}", hint="png or pdf (or --svg)")
    import matplotlib

    matplotlib.use("Agg")  # no display: works on servers and in CI
    from matplotlib import pyplot as plt
    from matplotlib.patches import FancyBboxPatch, Rectangle

    fig = plt.figure(figsize=(drawing.width * _PX, drawing.height * _PX))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, drawing.width)
    ax.set_ylim(drawing.height, 0)  # y grows downwards, as in SVG
    ax.axis("off")
    # CSS px -> pt, narrowed: the layout wraps for Helvetica's ~5.9 px per character and
    # DejaVu Sans runs ~16% wider, so it is set that much smaller to stay inside its boxes
    points = FONT * 0.75 * 0.84
    for s in drawing.shapes:
        dash = (0, (5, 4)) if s.dashed else "solid"
        patch = (
            FancyBboxPatch((s.x, s.y), s.w, s.h, boxstyle=f"round,pad=0,rounding_size={s.rx}")
            if s.rx
            else Rectangle((s.x, s.y), s.w, s.h)
        )
        patch.set(facecolor=s.fill, edgecolor="#333333", linewidth=0.8, linestyle=dash)
        ax.add_patch(patch)
    for label in drawing.labels:
        if label.vertical:
            ax.text(
                label.x,
                label.y,
                label.lines[0],
                rotation=90,
                ha="center",
                va="center",
                fontsize=points,
                fontweight="bold",
            )
            continue
        for i, line in enumerate(label.lines):
            ax.text(
                label.x,
                label.y + i * LINE,
                line,
                ha="left",
                va="baseline",
                fontsize=points,
                fontweight="bold" if label.bold_first and i == 0 else "normal",
            )
    for arrow in drawing.arrows:
        xs = [p[0] for p in arrow.points]
        ys = [p[1] for p in arrow.points]
        ax.plot(xs, ys, color="#333333", linewidth=1.05)
        ax.annotate(
            "",
            xy=arrow.points[-1],
            xytext=arrow.points[-2],
            arrowprops=dict(
                arrowstyle="-|>", color="#333333", lw=1.05, mutation_scale=10, shrinkA=0, shrinkB=0
            ),
        )
    fig.suptitle("")
    meta = {"Title": f"PRISMA 2020 flow diagram — {drawing.title}"} if fmt == "pdf" else None
    drawn = io.BytesIO()
    fig.savefig(drawn, format=fmt, dpi=dpi, facecolor="white", metadata=meta)
    plt.close(fig)
    atomic.write_bytes(path, drawn.getvalue())


def flow_figure(flow: PrismaFlow, path: Path, *, title: str = "") -> None:
    """The flow diagram as PNG or PDF, chosen by the file's extension."""
    draw(layout(flow, title=title), path, fmt=path.suffix.lower().lstrip("."))
