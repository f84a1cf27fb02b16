"""A review's data as a deposit package: what PRISMA 2020 item 27 asks a review to share.

Item 27 asks which of these are publicly available and where: the data collection forms,
the data extracted from the included studies, the data used for all analyses, the analytic
code and any other materials. A journal or a reader asks for them as files, on OSF, Zenodo or
a university repository; a reviewer should not have to assemble them by hand from six
exports. `package_files` lays the review out as CSV tables (a row per record, per decision,
per coded passage...), the forms and the codebook as the YAML the review used, the PRISMA flow
as the template CSV, JSON and a diagram, a README a reader starts from, and a Frictionless
Data Package descriptor (datapackage.json: each table's columns and types, each file's size
and SHA-256), so R, pandas or `frictionless validate` read it without guessing.

Everything here is pure: the tables come in (report.deposit_collect reads them from the
store), files go out as bytes. The same review gives the same bytes: the package is dated by
its latest recorded event, not by the clock, and the zip's entries carry that date, so a
checksum printed in a paper stays true when the package is exported again.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from litsynth.words import count

# Frictionless Data Package v1 (specs.frictionlessdata.io): a package of files whose CSV
# resources carry a Table Schema.
PACKAGE_PROFILE = "data-package"
CSV_DIALECT = {"delimiter": ",", "doubleQuote": True, "lineTerminator": "\r\n", "header": True}
MEDIA_TYPES = {
    ".csv": "text/csv", ".json": "application/json", ".md": "text/markdown",
    ".svg": "image/svg+xml", ".yaml": "application/yaml", ".yml": "application/yaml",
}  # fmt: skip
DESCRIPTOR = "datapackage.json"
TITLE_SUFFIX = ": review data"  # the package's title is the review's name and this
README = "README.md"


@dataclass(frozen=True)
class Column:
    """One column of a table, as its Table Schema field: a name, a type, what it holds."""

    name: str
    description: str
    type: str = "string"  # Table Schema types used here: string, integer, boolean


@dataclass(frozen=True)
class Table:
    """One CSV of the package: its rows as text cells, and what a reader needs to read it."""

    name: str  # the resource name and file stem: "screening-log"
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    primary_key: tuple[str, ...] = ()
    references: Mapping[str, str] = field(default_factory=dict)  # column -> table it keys into

    @property
    def path(self) -> str:
        return f"{self.name}.csv"


@dataclass(frozen=True)
class Attached:
    """A file of the package that is not a table: a form, the codebook, the diagram."""

    path: str
    title: str
    content: bytes


@dataclass(frozen=True)
class DepositParts:
    """Everything a package is made from, read from one project at one moment."""

    project: str
    made_by: str  # "litsynth 0.1.0"
    as_of: str  # ISO 8601 UTC: the latest event the review recorded
    tables: tuple[Table, ...]
    attached: tuple[Attached, ...] = ()
    flow_text: str = ""  # the PRISMA flow as `litsynth prisma` prints it; "" without records
    left_out: tuple[str, ...] = ()  # sentences: what the package does not hold, and why
    statement: str = ""  # the item-27 sentence a manuscript can use

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)


@dataclass(frozen=True)
class Package:
    """The files of a package, in the order they are listed and zipped."""

    files: Mapping[str, bytes]
    as_of: str

    def summary(self) -> str:
        size = sum(len(b) for b in self.files.values())
        return f"{count(len(self.files), 'file')}, {size:,} bytes, as of {self.as_of}"

    def to_json(self) -> dict[str, object]:
        return {"files": {name: len(data) for name, data in self.files.items()},
                "as_of": self.as_of}  # fmt: skip


def csv_bytes(table: Table) -> bytes:
    """The table as RFC 4180 CSV in UTF-8 (no byte-order mark: it is data for a program; the
    README says how to open it in a spreadsheet). Cells are written as recorded, never
    escaped for a spreadsheet: a reader recomputes counts from them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in table.columns])
    writer.writerows(table.rows)
    return out.getvalue().encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def package_files(parts: DepositParts) -> Package:
    """The README, the descriptor, the tables and the attached files, as bytes by path."""
    body: dict[str, bytes] = {t.path: csv_bytes(t) for t in parts.tables}
    for extra in parts.attached:
        body[extra.path] = extra.content
    readme = readme_text(parts, body).encode("utf-8")
    descriptor = descriptor_json(parts, {README: readme, **body})
    files = {README: readme, DESCRIPTOR: descriptor.encode("utf-8"), **body}
    return Package(files, parts.as_of)


def slug(text: str) -> str:
    """A Data Package name: lower-case letters, digits, '-', '.' and '_'."""
    return re.sub(r"[^a-z0-9._]+", "-", text.casefold()).strip("-._") or "review"


def _resource(name: str, path: str, data: bytes, title: str) -> dict[str, object]:
    suffix = path[path.rfind(".") :]
    # "type" (as frictionless reads it) keeps a form's YAML from being taken for a Table
    # Schema because it has a `fields:` list: it is a text a person reads.
    kind = {".csv": "table", ".json": "json"}.get(suffix, "text")
    return {
        "name": name, "type": kind, "path": path, "title": title,
        "format": suffix.lstrip("."), "mediatype": MEDIA_TYPES.get(suffix, "text/plain"),
        "encoding": "utf-8", "bytes": len(data), "hash": f"sha256:{sha256(data)}",
    }  # fmt: skip


def _schema(table: Table) -> dict[str, object]:
    schema: dict[str, object] = {
        "fields": [
            {"name": c.name, "type": c.type, "description": c.description} for c in table.columns
        ],
        "missingValues": [""],
    }
    if table.primary_key:
        schema["primaryKey"] = list(table.primary_key)
    if table.references:
        schema["foreignKeys"] = [
            {"fields": column, "reference": {"resource": target, "fields": "record_id"}}
            for column, target in table.references.items()
        ]
    return schema


def descriptor_json(parts: DepositParts, files: Mapping[str, bytes]) -> str:
    """datapackage.json: the package's name and date, then each file with its size and
    SHA-256 (the README's too), each table with its Table Schema."""
    tables = {t.path: t for t in parts.tables}
    titles = {extra.path: extra.title for extra in parts.attached}
    resources = []
    for path, data in files.items():
        table = tables.get(path)
        # A table is named as foreign keys name it ("records"); another file by its whole
        # path, so prisma.csv, prisma.json and prisma.svg stay apart.
        name = table.name if table else slug(path.replace("/", "-"))
        resource = _resource(name, path, data, table.title if table else titles.get(path, "README"))
        if table is not None:
            resource |= {
                "profile": "tabular-data-resource", "description": table.description,
                "dialect": CSV_DIALECT, "schema": _schema(table),
            }  # fmt: skip
        resources.append(resource)
    descriptor = {
        "profile": PACKAGE_PROFILE,
        "name": slug(parts.project),
        "title": parts.project + TITLE_SUFFIX,
        "description": "Records, screening decisions with reasons, the PRISMA 2020 flow, forms,"
        " extracted data, the codebook and coded passages of a literature review (PRISMA 2020"
        " item 27). See README.md.",
        "created": parts.as_of,
        "contributors": [{"title": parts.made_by, "role": "author"}],
        "resources": resources,
    }
    return json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"


def readme_text(parts: DepositParts, files: Mapping[str, bytes]) -> str:
    """What a reader of the deposit starts from: what each file holds, the flow, how to
    reproduce its counts, what was left out, and the sentence for the manuscript."""
    lines = [
        f"# {parts.project}{TITLE_SUFFIX}",
        "",
        f"The state of the review as of {parts.as_of} (its latest recorded entry), written"
        f" by {parts.made_by}. This package holds what PRISMA 2020 item 27 asks a review to"
        " make available; `datapackage.json` describes every table's columns and gives each"
        " file's size and SHA-256.",
        "",
        "## Files",
        "",
        "| file | what it holds | rows |",
        "|---|---|---:|",
    ]
    tables = {t.path: t for t in parts.tables}
    titles = {extra.path: extra.title for extra in parts.attached}
    for path in files:
        table = tables.get(path)
        what = table.title if table else titles.get(path, "")
        lines.append(f"| `{path}` | {what} | {len(table.rows):,} |" if table else
                     f"| `{path}` | {what} | |")  # fmt: skip
    lines += ["", "## Columns", ""]
    for table in parts.tables:
        lines += [f"`{table.path}`: {table.description}", ""]
        lines += [f"- `{c.name}`: {c.description}" for c in table.columns]
        lines.append("")
    if parts.flow_text:
        lines += ["## PRISMA 2020 flow", "", "```", parts.flow_text.rstrip(), "```", ""]
        lines += [
            "## Reproducing the counts",
            "",
            "Every box of the flow follows from two tables: `records.csv` (each imported record,"
            " its source and, for a duplicate, the record it was merged into) and"
            " `screening-log.csv` (every decision ever recorded, in order); for an updated"
            " review, `previous.csv` gives the previous version's studies. For each record and"
            " stage the latest decision of each reviewer stands; a resolution settles a"
            " disagreement. With litsynth installed,",
            "",
            "    litsynth prisma --from <this folder or its .zip>",
            "",
            "checks each file against its SHA-256 in `datapackage.json`, recomputes the flow"
            " from the two tables, and compares every box with `prisma.json`.",
            "",
        ]
    lines += [
        "## Opening the tables",
        "",
        "The CSV files are UTF-8 without a byte-order mark, comma-separated, with a header row;"
        " cells hold the values exactly as recorded. In Excel use Data > From Text/CSV and"
        ' choose UTF-8; in R, `read.csv(f, encoding = "UTF-8")` or readr; in Python,'
        " pandas or `frictionless`.",
        "",
    ]
    if parts.left_out:
        lines += ["## Not in this package", ""]
        lines += [f"- {sentence}" for sentence in parts.left_out]
        lines.append("")
    if parts.statement:
        lines += ["## For the manuscript (PRISMA 2020 item 27)", "", parts.statement, ""]
    return "\n".join(lines)


def zip_bytes(package: Package, folder: str) -> bytes:
    """The package as a zip whose entries sit in `folder`/ and carry the package's date (not
    the clock's), with fixed permissions: the same package always zips to the same bytes."""
    when = _zip_time(package.as_of)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, data in package.files.items():
            info = zipfile.ZipInfo(f"{folder}/{path}", date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the permission bits below are read
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out.getvalue()


def _zip_time(stamp: str) -> tuple[int, int, int, int, int, int]:
    """A zip entry's date from an ISO 8601 stamp (zip cannot say a date before 1980)."""
    digits = [int(part) for part in re.findall(r"\d+", stamp)[:6]]
    digits += [0] * (6 - len(digits))
    if digits[0] < 1980:
        return (1980, 1, 1, 0, 0, 0)
    year, month, day, hour, minute, second = digits
    return (year, month, day, hour, minute, second)


def latest_stamp(stamps: Sequence[str]) -> str:
    """The latest of ISO 8601 UTC stamps as "YYYY-MM-DDTHH:MM:SSZ" (SQLite's
    "YYYY-MM-DD HH:MM:SS" and Python's "+00:00" forms read alike); "" if there are none."""
    norm = sorted(s[:19].replace(" ", "T") + "Z" for s in stamps if len(s) >= 19)
    return norm[-1] if norm else ""
