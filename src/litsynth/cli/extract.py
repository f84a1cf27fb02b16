"""`litsynth extract …` and `litsynth appraise …`: forms filled in per included study.

Both groups are built by one function: data extraction and critical appraisal share the form,
the sheet, the checks and the log (biblio/extraction.py); appraisal adds the overall judgement
(biblio/appraisal.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from litsynth.biblio.appraisal import STARTER_APPRAISAL
from litsynth.biblio.extraction import APPRAISAL, EXTRACTION, STARTER_FORM, FormKind
from litsynth.cells import pipe_table
from litsynth.cli.common import json_option, load, print_json, project_option
from litsynth.config import Project
from litsynth.errors import BiblioError
from litsynth.store import opened
from litsynth.words import count


def _form_group(
    kind: FormKind,
    path_of: Callable[[Project], Path],
    starter: str,
    *,
    about: str,
    init_help: str,
    table_help: str,
    who: str,
) -> click.Group:
    """The init / export / import / table commands of one kind of form."""
    from litsynth.biblio import extraction

    command = kind.command
    group = click.Group(command, help=about)

    @group.command("init", help=init_help)
    @project_option
    @json_option
    def init(project_dir: Path, as_json: bool) -> None:
        path = extraction.write_starter_form(path_of(load(project_dir)), starter)
        if as_json:
            print_json({"form": str(path)})
            return
        click.echo(f"Wrote {path}: edit its fields, then `litsynth {command} export studies.xlsx`")

    @group.command("export")
    @click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--reviewer", default=None,
                  help="Fill in this reviewer's own values only (two reviewers working apart;"
                  " an extraction form with `independent: true` defaults to [project]"
                  " reviewer).")  # fmt: skip
    @project_option
    @json_option
    def export(out: Path, reviewer: str | None, project_dir: Path, as_json: bool) -> None:
        """Write OUT (.csv or .xlsx): a row per included study, a column per form field.

        Current values are filled in; fill in the rest (XLSX has drop-downs for choice fields
        and each field's help on its header) and read it back with `import`.
        """
        project = load(project_dir)
        form = extraction.load_form(path_of(project), kind)
        if reviewer is None and form.independent:
            reviewer = project.settings.project.reviewer
        with opened(project.store_path) as conn:
            n = extraction.write_sheet(conn, form, out, reviewer or "")
        if as_json:
            print_json({"file": str(out), "studies": n, "fields": [f.id for f in form.fields]})
            return
        click.echo(f"Wrote {out}: {n} included studies x {len(form.fields)} fields")
        if n == 0:
            click.echo("  no study is included at full text yet (see `litsynth prisma`)")

    @group.command("import")
    @click.argument("sheet", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--reviewer", default=None, help=f"Who {who} (default: [project] reviewer).")
    @project_option
    @json_option
    def import_(sheet: Path, reviewer: str | None, project_dir: Path, as_json: bool) -> None:
        """Validate a filled-in sheet against the form and record its values.

        Every cell is checked first; one bad cell (a number that is not, a choice not in the
        form) records nothing and names its line and field. Blank cells change nothing.
        """
        project = load(project_dir)
        form = extraction.load_form(path_of(project), kind)
        with opened(project.store_path) as conn:
            result = extraction.import_sheet(
                conn, form, sheet, reviewer=reviewer or project.settings.project.reviewer
            )
        if as_json:
            print_json(result.to_json())
        else:
            for line, field, problem in result.problems:
                click.echo(f"  line {line}, {field}: {problem}")
        if result.problems:
            raise BiblioError(
                f"{sheet}: {len(result.problems)} cells do not fit the form; nothing recorded",
                hint="correct the cells listed and import the sheet again",
            )
        if not as_json:
            click.echo(f"{sheet}: {result.appended} values recorded ({result.unchanged} unchanged)")

    @group.command("table", help=table_help)
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Write the table as .csv or .xlsx instead of printing it.")  # fmt: skip
    @project_option
    @json_option
    def table(out: Path | None, project_dir: Path, as_json: bool) -> None:
        from litsynth.biblio import appraisal
        from litsynth.biblio import form_reviewers as reviewers

        project = load(project_dir)
        form = extraction.load_form(path_of(project), kind)
        with opened(project.store_path) as conn:
            found = extraction.characteristics(conn, form)
            judged = appraisal.judgements(conn, form)
            differ = reviewers.disagreements(conn, form) if form.apart else []
            if kind is APPRAISAL:
                methods = appraisal.methods_sentence(conn, form)
            else:
                methods = reviewers.collection_sentence(conn, form) if form.independent else ""
        if out is not None:
            extraction.write_characteristics(found, out)
        if as_json:
            print_json({
                "header": list(found.header), "rows": [list(r) for r in found.rows],
                **({"overall": judged.to_json()} if judged.field else {}),
                **({"methods": methods, "disagreements": [d.to_json() for d in differ]}
                   if form.apart else {}),
            })  # fmt: skip
        elif out is not None:
            click.echo(f"Wrote {out}: {len(found.rows)} studies")
        else:
            click.echo(pipe_table([found.header, *found.rows]), nl=False)
        if as_json:
            return
        for line in (methods, appraisal.summary_sentence(judged)):
            if line:
                click.echo(line)
        if differ:
            click.echo(
                f"{count(len(differ), 'answer')} {'differs' if len(differ) == 1 else 'differ'}"
                " between reviewers (the latest is shown; record the agreed one with"
                f" `litsynth {kind.command} import SHEET --reviewer consensus`):"
            )
            for d in differ:
                click.echo(f"  {d.sentence()}")

    return group


extract_group = _form_group(
    EXTRACTION,
    lambda project: project.extraction_form_path,
    STARTER_FORM,
    about="Data extraction: a form (extraction.yaml), a sheet per review, the studies table.",
    init_help="Write a starter form (extraction.yaml) to edit: one field of every type, explained.",
    table_help="The characteristics of included studies: a row per study, a column per field.",
    who="extracted",
)

appraise_group = _form_group(
    APPRAISAL,
    lambda project: project.appraisal_form_path,
    STARTER_APPRAISAL,
    about="Critical appraisal: a checklist (appraisal.yaml) per included study, its sheet and"
    " table, an overall judgement the report and the matrices use.",
    init_help="Write a starter checklist (appraisal.yaml) to edit: ten questions on qualitative"
    " and case-study research and an overall judgement, each explained.",
    table_help="The appraisal of included studies: a row per study, a column per question, and"
    " how many studies got each overall judgement.",
    who="appraised",
)


@appraise_group.command("figure")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(("traffic-light", "summary")),
    default="traffic-light",
    show_default=True,
    help="traffic-light: a disc per study and question; summary: a bar per question, the share"
    " of studies given each answer.",
)
@project_option
@json_option
def appraise_figure(out: Path, kind: str, project_dir: Path, as_json: bool) -> None:
    """Draw the appraisal as reviews print it (PRISMA 2020 item 18), to OUT (.png for Word,
    .pdf or .svg for a journal): colour by how good each answer is (the checklist lists its
    answers best first), a symbol on each for greyscale and colour-blind readers."""
    from litsynth.biblio import extraction
    from litsynth.biblio.appraisal_figure import FORMATS, appraisal_grid, draw

    project = load(project_dir)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise BiblioError(
            f"cannot tell the format of {out.name}", hint="end it in .png, .pdf or .svg"
        )
    form = extraction.load_form(project.appraisal_form_path, APPRAISAL)
    with opened(project.store_path) as conn:
        grid = appraisal_grid(conn, form)
    draw(grid, out, kind=kind, fmt=fmt)
    if as_json:
        print_json({"figure": str(out), "kind": kind, "studies": len(grid.studies),
                    "questions": len(grid.questions)})  # fmt: skip
        return
    click.echo(f"Wrote {out}: {count(len(grid.studies), 'study', 'studies')} ×"
               f" {count(len(grid.questions), 'question')}")  # fmt: skip


commands: list[click.Command] = [extract_group, appraise_group]
