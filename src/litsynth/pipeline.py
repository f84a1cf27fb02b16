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
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litsynth.coding.codebook import Codebook
from litsynth.coding.codebook_load import project_codebook
from litsynth.config import Project
from litsynth.provenance import library_versions
from litsynth.records import content_id
from litsynth.store import connect, opened, runs
from litsynth.store import report as q

PIPELINE_VERSION = "run.v1"
DERIVED_INPUTS = ("chunks", "codings", "records", "decisions", "record_documents")


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


def _load_codebook(project: Project) -> Codebook | None:
    return project_codebook(project, required=False)


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
    from litsynth.ingest.pipeline import IngestOptions, ingest

    say = progress or (lambda _msg: None)
    summary = RunSummary()
    out_dir = out_dir or project.root / "report"

    def step(name: str, fn: Callable[[], tuple[str, str, list[str]]]) -> None:
        say(f"[{len(summary.steps) + 1}] {name} …")
        started = time.monotonic()
        status, detail, outputs = fn()
        summary.steps.append(
            Step(name, status, detail, round(time.monotonic() - started, 2), outputs)
        )
        say(f"    {status}: {detail}")

    def do_ingest() -> tuple[str, str, list[str]]:
        rep = ingest(project, IngestOptions(quiet=quiet))
        failed = rep.failures_by_reason()
        detail = (
            f"{rep.documents_ingested} ingested, {rep.documents_skipped_unchanged} unchanged, "
            f"{rep.chunks_added} passages added, {len(rep.failures)} failed"
            + (f" ({', '.join(f'{k}: {v}' for k, v in failed.items())})" if failed else "")
        )
        status = "done" if rep.documents_ingested or rep.chunks_added else "up to date"
        return status, detail, [str(project.index_dir)]

    def do_records() -> tuple[str, str, list[str]]:
        from litsynth.inputs import apply_inputs

        conn = connect(project.store_path)
        try:
            rep = apply_inputs(project, conn)
        finally:
            conn.close()
        if rep is None:
            return "not applicable", "no [records] imports or screening sheets in litsynth.toml", []
        changed = rep.imported or rep.decisions or rep.ineligible or rep.citation_records
        return ("done" if changed else "up to date"), rep.line(), []

    if with_ingest:
        step("ingest", do_ingest)
        step("records", do_records)
    codebook = _load_codebook(project)
    conn = connect(project.store_path)
    try:
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
    finally:
        conn.close()
    (out_dir / "run-summary.json").write_text(
        json.dumps(summary.to_json(), indent=2), encoding="utf-8"
    )
    return summary


def _digest(project: Project, conn: Any, codebook: Codebook | None) -> str:
    """What the derived steps depend on: store contents, codebook, settings, pipeline version."""
    settings = json.dumps(dataclasses.asdict(project.settings), sort_keys=True, default=str)
    return content_id(
        PIPELINE_VERSION,
        q.state_digest(conn, *DERIVED_INPUTS),
        codebook.version if codebook else "",
        settings,
    )


def _derive(
    project: Project,
    conn: Any,
    codebook: Codebook | None,
    has_records: bool,
    out_dir: Path,
    step: Callable[..., None],
    with_suggest: bool,
) -> str:
    """The steps after ingest; returns the report's path."""
    from litsynth.report.collect import collect
    from litsynth.report.render import render_report

    state: dict[str, Any] = {}
    staging = out_dir.with_name(out_dir.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)

    def link() -> tuple[str, str, list[str]]:
        if not has_records:
            return "not applicable", "no bibliographic records imported (litsynth import)", []
        from litsynth.biblio.link import link_full_texts

        rep = link_full_texts(conn)
        return "done", _short(rep), []

    def suggest() -> tuple[str, str, list[str]]:
        if codebook is None:
            return "not applicable", f"no codebook in {project.codebook_path}", []
        from litsynth.coding.suggest import suggest_project

        with opened(project.store_path) as conn:
            res = suggest_project(conn, project)
        return "done", _short(res), []

    def discover() -> tuple[str, str, list[str]]:
        from litsynth.coding.discover import draft_fragment, run_discover

        with opened(project.store_path) as conn:
            d = run_discover(conn, project, uncoded_only=False)
        state["discovery"] = d
        draft = staging / "open-coding-draft.yaml"
        taken = tuple(codebook.codes) if codebook else ()  # draft ids must not collide on merge
        draft.write_text(draft_fragment(d, taken), encoding="utf-8")
        return (
            "done",
            f"{len(d.clusters)} concept clusters over {d.n_passages} passages",
            [draft.name],
        )

    def relate() -> tuple[str, str, list[str]]:
        if codebook is None:
            return "not applicable", "no codebook", []
        from litsynth.coding.relate import run_relate

        with opened(project.store_path) as conn:
            axial = run_relate(conn, project)
        (staging / "relations.json").write_text(
            json.dumps(_jsonable(axial), indent=2, default=str), encoding="utf-8"
        )
        return "done", _short(axial), ["relations.json"]

    def themes() -> tuple[str, str, list[str]]:
        if codebook is None:
            return "not applicable", "no codebook", []
        from litsynth.coding.themes import run_themes
        from litsynth.synthesis.project import cited_work_counts

        with opened(project.store_path) as conn:
            sel = run_themes(conn, codebook, cited=cited_work_counts(conn, codebook))
        state["selective"] = sel
        return "done", f"{len(sel.themes)} themes; core category: {sel.core or 'none'}", []

    def matrices() -> tuple[str, str, list[str]]:
        if codebook is None:
            return "not applicable", "no codebook", []
        from litsynth.synthesis.project import cited_works_by_theme, matrix_from_store
        from litsynth.synthesis.tables import write_matrix

        specs = [
            (
                "documents",
                "themes",
                "theme-matrix",
                "Sources × themes",
                "Passages per document and theme (a passage counts once per cell).",
                "Document",
            ),
            (
                "attr:source_type",
                "themes",
                "attribute-matrix",
                "Source type × themes",
                "Passages per kind of source (conceptual, empirical, case-based…) and theme.",
                "Source type",
            ),
            (
                "codes",
                "codes",
                "cooccurrence-matrix",
                "Code co-occurrence",
                "Passages coded with both codes; the diagonal is passages per code.",
                "Code",
            ),
        ]
        built, outputs = [], []
        (staging / "matrices").mkdir()
        for rows, cols, mid, title, desc, header in specs:
            m = matrix_from_store(conn, codebook, rows=rows, cols=cols)
            built.append((m, mid, title, desc, header))
            for fmt in ("csv", "xlsx", "md"):
                for p in write_matrix(m, staging / "matrices" / f"{mid}.{fmt}", fmt):
                    outputs.append(str(p.relative_to(staging)))
        state["matrices"] = built
        state["cited"] = cited_works_by_theme(conn, codebook)
        theme = built[0][0]
        return (
            "done",
            f"{len(theme.row_keys)} sources × {len(theme.col_keys)} themes, "
            f"{theme.total[0]} coded passages",
            outputs,
        )

    def prisma() -> tuple[str, str, list[str]]:
        if not has_records:
            return "not applicable", "no bibliographic records imported", []
        from litsynth.biblio.prisma import flow_csv
        from litsynth.biblio.prisma_svg import flow_svg
        from litsynth.biblio.screening_ops import prisma_flow

        flow = prisma_flow(conn)
        state["prisma"] = flow.as_dict()
        state["prisma_svg"] = flow_svg(flow, title=project.settings.project.name)
        (staging / "prisma.csv").write_text(flow_csv(flow), encoding="utf-8")
        (staging / "prisma.json").write_text(
            json.dumps(state["prisma"], indent=2), encoding="utf-8"
        )
        return (
            "done",
            f"{state['prisma'].get('records_screened', 0)} records screened, "
            f"{state['prisma'].get('new_studies', 0)} studies included",
            ["prisma.svg", "prisma.csv", "prisma.json"],
        )

    def report() -> tuple[str, str, list[str]]:
        data = collect(
            project,
            conn,
            codebook=codebook,
            matrices=state.get("matrices", ()),
            cited_by_theme=state.get("cited"),
            discovery=state.get("discovery"),
            selective=state.get("selective"),
            prisma_counts=state.get("prisma"),
            prisma_svg=state.get("prisma_svg", ""),
        )
        render_report(data, staging, prisma_svg_text=state.get("prisma_svg", ""))
        return (
            "done",
            f"{len(data.matrices)} matrices, {len(data.sources)} source pages",
            ["index.html"],
        )

    steps = [
        ("link", link),
        ("suggest", suggest),
        ("discover", discover),
        ("relate", relate),
        ("themes", themes),
        ("matrices", matrices),
        ("prisma", prisma),
        ("report", report),
    ]
    for name, fn in steps:
        if name in ("link", "suggest") and not with_suggest:
            continue
        step(name, fn)
    # Swap the finished folder in whole: a crash mid-run never leaves half a report.
    shutil.rmtree(out_dir, ignore_errors=True)
    staging.rename(out_dir)
    return str(out_dir / "index.html")


def _short(result: Any) -> str:
    """A one-line description of a stage's result (its own summary when it has one)."""
    for attr in ("summary_line", "summary"):
        value = getattr(result, attr, None)
        if callable(value):
            value = value()
        if isinstance(value, str):
            return value
    data = _jsonable(result)
    if isinstance(data, dict):
        scalars = {
            k: v for k, v in data.items() if isinstance(v, int | float | str) and len(str(v)) < 40
        }
        return ", ".join(f"{k}: {v}" for k, v in list(scalars.items())[:6])
    return str(result)[:120]


def _jsonable(obj: Any) -> Any:
    if hasattr(obj, "to_json"):
        return obj.to_json()
    if hasattr(obj, "as_dict"):
        return obj.as_dict()
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.asdict(obj)
    return obj


__all__ = ["RunSummary", "run_pipeline"]
