"""Decisions made in another screening tool, carried over: Rayyan, ASReview LAB, list exports.

A review often reaches litsynth half screened: the title/abstract stage done in Rayyan or
ASReview LAB, the included studies in a Covidence list. Screening those records again would
waste days, and retyping the decisions into a sheet loses who decided what. Each tool writes
its decisions into the export it gives:

- **Rayyan** keeps every reviewer's decision in the record's notes (CSV `notes`, RIS `N1`):
  ``RAYYAN-INCLUSION: {"Ana"=>"Included", "Ben"=>"Excluded"} | RAYYAN-LABELS: RCT |
  RAYYAN-EXCLUSION-REASONS: wrong population | USER-NOTES: {"Ben"=>["adults only"]}``.
  Each named reviewer's decision is recorded under their name, so a disagreement becomes a
  conflict here, as it was there. Rayyan sends the export zipped, beside a change log.
- **ASReview LAB** writes `asreview_label` (1, 0 or empty; `included` in version 1 exports)
  and `asreview_note` in CSV, TSV and Excel exports, and `ASReview_relevant` /
  `ASReview_irrelevant` / `ASReview_not_seen` notes in RIS; its project file (.asreview)
  holds the records and labels in its own database. A record it never showed stays
  unscreened, for litsynth's prioritiser to rank.
- **A list** (Covidence's "Included" studies, any export of one pile) carries no decision:
  the reviewer says which one every record in it gets.

The export's records are matched to the project's own (imported from the databases, so PRISMA
counts each source) by DOI, else by title and year; a duplicate's decision goes to its group's
root, as every decision does. The decisions then go through the sheet's rules
(`screening_rules.parse_sheet`) and are appended as a sheet's are: same checks, same log.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from litsynth.biblio import screening_rules as rules
from litsynth.biblio.encoding_repair import repair
from litsynth.biblio.link import title_key
from litsynth.biblio.normalize import to_record
from litsynth.biblio.readers import read_entries
from litsynth.biblio.readers_sheet import spreadsheet_kind
from litsynth.biblio.record_fields import pmid_of
from litsynth.citations.doi import normalize_doi
from litsynth.errors import ScreeningError
from litsynth.records import BibRecord
from litsynth.store import asreview as asreview_store

TOOLS = ("rayyan", "asreview", "abstrackr")
TOOL_NAMES = dict(zip(TOOLS, rules.OTHER_TOOLS, strict=True)) | {"list": "a list"}

_RAYYAN_MARK = re.compile(r"(RAYYAN-[A-Z-]+|USER-NOTES):")
_QUOTED = r'"((?:[^"\\]|\\.)*)"'
_RAYYAN_VOTE = re.compile(_QUOTED + r"\s*=>\s*" + _QUOTED)
_RAYYAN_NOTES = re.compile(_QUOTED + r"\s*=>\s*\[(.*?)\]", re.S)
_RAYYAN_WORDS = {"included": "include", "excluded": "exclude", "maybe": "maybe"}
_ASREVIEW_TAG = re.compile(r"ASReview_(relevant|irrelevant|not_seen)\b")
_ASREVIEW_NOTE = re.compile(r'asreview_note:\s*"(.*)"', re.S)


@dataclass(frozen=True)
class Vote:
    """One reviewer's decision on one record of the export; reviewer "" is the importer."""

    reviewer: str
    decision: str  # include | exclude | maybe, or what the tool wrote when unreadable
    reason: str = ""
    note: str = ""


@dataclass(frozen=True)
class ToolEntry:
    """A record of the export, as much as matching it needs, and the decisions it carries."""

    line: int
    title: str
    doi: str
    year: int | None
    votes: tuple[Vote, ...]
    abstract: str = ""
    pmid: str = ""


@dataclass(frozen=True)
class ToolExport:
    tool: str  # "rayyan" | "asreview" | "list"
    entries: tuple[ToolEntry, ...]
    reviewers: tuple[str, ...] = ()  # the names the export gives (Rayyan), in first-seen order
    unread: int = 0  # entries the export reader rejected (broken lines)


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _rayyan_parts(notes: str) -> dict[str, str]:
    """{'RAYYAN-INCLUSION': '{…}', 'RAYYAN-LABELS': 'a,b', …} of a notes field, wherever the
    marks sit in it: after the record's own notes, joined by " | " or, when a RIS export holds
    several N1 lines, by the "; " the reader joins them with."""
    marks = list(_RAYYAN_MARK.finditer(notes))
    parts: dict[str, str] = {}
    if not marks:
        return parts
    for mark, after in zip(marks, [*marks[1:], None], strict=True):
        end = after.start() if after is not None else len(notes)
        parts[mark.group(1)] = notes[mark.end() : end].strip().rstrip("|;").strip()
    return parts


def _listed(text: str) -> list[str]:
    return [x.strip() for x in text.split(",") if x.strip()]


def rayyan_votes(notes: str) -> tuple[Vote, ...]:
    """Each named reviewer's decision in a Rayyan notes field, with the record's exclusion
    reasons on exclusions (the first is the reason; PRISMA counts one) and the labels and the
    reviewer's own notes as the note."""
    parts = _rayyan_parts(notes)
    if "RAYYAN-INCLUSION" not in parts:
        return ()
    labels = _listed(parts.get("RAYYAN-LABELS", ""))
    # older exports file exclusion reasons among the labels, marked __EXR__
    reasons = _listed(parts.get("RAYYAN-EXCLUSION-REASONS", ""))
    reasons += [x.removeprefix("__EXR__").strip() for x in labels if x.startswith("__EXR__")]
    labels = [x for x in labels if not x.startswith("__EXR__")]
    user_notes = {
        _unquote(who): [_unquote(n) for n in re.findall(_QUOTED, body)]
        for who, body in _RAYYAN_NOTES.findall(parts.get("USER-NOTES", ""))
    }
    votes = []
    for who, said in _RAYYAN_VOTE.findall(parts["RAYYAN-INCLUSION"]):
        if said.strip().lower() == "undecided":  # a decision taken back in Rayyan
            continue
        name = _unquote(who).strip()
        decision = _RAYYAN_WORDS.get(said.strip().lower(), said)
        note = [*user_notes.get(name, [])]
        if labels:
            note.append("Rayyan labels: " + ", ".join(labels))
        reason = reasons[0] if decision == "exclude" and reasons else ""
        if decision == "exclude" and len(reasons) > 1:
            note.append("also: " + ", ".join(reasons[1:]))
        votes.append(Vote(name, decision, reason, "; ".join(note)))
    return tuple(votes)


def _asreview_label(extra: Mapping[str, str]) -> tuple[str, str]:
    """(label, note) from an ASReview export's columns or RIS notes; label '' when unseen."""
    notes = extra.get("notes", "")
    tag = _ASREVIEW_TAG.search(notes)
    if tag:
        said = {"relevant": "1", "irrelevant": "0"}.get(tag.group(1), "")
        note = _ASREVIEW_NOTE.search(notes)
        return said, _unquote(note.group(1)) if note else ""
    lowered = {k.strip().lower(): v for k, v in extra.items()}
    said = lowered.get("asreview_label", lowered.get("included", "")).strip()
    if said in ("-1", "-1.0"):  # version 1's "not seen"
        said = ""
    return said, (lowered.get("asreview_note") or "").strip()


def asreview_votes(extra: Mapping[str, str]) -> tuple[Vote, ...]:
    said, note = _asreview_label(extra)
    if not said:
        return ()
    if "ASReview_prior" in extra.get("notes", ""):
        note = "; ".join(x for x in (note, "ASReview prior knowledge") if x)
    reviewer = (extra.get("asreview_user_name") or "").strip()
    decision = rules.parse_decision(said) or said
    return (Vote(reviewer, decision, "", note),)


# abstrackr's labels export: a column per screener (their user name) holding 1 (include),
# -1 (exclude), 0 (borderline) or "o" (not screened by them), a "consensus" column (the
# label all screeners agree on, "x" where they disagree, "o" with one screener), and per
# screener four note columns, "general notes (NAME)" and so on. Its fixed columns:
_ABSTRACKR_FIXED = frozenset(
    {"(internal) id", "(source) id", "pubmed id", "keywords", "abstract", "title", "journal",
     "authors", "tags", "consensus", "labeled_at"}
)  # fmt: skip
_ABSTRACKR_LABELS = {"1": "include", "-1": "exclude", "0": "maybe"}
_ABSTRACKR_NOTE = re.compile(
    r"^(general|population|intervention/comparator|outcome) notes \((.+)\)$"
)


def abstrackr_votes(extra: Mapping[str, str]) -> tuple[Vote, ...]:
    """Each screener's label in an abstrackr export, with their notes (and the export's
    tags, and a consensus the project lead set where screeners disagreed) as the note."""
    notes: dict[str, list[str]] = {}
    for key, value in extra.items():
        said = _ABSTRACKR_NOTE.match(key.strip())
        if said and value.strip():
            notes.setdefault(said.group(2), []).append(f"{said.group(1)}: {value.strip()}")
    labels = {
        key.strip(): _ABSTRACKR_LABELS[value.strip()]
        for key, value in extra.items()
        if key.strip().lower() not in _ABSTRACKR_FIXED and value.strip() in _ABSTRACKR_LABELS
    }
    shared = []
    if extra.get("tags", "").strip():
        shared.append("abstrackr tags: " + extra["tags"].strip())
    consensus = _ABSTRACKR_LABELS.get(extra.get("consensus", "").strip())
    if consensus and len(set(labels.values())) > 1:
        shared.append(f"abstrackr consensus: {consensus}")
    return tuple(
        Vote(who, decision, "", "; ".join([*notes.get(who, []), *shared]))
        for who, decision in labels.items()
    )


def detect_tool(extras: Iterable[Mapping[str, str]]) -> str | None:
    """Which tool wrote an export, from the marks its decisions leave; None if none does."""
    for extra in extras:
        if {"(internal) id", "consensus"} <= {k.strip().lower() for k in extra}:
            return "abstrackr"
        notes = extra.get("notes", "")
        if "RAYYAN-INCLUSION:" in notes:
            return "rayyan"
        keys = {k.strip().lower() for k in extra}
        if _ASREVIEW_TAG.search(notes) or keys & {"asreview_label", "asreview_ranking"}:
            return "asreview"
    return None


_EXPORT_SUFFIXES = (".csv", ".tsv", ".txt", ".ris", ".bib", ".nbib", ".xlsx", ".xls", ".json")


def unpacked(data: bytes, file_name: str) -> tuple[bytes, str]:
    """The export inside a zip, as Rayyan sends it (articles.csv, beside its log of every
    change), or any zip holding one export; a workbook or any other file is itself."""
    if not data.startswith(b"PK\x03\x04") or spreadsheet_kind(data):
        return data, file_name
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = [n for n in z.namelist() if not n.endswith("/") and "__MACOSX" not in n]
            exports = [n for n in names if n.rsplit("/", 1)[-1] == "articles.csv"] or [
                n for n in names if n.lower().endswith(_EXPORT_SUFFIXES)
            ]
            if len(exports) != 1:
                raise ScreeningError(
                    f"{file_name} is a zip holding {len(exports)} exports"
                    f" ({', '.join(exports[:5]) or 'none'})",
                    hint="unzip it and import the export with the decisions",
                )
            return z.read(exports[0]), f"{file_name}:{exports[0]}"
    except zipfile.BadZipFile:
        return data, file_name


def asreview_project(data: bytes, file_name: str) -> ToolExport | None:
    """The labels in an ASReview LAB project file (.asreview, Export → Project), or None when
    the bytes are not one. A project from before ASReview 2 (no results.db) is refused with
    the way round: export the dataset from the LAB instead."""
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if "project.json" not in names:
                return None
            if "results.db" not in names:
                raise ScreeningError(
                    f"{file_name} is an ASReview LAB project from before version 2",
                    hint="open it in ASReview LAB and export the dataset (CSV, Excel or RIS)",
                )
            with tempfile.TemporaryDirectory(prefix="litsynth-asreview-") as folder:
                db = Path(z.extract("results.db", folder))
                rows = asreview_store.labelled_records(db)
    except zipfile.BadZipFile:
        return None
    entries = []
    for row in rows:
        said = {1: "include", 0: "exclude"}.get(row["label"])
        votes = (Vote("", said, "", (row["note"] or "").strip()),) if said else ()
        year = row["year"] if isinstance(row["year"], int) else None
        # the row's line in a CSV dataset (its header is line 1): where a reviewer finds it
        line, doi = row["dataset_row"] + 2, normalize_doi(row["doi"])
        entries.append(ToolEntry(line, row["title"] or "", doi, year, votes, row["abstract"] or ""))
    return ToolExport("asreview", tuple(entries))


def read_tool_export(
    data: bytes,
    file_name: str,
    *,
    tool: str | None = None,
    every: str = "",
    reason: str = "",
) -> ToolExport:
    """The entries of a screening tool's export with their votes.

    `tool` None: told from the file. `every`: the decision every record of a list export
    gets (then the file's own marks are not read).
    """
    project = None if every else asreview_project(data, file_name)
    if project is not None:
        return project
    data, file_name = unpacked(data, file_name)
    _fmt, _enc, result = read_entries(data, file_name)
    if every:
        tool = "list"
    elif tool is None:
        tool = detect_tool(e.extra for e in result.entries)
        if tool is None:
            raise ScreeningError(
                f"{file_name} holds no screening decisions litsynth can read: no record_id and"
                " decision columns, no Rayyan RAYYAN-INCLUSION notes, no ASReview LAB labels,"
                " no abstrackr consensus column",
                hint="for an export of one list (e.g. Covidence's included studies) give the"
                " decision they all get: --all include",
            )
    entries, reviewers = [], {}
    for raw in result.entries:
        # repaired as the database export was, so a mangled title matches its record
        rec, _ = repair(
            to_record(raw.fields, record_id="", source="", batch_id="", extra=raw.extra)
        )
        if tool == "list":
            votes: tuple[Vote, ...] = (Vote("", every, reason if every == "exclude" else ""),)
        elif tool == "rayyan":
            votes = rayyan_votes(raw.extra.get("notes", ""))
        elif tool == "abstrackr":
            votes = abstrackr_votes(raw.extra)
        else:
            votes = asreview_votes(raw.extra)
        reviewers.update(dict.fromkeys(v.reviewer for v in votes if v.reviewer))
        entries.append(
            ToolEntry(
                raw.line, rec.title, rec.doi, rec.year, votes, rec.abstract, pmid_of(raw.extra)
            )
        )
    return ToolExport(tool, tuple(entries), tuple(reviewers), len(result.rejected))


def _text_key(text: str) -> str:
    """An abstract as compared: case, spacing and punctuation left out (exports differ in
    each; control characters too, which one tool keeps and another drops)."""
    return title_key(text)


@dataclass
class RecordIndex:
    """The project's records by DOI and by title, each pointing at its group's root.

    Two records of one title are not always one work (a trial and its protocol; a paper and
    its erratum), so where a title names several groups the abstract decides; and where
    `litsynth dedupe` was unsure whether they are one (`unsure`), the reviewer is told to
    settle that first rather than have the decision guessed onto one of them.
    """

    by_doi: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    by_pmid: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    by_title: dict[str, list[tuple[str, int | None, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    unsure: set[frozenset[str]] = field(default_factory=set)

    @classmethod
    def of(
        cls, records: Sequence[BibRecord], unsure: Iterable[tuple[str, str]] = ()
    ) -> RecordIndex:
        roots = {r.id: r.extra.get("duplicate_of") or r.id for r in records}
        index = cls(unsure={frozenset(roots.get(r, r) for r in pair) for pair in unsure})
        for rec in records:
            if rec.doi:
                index.by_doi[rec.doi].add(roots[rec.id])
            if pmid := pmid_of(rec.extra):
                index.by_pmid[pmid].add(roots[rec.id])
            if rec.title:
                entry = (roots[rec.id], rec.year, rec.abstract)
                index.by_title[title_key(rec.title)].append(entry)
        return index

    def match(self, entry: ToolEntry) -> tuple[str, str]:
        """(record id, '') or ('', why not): by DOI, else by PubMed id (a translated title
        is in brackets in PubMed, not in Embase), else by title and year, and where a title
        names several records, by abstract."""
        roots = set(self.by_doi.get(entry.doi, ())) if entry.doi else set()
        if not roots and entry.pmid:
            roots = set(self.by_pmid.get(entry.pmid, ()))
        if not roots and entry.title:
            same = [
                (root, abstract)
                for root, year, abstract in self.by_title.get(title_key(entry.title), [])
                if not (year and entry.year and year != entry.year)
            ]
            roots = {root for root, _ in same}
            if len(roots) > 1 and entry.abstract:
                key = _text_key(entry.abstract)
                alike = {root for root, abstract in same if _text_key(abstract) == key}
                roots = alike or roots
        if len(roots) == 1:
            return next(iter(roots)), ""
        shown = (entry.title[:70] + "…") if len(entry.title) > 70 else entry.title
        if not roots:
            return "", f"no record of the project has its DOI or title ({shown!r})"
        ids = ", ".join(sorted(roots)[:3])
        if any(frozenset(pair) in self.unsure for pair in combinations(sorted(roots), 2)):
            return "", (
                f"{shown!r} is {len(roots)} records `litsynth dedupe` was unsure are one ({ids}):"
                " settle them (`litsynth dedupe --uncertain`, or the Duplicates screen), then"
                " import again"
            )
        return "", f"{len(roots)} records have the title {shown!r} and its abstract ({ids})"


def sheet_rows(
    export: ToolExport, index: RecordIndex, importer: str, *, all_theirs: bool = False
) -> tuple[dict[str, list[tuple[int, dict[str, str]]]], list[rules.SheetProblem]]:
    """The export as a sheet per reviewer (line, {record_id, decision, reason, note}), and
    the entries that match no record. A vote without a name is the importer's, and with
    `all_theirs` every vote is."""
    sheets: dict[str, list[tuple[int, dict[str, str]]]] = defaultdict(list)
    unmatched = []
    for entry in export.entries:
        if not entry.votes:
            continue
        record_id, why = index.match(entry)
        if not record_id:
            unmatched.append(rules.SheetProblem(entry.line, "", why))
            continue
        for v in entry.votes:
            row = {"record_id": record_id, "decision": v.decision, "reason": v.reason}
            who = importer if all_theirs else (v.reviewer or importer)
            sheets[who].append((entry.line, {**row, "note": v.note}))
    return sheets, unmatched
