"""Drawing the report: Jinja2 templates with autoescape on, written to one folder.

Every piece of corpus text goes through autoescaping; evidence highlighting is the one place
that builds markup by hand, and it escapes each segment before wrapping matches in <mark>, so a
document containing `<script>` shows as text and never runs.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from litsynth import atomic
from litsynth.biblio.appraisal_figure import draw
from litsynth.biblio.styled import reference_html
from litsynth.report.contents import ReportData

TEMPLATE_VERSION = "report.v1"
# The appraisal's figures beside the report (as SVG) and the manuscript (as PNG): file stem, kind
APPRAISAL_FIGURES = (("appraisal-summary", "summary"), ("appraisal-traffic-light", "traffic-light"))


def highlight(text: str, terms: Iterable[str]) -> Markup:
    """`text` escaped, with every case-insensitive whole-word match of `terms` in <mark>."""
    words = sorted({t.strip() for t in terms if t and t.strip()}, key=len, reverse=True)
    if not words:
        return Markup(escape(text))
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE
    )
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(str(escape(text[last : match.start()])))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


def paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n{2,}", text) if p.strip()]


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("litsynth.report", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["highlight"] = highlight
    env.filters["paragraphs"] = paragraphs
    env.filters["reference_html"] = lambda ref: Markup(reference_html(ref))  # escaped runs
    return env


def _write_atomic(path: Path, content: str) -> None:
    atomic.write_text(path, content)


def render_report(data: ReportData, out_dir: Path, *, prisma_svg_text: str = "") -> Path:
    """Write index.html, the source pages, assets and copied sources into `out_dir`."""
    env = _environment()
    out_dir.mkdir(parents=True, exist_ok=True)
    for asset in ("report.css", "report.js"):
        text = (Path(__file__).parent / "templates" / asset).read_text(encoding="utf-8")
        _write_atomic(out_dir / asset, text)
    if data.prisma_svg and prisma_svg_text:
        _write_atomic(out_dir / data.prisma_svg, prisma_svg_text)
    grid = data.appraisal_grid
    if grid is not None and grid.studies:
        for name, kind in APPRAISAL_FIGURES:
            draw(grid, out_dir / f"{name}.svg", kind=kind, fmt="svg")
    for target, original in data.copied_files.items():
        dest = out_dir / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(original, dest)
    page = env.get_template("source.html.j2")
    for source in data.sources:
        _write_atomic(out_dir / source.file_name, page.render(source=source, data=data))
    index = out_dir / "index.html"
    _write_atomic(index, env.get_template("index.html.j2").render(data=data))
    return index
