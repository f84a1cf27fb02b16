"""`litsynth extract …`: the data-extraction form, its sheet and the characteristics table."""

from __future__ import annotations

from pathlib import Path

import click

from litsynth.cli.common import json_option, load, print_json, project_option
from litsynth.errors import BiblioError
from litsynth.store import opened


@click.group("extract")
def extract_group() -> None:
    """Data extraction: a form (extraction.yaml), a sheet per review, the studies table."""


@extract_group.command("init")
@project_option
@json_option
def extract_init(project_dir: Path, as_json: bool) -> None:
    """Write a starter form (extraction.yaml) to edit: one field of every type, explained."""
    from litsynth.biblio import extraction

    project = load(project_dir)
    path = extraction.write_starter_form(project.extraction_form_path)
    if as_json:
        print_json({"form": str(path)})
        return
    click.echo(f"Wrote {path}: edit its fields, then `litsynth extract export studies.xlsx`")


@extract_group.command("export")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@project_option
@json_option
def extract_export(out: Path, project_dir: Path, as_json: bool) -> None:
    """Write OUT (.csv or .xlsx): a row per included study, a column per form field.

    Current values are filled in; fill in the rest (XLSX has drop-downs for choice fields and
    each field's help on its header) and read it back with `extract import`.
    """
    from litsynth.biblio import extraction

    project = load(project_dir)
    form = extraction.load_form(project.extraction_form_path)
    with opened(project.store_path) as conn:
        n = extraction.write_sheet(conn, form, out)
    if as_json:
        print_json({"file": str(out), "studies": n, "fields": [f.id for f in form.fields]})
        return
    click.echo(f"Wrote {out}: {n} included studies x {len(form.fields)} fields")
    if n == 0:
        click.echo("  no study is included at full text yet (see `litsynth prisma`)")


@extract_group.command("import")
@click.argument("sheet", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--reviewer", default=None, help="Who extracted (default: [project] reviewer).")
@project_option
@json_option
def extract_import(sheet: Path, reviewer: str | None, project_dir: Path, as_json: bool) -> None:
    """Validate a filled-in extraction sheet against the form and record its values.

    Every cell is checked first; one bad cell (a number that is not, a choice not in the
    form) records nothing and names its line and field. Blank cells change nothing.
    """
    from litsynth.biblio import extraction

    project = load(project_dir)
    form = extraction.load_form(project.extraction_form_path)
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


@extract_group.command("table")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the table as .csv or .xlsx instead of printing it.")  # fmt: skip
@project_option
@json_option
def extract_table(out: Path | None, project_dir: Path, as_json: bool) -> None:
    """The characteristics of included studies: a row per study, a column per field."""
    from litsynth.biblio import extraction

    project = load(project_dir)
    form = extraction.load_form(project.extraction_form_path)
    with opened(project.store_path) as conn:
        table = extraction.characteristics(conn, form)
    if out is not None:
        extraction.write_characteristics(table, out)
    if as_json:
        print_json({"header": list(table.header), "rows": [list(r) for r in table.rows]})
    elif out is not None:
        click.echo(f"Wrote {out}: {len(table.rows)} studies")
    else:
        click.echo("| " + " | ".join(table.header) + " |")
        click.echo("|" + "---|" * len(table.header))
        for row in table.rows:
            click.echo("| " + " | ".join(c.replace("|", "/") for c in row) + " |")


commands: list[click.Command] = [extract_group]
