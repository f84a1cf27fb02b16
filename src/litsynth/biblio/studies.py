"""Studies and their reports: one study reported in several papers counts once.

PRISMA 2020 counts the studies included and the reports of them apart ("Studies included in
review (n = 28); Reports of included studies (n = 31)"), and the Cochrane Handbook (5.2.1) asks
a review to collate the reports of one study before extracting its data, so a study that
published its findings twice does not weigh twice in the synthesis. A qualitative review meets
it too: the same interviews written up for two journals.

Which records report one study is a reviewer's judgement, so it is kept as the screening
decisions are, a log (store/studies.py): `group` appends "this record reports the study whose
main report is that one" for each record, `split` appends the entries that take a record out
again, and the latest entry per record counts. A study is named by its main report's record
id; grouping into a study always names the study's main report, so the log never holds a
cycle, and a study grouped into another brings its reports along.

`candidates` proposes reports a reviewer may want to group, never groups them: records naming
the same trial or review registration (NCT…, ISRCTN…, PROSPERO's CRD42…), or sharing most of
their authors, the first among them, within a few years, with titles that share most of
their words.

An updated review meets a new report of a study its previous version included (the trial's
follow-up, published since): it is a report, not a new study, and PRISMA 2020's flow for
updated reviews counts it in "Reports of total included studies" only. Such a study is named
`previous:STUDY` (STUDY: its key in the previous version's list, `litsynth previous`), a study
no record here is the main report of; grouping a record into it is the same log entry, and
`previous_records` lets `candidates` compare the update's records with that list.

The functions are pure (log entries and records in, entries out); biblio/studies_here.py
reads and appends the log for the CLI and the workspace, and the flow (biblio/prisma.py)
counts the studies.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from litsynth.citations.labels import work_label
from litsynth.citations.names import fold, name_key
from litsynth.errors import BiblioError
from litsynth.records import BibRecord, PreviousReport, StudyLink

# Registration numbers of trials and reviews, as abstracts and notes cite them. The prefix is
# kept with the number: NCT01234567 and ISRCTN01234567 are different studies.
# Matched in the upper-cased text: case-blind matching of this alternation was half the time.
_REGISTRATION = re.compile(
    r"\b(NCT\d{8}|ISRCTN\d{8}|ACTRN\d{14}|CRD\d{11}|DRKS\d{8}|CHICTR-?[A-Z]{0,4}-?\d{8,12}"
    r"|NTR\d{3,5}|UMIN\d{9}|CTRI/\d{4}/\d{2,3}/\d{6}"
    r"|IRCT\d{10,}N\d+|PACTR\d{15}|KCT\d{7}|JPRN-[A-Z]+\d+)"
)
# EudraCT numbers are cited bare after their name ("EudraCT number 2004-000123-45")
_EUDRACT = re.compile(r"\b(?:EUDRACT|EUCTR)\D{0,12}?(\d{4}-\d{6}-\d{2})\b")
MIN_SHARED = 0.5  # share of the shorter author list two reports of one study have in common
MAX_YEARS = 5  # a study's reports seldom lie further apart
# Titles of two reports of one study share most of their words ("A randomised trial of X in
# Y" and "X in Y: two-year follow-up"); a team's other studies mostly do not. Jaccard of
# their content words, on author pairs of four labelled searches read by a person (docs/
# screening.md): every second report at 0.46 or above, every other study at 0.39 or below.
MIN_TITLES_ALIKE = 0.4
MIN_TITLE_WORDS = 3  # "Editorial", "Response": a title of fewer names no one study
_WORD = re.compile(r"[^\W_]+")
_STOP = frozenset(
    ("after", "among", "and", "are", "between", "during", "for", "from", "its", "that", "the",
     "their", "these", "this", "those", "use", "using", "versus", "was", "were", "with")
)  # fmt: skip
PREVIOUS = "previous:"  # a study of the previous version of an updated review: previous:STUDY


@dataclass(frozen=True)
class Candidate:
    """Two records that may report one study, and why they were proposed."""

    first: str
    second: str
    why: str  # "both name NCT01234567" | "3 of 4 authors shared, first author Ahmed"
    strength: float  # 2 for a shared registration; else the share of authors in common
    labels: tuple[str, str] = ("", "")  # "Zott & Amit (2007)", as a reader finds them

    def to_json(self) -> dict[str, object]:
        return {
            "records": [self.first, self.second],
            "labels": list(self.labels),
            "why": self.why,
            "strength": self.strength,
        }


def studies_of(log: Iterable[StudyLink]) -> dict[str, str]:
    """Record id -> the record id of its study's main report, for every record the log has
    put in a study of two or more; a record it does not name is a study of its own. The
    latest entry per record counts, by time (a merged copy's entries land after this one's
    in the table, whenever they were made), then by order."""
    latest: dict[str, str] = {}
    for _, _, entry in sorted((e.at, i, e) for i, e in enumerate(log)):
        latest[entry.record_id] = entry.study
    out: dict[str, str] = {}
    for record in latest:
        root, seen = record, {record}
        while latest.get(root):
            nxt = latest[root]
            if nxt in seen:  # a cycle the CLI never writes; the record keeps its own study
                root = record
                break
            seen.add(nxt)
            root = nxt
        if root != record:
            out[record] = root
    return out


def included_counts(
    studies: Mapping[str, str], included: Iterable[str], earlier: Collection[str]
) -> tuple[int, int, int, int]:
    """(new reports, new studies, reports of studies the previous version included, those
    studies) among the `included` records: a record whose study is one of `earlier` (its
    `previous:STUDY` names) is a new report of that study, not a new study. PRISMA's flow
    and `litsynth studies` count alike."""
    roots = [study_of(studies, r) for r in included]
    new = [root for root in roots if root not in earlier]
    old = [root for root in roots if root in earlier]
    return len(new), len(set(new)), len(old), len(set(old))


def study_of(studies: Mapping[str, str], record_id: str) -> str:
    """The study `record_id` reports: its main report's id (its own when it stands alone)."""
    return studies.get(record_id, record_id)


def count_studies(studies: Mapping[str, str], record_ids: Iterable[str]) -> int:
    """How many studies the records report."""
    return len({study_of(studies, r) for r in record_ids})


def previous_key(study: str) -> str:
    """The name of a study of the previous version here, as the log and the export write it."""
    return PREVIOUS + study


def is_previous_study(study: str) -> bool:
    """Whether a study is one the previous version of the review included."""
    return study.startswith(PREVIOUS)


def previous_records(reports: Iterable[PreviousReport]) -> list[BibRecord]:
    """The previous version's reports as records named by their study (`previous:STUDY`),
    so `candidates` pairs an update's records with them as with each other."""
    return [
        BibRecord(
            id=previous_key(r.study),
            source="previous version",
            batch_id="",
            title=r.title,
            authors=r.authors,
            year=r.year,
            doi=r.doi,
            journal=r.journal,
        )
        for r in reports
    ]


def previous_labels(reports: Iterable[PreviousReport]) -> dict[str, tuple[str, str]]:
    """`previous:STUDY` -> (label, title) of its first report in the previous version's list:
    "Smith & Berg (2019), previous version"."""
    out: dict[str, tuple[str, str]] = {}
    for rec in previous_records(reports):
        out.setdefault(rec.id, (f"{record_label(rec)}, previous version", rec.title))
    return out


def previous_label(labels: Mapping[str, tuple[str, str]], study: str) -> tuple[str, str]:
    """A previous study's (label, title) from `previous_labels`; one the list no longer holds
    (`previous --clear`, another list told) says so, and its reports count as new studies
    until split."""
    return labels.get(study, (f"{study} (not on the previous version's list)", ""))


def previous_studies(reports: Iterable[PreviousReport]) -> dict[str, list[str]]:
    """The previous version's studies as a grouping names them (`previous:STUDY`), each with
    its reports' labels ("Smith & Berg (2019)") in the list's order: what `litsynth previous
    --list` and the workspace show."""
    out: dict[str, list[str]] = {}
    for rec in previous_records(reports):
        out.setdefault(rec.id, []).append(record_label(rec))
    return out


def listed_lines(listed: Mapping[str, Sequence[str]]) -> list[str]:
    """`previous_studies` as lines: "  previous:smith2019  Smith & Berg (2019); …"."""
    return [f"  {study}  {'; '.join(labels)}" for study, labels in listed.items()]


def listed_json(listed: Mapping[str, Sequence[str]]) -> list[dict[str, object]]:
    """`previous_studies` as `--json` and the workspace give it."""
    return [{"study": study, "reports": list(labels)} for study, labels in listed.items()]


def members(studies: Mapping[str, str]) -> dict[str, list[str]]:
    """Main report -> the other reports of its study, for each study of two or more."""
    out: dict[str, list[str]] = {}
    for record, root in studies.items():
        out.setdefault(root, []).append(record)
    return out


def group(
    studies: Mapping[str, str],
    main: str,
    others: Sequence[str],
    *,
    reviewer: str,
    at: str,
    note: str = "",
) -> list[StudyLink]:
    """The entries that make each of `others` (and the reports of its study) a report of
    the study `main` reports (`main` may name a study of the previous version,
    `previous:STUDY`); none for one already there."""
    root = study_of(studies, main)
    out = []
    for record in dict.fromkeys(others):
        if record == main:
            raise BiblioError(
                f"{record} is the study's main report and one of its others",
                hint="name the main report first, then the other reports of the study",
            )
        now = study_of(studies, record)
        if is_previous_study(now) and now != root:  # two studies of the previous version
            raise BiblioError(
                f"{record} is a report of {now} already",
                hint=f"group the others into it (`litsynth studies group {now} …`), or take"
                f" {record} out first (`litsynth studies split {record}`)",
            )
        if now != root:
            out.append(StudyLink(now, root, reviewer, at, note))
    return out


def split(
    studies: Mapping[str, str], record: str, *, reviewer: str, at: str, note: str = ""
) -> list[StudyLink]:
    """The entries that make `record` a study of its own again; when it was its study's main
    report, the next report (in the order the study lists them) becomes the main one of
    the rest. None when it stands alone already."""
    root = study_of(studies, record)
    if root != record:
        return [StudyLink(record, "", reviewer, at, note)]
    rest = members(studies).get(record, [])
    if not rest:
        return []
    new_main, *others = rest
    return [
        StudyLink(new_main, "", reviewer, at, note),
        *(StudyLink(r, new_main, reviewer, at, note) for r in others),
    ]


def _text(record: BibRecord) -> str:
    """Where a record cites a registration: its title, abstract and notes, upper-cased."""
    return " ".join((record.title, record.abstract, *record.extra.values())).upper()


def may_share(here: BibRecord, regs: set[str], first: str, other: BibRecord) -> bool:
    """Whether `other` is in one of `here`'s blocks (its first author, or a registration
    number its text cites), told without reading all of `other`'s registrations: a record's
    page compares one record with every record sought for full text."""
    families = author_keys(other)
    if first and families and families[0] == first:
        return True
    if not regs:
        return False
    text = _text(other)
    plain = text.replace("-", "")
    return any(r.removeprefix("EudraCT ") in (text if r.startswith("EudraCT") else plain)
               for r in regs)  # fmt: skip


def registrations(record: BibRecord) -> set[str]:
    """The trial and review registration numbers a record's title, abstract or notes cite."""
    text = _text(record)
    found = {m.replace("-", "") for m in _REGISTRATION.findall(text)}
    return found | {f"EudraCT {m}" for m in _EUDRACT.findall(text)}


def record_label(record: BibRecord) -> str:
    return work_label(record.authors, record.year, title=record.title)


def _words(pool: Sequence[BibRecord], seen: dict[int, frozenset[str]], i: int) -> frozenset[str]:
    if i not in seen:
        seen[i] = title_words(pool[i].title)
    return seen[i]


def title_words(title: str) -> frozenset[str]:
    """A title's content words, as two titles are compared: folded, of three letters or
    more, not a function word, a plural's "s" dropped ("Order sets" and "order set")."""
    words = (fold(w) for w in _WORD.findall(title))
    stems = (w.removesuffix("s") for w in words if w not in _STOP)
    return frozenset(w for w in stems if len(w) > 2)


def titles_alike(a: frozenset[str], b: frozenset[str]) -> float:
    """The share of two titles' words they have in common (Jaccard); 0 when the shorter has
    fewer than MIN_TITLE_WORDS words."""
    if min(len(a), len(b)) < MIN_TITLE_WORDS:
        return 0.0
    return len(a & b) / len(a | b)


def author_keys(record: BibRecord) -> list[str]:
    """Each author as family name and first initial ("kim j"): Kim, J. and Kim, S. are two
    people, and a common family name alone paired unrelated papers."""
    out = []
    for author in record.authors:
        family, _, given = author.partition(",")
        key = name_key(family)
        initial = fold(given.strip()[:1])
        if key:
            out.append(f"{key} {initial}".rstrip())
    return out


def candidates(
    records: Sequence[BibRecord], studies: Mapping[str, str], only: BibRecord | None = None
) -> list[Candidate]:
    """Pairs of records that may report one study and are not yet grouped, strongest first:
    a registration number both cite, or most of the shorter author list shared with the
    same first author, within MAX_YEARS, and titles alike (MIN_TITLES_ALIKE). With `only`,
    the pairs of that record and each of `records` (one record's page in the workspace).
    `records` may hold `previous_records`: a pair of two of them is never proposed.

    Only records that share a registration number or a first author are compared (blocks),
    so a whole search's records are compared in seconds, not in n² pairs."""
    pool = [r for r in records if only is None or r.id != only.id]
    if only is not None:
        pool.append(only)
    regs = [registrations(r) for r in pool]
    families = [author_keys(r) for r in pool]
    blocks: dict[str, list[int]] = {}
    for i, (reg, fam) in enumerate(zip(regs, families, strict=True)):
        for key in (*(f"reg:{x}" for x in reg), *([f"first:{fam[0]}"] if fam else [])):
            blocks.setdefault(key, []).append(i)
    last = len(pool) - 1
    pairs: set[tuple[int, int]] = set()
    for members_ in blocks.values():
        if only is not None:
            if last in members_:
                pairs.update((last, j) for j in members_ if j != last)
        else:
            pairs.update(combinations(members_, 2))
    out = []
    words: dict[int, frozenset[str]] = {}  # a title's words, once: a record is in many pairs
    for i, j in sorted(pairs):
        a, b = pool[i], pool[j]
        if study_of(studies, a.id) == study_of(studies, b.id):
            continue
        if is_previous_study(a.id) and is_previous_study(b.id):  # the previous version's own
            continue
        shared_reg = sorted(regs[i] & regs[j])
        if shared_reg:
            why = f"both name {', '.join(shared_reg)}"
            out.append(Candidate(a.id, b.id, why, 2.0, (record_label(a), record_label(b))))
            continue
        fa, fb = set(families[i]), set(families[j])
        if a.year and b.year and abs(a.year - b.year) > MAX_YEARS:
            continue
        shorter, shared = min(len(fa), len(fb)), len(fa & fb)
        if shorter < 2 or shared < 2 or shared / shorter < MIN_SHARED:
            continue
        if titles_alike(_words(pool, words, i), _words(pool, words, j)) >= MIN_TITLES_ALIKE:
            first = a.authors[0].split(",", 1)[0].strip()
            why = f"{shared} of {shorter} authors shared, first author {first}"
            strength = round(shared / shorter, 3)
            out.append(Candidate(a.id, b.id, why, strength, (record_label(a), record_label(b))))
    # a study of the previous version is there once per report: its strongest pair counts
    kept: dict[tuple[str, str], Candidate] = {}
    for c in sorted(out, key=lambda c: (-c.strength, c.first, c.second)):
        kept.setdefault((c.first, c.second), c)
    return list(kept.values())
