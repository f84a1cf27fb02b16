"""`litsynth code import-annotations`: a reviewer's PDF highlights and notes into the project.

Each PDF is matched to its ingested document (by its bytes, by its path in the project, or,
for a copy exported from a reference manager, by its text), its marks read
(`ingest.pdf_notes`), placed in the stored text and turned into codings (the codes a comment
or a colour names) or memos (a mark naming none), in one transaction per file. A mark the
project holds already is not written again -- the same code on the same words (or on words
around them) by the same coder, the same memo, or, for a mark naming no code, any coding of
its words by its coder (brought in before with its colour's code) -- so the import can be
run after every reading session; a coding the reviewer has since rejected stays rejected.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

from litsynth.coding.codebook.model import Codebook
from litsynth.coding.human.annotations import (
    Comment,
    StoredText,
    code_names,
    colour_name,
    memo_text,
    place_note,
    read_comment,
    replies_text,
)
from litsynth.coding.human.review import (
    ReviewDecision,
    choose_passage,
    codings_for,
    make_memo,
    now_utc,
)
from litsynth.config import Project
from litsynth.errors import CodingError, LitsynthError
from litsynth.ingest.anchor import letters
from litsynth.ingest.docx_notes import read_docx_notes
from litsynth.ingest.files import file_hash, on_disk
from litsynth.ingest.pdf_notes import NotesRead, PdfNote, read_notes
from litsynth.progress import progress
from litsynth.records import Coding, Memo, one_line
from litsynth.store import codings as store
from litsynth.store.db import transaction
from litsynth.store.documents import document_pages, file_state, holding_paths, kind_and_path
from litsynth.store.report import document_text

KINDS = ("pdf", "docx")  # the documents whose files hold marks: a PDF's, a Word file's comments
SUFFIXES = (".pdf", ".docx")


@dataclass
class FileOutcome:
    """What one PDF's marks became; `problem` says why a file gave nothing."""

    path: str
    document_id: str = ""
    matched_by: str = ""  # "its bytes" | "its path" | "its text"
    document_path: str = ""  # where the project read the document from
    marks: int = 0
    codings: int = 0
    memos: int = 0
    already: int = 0  # marks the project holds already (imported before, or decided since)
    codes: Counter[str] = field(default_factory=Counter)
    uncoded: Counter[str] = field(default_factory=Counter)  # by colour: marks kept as memos
    unknown_tags: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    authors: list[str] = field(default_factory=list)
    problem: str = ""

    def to_json(self) -> dict[str, object]:
        # Field by field, not `asdict`: it rebuilds a Counter from (key, count) pairs,
        # counting the pairs.
        return {f.name: getattr(self, f.name) for f in fields(self)}


def pdfs_to_read(project: Project, conn: sqlite3.Connection, paths: Sequence[Path]) -> list[Path]:
    """The files given (a folder stands for the PDFs and Word files in it), or every
    ingested PDF's and Word file's."""
    if not paths:
        found = [project.root / p for p, _ in store.annotatable_files(conn, KINDS)]
        return [p for p in found if p.is_file()]
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES)
        elif path.is_file():
            out.append(path)
        else:
            raise CodingError(f"no file or folder {path}", hint="give PDFs you marked up")
    return out


def import_annotations(
    project: Project,
    conn: sqlite3.Connection,
    book: Codebook,
    pdfs: Sequence[Path],
    *,
    colours: dict[str, str],
    reviewer: str,
    coder: str | None = None,
    passwords: Sequence[str] = (),
    dry_run: bool = False,
    on_file: Callable[[FileOutcome], None] | None = None,
) -> list[FileOutcome]:
    """Read each PDF's marks and write what they mean; one outcome per file.

    `coder` names the coder of every mark; without it each mark is its author's (the name
    the PDF reader put in it, as two reviewers' marked copies must stay apart), or
    `reviewer`'s when the mark names nobody.
    """
    names = code_names(book)
    texts = _Texts(conn)
    outcomes = []
    # A bar for a whole corpus read for its marks (each file opened, most holding none).
    for pdf in progress(pdfs, total=len(pdfs), desc="reading marks", unit="file", minimum=50):
        outcome = FileOutcome(_shown(project, pdf))
        try:
            read = read_docx_notes(pdf) if _is_docx(pdf) else read_notes(pdf, passwords)
        except LitsynthError as exc:
            outcome.problem = str(exc)
        else:
            _import_file(
                conn, read, outcome, texts,
                names=names, colours=colours, coder=coder, reviewer=reviewer,
                pdf=pdf, project=project, dry_run=dry_run,
            )  # fmt: skip
        outcomes.append(outcome)
        if on_file is not None:
            on_file(outcome)
    return outcomes


def document_marks(
    project: Project,
    conn: sqlite3.Connection,
    book: Codebook,
    document: str,
    *,
    colours: dict[str, str],
    reviewer: str,
    passwords: Sequence[str] = (),
    dry_run: bool = False,
) -> FileOutcome | None:
    """The marks in one document's file (the Read & code screen): what they would become
    (`dry_run`) or became; None when it is no PDF or Word document, or its file is gone."""
    found = kind_and_path(conn, document)
    if found is None or found[0] not in KINDS:
        return None
    file = on_disk(project.root, holding_paths(conn, document))
    if file is None:
        return None
    outcomes = import_annotations(
        project, conn, book, [file], colours=colours, reviewer=reviewer,
        passwords=passwords, dry_run=dry_run,
    )  # fmt: skip
    return outcomes[0]


def _import_file(
    conn: sqlite3.Connection,
    read: NotesRead,
    outcome: FileOutcome,
    texts: _Texts,
    *,
    names: dict[str, str],
    colours: dict[str, str],
    coder: str | None,
    reviewer: str,
    pdf: Path,
    project: Project,
    dry_run: bool,
) -> None:
    outcome.skipped = dict(read.skipped)
    outcome.not_found = list(read.unreadable)
    outcome.marks = len(read.notes) + len(read.unreadable)
    if not read.notes:
        return
    document, how = _document_of(conn, project, pdf, read.notes, texts)
    if document is None:
        outcome.problem = (
            "not in the project: none of its marks' words are in an ingested document"
            " (ingest it first: put it in corpus/ and run `litsynth ingest`)"
        )
        return
    outcome.document_id, outcome.matched_by = document, how
    outcome.document_path = (kind_and_path(conn, document) or ("", ""))[1]
    stored = texts.of(document)
    text = stored.text
    codings: list[Coding] = []
    memos: list[Memo] = []
    ledger = _Ledger(conn, document)
    for note in read.notes:
        comment = read_comment(note.comment, names)
        outcome.unknown_tags += [t for t in comment.unknown if t not in outcome.unknown_tags]
        colour = colour_name(note.colour)
        codes = list(comment.codes)
        if colour in colours and colours[colour] not in codes:
            codes.append(colours[colour])
        span = place_note(note, stored)
        if span is None:
            where = f"page {note.page}: " if note.page else ""
            outcome.not_found.append(f"{where}{note.kind} “{one_line(note.text, 80)}”")
            continue
        who = coder or note.author or reviewer
        if who not in outcome.authors:
            outcome.authors.append(who)
        at = note.at or now_utc()
        start, end = span
        stop = max(end, start + 1)  # a note's place is a span of one character
        passage = choose_passage(store.passages_covering(conn, document, start, stop), start, stop)
        if not note.covers_text:
            start, end = passage.start, passage.end  # a note codes the passage it is beside
        if not codes and ledger.coded(who, start, end):
            outcome.already += 1  # brought in before with a code (its colour's, say)
            continue
        if not codes:
            memo = make_memo(
                passage.chunk_id,
                who,
                memo_text(note, comment, text[start:end] if note.covers_text else ""),
                at=at,
            )
            if store.memo_exists(conn, memo.target, memo.author, memo.text) or memo in memos:
                outcome.already += 1
            else:
                memos.append(memo)
                outcome.uncoded[colour or "no colour"] += 1
            continue
        said = _coding_memo(note, comment)
        for code in codes:
            if ledger.holds(who, code, start, end, said):
                outcome.already += 1
                continue
            ledger.add(who, code, start, end, said)
            decision = ReviewDecision(
                "add", passage.chunk_id, document, code, start, end, memo=said,
            )  # fmt: skip
            codings += codings_for(decision, coder=who, at=at)
            outcome.codes[code] += 1
    outcome.codings, outcome.memos = len(codings), len(memos)
    if dry_run:
        return
    with transaction(conn):
        store.append_codings(conn, codings, {c.chunk_id: document for c in codings})
        for memo in memos:
            store.insert_memo(conn, memo)


class _Ledger:
    """What each coder decided on in one document, read once per coder: (code, start, end)
    with the memos written on it. A span's passage is no part of it (another chunking may
    file the same words under another passage)."""

    def __init__(self, conn: sqlite3.Connection, document: str) -> None:
        self.conn, self.document = conn, document
        self._decided: dict[str, dict[tuple[str, int, int], set[str]]] = {}

    def _of(self, coder: str) -> dict[tuple[str, int, int], set[str]]:
        if coder not in self._decided:
            self._decided[coder] = store.decided_spans(self.conn, coder, self.document)
        return self._decided[coder]

    def coded(self, coder: str, start: int, end: int) -> bool:
        """Whether the coder decided any code on exactly these words."""
        return any((s, e) == (start, end) for _, s, e in self._of(coder))

    def holds(self, coder: str, code: str, start: int, end: int, said: str) -> bool:
        """Whether this code on these words is decided already: on the same words, or on
        words around them with nothing new said (one page's part of a span drawn on a copy
        comes back so; a new remark on part of a coding is written)."""
        decided = self._of(coder)
        return (code, start, end) in decided or any(
            c == code and s <= start and end <= e and (not said or said in memos)
            for (c, s, e), memos in decided.items()
        )

    def add(self, coder: str, code: str, start: int, end: int, said: str) -> None:
        self._of(coder)[(code, start, end)] = {said}


def _coding_memo(note: PdfNote, comment: Comment) -> str:
    return "\n".join(part for part in (comment.rest, replies_text(note)) if part)


class _Texts:
    """The ingested PDFs' texts, each read from the store once: when a file's marks are
    placed in it, or (all of them) when a file must be matched by its words."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._stored: dict[str, StoredText] = {}
        self._every = False

    def of(self, document: str) -> StoredText:
        if document not in self._stored:
            text = document_text(self.conn, document)
            self._stored[document] = StoredText(text, document_pages(self.conn, document))
        return self._stored[document]

    def every(self) -> dict[str, StoredText]:
        if not self._every:
            for document, text in store.annotatable_texts(self.conn, KINDS):
                if document not in self._stored:
                    pages = document_pages(self.conn, document)
                    self._stored[document] = StoredText(text, pages)
            self._every = True
        return self._stored


def _document_of(
    conn: sqlite3.Connection, project: Project, pdf: Path, notes: Sequence[PdfNote], texts: _Texts
) -> tuple[str | None, str]:
    """Which ingested document a marked PDF is: by its bytes, its path, or its marks' words."""
    digest = file_hash(pdf)
    if store.document_length(conn, digest) is not None:
        return digest, "its bytes"
    try:
        relative = pdf.resolve().relative_to(project.root.resolve()).as_posix()
    except ValueError:
        relative = ""
    state = file_state(conn, relative) if relative else None
    if state is not None:
        return state.document_id, "its path"
    # The letters around each mark (about 100 characters of its page): long enough to be
    # one paper's, short enough to miss a running header the stored text left out.
    words = [letters(n.page_text[max(0, n.start - 50) : n.start + 50]).text for n in notes]
    counts = Counter(
        document
        for document, stored in texts.every().items()
        for needle in words
        if len(needle) >= 40 and needle in stored.letters().text
    )
    if not counts:
        return None, ""
    return counts.most_common(1)[0][0], "its text"


def _is_docx(path: Path) -> bool:
    return path.suffix.lower() == ".docx"


def _shown(project: Project, path: Path) -> str:
    try:
        return path.resolve().relative_to(project.root.resolve()).as_posix()
    except ValueError:
        return str(path)
