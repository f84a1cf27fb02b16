"""The critical appraisal as the two figures reviews print: a traffic-light plot and a summary.

PRISMA 2020 item 18 asks for each included study's risk-of-bias (or quality) assessment;
reviews show it as robvis draws it (McGuinness & Higgins 2020): a *traffic-light plot*, a row
per study and a column per question, each answer a coloured disc with a symbol, and a
*summary plot*, a bar per question split by the share of studies given each answer. The
report's table says the same in words; these are the figures a journal takes.

Colour follows the answer's tone (`appraisal.tones`: a checklist lists its answers best
first), so [yes, unclear, no], [high, moderate, low] and RoB 2's [low, some concerns, high]
all read green to red. Every disc also carries a symbol (+ good, − between, × bad), so the
figure reads in greyscale and to colour-blind readers; the legend names the form's own answer
words for each colour. Drawn with matplotlib (as the PRISMA figure), to PNG, PDF or SVG.

Pure over the table: `grid_from` takes the appraisal table (a row per study) and its tones.
"""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litsynth import atomic
from litsynth.biblio.extraction import Form
from litsynth.errors import BiblioError

FORMATS = ("png", "pdf", "svg")
KINDS = ("traffic-light", "summary")
# robvis's palette, a little darker for contrast with white symbols
COLOURS = {"good": "#2E8B3E", "mid": "#D9B310", "bad": "#B8312F", "neutral": "#8C96A3"}
SYMBOLS = {"good": "+", "mid": "−", "bad": "×", "neutral": "NA"}
UNANSWERED = "#FFFFFF"


@dataclass(frozen=True)
class AppraisalGrid:
    """Studies × questions: each answer and its tone ("good", "mid", "bad", "neutral" for an
    answer with no tone, "" for none given)."""

    studies: tuple[str, ...]
    questions: tuple[str, ...]
    answers: tuple[tuple[str, ...], ...]
    tones: tuple[tuple[str, ...], ...]

    def answer_words(self, tone: str) -> list[str]:
        """The form's answers given with this tone, in order of first use ("yes", "high")."""
        seen = dict.fromkeys(
            a.casefold()
            for row, toned in zip(self.answers, self.tones, strict=True)
            for a, t in zip(row, toned, strict=True)
            if t == tone and a
        )
        return list(seen)

    def shares(self) -> list[dict[str, float]]:
        """Per question, the share of studies given each tone ("" for no answer)."""
        n = len(self.studies) or 1
        return [
            {tone: sum(1 for row in self.tones if row[q] == tone) / n
             for tone in (*COLOURS, "")}
            for q in range(len(self.questions))
        ]  # fmt: skip


def grid_from(
    header: Sequence[str], rows: Sequence[Sequence[str]], tones: Sequence[Sequence[str]]
) -> AppraisalGrid:
    """The appraisal table (header: "Study" then the questions; a row per study) and each
    answer's tone, as the report collects them."""
    toned = tuple(
        tuple(t or ("neutral" if a else "") for a, t in zip(row[1:], tone_row, strict=True))
        for row, tone_row in zip(rows, tones, strict=True)
    )
    return AppraisalGrid(
        studies=tuple(str(row[0]) for row in rows),
        questions=tuple(header[1:]),
        answers=tuple(tuple(str(a) for a in row[1:]) for row in rows),
        tones=toned,
    )


def appraisal_grid(conn: sqlite3.Connection, form: Form) -> AppraisalGrid:
    """The review's studies with any answer, by the form's choice questions (the overall
    judgement among them): what the figures draw."""
    from litsynth.biblio.appraisal import tones
    from litsynth.biblio.extraction import characteristics

    table = characteristics(conn, form)
    picked = [i for i, f in enumerate(form.fields, start=1) if f.type == "choice"]
    answered = [row for row in table.rows if any(row[i] for i in picked)]
    toned = [tones(form.fields[i - 1]) for i in picked]
    return grid_from(
        [table.header[0], *(table.header[i] for i in picked)],
        [[row[0], *(row[i] for i in picked)] for row in answered],
        [[t.get(row[i], "") for t, i in zip(toned, picked, strict=True)] for row in answered],
    )


def legend_labels(grid: AppraisalGrid) -> list[tuple[str, str]]:
    """(tone, label) for each tone the figure uses: the form's own words for it."""
    out = []
    for tone in COLOURS:
        words = grid.answer_words(tone)
        if words:
            out.append((tone, f"{SYMBOLS[tone]}  {' / '.join(words)}"))
    if any("" in row for row in grid.tones):
        out.append(("", "   not answered"))
    return out


def draw(grid: AppraisalGrid, path: Path, *, kind: str, fmt: str, dpi: int = 200) -> None:
    """Write the figure (`atomic.write_bytes`: a half-written file never replaces a good one)."""
    drawn = figure_bytes(grid, kind=kind, fmt=fmt, dpi=dpi)
    try:
        atomic.write_bytes(path, drawn)
    except OSError as exc:
        raise BiblioError(f"cannot write {path}: {exc.strerror}", hint="check the folder") from None


def figure_bytes(grid: AppraisalGrid, *, kind: str, fmt: str, dpi: int = 200) -> bytes:
    """The figure as the bytes of a PNG, PDF or SVG file (the workspace serves them as such)."""
    if fmt not in FORMATS:
        raise BiblioError(f"unknown figure format {fmt!r}", hint="png, pdf or svg")
    if kind not in KINDS:
        raise BiblioError(f"unknown figure {kind!r}", hint="traffic-light or summary")
    if not grid.studies or not grid.questions:
        raise BiblioError(
            "no study is appraised yet: nothing to draw",
            hint="answer the checklist (`litsynth appraise export`, then `import`)",
        )
    import matplotlib

    matplotlib.use("Agg")  # no display: servers and CI
    from matplotlib import pyplot as plt

    fig = _traffic(plt, grid) if kind == "traffic-light" else _summary(plt, grid)
    drawn = io.BytesIO()
    try:
        # the same answers draw the same bytes: no date, SVG ids from a fixed salt
        with matplotlib.rc_context({"svg.hashsalt": "litsynth"}):
            fig.savefig(drawn, format=fmt, dpi=dpi, bbox_inches="tight",
                        metadata={"Date": None} if fmt in ("svg", "pdf") else None)  # fmt: skip
    finally:
        plt.close(fig)
    return drawn.getvalue()


def _legend(ax: Any, grid: AppraisalGrid, **where: Any) -> None:
    from matplotlib.patches import Patch

    handles = [
        Patch(facecolor=COLOURS.get(tone, UNANSWERED), edgecolor="#555", label=label)
        for tone, label in legend_labels(grid)
    ]
    ax.legend(handles=handles, frameon=False, fontsize=8, **where)


def _traffic(plt: Any, grid: AppraisalGrid) -> Any:
    """A disc per answer: studies down, questions across (Q1…, named in the key below)."""
    n_s, n_q = len(grid.studies), len(grid.questions)
    fig = plt.figure(figsize=(2.6 + 0.42 * n_q, 0.5 + 0.36 * n_s))
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(-0.6, n_q - 0.4)
    ax.set_ylim(n_s - 0.4, -0.8)
    ax.axis("off")
    for q in range(n_q):
        ax.text(q, -0.65, f"Q{q + 1}", ha="center", va="bottom", fontsize=8, fontweight="bold")
    for s, study in enumerate(grid.studies):
        ax.text(-0.65, s, study if len(study) <= 42 else study[:41] + "…", ha="right",
                va="center", fontsize=8)  # fmt: skip
        for q in range(n_q):
            tone = grid.tones[s][q]
            colour = COLOURS.get(tone, UNANSWERED)
            ax.scatter([q], [s], s=260, color=colour, edgecolors="#555", linewidths=0.6, zorder=2)
            if tone:
                size = 9 if tone != "neutral" else 6
                ax.text(q, s, SYMBOLS[tone], ha="center", va="center", color="white",
                        fontsize=size, fontweight="bold", zorder=3)  # fmt: skip
    key = "\n".join(f"Q{q + 1}  {label}" for q, label in enumerate(grid.questions))
    fig.text(0.02, -0.02, key, ha="left", va="top", fontsize=7.5)
    _legend(ax, grid, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def _summary(plt: Any, grid: AppraisalGrid) -> Any:
    """A bar per question: the share of studies given each answer, best answer first."""
    n_q = len(grid.questions)
    height = 1.2 + 0.32 * n_q
    fig, ax = plt.subplots(figsize=(8.0, height))
    shares = grid.shares()
    for q, share in enumerate(shares):
        left = 0.0
        for tone in (*COLOURS, ""):
            width = share[tone] * 100
            if width:
                ax.barh(q, width, left=left, color=COLOURS.get(tone, UNANSWERED),
                        edgecolor="#555", linewidth=0.5, height=0.7)  # fmt: skip
                left += width
    ax.set_yticks(range(n_q), labels=list(grid.questions), fontsize=8)
    ax.set_ylim(n_q - 0.5, -0.5)
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"% of studies (n = {len(grid.studies)})", fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    # just under the axis label, whatever the number of questions (0.55 in down)
    _legend(ax, grid, loc="upper center", bbox_to_anchor=(0.5, -0.55 / (height - 0.6)), ncol=5)
    return fig
