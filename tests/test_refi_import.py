"""REFI-QDA import: litsynth's own export read into a fresh project gives the same codes,
codings (offsets and coded text) and memos; other tools' trees and hostile files are handled."""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from litsynth.cli import cli
from litsynth.errors import SynthesisError
from litsynth.synthesis.refi_import import plan_codebook
from litsynth.synthesis.refi_read import read_refi

REPO = Path(__file__).resolve().parent.parent


def _project(root: Path) -> Path:
    (root / "corpus").mkdir(parents=True)
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    return root


def run(root: Path, *args: object) -> str:
    result = CliRunner().invoke(cli, [*(str(a) for a in args), "--project", str(root)])
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout


def _codes(p) -> dict[str, tuple[str, bool, str | None]]:  # type: ignore[no-untyped-def]
    out: dict[str, tuple[str, bool, str | None]] = {}

    def walk(nodes, parent):  # type: ignore[no-untyped-def]
        for n in nodes:
            out[n.guid] = (n.name, n.codable, parent)
            walk(n.children, n.guid)

    walk(p.codes, None)
    return out


def _codings(p) -> set[tuple[str, int, int, str, str]]:  # type: ignore[no-untyped-def]
    return {
        (src.text[sel.start : sel.end], sel.start, sel.end, code, p.users.get(user, ""))
        for src in p.sources
        for sel in sel_list(src)
        for code, user, _at in sel.codes
    }


def sel_list(src):  # type: ignore[no-untyped-def]
    return src.selections


@pytest.fixture
def coded(tmp_path: Path) -> tuple[Path, Path]:
    """A project with the demo codebook, two documents, hand codings and memos, exported."""
    root = _project(tmp_path / "a")
    shutil.copytree(REPO / "codebook", root / "codebook")
    for name in ("002_f98a91929306a877.txt", "004_03019285015a147f.txt"):
        shutil.copy2(REPO / "corpus" / name, root / "corpus" / name)
    run(root, "ingest")
    conn = sqlite3.connect(root / "litsynth.db")
    docs = dict(conn.execute("SELECT path, id FROM documents").fetchall())
    chunk = conn.execute("SELECT id FROM chunks ORDER BY id LIMIT 1").fetchone()[0]
    conn.close()
    fed = docs["corpus/002_f98a91929306a877.txt"]
    other = docs["corpus/004_03019285015a147f.txt"]
    run(root, "code", "add", "platform-coordination", "--document", fed, "--start", 120,
        "--end", 260, "--coder", "ana")  # fmt: skip
    run(root, "code", "add", "strategic-integration", "--document", fed, "--start", 120,
        "--end", 260, "--coder", "ben")  # fmt: skip
    run(root, "code", "add", "platform-coordination", "--document", other, "--start", 0,
        "--end", 90, "--coder", "ana")  # fmt: skip
    run(root, "code", "memo", "platform-coordination", "Platforms recur in every seed.",
        "--author", "ana")  # fmt: skip
    run(root, "code", "memo", fed, "Read twice; the case is federated.", "--author", "ben")
    run(root, "code", "memo", chunk, "A passage worth quoting.", "--author", "ana")
    run(root, "attributes", "set", fed, "industry=apparel", "setting=federated")
    out = tmp_path / "a.qdpx"
    run(root, "export", "refi", "--out", out, "--codebook", tmp_path / "a.qdc")
    return root, out


def test_round_trip_keeps_codes_codings_offsets_and_memos(
    coded: tuple[Path, Path], tmp_path: Path
) -> None:
    _, exported = coded
    fresh = _project(tmp_path / "fresh")
    out = run(fresh, "code", "import-refi", exported)
    assert "2 written to corpus/refi/ and ingested" in out
    again = tmp_path / "again.qdpx"
    run(fresh, "export", "refi", "--out", again, "--codebook", tmp_path / "again.qdc")
    first = read_refi(exported.read_bytes(), "a.qdpx")
    second = read_refi(again.read_bytes(), "again.qdpx")
    assert _codes(first) == _codes(second)  # same GUIDs, names, codability and nesting
    assert _codings(first) == _codings(second)  # same coded text at the same offsets, by coder
    assert len(_codings(second)) >= 3
    # the relations between codes come back as relations (axial coding), type and weight kept
    links = {(k.origin, k.target, k.name, k.direction) for k in first.links}
    assert links and links == {(k.origin, k.target, k.name, k.direction) for k in second.links}
    assert f"relations: {len(links)} added" in out
    assert sorted(n.text for n in first.notes.values() if n.text.endswith(".")) == sorted(
        n.text for n in second.notes.values() if n.text.endswith(".")
    )
    conn = sqlite3.connect(fresh / "litsynth.db")
    targets = dict(conn.execute("SELECT text, target FROM memos").fetchall())
    chunk_ids = {r[0] for r in conn.execute("SELECT id FROM chunks")}
    doc_ids = {r[0] for r in conn.execute("SELECT id FROM documents")}
    conn.close()
    # a fresh project names codes after their labels ("Platform-based coordination")
    assert targets["Platforms recur in every seed."] == "platform-based-coordination"
    assert targets["Read twice; the case is federated."] in doc_ids
    assert targets["A passage worth quoting."] in chunk_ids
    # the document's attributes come back as its variables (matrix rows), once
    assert "document variables: 2 set" in out
    listed = run(fresh, "attributes", "list")
    assert "industry=apparel" in listed and "setting=federated" in listed
    again_out = run(fresh, "code", "import-refi", exported)
    assert "codings: 0 added" in again_out and "0 new codebook elements" in again_out
    assert "document variables: 0 set" in again_out


def test_import_into_the_same_project_matches_documents_and_codes(
    coded: tuple[Path, Path],
) -> None:
    root, exported = coded
    out = run(root, "code", "import-refi", exported)
    assert "0 new codebook elements" in out
    assert "2 already in the project, 0 written" in out
    assert "codings: 0 added" in out and "memos: 0 added" in out
    assert "relations: 0 added" in out and "not imported" not in out
    assert not (root / "corpus" / "refi").exists()


def _qdc(body: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="test"><Codes>' + body + "</Codes>"
        "</CodeBook>"
    ).encode()


def test_other_tools_trees_map_to_themes_categories_and_codes() -> None:
    g = "0000000{}-0000-4000-8000-000000000000".format
    tree = read_refi(
        _qdc(
            f'<Code guid="{g(1)}" name="Barriers" isCodable="false">'
            f'<Code guid="{g(2)}" name="Cost" isCodable="false">'
            f'<Code guid="{g(3)}" name="Licences" isCodable="true"/></Code></Code>'
            f'<Code guid="{g(4)}" name="Commits" isCodable="true">'
            f'<Code guid="{g(5)}" name="First commit" isCodable="true"/></Code>'
            f'<Code guid="{g(6)}" name="Loose code" isCodable="true" color="#AA0000">'
            "<Description>Used alone.</Description></Code>"
        ),
        "t.qdc",
    )
    plan = plan_codebook(tree.codes, None)
    assert [t["label"] for t in plan.themes] == ["Barriers"]
    cats = {c["label"]: c for c in plan.categories}
    assert cats["Cost"]["theme"] == "barriers" and cats["Commits"]["guid"] == g(4)
    assert cats["Commits"]["definition"] == "Commits (no description in the REFI-QDA file)"
    codes = {c["label"]: c for c in plan.codes}
    assert codes["Licences"]["parent"] == "cost"
    assert codes["Commits (general)"]["parent"] == "commits"  # a codable parent keeps codings
    assert plan.ids[g(4)] == "commits-general"
    assert codes["Loose code"] == {
        "id": "loose-code",
        "label": "Loose code",
        "guid": g(6),
        "definition": "Used alone.",
        "color": "#AA0000",
    }


def test_qdc_codebook_imports_as_a_loadable_codebook(tmp_path: Path) -> None:
    from litsynth.coding.codebook.load import load_codebook

    root = _project(tmp_path / "p")
    path = tmp_path / "team.qdc"
    g = "0000000{}-0000-4000-8000-000000000000".format
    path.write_bytes(
        _qdc(
            f'<Code guid="{g(1)}" name="Trust &amp; risk" isCodable="false">'
            f'<Code guid="{g(2)}" name="Trust" isCodable="true"/></Code>'
        )
    )
    out = run(root, "code", "import-refi", path)
    assert "2 new codebook elements" in out
    book = load_codebook(root / "codebook")
    assert (
        book.codes["trust"].guid == g(2) and book.categories["trust-risk"].label == "Trust & risk"
    )


def test_hostile_files_are_refused_with_a_reason(tmp_path: Path) -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
        b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>&a;</Codes></CodeBook>'
    )
    with pytest.raises(SynthesisError, match="refused"):
        read_refi(bomb, "bomb.qdc")
    zipped = tmp_path / "x.qdpx"
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("other.xml", "<x/>")
    with pytest.raises(SynthesisError, match=r"without project\.qde"):
        read_refi(zipped.read_bytes(), "x.qdpx")
    with pytest.raises(SynthesisError, match="not well-formed REFI-QDA XML at line 1"):
        read_refi(b"<Project><Users></Project>", "broken.qde")


def test_export_files_may_be_named_without_options(
    coded: tuple[Path, Path], tmp_path: Path
) -> None:
    """`litsynth export refi review.qdpx review.qdc`: the kind follows the name; another name
    is refused with the way to write it."""
    root, exported = coded
    run(root, "export", "refi", tmp_path / "named.qdpx", tmp_path / "named.qdc")
    assert _codes(read_refi((tmp_path / "named.qdpx").read_bytes(), "named.qdpx")) == _codes(
        read_refi(exported.read_bytes(), "a.qdpx")
    )
    assert (tmp_path / "named.qdc").read_bytes() == (tmp_path / "a.qdc").read_bytes()
    result = CliRunner().invoke(
        cli, ["export", "refi", str(tmp_path / "named.zip"), "--project", str(root)]
    )
    assert result.exit_code == 1 and "not a REFI-QDA file name" in result.output + result.stderr


def test_another_tools_links_become_relations_named_in_their_notes() -> None:
    """A link name litsynth does not know ("is cause of", as a QDA tool may name it) is an
    association whose note says so; a link to something outside the codebook is counted."""
    from litsynth.synthesis.refi_import import RefiImport, plan_relations

    qde = (
        b'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0"'
        b' origin="a QDA tool"><CodeBook><Codes>'
        b'<Code guid="c1" name="Trust" isCodable="true"/>'
        b'<Code guid="c2" name="Data sharing" isCodable="true"/></Codes></CodeBook>'
        b'<Notes><Note guid="n1"><PlainTextContent>Seen in 4 interviews.</PlainTextContent>'
        b"</Note></Notes><Links>"
        b'<Link guid="l1" name="is cause of" direction="OneWay" originGUID="c1" targetGUID="c2">'
        b'<NoteRef targetGUID="n1"/></Link>'
        b'<Link guid="l2" name="requires (0.5)" direction="OneWay" originGUID="c2"'
        b' targetGUID="c1"/>'
        b'<Link guid="l3" name="enables" direction="OneWay" originGUID="c1" targetGUID="x9"/>'
        b"</Links></Project>"
    )
    project = read_refi(qde, "tool.qde")
    tree = plan_codebook(project.codes, None, "tool.qde")
    report = RefiImport()
    assert plan_relations(project, tree, None, report) == [
        {"source": "trust", "target": "data-sharing", "type": "associated-with",
         "note": "Linked as 'is cause of'. Seen in 4 interviews."},
        {"source": "data-sharing", "target": "trust", "type": "requires", "weight": 0.5},
    ]  # fmt: skip
    assert report.skipped == {"link that is not between two codebook elements": 1}


def test_variables_of_a_source_and_of_its_case_are_read() -> None:
    """NVivo keeps a document's attributes on a case holding it: the source's own value wins,
    the case's fill the names it gives none; a typed value (integer) is read as text."""
    qde = (
        b'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0">'
        b'<Variables><Variable guid="v1" name="Industry" typeOfVariable="Text"/>'
        b'<Variable guid="v2" name="Employees" typeOfVariable="Integer"/></Variables>'
        b'<Cases><Case guid="k1" name="Firm A"><VariableValue><VariableRef targetGUID="v1"/>'
        b"<TextValue>retail</TextValue></VariableValue><VariableValue>"
        b'<VariableRef targetGUID="v2"/><IntegerValue>120</IntegerValue></VariableValue>'
        b'<SourceRef targetGUID="s1"/></Case></Cases><Sources>'
        b'<TextSource guid="s1" name="Interview A"><PlainTextContent>We share data.'
        b'</PlainTextContent><VariableValue><VariableRef targetGUID="v1"/>'
        b"<TextValue>apparel</TextValue></VariableValue></TextSource></Sources></Project>"
    )
    (source,) = read_refi(qde, "nvivo.qde").sources
    assert source.variables == (("Industry", "apparel"), ("Employees", "120"))


def test_a_sources_sets_are_read_as_its_set_attribute() -> None:
    """NVivo's sets and ATLAS.ti's document groups hold sources: each source's become one
    attribute, "set" (a matrix row per set); the sets litsynth derives when it exports
    (attribute values, studies) are not read back as sets."""
    qde = (
        b'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0">'
        b'<Variables><Variable guid="v1" name="industry" typeOfVariable="Text"/></Variables>'
        b'<Sources><TextSource guid="s1" name="Interview A"><PlainTextContent>We share data.'
        b'</PlainTextContent><VariableValue><VariableRef targetGUID="v1"/>'
        b"<TextValue>apparel</TextValue></VariableValue></TextSource>"
        b'<TextSource guid="s2" name="Interview B"><PlainTextContent>We do not.'
        b"</PlainTextContent></TextSource></Sources><Sets>"
        b'<Set guid="g1" name="Empirical studies"><MemberSource targetGUID="s1"/>'
        b'<MemberSource targetGUID="s2"/></Set>'
        b'<Set guid="g2" name="Wave 2; pilot"><MemberSource targetGUID="s1"/></Set>'
        b'<Set guid="g3" name="industry: apparel"><MemberSource targetGUID="s1"/></Set>'
        b'<Set guid="g4" name="study: Doe (2020)"><MemberSource targetGUID="s1"/></Set>'
        b'<Set guid="g5" name="Codes of note"><MemberCode targetGUID="c1"/></Set>'
        b"</Sets></Project>"
    )
    first, second = read_refi(qde, "atlas.qde").sources
    assert first.variables == (("industry", "apparel"), ("set", "Empirical studies; Wave 2, pilot"))
    assert second.variables == (("set", "Empirical studies"),)
