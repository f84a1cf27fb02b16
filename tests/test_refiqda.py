"""REFI-QDA export: schema-valid .qdc/.qdpx, nested code tree, and offsets that slice the quotes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from importlib import resources
from pathlib import Path

import pytest
import xmlschema
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from litsynth.coding.codebook.load import load_codebook, parse_codebook_text
from litsynth.records import CodedSpan, Page, SourceDoc
from litsynth.store import synthesis as store
from litsynth.synthesis import refiqda
from synthesis_store import FIXTURES, demo_store

NS = {"q": refiqda.PROJECT_NS, "c": refiqda.CODEBOOK_NS}
SCHEMAS = resources.files("litsynth.synthesis") / "schemas"
CODEBOOK = load_codebook(FIXTURES / "codebook.yaml")


def schema(name: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / name))


@pytest.fixture
def qdpx(tmp_path: Path) -> Path:
    builder = demo_store(tmp_path / "litsynth.db")
    path = tmp_path / "review.qdpx"
    refiqda.export_project(
        builder.conn, CODEBOOK, path, name="Supply-chain orchestration", source="both"
    )
    return path


def test_codebook_is_valid_and_nested_theme_category_code() -> None:
    xml = refiqda.codebook_xml(CODEBOOK)
    schema("Codebook.xsd").validate(xml.decode("utf-8"))
    root = ET.fromstring(xml)
    themes = root.findall("c:Codes/c:Code", NS)
    assert [t.get("name") for t in themes] == [
        "Platform-based coordination",
        "Dynamic resource reconfiguration",
        "Strategic ecosystem integration",
        "Review method",  # a code without theme or category sits at the root
    ]
    platform = themes[0]
    assert platform.get("isCodable") == "false"
    (category,) = platform.findall("c:Code", NS)
    assert (
        category.get("name") == "Coordination mechanisms" and category.get("isCodable") == "false"
    )
    codes = category.findall("c:Code", NS)
    assert [(c.get("name"), c.get("isCodable")) for c in codes] == [
        ("Digital platform", "true"),
        ("Data sharing", "true"),
    ]
    assert codes[0].get("guid") == CODEBOOK.codes["digital-platform"].guid
    assert codes[0].get("color") == "#1F77B4"
    assert codes[0].find("c:Description", NS).text.startswith("A shared digital platform")


def test_schema_rejects_what_the_standard_rejects() -> None:
    """The XSD is a real check: a missing isCodable or a non-GUID fails it."""
    bad = refiqda.codebook_xml(CODEBOOK).decode().replace(' isCodable="true"', "", 1)
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        schema("Codebook.xsd").validate(bad)
    guid = CODEBOOK.codes["digital-platform"].guid
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        schema("Codebook.xsd").validate(
            refiqda.codebook_xml(CODEBOOK).decode().replace(guid, "not-a-guid")
        )


def test_project_is_valid_against_the_project_schema(qdpx: Path) -> None:
    with zipfile.ZipFile(qdpx) as archive:
        names = archive.namelist()
        xml = archive.read("project.qde").decode("utf-8")
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    schema("Project.xsd").validate(xml)
    assert "project.qde" in names
    assert all(
        n == "project.qde" or (n.startswith("sources/") and n.endswith(".txt")) for n in names
    )


def test_round_trip_every_selection_slices_its_coded_text(qdpx: Path, tmp_path: Path) -> None:
    conn = demo_store(tmp_path / "again.db").conn
    spans = store.load_coded_spans(conn)
    docs = store.load_documents(conn)
    with zipfile.ZipFile(qdpx) as archive:
        root = ET.fromstring(archive.read("project.qde"))
        texts = {
            n: archive.read(n).decode("utf-8")
            for n in archive.namelist()
            if n.startswith("sources/")
        }
    code_guid = {c.guid: c.id for c in CODEBOOK.codes.values()}
    code_guid |= {refiqda.guid("suggested-code", c): c for c in CODEBOOK.codes}  # unreviewed
    exported: set[tuple[str, int, int, str]] = set()
    for source in root.findall("q:Sources/q:TextSource", NS):
        path = source.get("plainTextPath")
        assert path.startswith("internal://")
        text = texts["sources/" + path.removeprefix("internal://")]
        doc = next(d for d in docs.values() if d.text == text)  # the file IS the canonical text
        for sel in source.findall("q:PlainTextSelection", NS):
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            coded = text[start:end]
            assert coded == doc.text[start:end] and coded.strip()
            for coding in sel.findall("q:Coding", NS):
                code = code_guid[coding.find("q:CodeRef", NS).get("targetGUID")]
                exported.add((doc.id, start, end, code))
    expected = {(s.document_id, s.start, s.end, s.code_id) for s in spans}
    assert exported == expected
    # the human sub-span of page 1 is its own selection, sliced exactly
    sub = [e for e in exported if e[3] == "data-sharing" and e[1] > 0]
    assert any(texts_slice.startswith("Data sharing across the platform")
               for texts_slice in (docs[d].text[s:e] for d, s, e, _ in sub))  # fmt: skip


def test_users_notes_links_variables_and_sets(qdpx: Path) -> None:
    with zipfile.ZipFile(qdpx) as archive:
        root = ET.fromstring(archive.read("project.qde"))
    users = {u.get("name"): u.get("guid") for u in root.findall("q:Users/q:User", NS)}
    assert set(users) == {"ana", "ben", "litsynth"}  # the model is nobody's coder
    creators = {c.get("creatingUser") for c in root.iter(f"{{{refiqda.PROJECT_NS}}}Coding")}
    assert creators <= set(users.values()) and users["ben"] in creators
    links = root.findall("q:Links/q:Link", NS)
    assert {(link.get("name"), link.get("direction")) for link in links} == {
        ("requires", "OneWay"),
        ("associated-with", "Associative"),
    }
    notes = {
        n.get("guid"): n.find("q:PlainTextContent", NS).text
        for n in root.findall("q:Notes/q:Note", NS)
    }
    assert "Keep platform distinct from data sharing." in notes.values()
    refs = {r.get("targetGUID") for r in root.iter(f"{{{refiqda.PROJECT_NS}}}NoteRef")}
    assert refs == set(notes)  # every note is referenced from its code or passage
    variables = {v.get("name") for v in root.findall("q:Variables/q:Variable", NS)}
    assert variables == {"industry", "source_type"}
    sets = {s.get("name") for s in root.findall("q:Sets/q:Set", NS)}
    assert {"source_type: empirical", "industry: apparel", "industry: agritech"} <= sets


def test_unicode_offsets_are_code_points() -> None:
    """Offsets count characters, not UTF-8 bytes: "Castañer" and an emoji before the quote."""
    text = "Castañer 🚚 argues that platforms coordinate.\fPage two."
    pages = (Page(1, 0, 45), Page(2, 46, len(text)))
    doc = SourceDoc(
        id="d", path="c.txt", kind="pdf", authors=("Castañer, X.",), text=text, pages=pages
    )
    start = text.index("platforms")
    end = start + len("platforms coordinate")
    span = CodedSpan(
        "k", "d", "digital-platform", start, end, 1.0, "human", "ana", at="2026-11-20T10:00:00Z"
    )
    package = refiqda.build_project(
        CODEBOOK, {"d": doc}, [span], name="u", now="2026-11-22T00:00:00Z"
    )
    schema("Project.xsd").validate(package.project_qde.decode("utf-8"))
    root = ET.fromstring(package.project_qde)
    sel = root.find("q:Sources/q:TextSource/q:PlainTextSelection", NS)
    s, e = int(sel.get("startPosition")), int(sel.get("endPosition"))
    (source_text,) = package.sources.values()
    assert source_text[s:e] == "platforms coordinate"
    assert source_text.encode("utf-8")[s:e] != b"platforms coordinate"  # bytes would be off


def test_exporting_twice_gives_the_same_guids(tmp_path: Path) -> None:
    conn = demo_store(tmp_path / "s.db").conn
    args = (
        CODEBOOK,
        store.load_documents(conn),
        store.load_coded_spans(conn),
        store.load_memos(conn),
    )
    one = refiqda.build_project(*args, name="x", now="2026-11-22T00:00:00Z")
    two = refiqda.build_project(*args, name="x", now="2026-11-22T00:00:00Z")
    assert one.project_qde == two.project_qde


def test_codebook_guids_follow_the_codebook_file() -> None:
    book = parse_codebook_text(
        "codes:\n  - id: x\n    guid: 0f8fad5b-d9cb-469f-a165-70867728950e\n"
        "    definition: d\n    color: blue\n"
    )
    root = ET.fromstring(refiqda.codebook_xml(book))
    code = root.find("c:Codes/c:Code", NS)
    assert code.get("guid") == "0f8fad5b-d9cb-469f-a165-70867728950e"
    assert code.get("color") is None  # "blue" is not an RGB value the standard accepts


def test_cli_export_refi(tmp_path: Path) -> None:
    from litsynth.cli import cli

    root = tmp_path / "review"
    (root / "codebook").mkdir(parents=True)
    (root / "codebook" / "codebook.yaml").write_text(
        (FIXTURES / "codebook.yaml").read_text(encoding="utf-8")
    )
    (root / "litsynth.toml").write_text(
        '[project]\nname = "t"\n\n[synthesis]\nsource = "both"\n', encoding="utf-8"
    )
    demo_store(root / "litsynth.db").conn.close()
    qdc, qdpx_path = tmp_path / "out.qdc", tmp_path / "out.qdpx"
    result = CliRunner().invoke(
        cli,
        [
            "export",
            "refi",
            "--codebook",
            str(qdc),
            "--project",
            str(qdpx_path),
            "--project-dir",
            str(root),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "selections: 14" in result.output
    schema("Codebook.xsd").validate(qdc.read_text(encoding="utf-8"))
    with zipfile.ZipFile(qdpx_path) as archive:
        schema("Project.xsd").validate(archive.read("project.qde").decode("utf-8"))
    result = CliRunner().invoke(cli, ["export", "refi", "--project-dir", str(root)])
    assert result.exit_code == 1 and "nothing to export" in result.output


@settings(max_examples=40, deadline=None)
@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        min_size=5,
        max_size=200,
    ),
    st.lists(st.tuples(st.integers(0, 199), st.integers(1, 40)), min_size=1, max_size=6),
    st.text(max_size=30),
)
def test_any_text_and_spans_round_trip(text: str, cuts: list[tuple[int, int]], memo: str) -> None:
    """Whatever the characters (emoji, CJK, controls, CR) the selection slices its span."""
    doc = SourceDoc(id="d", path="x.txt", kind="text", text=text)
    spans = []
    for start, length in cuts:
        start = min(start, len(text) - 1)
        end = min(len(text), start + length)
        spans.append(
            CodedSpan("k", "d", "digital-platform", start, end, 0.9, "human", "ana", memo=memo)
        )
    package = refiqda.build_project(
        CODEBOOK, {"d": doc}, spans, name=memo or "p", now="2026-11-22T00:00:00Z"
    )
    xml = package.project_qde.decode("utf-8")
    schema("Project.xsd").validate(xml)
    (source_text,) = package.sources.values()
    assert source_text == text
    root = ET.fromstring(package.project_qde)
    got = {
        (int(s.get("startPosition")), int(s.get("endPosition")))
        for s in root.iter(f"{{{refiqda.PROJECT_NS}}}PlainTextSelection")
    }
    assert got == {(s.start, s.end) for s in spans}
    for start, end in got:
        assert source_text[start:end] == text[start:end]


def test_unreviewed_suggestions_are_their_own_codes_and_set_never_a_coders(
    tmp_path: Path,
) -> None:
    conn = demo_store(tmp_path / "litsynth.db").conn
    spans = store.load_coded_spans(conn)
    human = sum(1 for s in spans if s.origin == "human")
    machine = sum(1 for s in spans if s.origin == "machine")
    assert human and machine

    only_people = tmp_path / "human.qdpx"
    summary = refiqda.export_project(conn, CODEBOOK, only_people, name="x")  # default: human
    assert (summary["codings"], summary["unreviewed_suggestions"]) == (human, 0)
    with zipfile.ZipFile(only_people) as archive:
        assert refiqda.SUGGESTED_SET not in archive.read("project.qde").decode("utf-8")

    both = tmp_path / "both.qdpx"
    summary = refiqda.export_project(conn, CODEBOOK, both, name="x", source="both")
    assert (summary["codings"], summary["unreviewed_suggestions"]) == (human, machine)
    with zipfile.ZipFile(both) as archive:
        xml = archive.read("project.qde").decode("utf-8")
    schema("Project.xsd").validate(xml)
    root = ET.fromstring(xml)
    users = {u.get("name"): u.get("guid") for u in root.findall("q:Users/q:User", NS)}
    parent = next(
        c for c in root.findall("q:CodeBook/q:Codes/q:Code", NS)
        if c.get("name") == refiqda.SUGGESTED_SET
    )  # fmt: skip
    suggested = {c.get("guid"): c.get("name") for c in parent.findall("q:Code", NS)}
    assert parent.get("isCodable") == "false" and suggested
    assert all(name.endswith(" (suggested)") for name in suggested.values())
    (the_set,) = [s for s in root.findall("q:Sets/q:Set", NS)
                  if s.get("name") == refiqda.SUGGESTED_SET]  # fmt: skip
    assert {m.get("targetGUID") for m in the_set.findall("q:MemberCode", NS)} == set(suggested)
    for coding in root.iter(f"{{{refiqda.PROJECT_NS}}}Coding"):
        on_suggested = coding.find("q:CodeRef", NS).get("targetGUID") in suggested
        by_tool = coding.get("creatingUser") == users["litsynth"]
        assert on_suggested == by_tool  # a suggestion is the tool's, a coder's work is theirs
