"""Reproducing a deposited review's PRISMA counts from its package, without its project.

A reader of a published review, a peer reviewer or the authors a year later holds the
package (report.deposit) and not the project. `reproduce` checks every file against the
size and SHA-256 its datapackage.json gives, rebuilds the flow from the two tables it
follows from (records.csv and screening-log.csv) with the same functions `litsynth prisma`
uses on a store, and compares every box with the deposited prisma.json. A box that differs
is named with both values; so is a file that changed.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from litsynth.biblio.prisma import FlowRecord, PrismaFlow, build_flow, check_flow
from litsynth.biblio.screening_rules import effective
from litsynth.errors import PrismaError
from litsynth.records import Decision
from litsynth.report.deposit import DESCRIPTOR, TITLE_SUFFIX, sha256
from litsynth.words import count

# A package is data, not an archive of anything: a zip claiming more than this is refused
# before a byte is inflated (a "zip bomb" would fill the disk).
MAX_UNPACKED = 4 << 30
_HINT = "point --from at the folder or .zip that `litsynth export package` wrote"


@dataclass(frozen=True)
class FileCheck:
    """One file of the package against its descriptor: ok, changed or missing."""

    path: str
    status: str
    detail: str = ""


@dataclass(frozen=True)
class Reproduced:
    """The flow recomputed from a package, with what differs from what was deposited."""

    flow: PrismaFlow
    files: tuple[FileCheck, ...]
    differences: tuple[str, ...]  # "records_screened: deposited 2019, recomputed 2018"
    records: int
    decisions: int
    title: str
    created: str

    @property
    def project(self) -> str:
        """The review's name, as the diagram is titled (the package's title without its
        ": review data")."""
        return self.title.removesuffix(TITLE_SUFFIX)

    @property
    def ok(self) -> bool:
        return not self.differences and all(f.status == "ok" for f in self.files)

    def summary(self) -> str:
        changed = [f for f in self.files if f.status != "ok"]
        if self.ok:
            return (f"reproduced: every box equals the deposited prisma.json, from"
                    f" {count(self.records, 'record')} and {count(self.decisions, 'decision')};"
                    f" {count(len(self.files), 'file')} match their SHA-256")  # fmt: skip
        said = [f"{f.path} {f.status}" + (f" ({f.detail})" if f.detail else "") for f in changed]
        said += list(self.differences)
        return "not reproduced: " + "; ".join(said)

    def to_json(self) -> dict[str, Any]:
        return {
            "reproduced": self.ok, "title": self.title, "created": self.created,
            "records": self.records, "decisions": self.decisions,
            "files": [f.__dict__ for f in self.files], "differences": list(self.differences),
            "flow": self.flow.to_json(),
        }  # fmt: skip


def is_package(path: Path) -> bool:
    """Whether `path` is a deposit package: a folder with datapackage.json, or a zip holding
    one (a reference file is neither)."""
    if path.is_dir():
        return (path / DESCRIPTOR).is_file()
    if not (path.is_file() and zipfile.is_zipfile(path)):
        return False
    with zipfile.ZipFile(path) as archive:
        return any(PurePosixPath(n).name == DESCRIPTOR for n in archive.namelist())


def read_package(path: Path) -> dict[str, bytes]:
    """The descriptor and every file it lists, from a package folder or its zip."""
    if path.is_dir():
        return _from_folder(path)
    if path.is_file() and zipfile.is_zipfile(path):
        return _from_zip(path)
    if path.exists():
        raise PrismaError(f"{path} is neither a folder nor a zip file", hint=_HINT)
    raise PrismaError(f"no such package: {path}", hint=_HINT)


def _resources(descriptor: bytes, where: object) -> list[dict[str, Any]]:
    """The descriptor's resources, each with a path; anything else is not a package."""
    try:
        resources = json.loads(descriptor)["resources"]
        if not all(isinstance(r, dict) and isinstance(r["path"], str) for r in resources):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise PrismaError(f"{where}: {DESCRIPTOR} is not a data package descriptor",
                          hint=_HINT) from None  # fmt: skip
    return list(resources)


def _listed(descriptor: bytes, where: Path) -> list[str]:
    paths = [r["path"] for r in _resources(descriptor, where)]
    for p in paths:
        pure = PurePosixPath(p)
        if pure.is_absolute() or ".." in pure.parts:
            raise PrismaError(f"{where}: {DESCRIPTOR} names a file outside the package: {p}",
                              hint=_HINT)  # fmt: skip
    return paths


def _from_folder(folder: Path) -> dict[str, bytes]:
    descriptor = folder / DESCRIPTOR
    if not descriptor.is_file():
        raise PrismaError(f"{folder} holds no {DESCRIPTOR}", hint=_HINT)
    files = {DESCRIPTOR: descriptor.read_bytes()}
    for p in _listed(files[DESCRIPTOR], folder):
        if (folder / p).is_file():
            files[p] = (folder / p).read_bytes()
    return files


def _from_zip(path: Path) -> dict[str, bytes]:
    try:
        return _unzipped(path)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise PrismaError(
            f"{path} is a damaged zip ({exc})",
            hint="download the package again from where it was deposited",
        ) from None


def _unzipped(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if sum(i.file_size for i in infos) > MAX_UNPACKED:
            raise PrismaError(f"{path} unpacks to more than {MAX_UNPACKED >> 30} GiB",
                              hint="a review's data package is far smaller")  # fmt: skip
        tops = sorted((i for i in infos if PurePosixPath(i.filename).name == DESCRIPTOR),
                      key=lambda i: i.filename.count("/"))  # fmt: skip
        if not tops:
            raise PrismaError(f"{path} holds no {DESCRIPTOR}", hint=_HINT)
        base = str(PurePosixPath(tops[0].filename).parent)
        prefix = "" if base == "." else base + "/"
        files = {DESCRIPTOR: archive.read(tops[0])}
        names = {i.filename for i in infos}
        for p in _listed(files[DESCRIPTOR], path):
            if prefix + p in names:
                files[p] = archive.read(prefix + p)
    return files


def check_files(files: Mapping[str, bytes]) -> tuple[FileCheck, ...]:
    """Each listed file against the bytes and SHA-256 the descriptor gives for it."""
    out = []
    for resource in _resources(files[DESCRIPTOR], "the package"):
        path = resource["path"]
        data = files.get(path)
        if data is None:
            out.append(FileCheck(path, "missing"))
            continue
        algorithm, _, want = str(resource.get("hash", "")).rpartition(":")
        if algorithm not in ("sha256", "") or not want:
            out.append(FileCheck(path, "unchecked", "no SHA-256 in the descriptor"))
        elif sha256(data) != want:
            out.append(FileCheck(path, "changed", "SHA-256 differs"))
        elif "bytes" in resource and resource["bytes"] != len(data):
            out.append(FileCheck(path, "changed", "size differs"))
        else:
            out.append(FileCheck(path, "ok"))
    return tuple(out)


def table_rows(
    files: Mapping[str, bytes], name: str, needed: tuple[str, ...]
) -> list[dict[str, str]]:
    """The rows of one CSV of a package, its `needed` columns checked."""
    if name not in files:
        raise PrismaError(
            f"the package has no {name}",
            hint="a review with no records has no flow to reproduce and no studies to carry",
        )
    try:
        text = files[name].decode("utf-8-sig")  # a spreadsheet may have saved it with a BOM
        reader = csv.DictReader(io.StringIO(text, newline=""), restval="")
        missing = [c for c in needed if c not in (reader.fieldnames or ())]
        if missing:
            raise PrismaError(f"{name} has no column {', '.join(missing)}", hint=_HINT)
        return list(reader)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise PrismaError(
            f"{name} cannot be read as UTF-8 CSV ({exc})",
            hint="it was changed after the package was written",
        ) from None


# Boxes litsynth counts since packages were first written, and what an older package's
# prisma.json, which has no such key, held in effect
_SINCE = {"previous_new_reports": 0}


def reproduce(files: Mapping[str, bytes]) -> Reproduced:
    """The flow from records.csv and screening-log.csv, compared with prisma.json."""
    rows = table_rows(files, "records.csv", ("record_id", "source", "duplicate_of"))
    records = [FlowRecord(r["record_id"], r["source"], r["duplicate_of"] or None) for r in rows]
    # a package written before reports were grouped into studies has no `study` column
    studies = {
        r["record_id"]: r["study"]
        for r in rows
        if r.get("study", r["record_id"]) not in (r["record_id"], "")
    }
    needed = ("record_id", "stage", "decision", "reviewer", "at")
    log = [
        Decision(
            record_id=r["record_id"],
            stage=r["stage"],
            decision=r["decision"],
            reviewer=r["reviewer"],
            at=r["at"],
            reason=r.get("reason", ""),
            note=r.get("note", ""),
            origin=r.get("origin", ""),
            source=r.get("provenance", ""),
        )
        for r in table_rows(files, "screening-log.csv", needed)
    ]
    checks = check_files(files)
    changed = [f"{c.path} ({c.status})" for c in checks if c.status != "ok"]
    earlier = table_rows(files, "previous.csv", ("study",)) if "previous.csv" in files else []
    keys = {r["study"] for r in earlier}
    try:
        flow = check_flow(build_flow(records, effective(log), (len(keys), len(earlier)), studies,
                                     keys))  # fmt: skip
    except PrismaError as exc:
        if not changed:
            raise
        raise PrismaError(
            f"{exc.message}; and the package is not as written: " + ", ".join(changed),
            hint="get the package again from where it was"
            " deposited (its files no longer match their SHA-256)",
        ) from None
    recomputed = json.loads(json.dumps(flow.to_json()))
    try:
        deposited = json.loads(files["prisma.json"]) if "prisma.json" in files else {}
    except ValueError:
        deposited = {"prisma.json": "not JSON"}
    if not isinstance(deposited, dict):
        deposited = {"prisma.json": "not a JSON object"}
    differences = tuple(
        f"{box}: deposited {deposited.get(box, 'nothing')}, recomputed {recomputed.get(box)}"
        for box in sorted(set(recomputed) | set(deposited))
        if deposited.get(box, _SINCE.get(box)) != recomputed.get(box)
    )
    if not deposited:
        differences = ("prisma.json: not in the package, nothing to compare with",)
    descriptor = json.loads(files[DESCRIPTOR])
    title, created = str(descriptor.get("title", "")), str(descriptor.get("created", ""))
    return Reproduced(flow, checks, differences, len(records), len(log), title, created)
