"""`litsynth export package`: the review's data as one deposit (PRISMA 2020 item 27)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import click

from litsynth.atomic import umask_mode, write_bytes
from litsynth.cli.common import json_option, load, print_json, project_option, source_option
from litsynth.cli.groups import export_group
from litsynth.errors import SynthesisError
from litsynth.report.deposit import Package, package_files, sha256, zip_bytes
from litsynth.report.deposit_collect import DepositOptions, collect
from litsynth.store import opened


@export_group.command("package")
@click.argument("out", required=False, type=click.Path(path_type=Path))
@click.option("--abstracts", is_flag=True,
              help="Include the records' abstracts (their publishers hold the copyright: for a"
              " private archive, or where the licences allow).")  # fmt: skip
@click.option(
    "--text",
    "with_text",
    is_flag=True,
    help="Include the coded words of each coded passage (same caution).",
)
@click.option(
    "--anonymise",
    "--anonymize",
    "anonymise",
    is_flag=True,
    help="Number the reviewers (reviewer 1, reviewer 2, ...) instead of naming them.",
)
@source_option
@project_option
@json_option
def export_package(
    out: Path | None,
    abstracts: bool,
    with_text: bool,
    anonymise: bool,
    source: str | None,
    project_dir: Path,
    as_json: bool,
) -> None:
    """Write the review's data to OUT (a .zip, or a new folder; default deposit.zip), ready to
    deposit on OSF, Zenodo or a repository (PRISMA 2020 item 27).

    It holds every imported record with the decisions that count, the search strategies, the
    whole screening log, the PRISMA 2020 flow (template CSV, JSON, diagram, in words), the
    forms and extracted data, the codebook with every coded passage's place, the memos, a
    README and datapackage.json (columns, types, each file's SHA-256). The same review
    always gives the same bytes. `litsynth prisma --from OUT` reproduces the flow from it.
    """
    out = out or Path("deposit.zip")
    project = load(project_dir)
    options = DepositOptions(
        abstracts=abstracts,
        text=with_text,
        anonymise=anonymise,
        source=source or project.settings.synthesis.source,
    )
    with opened(project.store_path) as conn:
        parts = collect(conn, project, options)
    package = package_files(parts)
    digest = _write(package, out)
    if as_json:
        print_json({"file": str(out), "sha256": digest, **package.to_json()})
        return
    click.echo(f"Wrote {out}: {package.summary()}")
    width = min(30, max(len(path) for path in package.files))
    for table in parts.tables:
        click.echo(f"  {table.path:<{width}} {len(table.rows):>8,} rows  {table.title}")
    for extra in parts.attached:
        click.echo(f"  {extra.path:<{width}} {'':>13}  {extra.title}")
    if digest:
        click.echo(f"SHA-256 of {out.name}: {digest}")
    for sentence in parts.left_out:
        click.echo(f"Not included: {sentence}")
    if parts.flow_text:
        click.echo(f"Check it as a reader would: litsynth prisma --from {out}")


def _write(package: Package, out: Path) -> str:
    """The package at `out`: a zip written whole or not at all (its SHA-256 returned), or a
    new folder that appears only once every file is in it ("")."""
    if out.suffix.casefold() == ".zip":
        data = zip_bytes(package, out.stem)
        write_bytes(out, data)
        return sha256(data)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise SynthesisError(f"{out} already exists and is not an empty folder",
                             hint="name a new folder, or a .zip file")  # fmt: skip
    out.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for path, data in package.files.items():
            target = building / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            os.chmod(target, umask_mode())
        os.chmod(building, umask_mode(0o777))
        if out.exists():
            out.rmdir()
        building.rename(out)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return ""


commands: list[click.Command] = []
