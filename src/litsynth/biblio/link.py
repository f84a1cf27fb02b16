"""Full-text linking: which ingested document is the full text of which record.

Three rules, tried in order for each record (the first that matches wins, because each is
less certain than the one before):

1. **DOI** — the normalised DOIs are equal (score 1.0).
2. **Title** — titles agree at ≥ 92 on rapidfuzz's `token_sort_ratio` after casefolding and
   dropping punctuation, *and* nothing contradicts: years (when both known) differ by at most
   one (online-first vs issue year), and first authors' family names (when both known) agree.
   92 lets "Value creation in e-business" match "Value Creation in E-Business." and a
   subtitle's missing colon, while "Business model design" vs "Business model innovation"
   (74) stays apart. Score = similarity / 100.
3. **File** — a Zotero-style `file` field (`Full Text:files/12/Smith2019.pdf:application/pdf`,
   several joined by `;`) names a file whose name equals a document's file name (score 1.0).

One document may serve one record only: when two records claim the same document the
stronger claim (higher rule, then higher score) keeps it. Links a person made
(`method = 'manual'`) are never replaced by a run.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

from rapidfuzz import fuzz, process

from litsynth.biblio.attachments import attachments, file_name
from litsynth.citations.doi import normalize_doi
from litsynth.errors import BiblioError
from litsynth.records import FULL_TEXT, TITLE_ABSTRACT, BibRecord
from litsynth.words import count

TITLE_THRESHOLD = 92.0
_RULES = ("doi", "title", "file")


@dataclass(frozen=True)
class DocumentRef:
    """What linking needs to know about an ingested document."""

    id: str
    path: str
    title: str = ""
    authors: tuple[str, ...] = ()
    year: int | None = None
    doi: str = ""


@dataclass(frozen=True)
class Link:
    record_id: str
    document_id: str
    method: str  # doi | title | file
    score: float


@dataclass(frozen=True)
class LinkReport:
    links: list[Link]
    sought: int  # records whose full text is wanted
    unmatched: list[BibRecord]  # sought, no document linked, not recorded as not retrieved
    sought_rule: str  # how "sought" was decided, for the reader of the report

    def summary(self) -> str:
        """One line for `run`'s step list, in the words `litsynth link` uses."""
        return (
            f"{count(len(self.links), 'record')} linked to documents;"
            f" {count(self.sought, 'record')} sought ({self.sought_rule}),"
            f" {len(self.unmatched)} without a full text"
        )

    def to_json(self) -> dict[str, object]:
        return {
            "links": [vars(link) for link in self.links],
            "n_linked": len(self.links),
            "sought": self.sought,
            "sought_rule": self.sought_rule,
            "unmatched": [
                {"id": r.id, "title": r.title, "year": r.year, "doi": r.doi} for r in self.unmatched
            ],
        }


def title_key(title: str) -> str:
    """'Value Creation in E-Business.' -> 'value creation in e business'."""
    return re.sub(r"[\W_]+", " ", title.casefold()).strip()


def _family(name: str) -> str:
    name = name.strip()
    family = name.split(",")[0] if "," in name else (name.split()[-1] if name.split() else "")
    return title_key(family)


def file_names(field: str) -> list[str]:
    """File names in a Zotero/JabRef `file` field, lowercased.

    'Full Text PDF:files/12/Smith2019.pdf:application/pdf;Snapshot:files/12/x.html:text/html'
    -> ['smith2019.pdf', 'x.html'] (`attachments.attachments` reads the field). Plain paths
    (Better BibTeX) work too.
    """
    return [name.lower() for a in attachments(field) if (name := file_name(a.path))]


def _compatible(rec: BibRecord, doc: DocumentRef) -> bool:
    if rec.year and doc.year and abs(rec.year - doc.year) > 1:
        return False
    if rec.authors and doc.authors:
        return _family(rec.authors[0]) == _family(doc.authors[0])
    return True


def match_records(records: Sequence[BibRecord], documents: Sequence[DocumentRef]) -> list[Link]:
    """Pure: the links the three rules give, one document per record and per document."""
    by_doi = {normalize_doi(d.doi): d for d in documents if normalize_doi(d.doi)}
    titled = [d for d in documents if title_key(d.title)]
    keys = [title_key(d.title) for d in titled]
    by_name: dict[str, DocumentRef] = {}
    for d in documents:
        by_name.setdefault(PurePosixPath(d.path.replace("\\", "/")).name.lower(), d)
    claims: list[Link] = []
    for rec in records:
        doc = by_doi.get(rec.doi) if rec.doi else None
        if doc is not None:
            claims.append(Link(rec.id, doc.id, "doi", 1.0))
            continue
        best: Link | None = None
        if rec.title and keys:
            for _key, score, index in process.extract(
                title_key(rec.title), keys, scorer=fuzz.token_sort_ratio, limit=5
            ):
                if score >= TITLE_THRESHOLD and _compatible(rec, titled[index]):
                    best = Link(rec.id, titled[index].id, "title", round(score / 100, 4))
                    break
        if best is None and rec.file:
            for name in file_names(rec.file):
                if name in by_name:
                    best = Link(rec.id, by_name[name].id, "file", 1.0)
                    break
        if best is not None:
            claims.append(best)
    # One document per record already; now one record per document, strongest claim first.
    claims.sort(key=lambda link: (_RULES.index(link.method), -link.score, link.record_id))
    taken: set[str] = set()
    links = []
    for link in claims:
        if link.document_id not in taken:
            taken.add(link.document_id)
            links.append(link)
    return sorted(links, key=lambda link: link.record_id)


def _documents(rows: Iterable[Mapping[str, Any]]) -> list[DocumentRef]:
    return [
        DocumentRef(
            id=r["id"],
            path=r["path"],
            title=r["title"] or "",
            authors=tuple(r["authors"] or ()),
            year=r["year"],
            doi=r["doi"] or "",
        )
        for r in rows
    ]


def sought_records(conn: sqlite3.Connection) -> tuple[list[BibRecord], set[str], str]:
    """(records whose full text is wanted, ids recorded as not retrieved, the rule used).

    With title/abstract decisions in the screening log, the records it includes are sought;
    before any screening, every unique record is.
    """
    from litsynth.biblio.screening_rules import effective
    from litsynth.store import biblio as store
    from litsynth.store import screening_log as screening_store

    unique = store.unique_records(conn)
    decisions = screening_store.log(conn)
    eff = effective(decisions) if decisions else {}
    if not any(stage == TITLE_ABSTRACT for _rid, stage in eff):
        return unique, set(), "every unique record: no title/abstract decisions yet"
    included = {
        rid
        for (rid, stage), e in eff.items()
        if stage == TITLE_ABSTRACT and e.decision == "include"
    }
    not_retrieved = {
        rid
        for (rid, stage), e in eff.items()
        if stage == FULL_TEXT and e.decision == "not-retrieved"
    }
    return [r for r in unique if r.id in included], not_retrieved, "included at title/abstract"


def link_full_texts(conn: sqlite3.Connection) -> LinkReport:
    """Link unique records to ingested documents and list the sought records still unmatched."""
    from litsynth.store import biblio as store

    records = store.unique_records(conn)
    documents = _documents(store.documents_for_linking(conn))
    links = match_records(records, documents)
    store.save_links(
        conn,
        [(k.record_id, k.document_id, k.method, k.score) for k in links],
        datetime.now(UTC).isoformat(timespec="seconds"),
    )
    refresh_documents(conn)
    sought, not_retrieved, rule = sought_records(conn)
    linked = {row["record_id"] for row in store.record_documents(conn)}
    unmatched = [r for r in sought if r.id not in linked and r.id not in not_retrieved]
    return LinkReport(links=links, sought=len(sought), unmatched=unmatched, sought_rule=rule)


def require_record(
    conn: sqlite3.Connection,
    record_id: str,
    hint: str = "record ids are listed by `litsynth screen export` and `export records`",
) -> None:
    """A BiblioError unless the project has the record: said before a file is stored for it."""
    from litsynth.store import biblio as store

    if store.get_record(conn, record_id) is None:
        raise BiblioError(f"no record {record_id!r} in this project", hint=hint)


def link_by_hand(
    conn: sqlite3.Connection, record_id: str, document: str, *, unlink: bool = False
) -> tuple[str, str]:
    """Link a record to a document by hand (or undo a link); returns (record id, document id).

    The document may be named by its id, its path in the project or its file name. An unlink
    is remembered, so the next automatic `litsynth link` does not bring the same match back.
    """
    from litsynth.store import biblio as store

    require_record(conn, record_id)
    docs = store.documents_for_linking(conn)
    matches = [
        d for d in docs
        if document in (d["id"], d["path"]) or d["path"].rsplit("/", 1)[-1] == document
    ]  # fmt: skip
    if len(matches) != 1:
        found = "no" if not matches else f"{len(matches)}"
        raise BiblioError(
            f"{found} ingested document matches {document!r}",
            hint="name the document by its id or its path (see `litsynth status` and the report)",
        )
    doc_id = str(matches[0]["id"])
    store.set_manual_link(
        conn, record_id, doc_id, linked=not unlink,
        at=datetime.now(UTC).isoformat(timespec="seconds"),
    )  # fmt: skip
    refresh_documents(conn, [doc_id])
    return record_id, doc_id


def refresh_documents(conn: sqlite3.Connection, ids: Sequence[str] | None = None) -> int:
    """Let documents take authors/year/title/venue/DOI from their linked records (documents.csv
    values win), so labels follow a link without a re-ingest; returns how many changed."""
    from litsynth.store import documents as doc_store
    from litsynth.store.db import transaction

    wanted = list(ids) if ids is not None else [
        r[0] for r in conn.execute("SELECT id FROM documents ORDER BY id")
    ]  # fmt: skip
    with transaction(conn):
        return sum(doc_store.refresh_metadata(conn, d) for d in wanted)
