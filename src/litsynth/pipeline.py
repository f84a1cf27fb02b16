"""`litsynth run`: the whole pipeline, in order, skipping what is up to date.

ingest → records declared in litsynth.toml (import, dedupe, automation rules, citation
searching, screening sheets) → link records to documents → suggest codes → discover →
relate → themes → matrices → PRISMA → report. Each stage is idempotent on its own (ingest
skips unchanged files, an imported file is not imported twice); on top of that, the derived
steps (link onwards) are skipped when a digest of their inputs (chunks, human codings,
records, decisions, links, codebook version) equals the last run's and the report exists.
Stages that do not apply (no codebook, no records) say so in the summary instead of failing:
a corpus without a bibliography is a normal project.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litsynth.coding.codebook.load import project_codebook
from litsynth.coding.codebook.model import Codebook
from litsynth.config import Project
from litsynth.provenance import library_versions
from litsynth.records import content_id
from litsynth.report.contents import ReportData
from litsynth.report.derived import BuiltMatrix, DerivedState
from litsynth.store import opened, runs
from litsynth.store import report as q
from litsynth.store.documents import has_chunks

PIPELINE_VERSION = "run.v1"
# What the derived steps and the report read that people change: a change to any of these
# makes `run` draw them again. Reports grouped into studies, an update's previous version,
# the searches, the forms' values and the rest change the PRISMA counts, the Methods or the
# report's tables though no passage, coding, record or decision did.
DERIVED_INPUTS = (
    "chunks", "codings", "records", "decisions", "record_documents", "study_links",
    "previous_reports", "searches", "extraction_values", "dedupe_resolutions", "memos",
    "relation_decisions", "pilot_records", "previous_values", "cell_summaries",
)  # fmt: skip


@dataclass
class Step:
    name: str
    status: str  # "done" | "up to date" | "not applicable"
    detail: str
    seconds: float = 0.0
    outputs: list[str] = field(default_factory=list)


@dataclass
class RunSummary:
    steps: list[Step] = field(default_factory=list)
    report: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"steps": [s.__dict__ for s in self.steps], "report": self.report}


Progress = Callable[[str], None]


def run_pipeline(
    project: Project,
    *,
    quiet: bool = True,
    progress: Progress | None = None,
    with_ingest: bool = True,
    with_suggest: bool = True,
    force: bool = False,
    out_dir: Path | None = None,
) -> RunSummary:
    """Run every stage that applies; returns what was done, skipped and written where.

    `litsynth report` calls this without ingest and suggest and with force, to redraw the
    report from the store as it is.
    """
    from litsynth.ingest.incremental import IngestOptions, ingest

    say = progress or (lambda _msg: None)
    summary = RunSummary()
    out_dir = out_dir or project.root / "report"

    def step(name: str, fn: Callable[[], StepOutcome]) -> None:
        say(f"[{len(summary.steps) + 1}] {name} …")
        started = time.monotonic()
        status, detail, outputs = fn()
        summary.steps.append(
            Step(name, status, detail, round(time.monotonic() - started, 2), outputs)
        )
        say(f"    {status}: {detail}")

    def do_ingest() -> StepOutcome:
        rep = ingest(project, IngestOptions(quiet=quiet))
        for warning in rep.warnings:  # a file skipped, and what to do: as `litsynth ingest`
            say(f"    warning: {warning}")
        status = "done" if rep.documents_ingested or rep.chunks_added else "up to date"
        return status, rep.summary(), [str(project.index_dir)]

    def do_records() -> StepOutcome:
        from litsynth.inputs import apply_inputs

        with opened(project.store_path) as conn:
            rep = apply_inputs(project, conn)
            kept = q.table_count(conn, "records") if rep is None else 0
        if rep is None:  # records imported with `litsynth import` or the workspace are left be
            said = (
                f"{kept} records as imported (none declared in [records])"
                if kept
                else "no [records] imports or screening sheets in litsynth.toml"
            )
            return "not applicable", said, []
        changed = (
            rep.imported or rep.decisions or rep.ineligible or rep.citation_records
            or rep.previous_removed or rep.grouped or rep.searches or rep.resolutions
            or rep.extracted or rep.appraised
        )  # fmt: skip
        return ("done" if changed else "up to date"), rep.summary(), []

    if with_ingest:
        step("ingest", do_ingest)
        step("records", do_records)
    codebook = project_codebook(project, required=False)
    with opened(project.store_path) as conn:
        has_records = q.table_count(conn, "records") > 0
        last = runs.latest_run(conn, "run")
        fresh = (
            not force
            and last is not None
            and last["summary"].get("digest") == _digest(project, conn, codebook)
            and (out_dir / "index.html").exists()
        )
        if fresh:
            summary.steps.append(
                Step(
                    "derive",
                    "up to date",
                    "no change in passages, codings, records or codebook since the last run",
                )
            )
            summary.report = str(out_dir / "index.html")
            return summary
        # Only a full run may mark the derived state fresh: `litsynth report` makes no new
        # suggestions, so after a codebook edit its digest would wrongly let `run` skip them.
        stage = "run" if with_suggest else "report"
        run_id = runs.start_run(
            conn, stage, dataclasses.asdict(project.settings), library_versions()
        )
        summary.report = _derive(project, conn, codebook, has_records, out_dir, step, with_suggest)
        runs.finish_run(
            conn, run_id, {"digest": _digest(project, conn, codebook), **summary.to_json()}
        )
    (out_dir / "run-summary.json").write_text(
        json.dumps(summary.to_json(), indent=2), encoding="utf-8"
    )
    return summary


def _digest(project: Project, conn: sqlite3.Connection, codebook: Codebook | None) -> str:
    """What the derived steps depend on: store contents, codebook, settings, pipeline version."""
    settings = json.dumps(dataclasses.asdict(project.settings), sort_keys=True, default=str)
    return content_id(
        PIPELINE_VERSION,
        q.state_digest(conn, *DERIVED_INPUTS),
        codebook.version if codebook else "",
        settings,
    )


@dataclass
class _Context:
    """What every derived step reads: the project, one store handle, the codebook, where to
    write, and the state the earlier steps filled in for the report."""

    project: Project
    conn: sqlite3.Connection
    codebook: Codebook | None
    has_records: bool
    staging: Path
    state: DerivedState = field(default_factory=DerivedState)
    # Early in a review there are records but no full texts yet: the report (PRISMA, the
    # codebook) must still be drawn, so the steps that read passages step aside.
    has_passages: bool = True


StepOutcome = tuple[str, str, list[str]]  # status, one-line summary, files written

_NO_CODEBOOK: StepOutcome = ("not applicable", "no codebook", [])
_NO_PASSAGES: StepOutcome = (
    "not applicable",
    "no passages yet: put documents in corpus/ and run `litsynth ingest`",
    [],
)

# The matrices the report shows: (rows, cols, id, title, description, row header).
MATRICES = (
    ("documents", "themes", "theme-matrix", "Sources × themes",
     "Passages per document and theme (a passage counts once per cell).", "Document"),
    ("attr:source_type", "themes", "attribute-matrix", "Source type × themes",
     "Passages per kind of source (conceptual, empirical, case-based…) and theme.",
     "Source type"),
    ("codes", "codes", "cooccurrence-matrix", "Code co-occurrence",
     "Passages coded with both codes; the diagonal is passages per code.", "Code"),
)  # fmt: skip


def _appraisal_matrix(ctx: _Context) -> tuple[tuple[str, str, str, str, str, str], ...]:
    """Appraisal × themes, once a study's overall appraisal is recorded: how much of each
    theme rests on studies judged low (GRADE-CERQual's methodological limitations)."""
    from litsynth.biblio.appraisal import ATTRIBUTE, NOT_JUDGED, document_attributes

    judged = document_attributes(ctx.conn, ctx.project.appraisal_form_path)
    if all(v[ATTRIBUTE] == NOT_JUDGED for v in judged.values()):
        return ()
    return (
        ("attr:appraisal", "themes", "appraisal-matrix", "Appraisal × themes",
         "Passages per overall appraisal of the study each document reports, and theme;"
         " documents that are no included study's full text are (not set).", "Appraisal"),
    )  # fmt: skip


def _link(ctx: _Context) -> StepOutcome:
    if not ctx.has_records:
        return "not applicable", "no bibliographic records imported (litsynth import)", []
    from litsynth.biblio.link import link_full_texts

    return "done", link_full_texts(ctx.conn).summary(), []


def _suggest(ctx: _Context) -> StepOutcome:
    if ctx.codebook is None:
        return "not applicable", f"no codebook in {ctx.project.codebook_path}", []
    if not ctx.has_passages:
        return _NO_PASSAGES
    from litsynth.coding.machine.suggest import suggest_project

    return "done", suggest_project(ctx.conn, ctx.project).summary(), []


def _discover(ctx: _Context) -> StepOutcome:
    if not ctx.has_passages:
        return _NO_PASSAGES
    from litsynth.coding.analysis.discover import run_discover
    from litsynth.coding.analysis.drafts import draft_fragment

    d = run_discover(ctx.conn, ctx.project, uncoded_only=False)
    ctx.state.discovery = d
    draft = ctx.staging / "open-coding-draft.yaml"
    taken = tuple(ctx.codebook.codes) if ctx.codebook else ()  # draft ids must not collide
    draft.write_text(draft_fragment(d, taken), encoding="utf-8")
    return "done", d.summary(), [draft.name]


def _relate(ctx: _Context) -> StepOutcome:
    if ctx.codebook is None:
        return _NO_CODEBOOK
    if not ctx.has_passages:
        return _NO_PASSAGES
    from litsynth.coding.analysis.relate import run_relate

    axial = run_relate(ctx.conn, ctx.project)
    (ctx.staging / "relations.json").write_text(
        json.dumps(dataclasses.asdict(axial), indent=2, default=str), encoding="utf-8"
    )
    return "done", axial.summary(), ["relations.json"]


def _themes(ctx: _Context) -> StepOutcome:
    if ctx.codebook is None:
        return _NO_CODEBOOK
    if not ctx.has_passages:
        return _NO_PASSAGES
    from litsynth.coding.analysis.themes import run_themes
    from litsynth.synthesis.from_store import cited_work_counts

    sel = run_themes(ctx.conn, ctx.codebook, cited=cited_work_counts(ctx.conn, ctx.codebook))
    ctx.state.selective = sel
    return "done", sel.summary(), []


def _matrices(ctx: _Context) -> StepOutcome:
    if ctx.codebook is None:
        return _NO_CODEBOOK
    if not ctx.has_passages:
        return _NO_PASSAGES
    from litsynth.synthesis.from_store import SOURCE_WORDS, cited_works_by_theme, matrix_from_store
    from litsynth.synthesis.tables import write_matrix

    source = ctx.project.settings.synthesis.source
    ctx.state.source = SOURCE_WORDS[source]
    outputs = []
    (ctx.staging / "matrices").mkdir()
    for rows, cols, mid, title, description, header in (*MATRICES, *_appraisal_matrix(ctx)):
        m = matrix_from_store(
            ctx.conn, ctx.codebook, rows=rows, cols=cols, source=source,
            appraisal_form=ctx.project.appraisal_form_path,
        )  # fmt: skip
        ctx.state.matrices.append(BuiltMatrix(mid, title, description, header, m))
        for fmt in ("csv", "xlsx", "md", "docx"):
            for p in write_matrix(m, ctx.staging / "matrices" / f"{mid}.{fmt}", fmt):
                outputs.append(str(p.relative_to(ctx.staging)))
    ctx.state.cited_by_theme = cited_works_by_theme(ctx.conn, ctx.codebook, source=source)
    theme = ctx.state.matrices[0].matrix
    return (
        "done",
        f"{len(theme.row_keys)} sources × {len(theme.col_keys)} themes, "
        f"{theme.total[0]} coded passages ({SOURCE_WORDS[source]})",
        outputs,
    )


def _prisma(ctx: _Context) -> StepOutcome:
    if not ctx.has_records:
        return "not applicable", "no bibliographic records imported", []
    from litsynth.biblio.prisma import flow_csv
    from litsynth.biblio.prisma_svg import flow_svg
    from litsynth.biblio.screening_ops import prisma_flow

    flow = prisma_flow(ctx.conn)
    ctx.state.prisma = flow
    ctx.state.prisma_svg = flow_svg(flow, title=ctx.project.settings.project.name)
    (ctx.staging / "prisma.csv").write_text(flow_csv(flow), encoding="utf-8")
    (ctx.staging / "prisma.json").write_text(json.dumps(flow.to_json(), indent=2), encoding="utf-8")
    return "done", flow.summary(), ["prisma.svg", "prisma.csv", "prisma.json"]


def _report(ctx: _Context) -> StepOutcome:
    from litsynth.report.collect import collect
    from litsynth.report.render import render_report

    data = collect(ctx.project, ctx.conn, codebook=ctx.codebook, derived=ctx.state)
    render_report(data, ctx.staging, prisma_svg_text=ctx.state.prisma_svg)
    _manuscript(ctx, data)
    return "done", data.summary(), ["index.html", "manuscript.docx"]


def _manuscript(ctx: _Context, data: ReportData) -> None:
    """The Word draft beside the report, from the same data; the flow diagram drawn for it
    as a PNG (Word shows no SVG everywhere), kept beside it for the authors' own use."""
    from litsynth.report.manuscript import write_manuscript

    png = None
    if ctx.state.prisma is not None:
        from litsynth.biblio.prisma_figure import flow_figure

        png = ctx.staging / "prisma.png"
        flow_figure(ctx.state.prisma, png, title=ctx.project.settings.project.name)
    write_manuscript(data, ctx.staging / "manuscript.docx", prisma_png=png)


# In order; link and suggest change the store, so `litsynth report` (a redraw) skips them.
DERIVED_STEPS: tuple[tuple[str, Callable[[_Context], StepOutcome]], ...] = (
    ("link", _link),
    ("suggest", _suggest),
    ("discover", _discover),
    ("relate", _relate),
    ("themes", _themes),
    ("matrices", _matrices),
    ("prisma", _prisma),
    ("report", _report),
)
STORE_CHANGING = ("link", "suggest")


def _derive(
    project: Project,
    conn: sqlite3.Connection,
    codebook: Codebook | None,
    has_records: bool,
    out_dir: Path,
    step: Callable[[str, Callable[[], StepOutcome]], None],
    with_suggest: bool,
) -> str:
    """The steps after ingest, built in a staging folder; returns the report's path."""
    staging = out_dir.with_name(out_dir.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    ctx = _Context(project, conn, codebook, has_records, staging, has_passages=has_chunks(conn))
    for name, fn in DERIVED_STEPS:
        if name in STORE_CHANGING and not with_suggest:
            continue
        step(name, lambda fn=fn: fn(ctx))  # type: ignore[misc]
    # Swap the finished folder in whole: a crash mid-run never leaves half a report.
    shutil.rmtree(out_dir, ignore_errors=True)
    staging.rename(out_dir)
    return str(out_dir / "index.html")


__all__ = ["RunSummary", "run_pipeline"]
