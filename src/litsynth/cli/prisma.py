"""`litsynth prisma`: the PRISMA 2020 flow of the project, as text, JSON, the template CSV,
a diagram (SVG, PNG, PDF) and in words for a review's Methods and Results."""

from __future__ import annotations

from pathlib import Path

import click

from litsynth.biblio import screening_ops as ops
from litsynth.biblio.prisma import PrismaFlow, flow_csv
from litsynth.biblio.prisma_prose import project_methods, project_paragraph
from litsynth.biblio.prisma_svg import flow_svg
from litsynth.biblio.prisma_text import render_text
from litsynth.biblio.screening_stop import stopping_statements
from litsynth.cli.common import IMPORT_HINT, json_option, load, print_json, project_option
from litsynth.errors import PrismaError
from litsynth.store import opened
from litsynth.store.report import table_count


@click.command("prisma")
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the PRISMA2020 template CSV (data,node,box,...,n) here.",
)
@click.option(
    "--svg",
    "svg_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the PRISMA 2020 flow diagram as SVG here.",
)
@click.option(
    "--png",
    "png_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the diagram as PNG (200 dpi, for Word) here.",
)
@click.option(
    "--pdf",
    "pdf_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the diagram as PDF (vector, for a journal) here.",
)
@click.option(
    "--paragraph",
    "paragraph_path",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    default=None,
    help="Write the flow in words, the study-selection paragraph of a review's Results"
    " (PRISMA 2020 item 16a), here; - prints it.",
)
@click.option(
    "--methods",
    "methods_path",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    default=None,
    help="Write the selection process in words, for a review's Methods (PRISMA 2020 item 8:"
    " reviewers, agreement, automation), here; - prints it.",
)
@click.option(
    "--from",
    "package",
    type=click.Path(path_type=Path),
    default=None,
    help="Reproduce the flow of a deposited review from its package (the folder or .zip of"
    " `litsynth export package`): check its files, recompute every box, compare. Needs no"
    " project.",
)
@project_option
@json_option
def prisma_command(
    csv_path: Path | None,
    svg_path: Path | None,
    png_path: Path | None,
    pdf_path: Path | None,
    paragraph_path: Path | None,
    methods_path: Path | None,
    package: Path | None,
    project_dir: Path,
    as_json: bool,
) -> None:
    """The PRISMA 2020 flow of the project: every box, checked to add up.

    Counts come from the imported records (per source; citation searching, websites and
    organisations form the other-methods arm) and the screening log. An inconsistent log is
    an error naming the boxes that disagree and by how much.
    """
    if package is not None:
        if methods_path is not None or paragraph_path is not None:
            raise PrismaError("--methods and --paragraph are written from a project's log",
                              hint="a deposit holds them already: its selection.md")  # fmt: skip
        _reproduce(package, as_json, (csv_path, svg_path, png_path, pdf_path))
        return
    project = load(project_dir)
    with opened(project.store_path) as conn:
        flow = ops.prisma_flow(conn)
        methods = (
            project_methods(conn, project.appraisal_form_path) if methods_path is not None else ""
        )
        paragraph = project_paragraph(conn, flow) if paragraph_path is not None else ""
        printing = any(str(path) == "-" for path in (paragraph_path, methods_path))
        statements = [] if as_json or printing else stopping_statements(conn)
        no_records = not table_count(conn, "records")  # as `run` decides PRISMA applies
    _write_flow(flow, project.settings.project.name, (csv_path, svg_path, png_path, pdf_path))
    words = _in_words(methods, paragraph, methods_path, paragraph_path)
    if printing:
        printed = {k: v for k, (path, v) in words.items() if str(path) == "-"}
        print_json(printed) if as_json else click.echo("\n\n".join(printed.values()))
        return
    if as_json:
        print_json(flow.to_json())
        return
    click.echo(render_text(flow))
    if no_records:
        click.echo("No records yet: " + IMPORT_HINT)
    if statements:
        click.echo("stopping rule (Callaghan & Müller-Hansen 2020, ranked form, alpha 0.05):")
        for line in statements:
            click.echo(f"  {line}")
    for path in (csv_path, svg_path, png_path, pdf_path, paragraph_path, methods_path):
        if path is not None:
            click.echo(f"written {path}")


_Outputs = tuple[Path | None, Path | None, Path | None, Path | None]  # csv, svg, png, pdf


def _write_flow(flow: PrismaFlow, title: str, outputs: _Outputs) -> None:
    """The flow as the template CSV, SVG, PNG and PDF, each where a path asks for it."""
    csv_path, svg_path, png_path, pdf_path = outputs
    if csv_path is not None:
        csv_path.write_text(flow_csv(flow), encoding="utf-8")
    if svg_path is not None:
        svg_path.write_text(flow_svg(flow, title=title), encoding="utf-8")
    for figure in (png_path, pdf_path):
        if figure is not None:
            from litsynth.biblio.prisma_figure import draw
            from litsynth.biblio.prisma_svg import layout

            draw(layout(flow, title=title), figure, fmt="png" if figure is png_path else "pdf")


def _reproduce(package: Path, as_json: bool, outputs: _Outputs) -> None:
    """`prisma --from`: the deposited flow recomputed (and drawn where asked); exit 1 when
    anything differs."""
    from litsynth.report.deposit_check import read_package, reproduce

    done = reproduce(read_package(package))
    _write_flow(done.flow, done.project, outputs)
    if as_json:
        print_json(done.to_json())
    else:
        click.echo(f"{done.title} (as of {done.created})")
        click.echo(render_text(done.flow))
        click.echo(done.summary())
        for path in outputs:
            if path is not None:
                click.echo(f"written {path}")
    if not done.ok:
        raise SystemExit(1)


def _in_words(
    methods_text: str, paragraph_text: str, methods: Path | None, paragraph: Path | None
) -> dict[str, tuple[Path, str]]:
    """The selection process (Methods) and the flow in words (Results), each asked for by a
    path: written there now, or left to print when the path is "-"."""
    out: dict[str, tuple[Path, str]] = {}  # in a paper's order: Methods, then Results
    if methods is not None:
        out["methods"] = (methods, methods_text)
    if paragraph is not None:
        out["paragraph"] = (paragraph, paragraph_text)
    for path, text in out.values():
        if str(path) != "-":
            path.write_text(text + "\n", encoding="utf-8")
    return out


commands: list[click.Command] = [prisma_command]
