"""OpenDocument text (.odt): what a reader sees, sectioned at headings, like a Word file.

The files are written here with odfpy (the dev extra), the way LibreOffice lays them out:
styles with parents, text:h headings, tracked changes with the deleted text kept apart,
notes, frames, hidden text and a table of contents.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from litsynth.ingest import ParseFailure, parse_file

odf = pytest.importorskip("odf", reason="odfpy (the dev extra) writes the test files")
from odf import draw, office, table, text  # noqa: E402
from odf.namespaces import XMLNS  # noqa: E402
from odf.opendocument import OpenDocumentText  # noqa: E402
from odf.style import Style, TextProperties  # noqa: E402


def _interview(path: Path) -> Path:
    doc = OpenDocumentText()
    doc.meta.addElement(odf.meta.InitialCreator(text="Jane Doe"))
    title = Style(name="Title", family="paragraph", displayname="Title")
    hidden = Style(name="T1", family="text")
    hidden.addElement(TextProperties(display="none"))
    doc.styles.addElement(title)
    doc.automaticstyles.addElement(hidden)
    auto_title = Style(name="P1", family="paragraph", parentstylename="Title")
    doc.automaticstyles.addElement(auto_title)

    body = doc.text
    contents = text.TableOfContent(name="Contents")
    index = text.IndexBody()
    index.addElement(text.P(text="Findings 2"))
    contents.addElement(index)
    body.addElement(contents)
    body.addElement(text.P(stylename=auto_title, text="Interview 3: the logistics manager"))
    tracked = text.TrackedChanges()
    region = text.ChangedRegion(id="ct1", qattributes={(XMLNS, "id"): "ct1"})
    deletion = text.Deletion()
    deletion.addElement(odf.office.ChangeInfo())
    deletion.addElement(text.P(text="never"))
    region.addElement(deletion)
    tracked.addElement(region)
    body.addElement(tracked)
    body.addElement(text.H(outlinelevel=1, text="Findings"))
    para = text.P(text="Carriers were ")
    para.addElement(text.Change(changeid="ct1"))
    para.addText("rarely consulted.")
    note = text.Note(id="ftn1", noteclass="footnote")
    note.addElement(text.NoteCitation(text="1"))
    note_body = text.NoteBody()
    note_body.addElement(text.P(text="Said twice in the interview."))
    note.addElement(note_body)
    para.addElement(note)
    para.addElement(text.Span(stylename=hidden, text=" CHECK THE RECORDING"))
    para.addElement(text.S(c=2))
    para.addText("Trust grew.")
    body.addElement(para)
    turns = table.Table(name="Turns")
    turns.addElement(table.TableColumn(numbercolumnsrepeated=2))
    for who, said in [("Interviewer", "How did planning change?"), ("P3", "We stopped phoning.")]:
        row = table.TableRow()
        for value in (who, said):
            cell = table.TableCell()
            cell.addElement(text.P(text=value))
            row.addElement(cell)
        turns.addElement(row)
    body.addElement(turns)
    frame_para = text.P(text="A box follows.")
    frame = draw.Frame(width="5cm", height="2cm", anchortype="paragraph")
    box = draw.TextBox()
    box.addElement(text.P(text="Box: 12 carriers"))
    frame.addElement(box)
    frame_para.addElement(frame)
    body.addElement(frame_para)
    comment_para = text.P(text="Reviewed.")
    annotation = office.Annotation()
    annotation.addElement(text.P(text="a reviewer's comment"))
    comment_para.addElement(annotation)
    body.addElement(comment_para)
    doc.save(str(path))
    return path


def test_an_odt_reads_as_shown_and_is_sectioned_at_its_headings(tmp_path: Path) -> None:
    doc = parse_file(_interview(tmp_path / "interview-3.odt"))
    assert doc.kind == "odt"
    assert doc.text == (
        "Interview 3: the logistics manager\n\n"
        "Findings\n\n"
        "Carriers were rarely consulted.¹ Trust grew.\n\n"
        "Interviewer | How did planning change?\n\n"
        "P3 | We stopped phoning.\n\n"
        "A box follows.\n\n"
        "Box: 12 carriers\n\n"
        "Reviewed.\n\n"
        "Notes\n\n"
        "¹ Said twice in the interview."
    )
    assert [p.label for p in doc.pages] == [
        "Interview 3: the logistics manager",
        "Findings",
        "Notes",
    ]
    assert doc.title == "Interview 3: the logistics manager"
    assert doc.authors == ("Jane Doe",)


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"PK\x03\x04 truncated", "broken-file"), (b"not a zip", "broken-file")],
)
def test_an_odt_that_cannot_be_read_says_why(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "bad.odt"
    path.write_bytes(data)
    with pytest.raises(ParseFailure) as caught:
        parse_file(path)
    assert caught.value.reason == reason


def test_an_encrypted_odt_fails_as_encrypted(tmp_path: Path) -> None:
    """LibreOffice's "Save with password" encrypts content.xml and says so in the manifest."""
    import zipfile

    plain = _interview(tmp_path / "plain.odt")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x">'
        '<manifest:algorithm manifest:algorithm-name="Blowfish CFB" '
        'manifest:initialisation-vector="x"/>'
        "</manifest:encryption-data></manifest:file-entry></manifest:manifest>"
    )
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(tmp_path / "locked.odt", "w") as out:
        for item in src.infolist():
            if item.filename == "META-INF/manifest.xml":
                out.writestr(item, manifest)
            elif item.filename == "content.xml":
                out.writestr(item, bytes(range(256)) * 8)  # ciphertext
            else:
                out.writestr(item, src.read(item))
    with pytest.raises(ParseFailure) as caught:
        parse_file(tmp_path / "locked.odt")
    assert caught.value.reason == "encrypted"


def test_a_table_inside_a_cell_is_read_once(tmp_path: Path) -> None:
    doc = OpenDocumentText()
    outer = table.Table(name="Outer")
    outer.addElement(table.TableColumn())
    rows = table.TableRows()
    row = table.TableRow()
    cell = table.TableCell()
    cell.addElement(text.P(text="Coding frame"))
    inner = table.Table(name="Inner")
    inner.addElement(table.TableColumn(numbercolumnsrepeated=2))
    inner_row = table.TableRow()
    for value in ("trust", "relational"):
        inner_cell = table.TableCell()
        inner_cell.addElement(text.P(text=value))
        inner_row.addElement(inner_cell)
    inner.addElement(inner_row)
    cell.addElement(inner)
    row.addElement(cell)
    rows.addElement(row)
    outer.addElement(rows)
    doc.text.addElement(outer)
    doc.save(str(tmp_path / "nested.odt"))
    assert parse_file(tmp_path / "nested.odt").text == "Coding frame\n\ntrust | relational"
