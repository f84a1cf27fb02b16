"""REFI-QDA import: a .qdpx project or a .qdc codebook from NVivo, ATLAS.ti, MAXQDA, QualCoder
(or litsynth's own export) read back into a project, so a team can round-trip its coding.

What comes in:
- **Codes.** The REFI tree becomes litsynth's themes > categories > codes, with each
  element's GUID kept in the YAML (`guid:`), so exporting again gives the same GUIDs.
  - A top-level, non-codable node with non-codable children becomes a theme.
  - Other inner nodes become (nested) categories, and leaves become codes.
  - A codable node that has children (allowed in ATLAS.ti and NVivo) becomes a category, plus
    a code "<name> (general)" that receives its own codings.
  - A code whose GUID the project's codebook already has keeps that code's id, and is not
    written again.
  The new elements go to `codebook/refi-<file>.yaml`.
- **Sources.** Text sources are matched to ingested documents by their exact text. A source
  the project does not hold is written to `corpus/refi/<name>.txt` and ingested; its text is
  its canonical text, so the REFI positions index it unchanged.
- **Codings.** Each `PlainTextSelection` with `Coding`s becomes a human coding by the
  coding's user, with the exact character offsets. Re-importing the same file adds nothing.
- **Memos.** Each `Note` becomes a memo on what references it: a code, a source, a selection
  (the passage holding it), or the project.
- **Relations.** Each `Link` between two codebook elements becomes a relation in the same
  YAML file (axial coding, `litsynth relate`): its type from the link's name when it is one of
  litsynth's ("enables", "part-of (0.42)" with its weight, as litsynth exports them), else
  "associated-with" with the tool's name in its note; the link's notes are the relation's.

Anything that cannot come in is counted with its reason and never dropped silently: non-text
sources, selections whose text is not in the document, codings of unknown codes.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from litsynth.biblio.appraisal import ATTRIBUTE as APPRAISAL_ATTRIBUTE
from litsynth.coding.codebook.model import RELATION_TYPES, Codebook, relation_key
from litsynth.coding.human.review import ReviewDecision, choose_passage, codings_for, make_memo
from litsynth.records import Coding, Memo
from litsynth.store import codings as coding_store
from litsynth.store.db import transaction
from litsynth.store.documents import text_digest
from litsynth.store.synthesis import load_documents, set_document_attributes
from litsynth.synthesis.attributes import BIBLIOGRAPHIC, KEY_COLUMNS
from litsynth.synthesis.refi_read import RefiCode, RefiProject, RefiSource, read_refi

# ---- codes -> codebook YAML ------------------------------------------------------------------


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "code"


@dataclass
class _Tree:
    themes: list[dict[str, object]] = field(default_factory=list)
    categories: list[dict[str, object]] = field(default_factory=list)
    codes: list[dict[str, object]] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)  # REFI guid -> litsynth id (codes)
    elements: dict[str, str] = field(default_factory=dict)  # guid -> any element id


def plan_codebook(
    codes: Iterable[RefiCode],
    existing: Codebook | None,
    source: str = "the REFI-QDA file",
    coded: set[str] | None = None,
) -> _Tree:
    """The themes, categories and codes a REFI code tree becomes (see the module docstring).

    `coded` holds the GUIDs some selection is coded with: a codable parent gets its
    "(general)" code only when it has codings of its own (None: always)."""
    tree = _Tree()
    known = {}
    if existing is not None:
        for group in (existing.themes, existing.categories, existing.codes):
            for ident, element in group.items():
                known[getattr(element, "guid", "")] = ident
    taken = set(known.values())

    def new_id(name: str) -> str:
        base = _slug(name)
        ident, n = base, 2
        while ident in taken:
            ident, n = f"{base}-{n}", n + 1
        taken.add(ident)
        return ident

    def entry(node: RefiCode, ident: str) -> dict[str, object]:
        out: dict[str, object] = {"id": ident, "label": node.name, "guid": node.guid}
        # The codebook requires a definition; a tool's code without a description says so
        # in words, so nobody mistakes it for one the team wrote.
        out["definition"] = node.description or f"{node.name} (no description in {source})"
        if re.fullmatch(r"#[0-9a-fA-F]{6}", node.color):
            out["color"] = node.color
        return out

    def walk(node: RefiCode, theme: str | None, category: str | None, top: bool) -> None:
        if node.guid in known:  # the project's own element: keep its id, write nothing
            ident = known[node.guid]
            tree.elements[node.guid] = ident
            if existing is not None and ident in existing.codes:
                tree.ids[node.guid] = ident
            for child in node.children:
                inner_theme = ident if existing is not None and ident in existing.themes else theme
                inner_cat = (
                    ident if existing is not None and ident in existing.categories else category
                )
                walk(child, inner_theme, inner_cat, False)
            return
        if not node.children:
            ident = new_id(node.name)
            tree.elements[node.guid] = ident
            if node.codable:
                tree.ids[node.guid] = ident
                tree.codes.append(
                    {
                        **entry(node, ident),
                        **({"parent": category} if category else {"theme": theme} if theme else {}),
                    }
                )
            else:
                tree.categories.append({**entry(node, ident), **_under(theme, category)})
            return
        if top and not node.codable and any(c.children or not c.codable for c in node.children):
            ident = new_id(node.name)
            tree.elements[node.guid] = ident
            tree.themes.append(entry(node, ident))
            for child in node.children:
                walk(child, ident, None, False)
            return
        ident = new_id(node.name)
        tree.elements[node.guid] = ident
        tree.categories.append({**entry(node, ident), **_under(theme, category)})
        if node.codable and (coded is None or node.guid in coded):  # its codings need a code
            general = new_id(f"{node.name} general")
            tree.ids[node.guid] = general
            tree.codes.append(
                {
                    "id": general,
                    "label": f"{node.name} (general)",
                    "parent": ident,
                    "definition": f"Coded with {node.name} itself in {source}.",
                }
            )
        for child in node.children:
            walk(child, None, ident, False)

    for node in codes:
        walk(node, None, None, True)
    return tree


def _under(theme: str | None, category: str | None) -> dict[str, object]:
    if category:
        return {"parent": category}
    return {"theme": theme} if theme else {}


_LINK_NAME = re.compile(r"^(?P<type>.+?)(?: \((?P<weight>-?\d+(?:\.\d+)?)\))?$")


def plan_relations(
    project: RefiProject, tree: _Tree, existing: Codebook | None, report: RefiImport
) -> list[dict[str, object]]:
    """The relations the links between codebook elements become (the codebook's own ones
    not again), each once."""
    notes = project.notes
    have = {r.key for r in existing.relations} if existing is not None else set()
    out: list[dict[str, object]] = []
    for link in project.links:
        ends = tree.elements.get(link.origin), tree.elements.get(link.target)
        if ends[0] is None or ends[1] is None or ends[0] == ends[1]:
            report.skip("link that is not between two codebook elements")
            continue
        named = _LINK_NAME.match(link.name.strip())
        kind = named.group("type") if named else ""
        said = [notes[g].text.strip() for g in link.notes if g in notes and notes[g].text.strip()]
        relation: dict[str, object] = {"source": ends[0], "target": ends[1]}
        if kind in RELATION_TYPES:
            relation["type"] = kind
            if named and named.group("weight"):
                relation["weight"] = float(named.group("weight"))
        else:
            relation["type"] = "associated-with"
            said.insert(0, f"Linked as {link.name!r}." if link.name else "Linked.")
        if said:
            relation["note"] = " ".join(said)
        key = relation_key(ends[0], ends[1], str(relation["type"]))
        if key in have:
            continue
        have.add(key)
        out.append(relation)
    return out


def codebook_yaml(
    tree: _Tree, origin: str, file_name: str, relations: list[dict[str, object]] | None = None
) -> str:
    head = f"# Imported from {file_name} ({origin or 'REFI-QDA'}) by `litsynth code import-refi`.\n"
    body = {
        k: v
        for k, v in (
            ("themes", tree.themes),
            ("categories", tree.categories),
            ("codes", tree.codes),
            ("relations", relations or []),
        )
        if v
    }
    return head + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)


# ---- sources, codings, memos -----------------------------------------------------------------


@dataclass
class RefiImport:
    codes_new: int = 0
    codebook_file: str = ""
    sources_matched: int = 0
    sources_written: list[str] = field(default_factory=list)
    codings: int = 0
    codings_known: int = 0  # already in the store (a re-import)
    memos: int = 0
    relations: int = 0
    variables: int = 0  # document attributes set
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> count

    def skip(self, reason: str, n: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + n

    def to_json(self) -> dict[str, object]:
        return dict(self.__dict__)


def documents_by_text(conn: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    """sha256 of each document's canonical text -> (document id, text)."""
    rows = conn.execute("SELECT id, text FROM documents ORDER BY id")
    return {text_digest(r[1]): (r[0], r[1]) for r in rows}


def source_file_name(source: RefiSource, used: set[str]) -> str:
    stem = re.sub(r"[^\w.-]+", "_", Path(source.name or source.guid).stem).strip("._") or "source"
    name, n = f"{stem}.txt", 2
    while name.lower() in used:
        name, n = f"{stem}-{n}.txt", n + 1
    used.add(name.lower())
    return name


def place_selection(text: str, canonical: str, start: int, end: int) -> tuple[int, int] | None:
    """The selection's offsets in the stored text: the same when the texts agree, else where
    its quoted text occurs nearest to the original position; None when it does not occur."""
    if text == canonical:
        return start, end
    quote = text[start:end]
    if not quote.strip():
        return None
    hits = [m.start() for m in re.finditer(re.escape(quote), canonical)]
    if not hits:
        return None
    at = min(hits, key=lambda h: abs(h - start))
    return at, at + len(quote)


def import_codings(
    conn: sqlite3.Connection,
    project: RefiProject,
    tree: _Tree,
    documents: dict[str, tuple[str, str]],
    report: RefiImport,
) -> None:
    """Codings and memos of the sources the store now holds, in one transaction."""
    rows: list[Coding] = []
    chunk_docs: dict[str, str] = {}
    memos: list[Memo] = []
    note_targets: list[tuple[str, str]] = []  # (note guid, memo target)
    for source in project.sources:
        if source.text is None:
            continue
        found = documents.get(text_digest(source.text))
        if found is None:
            report.skip("source not in the project after ingest", len(source.selections))
            continue
        doc_id, canonical = found
        note_targets += [(g, doc_id) for g in source.notes]
        for sel in source.selections:
            placed = place_selection(source.text, canonical, sel.start, sel.end)
            if placed is None or placed[1] <= placed[0]:
                report.skip("selection text not found in the document")
                continue
            passage = choose_passage(coding_store.passages_covering(conn, doc_id, *placed), *placed)
            note_targets += [(g, passage.chunk_id) for g in sel.notes]
            for code_guid, user, at in sel.codes:
                code_id = tree.ids.get(code_guid)
                if code_id is None:
                    report.skip("coding of a code not in the codebook")
                    continue
                decision = ReviewDecision("add", passage.chunk_id, doc_id, code_id, *placed)
                coder = project.users.get(user, "") or "unknown"
                rows += codings_for(decision, coder=coder, at=at or "1970-01-01T00:00:00Z")
                chunk_docs[passage.chunk_id] = doc_id
    for code_guid, refs in project.code_notes.items():
        target = tree.elements.get(code_guid)
        if target:
            note_targets += [(g, target) for g in refs]
    note_targets += [(g, "project") for g in project.project_notes]
    for note_guid, target in note_targets:
        note = project.notes.get(note_guid)
        if note is None or not note.text.strip():
            report.skip("memo reference without a note")
            continue
        memos.append(make_memo(target, note.user, note.text, at=note.at or "1970-01-01T00:00:00Z"))
    # A coder's span already coded with that code is the same coding (the export may have
    # rounded its time, which is part of a coding's id): only new ones are appended.
    status = {c: coding_store.latest_status(conn, c) for c in {r.coder for r in rows}}
    known = [
        r
        for r in rows
        if status[r.coder].get((r.chunk_id, r.code_id, r.start, r.end)) in ("added", "accepted")
    ]
    rows = [r for r in rows if r not in known]
    with transaction(conn):
        added = coding_store.append_codings(conn, rows, chunk_docs)
        report.codings += added
        report.codings_known += len(rows) - added + len(known)
        # the same memo by the same person on the same target is already there (its time may
        # have been rounded by the export), so an import into the source project adds nothing
        fresh = [m for m in memos if not coding_store.memo_exists(conn, m.target, m.author, m.text)]
        report.memos += sum(coding_store.insert_memo(conn, m) for m in fresh)
    referenced = {g for g, _ in note_targets} | {g for link in project.links for g in link.notes}
    unreferenced = [g for g in project.notes if g not in referenced]
    if unreferenced:
        report.skip("note not attached to a code, source, selection or link", len(unreferenced))


# Variables litsynth works out itself (the appraisal judgement) or reads from the records: a
# file's value of one is not an attribute a team set, so it is not written.
_NOT_SET = frozenset({APPRAISAL_ATTRIBUTE, *BIBLIOGRAPHIC, *KEY_COLUMNS})


def import_variables(
    conn: sqlite3.Connection,
    project: RefiProject,
    documents: dict[str, tuple[str, str]],
    report: RefiImport,
) -> None:
    """Each matched source's variables as its document's attributes (matrix rows): a name the
    document has no value for is set; one it holds with another value keeps the project's,
    and is counted."""
    held = load_documents(conn, with_text=False)
    changes: dict[str, dict[str, str]] = {}
    for source in project.sources:
        found = documents.get(text_digest(source.text)) if source.text is not None else None
        if found is None or not source.variables:
            continue
        have = held[found[0]].user_attributes
        new: dict[str, str] = {}
        for name, value in source.variables:
            key = name.strip().lower()
            if key in _NOT_SET:
                report.skip(f"variable litsynth works out itself ({key})")
            elif not have.get(key):
                new.setdefault(key, value)
            elif have[key] != value:
                report.skip("variable whose value differs from the project's (the project's kept)")
        if new:
            changes[found[0]] = new
    with transaction(conn):
        for doc_id, values in changes.items():
            set_document_attributes(conn, doc_id, values)
    report.variables += sum(len(v) for v in changes.values())


def write_sources(
    project: RefiProject, documents: dict[str, tuple[str, str]], folder: Path, report: RefiImport
) -> list[Path]:
    """Write the text sources the store does not hold into `folder`; returns the new files."""
    written = []
    used = {p.name.lower() for p in folder.glob("*")} if folder.exists() else set()
    for source in project.sources:
        if source.text is None:
            report.skip("source without plain text (audio, image or external file)")
            continue
        if text_digest(source.text) in documents:
            report.sources_matched += 1
            continue
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / source_file_name(source, used)
        path.write_text(source.text, encoding="utf-8", newline="")
        written.append(path)
    return written


def import_refi(
    conn: sqlite3.Connection,
    data: bytes,
    file_name: str,
    *,
    existing: Codebook | None,
    codebook_dir: Path,
    sources_dir: Path,
    ingest: Callable[[list[Path]], object],
) -> RefiImport:
    """Read a REFI-QDA file into the project; `ingest` ingests the source files written."""
    project = read_refi(data, file_name)
    report = RefiImport()
    coded = {g for src in project.sources for sel in src.selections for g, _u, _a in sel.codes}
    tree = plan_codebook(project.codes, existing, Path(file_name).name, coded)
    report.codes_new = len(tree.themes) + len(tree.categories) + len(tree.codes)
    relations = plan_relations(project, tree, existing, report)
    report.relations = len(relations)
    if report.codes_new or relations:
        codebook_dir.mkdir(parents=True, exist_ok=True)
        out, n = codebook_dir / f"refi-{_slug(Path(file_name).stem)}.yaml", 2
        while out.exists():  # an earlier import's codes stay where they are
            out, n = codebook_dir / f"refi-{_slug(Path(file_name).stem)}-{n}.yaml", n + 1
        written = codebook_yaml(tree, project.origin, Path(file_name).name, relations)
        out.write_text(written, encoding="utf-8")
        report.codebook_file = str(out)
    documents = documents_by_text(conn)
    new_files = write_sources(project, documents, sources_dir, report)
    if new_files:
        ingest(new_files)
        report.sources_written = [str(p) for p in new_files]
        documents = documents_by_text(conn)
    import_codings(conn, project, tree, documents, report)
    import_variables(conn, project, documents, report)
    return report
