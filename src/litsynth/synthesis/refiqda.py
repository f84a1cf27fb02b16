"""REFI-QDA 1.0 export: a .qdc codebook and a .qdpx project for NVivo, ATLAS.ti, MAXQDA, QualCoder.

The REFI-QDA standard (www.qdasoftware.org) has two XML vocabularies:

- **Codebook** (`urn:QDA-XML:codebook:1.0`, a `.qdc` file): nested `Code` elements with
  guid, name, isCodable, color and a `Description`. litsynth's tree nests themes > categories
  > codes; themes and categories are containers (isCodable="false"), codes are codable.
- **Project** (`urn:QDA-XML:project:1.0`, `project.qde` inside a `.qdpx` zip): `Users`, the
  same `CodeBook`, `Variables` (document attributes), `Sources` (`TextSource` whose plain text
  is the file `sources/<guid>.txt` in the zip, referenced as `internal://<guid>.txt`), each
  with `PlainTextSelection`s carrying `Coding`/`CodeRef`s, `Notes` (memos), `Links` (codebook
  relations) and `Sets` (sources by attribute value).

Positions are character offsets — Unicode code points, 0-based, end exclusive — into the
plain text, which is exactly the document's canonical text written as UTF-8: Python's
`text[start:end]` is the coded quote. That is what the round-trip test checks.

GUIDs are stable: the codebook's own (fixed per code), else uuid5 of a fixed namespace and the
element's id, so exporting twice gives the same file and an importer can merge re-exports.
"""

from __future__ import annotations

import sqlite3
import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePath

import regex

from litsynth import __version__
from litsynth.coding.codebook.model import SYMMETRIC_RELATIONS, Codebook, TreeNode
from litsynth.records import CodedSpan, Memo, SourceDoc, content_id
from litsynth.store import synthesis as store
from litsynth.store.analysis import chunk_offsets
from litsynth.synthesis.from_store import coded_spans, document_studies, study_labels
from litsynth.synthesis.from_store import documents as project_documents
from litsynth.synthesis.spans import quote

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = f"litsynth {__version__}"
EXPORTER = "refi-qda.v1"

# Fixed: changing it would change every GUID litsynth derives for sources, selections, users.
_NAMESPACE = uuid.UUID("3c0f6c3e-54a5-5b3c-8d7e-6a0b8f2e9d41")
_GUID = regex.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
_RGB = regex.compile(r"^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")
# XML 1.0 cannot carry most C0 control characters (a PDF's form feed among them).
_NOT_XML = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


SUGGESTED_SET = "Unreviewed machine suggestions"


def guid(kind: str, ident: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{ident}"))


SUGGESTED_ROOT = guid("suggested-root", SUGGESTED_SET)


def _clean(text: str) -> str:
    return _NOT_XML.sub(" ", text)


def _timestamp(value: str, default: str) -> str:
    """xsd:dateTime in UTC ("2026-11-20T10:00:00Z") from ISO or SQLite "YYYY-MM-DD HH:MM:SS"."""
    try:
        parsed = datetime.fromisoformat(value.strip().replace(" ", "T")) if value.strip() else None
    except ValueError:
        parsed = None
    if parsed is None:
        return default
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)  # SQLite's datetime('now') is UTC
    return parsed.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


# ------------------------------------------------------------------------------- code tree


def element_guid(codebook: Codebook, ident: str, kind: str) -> str:
    element = codebook.get(ident)
    own = getattr(element, "guid", "") if element is not None else ""
    return own if own and _GUID.match(own) else guid(kind, ident)


def _description(codebook: Codebook, node: TreeNode) -> str:
    element = codebook.get(node.id)
    if element is None:
        return ""
    parts = [getattr(element, "definition", "")]
    for label, attr in (("When to use", "when_to_use"), ("When not to use", "when_not_to_use")):
        value = getattr(element, attr, "")
        if value:
            parts.append(f"{label}: {value}")
    return _clean("\n\n".join(p for p in parts if p))


def _code_elements(
    parent: ET.Element,
    nodes: Iterable[TreeNode],
    codebook: Codebook,
    note_refs: Mapping[str, Sequence[str]] | None = None,
) -> None:
    for node in nodes:
        element = codebook.get(node.id)
        attrs = {
            "guid": element_guid(codebook, node.id, node.kind),
            "name": _clean(node.label or node.id),
            "isCodable": "true" if node.kind == "code" else "false",
        }
        color = getattr(element, "color", "") if element is not None else ""
        if color and _RGB.match(color):
            attrs["color"] = color
        code = ET.SubElement(parent, "Code", attrs)
        description = _description(codebook, node)
        if description:
            ET.SubElement(code, "Description").text = description
        for note in (note_refs or {}).get(node.id, ()):
            ET.SubElement(code, "NoteRef", {"targetGUID": note})
        _code_elements(code, node.children, codebook, note_refs)


def _serialise(root: ET.Element, ns: str) -> bytes:
    # Tags stay unqualified and the root declares the default namespace: ElementTree's own
    # default_namespace option refuses the unqualified attributes the standard uses.
    root.set("xmlns", ns)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def codebook_xml(codebook: Codebook) -> bytes:
    """The codebook as a REFI-QDA .qdc document (UTF-8 bytes)."""
    root = ET.Element("CodeBook", {"origin": ORIGIN})
    codes = ET.SubElement(root, "Codes")
    _code_elements(codes, codebook.tree(), codebook)
    return _serialise(root, CODEBOOK_NS)


# ---------------------------------------------------------------------------------- project


@dataclass(frozen=True)
class Package:
    """A .qdpx archive's content: project.qde and the sources' plain text by archive path."""

    project_qde: bytes
    sources: Mapping[str, str]  # "sources/<guid>.txt" -> canonical text
    summary: Mapping[str, int]


def _variables(documents: Iterable[SourceDoc]) -> list[str]:
    names = {name for doc in documents for name, value in doc.user_attributes.items() if value}
    return sorted(names)


def build_project(
    codebook: Codebook,
    documents: Mapping[str, SourceDoc],
    spans: Sequence[CodedSpan],
    memos: Sequence[Memo] = (),
    *,
    name: str,
    now: str | None = None,
    memo_chunks: Mapping[str, tuple[str, int, int]] | None = None,
    studies: Sequence[tuple[str, list[str]]] = (),
) -> Package:
    """The whole project as a Package (pure: no files touched).

    `studies`: (name, document ids) of each study reported in two or more of the documents
    (`litsynth studies`), each exported as a set "study: NAME", a QDA tool's case.

    `memo_chunks` (chunk id -> document, start, end) places memos on passages nobody coded:
    each becomes an uncoded selection of the passage carrying the note, so an importer can
    attach the memo to the passage again instead of to the whole project.
    """
    now = now or datetime.now(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    ns = PROJECT_NS
    spans = [s for s in spans if s.document_id in documents and s.end > s.start]

    # Unreviewed suggestions are no coder's work: their codings are made by the tool's own
    # user, on a parallel code "<label> (suggested)" under one parent, gathered in one set.
    suggested = sorted({s.code_id for s in spans if s.origin == "machine"} & set(codebook.codes))
    people = {s.coder or "unknown" for s in spans if s.origin != "machine"}
    users = sorted(people | {m.author for m in memos} | {"litsynth"})
    user_guid = {u: guid("user", u) for u in users}
    chunk_doc = {s.chunk_id: s.document_id for s in spans}
    uncoded: dict[str, dict[tuple[int, int], list[str]]] = defaultdict(lambda: defaultdict(list))
    for chunk_id, (doc_id, start, end) in (memo_chunks or {}).items():
        if chunk_id not in chunk_doc and doc_id in documents and end > start:
            chunk_doc[chunk_id] = doc_id
            uncoded[doc_id][(start, end)].append(chunk_id)

    # Memos become notes; each note is referenced from what it is about.
    notes = [(m, guid("note", m.id)) for m in memos]
    code_notes: dict[str, list[str]] = defaultdict(list)
    doc_notes: dict[str, list[str]] = defaultdict(list)
    chunk_notes: dict[str, list[str]] = defaultdict(list)
    project_notes: list[str] = []
    for memo, note_guid in notes:
        if codebook.get(memo.target) is not None:
            code_notes[memo.target].append(note_guid)
        elif memo.target in documents:
            doc_notes[memo.target].append(note_guid)
        elif memo.target in chunk_doc:
            chunk_notes[memo.target].append(note_guid)
        else:
            project_notes.append(note_guid)

    root = ET.Element(
        "Project",
        {
            "name": _clean(name),
            "origin": ORIGIN,
            "creatingUserGUID": user_guid["litsynth"],
            "creationDateTime": now,
        },
    )
    users_el = ET.SubElement(root, "Users")
    for u in users:
        ET.SubElement(users_el, "User", {"guid": user_guid[u], "name": _clean(u)})
    book = ET.SubElement(ET.SubElement(root, "CodeBook"), "Codes")
    _code_elements(book, codebook.tree(), codebook, code_notes)
    if suggested:
        parent = ET.SubElement(
            book, "Code", {"guid": SUGGESTED_ROOT, "name": SUGGESTED_SET, "isCodable": "false"}
        )
        ET.SubElement(parent, "Description").text = (
            "Passages litsynth's classifier suggested for a code and nobody has reviewed yet."
            " They are not anyone's codings: accept or reject them to make them so."
        )
        for code_id in suggested:
            label = codebook.codes[code_id].label or code_id
            ET.SubElement(parent, "Code", {"guid": guid("suggested-code", code_id),
                          "name": _clean(f"{label} (suggested)"), "isCodable": "true"})  # fmt: skip

    variables = _variables(documents.values())
    variable_guid = {v: guid("variable", v) for v in variables}
    if variables:
        vars_el = ET.SubElement(root, "Variables")
        for v in variables:
            ET.SubElement(
                vars_el, "Variable", {"guid": variable_guid[v], "name": v, "typeOfVariable": "Text"}
            )

    by_doc: dict[str, dict[tuple[int, int], list[CodedSpan]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for s in spans:
        by_doc[s.document_id][(s.start, s.end)].append(s)

    sources: dict[str, str] = {}
    source_guid = {doc_id: guid("source", doc_id) for doc_id in documents}
    n_selections = n_codings = n_suggested = 0
    sources_el = ET.SubElement(root, "Sources")
    for doc in sorted(documents.values(), key=lambda d: d.path):
        sg = source_guid[doc.id]
        archive_name = f"{sg}.txt"
        sources[f"sources/{archive_name}"] = doc.text
        source = ET.SubElement(
            sources_el,
            "TextSource",
            {
                "guid": sg,
                "name": _clean(PurePath(doc.path).name),
                "plainTextPath": f"internal://{archive_name}",
                "creatingUser": user_guid["litsynth"],
                "creationDateTime": now,
            },
        )
        ET.SubElement(source, "Description").text = _clean(
            f"{doc.label}. {doc.title}".strip() if doc.title else doc.label
        )
        for (start, end), group in sorted(by_doc.get(doc.id, {}).items()):
            n_selections += 1
            first = min(group, key=lambda s: (s.at, s.code_id))
            selection = _selection(
                source, doc, start, end,
                creatingUser=user_guid[_creator(first)],
                creationDateTime=_timestamp(first.at, now),
            )  # fmt: skip
            memo_text = "\n".join(
                f"{s.code_id}: {s.memo}" for s in sorted(group, key=lambda s: s.code_id) if s.memo
            )
            if memo_text:
                ET.SubElement(selection, "Description").text = _clean(memo_text)
            for s in sorted(group, key=lambda s: s.code_id):
                if codebook.codes.get(s.code_id) is None:
                    continue  # a code removed from the codebook has no GUID to point at
                machine = s.origin == "machine"
                n_suggested += machine
                n_codings += not machine
                coding = ET.SubElement(
                    selection,
                    "Coding",
                    {
                        "guid": guid("coding", f"{doc.id}:{start}:{end}:{s.code_id}:{s.origin}"),
                        "creatingUser": user_guid[_creator(s)],
                        "creationDateTime": _timestamp(s.at, now),
                    },
                )
                target = (
                    guid("suggested-code", s.code_id)
                    if machine
                    else element_guid(codebook, s.code_id, "code")
                )
                ET.SubElement(coding, "CodeRef", {"targetGUID": target})
            for chunk_id in sorted({s.chunk_id for s in group}):
                for note_guid in chunk_notes.get(chunk_id, ()):
                    ET.SubElement(selection, "NoteRef", {"targetGUID": note_guid})
        for (start, end), chunk_ids in sorted(uncoded.get(doc.id, {}).items()):
            n_selections += 1
            selection = _selection(source, doc, start, end)
            for chunk_id in chunk_ids:
                for note_guid in chunk_notes.get(chunk_id, ()):
                    ET.SubElement(selection, "NoteRef", {"targetGUID": note_guid})
        for note_guid in doc_notes.get(doc.id, ()):
            ET.SubElement(source, "NoteRef", {"targetGUID": note_guid})
        for v in variables:
            value = doc.user_attributes.get(v, "")
            if value:
                vv = ET.SubElement(source, "VariableValue")
                ET.SubElement(vv, "VariableRef", {"targetGUID": variable_guid[v]})
                ET.SubElement(vv, "TextValue").text = _clean(value)

    link_notes = []
    relations = [r for r in codebook.relations if codebook.get(r.source) and codebook.get(r.target)]
    for rel in relations:
        if rel.note:
            link_notes.append((guid("link-note", f"{rel.source}:{rel.type}:{rel.target}"), rel))
    if notes or link_notes:
        notes_el = ET.SubElement(root, "Notes")
        for memo, note_guid in notes:
            note = ET.SubElement(
                notes_el,
                "Note",
                {
                    "guid": note_guid,
                    "name": _clean(f"Memo on {memo.target}"),
                    "creatingUser": user_guid[memo.author],
                    "creationDateTime": _timestamp(memo.at, now),
                },
            )
            ET.SubElement(note, "PlainTextContent").text = _clean(memo.text)
        for note_guid, rel in link_notes:
            note = ET.SubElement(
                notes_el,
                "Note",
                {"guid": note_guid, "name": _clean(f"{rel.source} {rel.type} {rel.target}")},
            )
            ET.SubElement(note, "PlainTextContent").text = _clean(rel.note)

    if relations:
        links_el = ET.SubElement(root, "Links")
        link_note_of = {(r.source, r.type, r.target): g for g, r in link_notes}
        for rel in relations:
            link = ET.SubElement(
                links_el,
                "Link",
                {
                    "guid": guid("link", f"{rel.source}:{rel.type}:{rel.target}"),
                    "name": rel.type if rel.weight is None else f"{rel.type} ({rel.weight:.2f})",
                    "direction": "Associative" if rel.type in SYMMETRIC_RELATIONS else "OneWay",
                    "originGUID": _any_guid(codebook, rel.source),
                    "targetGUID": _any_guid(codebook, rel.target),
                },
            )
            link_note = link_note_of.get((rel.source, rel.type, rel.target))
            if link_note:
                ET.SubElement(link, "NoteRef", {"targetGUID": link_note})

    sets = [
        *_attribute_sets(documents.values()),
        *((f"study: {name}", [d for d in docs if d in documents]) for name, docs in studies),
    ]
    if sets or suggested:
        sets_el = ET.SubElement(root, "Sets")
        for set_name, doc_ids in sets:
            s_el = ET.SubElement(
                sets_el, "Set", {"guid": guid("set", set_name), "name": _clean(set_name)}
            )
            for doc_id in doc_ids:
                ET.SubElement(s_el, "MemberSource", {"targetGUID": source_guid[doc_id]})
        if suggested:
            s_el = ET.SubElement(sets_el, "Set", {"guid": guid("set", SUGGESTED_SET),
                                                  "name": SUGGESTED_SET})  # fmt: skip
            for code_id in suggested:
                ET.SubElement(s_el, "MemberCode", {"targetGUID": guid("suggested-code", code_id)})
    for note_guid in project_notes:
        ET.SubElement(root, "NoteRef", {"targetGUID": note_guid})

    summary = {
        "sources": len(documents),
        "selections": n_selections,
        "codings": n_codings,
        "unreviewed_suggestions": n_suggested,
        "users": len(users),
        "notes": len(notes) + len(link_notes),
        "links": len(relations),
        "sets": len(sets) + bool(suggested),
    }
    return Package(project_qde=_serialise(root, ns), sources=sources, summary=summary)


def _creator(span: CodedSpan) -> str:
    """Who made a coding: its coder, or the tool itself for an unreviewed suggestion."""
    return "litsynth" if span.origin == "machine" else span.coder or "unknown"


def _selection(
    source: ET.Element, doc: SourceDoc, start: int, end: int, **attrs: str
) -> ET.Element:
    """A PlainTextSelection of [start, end) in `doc`, named by its first words."""
    return ET.SubElement(
        source,
        "PlainTextSelection",
        {
            "guid": guid("selection", f"{doc.id}:{start}:{end}"),
            "name": _clean(quote(doc.text, start, end, limit=60, kind=doc.kind)),
            "startPosition": str(start),
            "endPosition": str(end),
            **attrs,
        },
    )


def _any_guid(codebook: Codebook, ident: str) -> str:
    kind = (
        "theme"
        if ident in codebook.themes
        else "category"
        if ident in codebook.categories
        else "code"
    )
    return element_guid(codebook, ident, kind)


def _attribute_sets(documents: Iterable[SourceDoc]) -> list[tuple[str, list[str]]]:
    """One set per attribute value ("source_type: empirical"), for filtering in the QDA tool."""
    members: dict[str, list[str]] = defaultdict(list)
    for doc in sorted(documents, key=lambda d: d.path):
        for name, value in doc.user_attributes.items():
            for part in (v.strip() for v in value.split(";")):
                if part:
                    members[f"{name}: {part}"].append(doc.id)
    return sorted(members.items())


def _studies(
    conn: sqlite3.Connection, documents: Mapping[str, SourceDoc]
) -> list[tuple[str, list[str]]]:
    """The studies reported in two or more of the documents, each with its documents; none
    while no report is grouped (`litsynth studies`)."""
    if not document_studies(conn):
        return []
    members: dict[str, list[str]] = defaultdict(list)
    for doc_id, name in study_labels(conn, documents).items():
        members[name].append(doc_id)
    return sorted((name, sorted(docs)) for name, docs in members.items() if len(docs) > 1)


def write_qdpx(package: Package, path: Path) -> None:
    """The .qdpx zip: project.qde at the root, plain texts in the lower-case sources/ folder."""
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", package.project_qde)
        for name, text in sorted(package.sources.items()):
            archive.writestr(name, text.encode("utf-8"))
    tmp.replace(path)  # a half-written archive never takes the place of a good one


def export_project(
    conn: sqlite3.Connection,
    codebook: Codebook,
    path: Path,
    *,
    name: str,
    source: str = "human",
    appraisal_form: Path | None = None,
) -> dict[str, int]:
    """Read the store, build the project and write the .qdpx; returns what it holds.

    `source` as for the matrices: "human" exports people's codings only; with "machine" or
    "both", unreviewed suggestions come as their own codes and set (see `build_project`).
    With the project's appraisal form, each source that is an included study's full text
    carries its overall judgement as the variable "appraisal" (and its set).
    """
    offsets = chunk_offsets(conn)  # chunk id -> (document, start, end)
    documents = project_documents(conn, appraisal_form)
    memos = store.load_memos(conn) + framework_memos(conn, codebook, set(documents))
    package = build_project(
        codebook,
        documents,
        coded_spans(conn, source),
        memos,
        name=name,
        memo_chunks={m.target: offsets[m.target] for m in memos if m.target in offsets},
        studies=_studies(conn, documents),
    )
    write_qdpx(package, path)
    return dict(package.summary)


def framework_memos(
    conn: sqlite3.Connection, codebook: Codebook, documents: set[str]
) -> list[Memo]:
    """The framework matrix's summaries of a source as memos on it, named by their theme
    (category, code): REFI-QDA has no framework matrix, and NVivo and ATLAS.ti read a note
    on a source as a memo. A study's row (several sources) has no one source to carry it."""
    from litsynth.store.framework import latest_summaries

    out = []
    for s in latest_summaries(conn):
        if s.rows != "documents" or not s.text or s.row_key not in documents:
            continue
        element = codebook.get(s.col_key)
        label = element.label if element is not None and element.label else s.col_key
        text = f"Framework summary, {label}: {s.text}"
        out.append(Memo(content_id("framework", s.id), s.row_key, s.author, s.at, text))
    return out
