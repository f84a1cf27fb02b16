"""Reading a REFI-QDA file (the exchange format of NVivo, ATLAS.ti, MAXQDA and QualCoder): a
.qdpx project (a zip of project.qde and its sources) or a .qdc codebook, as plain records:
the code tree, the text sources with their coded selections and variables, the users, notes
and links. What becomes of them in a project is refi_import's.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from litsynth.biblio.readers_base import parse_xml
from litsynth.errors import SynthesisError

_MAX_QDE = 200 * 1024 * 1024  # a project.qde larger than this is not a real export


@dataclass
class RefiCode:
    guid: str
    name: str
    codable: bool
    description: str = ""
    color: str = ""
    children: list[RefiCode] = field(default_factory=list)


@dataclass(frozen=True)
class RefiSelection:
    guid: str
    start: int
    end: int
    codes: tuple[tuple[str, str, str], ...]  # (code guid, user guid, creationDateTime)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RefiSource:
    guid: str
    name: str
    text: str | None  # None: no plain text in the file (audio, PDF-only, external path)
    selections: tuple[RefiSelection, ...]
    notes: tuple[str, ...] = ()
    # its variables (document attributes), (name, value): its own, then its cases'
    variables: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RefiNote:
    guid: str
    text: str
    user: str
    at: str


@dataclass(frozen=True)
class RefiLink:
    """A link between two elements (REFI-QDA `Link`): a relation between codes."""

    name: str
    direction: str  # Associative | OneWay | Bidirectional
    origin: str  # guid
    target: str  # guid
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RefiProject:
    codes: tuple[RefiCode, ...]
    sources: tuple[RefiSource, ...] = ()
    users: dict[str, str] = field(default_factory=dict)  # guid -> name
    notes: dict[str, RefiNote] = field(default_factory=dict)
    code_notes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # code guid -> notes
    project_notes: tuple[str, ...] = ()
    origin: str = ""
    links: tuple[RefiLink, ...] = ()


# ---- reading the XML -------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(el: Element, name: str) -> list[Element]:
    return [c for c in el if _local(c.tag) == name]


def _child(el: Element, name: str) -> Element | None:
    return next(iter(_children(el, name)), None)


def _text_of(el: Element | None) -> str:
    return "".join(el.itertext()).strip() if el is not None else ""


def _refs(el: Element) -> tuple[str, ...]:
    return tuple(r.get("targetGUID", "") for r in _children(el, "NoteRef") if r.get("targetGUID"))


def _code(el: Element, code_notes: dict[str, tuple[str, ...]]) -> RefiCode:
    guid = el.get("guid", "")
    code_notes[guid] = _refs(el)
    return RefiCode(
        guid=guid,
        name=el.get("name", "") or guid,
        codable=el.get("isCodable", "true").lower() != "false",
        description=_text_of(_child(el, "Description")),
        color=el.get("color", ""),
        children=[_code(c, code_notes) for c in _children(el, "Code")],
    )


def _plain_text(archive: zipfile.ZipFile | None, source: Element) -> str | None:
    inline = _child(source, "PlainTextContent")
    if inline is not None:
        return "".join(inline.itertext())
    path = source.get("plainTextPath", "")
    if archive is None or not path.startswith("internal://"):
        return None
    wanted = path.removeprefix("internal://").lower()
    names = {n.lower(): n for n in archive.namelist()}
    for candidate in (f"sources/{wanted}", wanted):
        if candidate in names:
            return archive.read(names[candidate]).decode("utf-8-sig")
    return None


def read_refi(data: bytes, file_name: str) -> RefiProject:
    """A .qdpx (zip with project.qde and sources) or a .qdc / bare .qde XML document."""
    archive: zipfile.ZipFile | None = None
    if data.startswith(b"PK\x03\x04"):
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = {n.lower(): n for n in archive.namelist()}
        if "project.qde" not in names:
            raise SynthesisError(
                f"{file_name}: a zip without project.qde is not a .qdpx",
                hint="export a REFI-QDA project (.qdpx)",
            )
        info = archive.getinfo(names["project.qde"])
        if info.file_size > _MAX_QDE:
            raise SynthesisError(
                f"{file_name}: project.qde is {info.file_size} bytes",
                hint="this is not a QDA export",
            )
        data = archive.read(info)
    root = parse_xml(data, file_name, what="REFI-QDA XML", error=SynthesisError,
                     hint="export the project again from the QDA program")  # fmt: skip
    kind = _local(root.tag)
    code_notes: dict[str, tuple[str, ...]] = {}
    if kind == "CodeBook":
        codes_el = _child(root, "Codes")
        codes = [_code(c, code_notes) for c in _children(codes_el, "Code")] if codes_el else []
        return RefiProject(tuple(codes), code_notes=code_notes, origin=root.get("origin", ""))
    if kind != "Project":
        raise SynthesisError(
            f"{file_name}: the root element is <{kind}>, not a REFI-QDA project",
            hint="import a .qdpx project or a .qdc codebook",
        )
    users = {
        u.get("guid", ""): u.get("name", "") or u.get("id", "") or u.get("guid", "")
        for u in _children(_child(root, "Users") or Element("x"), "User")
    }
    book = _child(root, "CodeBook")
    codes_el = _child(book, "Codes") if book is not None else None
    codes = [_code(c, code_notes) for c in _children(codes_el, "Code")] if codes_el else []
    named = {
        v.get("guid", ""): v.get("name", "")
        for v in _children(_child(root, "Variables") or Element("x"), "Variable")
    }
    by_case = _case_variables(root, named)
    member_of: dict[str, list[str]] = {}  # source guid -> the sets holding it
    for group in _children(_child(root, "Sets") or Element("x"), "Set"):
        for member in _children(group, "MemberSource"):
            member_of.setdefault(member.get("targetGUID", ""), []).append(group.get("name", ""))
    sources = []
    for src in _children(_child(root, "Sources") or Element("x"), "TextSource"):
        selections = []
        for sel in _children(src, "PlainTextSelection"):
            codings = tuple(
                (
                    ref.get("targetGUID", ""),
                    c.get("creatingUser", ""),
                    c.get("creationDateTime", ""),
                )
                for c in _children(sel, "Coding")
                for ref in _children(c, "CodeRef")
            )
            selections.append(
                RefiSelection(
                    sel.get("guid", ""),
                    int(sel.get("startPosition", "0")),
                    int(sel.get("endPosition", "0")),
                    codings,
                    _refs(sel),
                )
            )
        sources.append(
            RefiSource(
                src.get("guid", ""),
                src.get("name", ""),
                _plain_text(archive, src),
                tuple(selections),
                _refs(src),
                _with_sets(
                    _own_first(_values(src, named), by_case.get(src.get("guid", ""), ())),
                    member_of.get(src.get("guid", ""), []),
                ),
            )
        )
    notes = {}
    for note in _children(_child(root, "Notes") or Element("x"), "Note"):
        notes[note.get("guid", "")] = RefiNote(
            note.get("guid", ""),
            _text_of(_child(note, "PlainTextContent")) or _text_of(_child(note, "Description")),
            users.get(note.get("creatingUser", ""), "") or "unknown",
            note.get("creationDateTime", ""),
        )
    links = tuple(
        RefiLink(link.get("name", ""), link.get("direction", ""), link.get("originGUID", ""),
                 link.get("targetGUID", ""), _refs(link))
        for link in _children(_child(root, "Links") or Element("x"), "Link")
    )  # fmt: skip
    return RefiProject(tuple(codes), tuple(sources), users, notes, code_notes, _refs(root),
                       root.get("origin", ""), links)  # fmt: skip


_VALUE_TAGS = ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue",
               "DateTimeValue")  # fmt: skip


def _values(el: Element, named: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The (variable name, value) pairs of an element's `VariableValue`s, blank ones left out."""
    out = []
    for vv in _children(el, "VariableValue"):
        ref = _child(vv, "VariableRef")
        name = named.get(ref.get("targetGUID", ""), "") if ref is not None else ""
        given = (_child(vv, tag) for tag in _VALUE_TAGS)  # an Element without children is falsy
        value = next((_text_of(el) for el in given if el is not None), "")
        if name.strip() and value:
            out.append((name.strip(), value))
    return tuple(out)


def _case_variables(root: Element, named: dict[str, str]) -> dict[str, tuple[tuple[str, str], ...]]:
    """Source guid -> the variables of the cases it belongs to (NVivo keeps a document's
    attributes on a case holding it, the "case classification")."""
    out: dict[str, tuple[tuple[str, str], ...]] = {}
    for case in _children(_child(root, "Cases") or Element("x"), "Case"):
        values = _values(case, named)
        for ref in _children(case, "SourceRef"):
            guid = ref.get("targetGUID", "")
            out[guid] = out.get(guid, ()) + values
    return out


def _own_first(
    own: tuple[tuple[str, str], ...], cases: tuple[tuple[str, str], ...]
) -> tuple[tuple[str, str], ...]:
    """A source's own variables, then its cases' for the names it gives no value."""
    given = {name.casefold() for name, _ in own}
    return own + tuple((name, value) for name, value in cases if name.casefold() not in given)


def _with_sets(
    variables: tuple[tuple[str, str], ...], sets: list[str]
) -> tuple[tuple[str, str], ...]:
    """A source's variables, and the sets holding it (NVivo's sets, ATLAS.ti's document groups)
    as one more, "set" ("Interviews; Wave 2": a matrix row each). The sets litsynth derives
    when it exports ("industry: apparel" from a variable the source has, "study: …") are
    left out: they come back as what they were made from."""
    held = {
        (name.strip().casefold(), part.strip().casefold())
        for name, value in variables
        for part in value.split(";")
    }
    own = []
    for name in (n.strip() for n in sets):
        label, sep, value = name.partition(": ")
        derived = sep and (label == "study" or (label.casefold(), value.casefold()) in held)
        if name and not derived:
            own.append(name.replace(";", ","))
    return (*variables, ("set", "; ".join(dict.fromkeys(own)))) if own else variables
