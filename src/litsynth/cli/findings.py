"""`litsynth findings …`: the review's findings (a theme each), the evidence behind them and
the team's GRADE-CERQual assessment, as the Summary of Qualitative Findings table."""

from __future__ import annotations

from pathlib import Path

import click

from litsynth.cli.common import json_option, load, print_json, project_option, source_option
from litsynth.config import Project
from litsynth.errors import SynthesisError
from litsynth.store import opened


@click.group("findings")
def findings_group() -> None:
    """Summary of qualitative findings: a theme each, its studies, their appraisal, and the
    team's GRADE-CERQual confidence (findings.yaml)."""


def _found(project: Project, source: str | None, *, assessed: bool) -> tuple[list, str]:
    from litsynth.coding.codebook.load import project_codebook
    from litsynth.synthesis.findings import load_assessments, theme_ids
    from litsynth.synthesis.from_store import SOURCE_WORDS, findings_from_store

    codebook = project_codebook(project)
    themes = theme_ids(codebook)
    assessments = load_assessments(project.findings_path, themes) if assessed else {}
    if not project.store_path.exists():
        raise SynthesisError(f"no store at {project.store_path}", hint="run `litsynth ingest`")
    chosen = source or project.settings.synthesis.source
    with opened(project.store_path) as conn:
        found = findings_from_store(
            conn, codebook, source=chosen, appraisal_form=project.appraisal_form_path,
            assessments=assessments,
        )  # fmt: skip
    return found, SOURCE_WORDS[chosen]


@findings_group.command("init")
@source_option
@project_option
@json_option
def findings_init(source: str | None, project_dir: Path, as_json: bool) -> None:
    """Write findings.yaml to fill in: a finding per theme, its evidence beside it as
    comments (studies, passages, their appraisal), every rating left blank."""
    from litsynth.synthesis.findings import findings_yaml
    from litsynth.synthesis.from_store import framework_said

    project = load(project_dir)
    path = project.findings_path
    if path.exists():
        raise SynthesisError(f"{path} already exists", hint="edit it, or delete it to start over")
    found, words = _found(project, source, assessed=False)
    with opened(project.store_path) as conn:
        said = framework_said(conn)
    path.write_text(findings_yaml(found, source=words, said=said), encoding="utf-8")
    if as_json:
        print_json({"file": str(path), "findings": len(found)})
        return
    click.echo(f"Wrote {path}: {len(found)} findings to assess, then `litsynth findings table`")


@findings_group.command("table")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the table (.md, .csv, .xlsx or .docx) instead of printing it.",
)
@source_option
@project_option
@json_option
def findings_table(out: Path | None, source: str | None, project_dir: Path, as_json: bool) -> None:
    """The Summary of Qualitative Findings: each finding, the studies contributing to it (with
    their passages), how those studies were appraised, the CERQual confidence and why."""
    from litsynth.synthesis.findings import table_rows, write_findings

    project = load(project_dir)
    found, words = _found(project, source, assessed=True)
    if out is not None:
        write_findings(found, out, title="Summary of qualitative findings")
    if as_json:
        print_json({"source": words, "findings": [f.to_json() for f in found]})
    elif out is not None:
        click.echo(f"Wrote {out}: {len(found)} findings")
    else:
        for row in table_rows(found)[1:]:
            finding, summary, studies, appraised, confidence, why = row
            click.echo(f"{finding}: {confidence}")
            click.echo(f"  {summary}")
            click.echo(f"  studies: {studies or 'none coded yet'}")
            if appraised:
                click.echo(f"  their appraisal: {appraised}")
            if why:
                click.echo(f"  why: {why}")
        click.echo(f"(counting {words})")
    unassessed = [f.label for f in found if not (f.assessment and f.assessment.confidence)]
    if unassessed and not as_json:
        path = project.findings_path
        shown = path.relative_to(project.root) if path.is_relative_to(project.root) else path
        click.echo(f"not assessed yet: {'; '.join(unassessed)} (edit {shown})")


commands: list[click.Command] = [findings_group]
