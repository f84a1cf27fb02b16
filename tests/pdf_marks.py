"""Mark up a real PDF as a reviewer's reader does: highlights, underlines and sticky notes
written by PDFium (the engine of Chrome's and Foxit's readers; litsynth's `draw_mark`), found
by the words they cover (the readers' own files are in tests/fixtures/annotations);
and a Word transcript coded with comments, as python-docx (and Word) writes them.

PDFium writes each highlighted line's quadrilateral top-left, top-right, bottom-left,
bottom-right, as Acrobat does; the reader in litsynth must take any corner order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from conftest import corpus_project, run_cli, shared
from litsynth.synthesis.annotated_pdfs import draw_mark

PAPER = "data/pdfs/scholarly/s2orc-doc2json/tests/pdf/N18-3011.pdf"
CODEBOOK = """\
codes:
  - id: scale
    label: Scale of the system
    definition: How large the system or its data is.
  - id: entity-linking
    label: Entity linking
    definition: Linking mentions to entities.
  - id: challenges
    label: Research challenges
    definition: Open problems.
"""
YELLOW = (255, 212, 0)  # Zotero's yellow
GREEN = (95, 178, 54)  # Zotero's green
BLUE = (46, 168, 229)  # Zotero's blue


@dataclass(frozen=True)
class Mark:
    page: int  # 1-based
    phrase: str  # the words to mark (a note: put in the margin level with them)
    kind: str = "highlight"
    comment: str = ""
    author: str = ""
    at: str = ""  # a PDF date, "D:20261201101500+01'00'"
    colour: tuple[int, int, int] = YELLOW


def mark(source: Path, target: Path, marks: list[Mark]) -> None:
    """Write `source` with `marks` added to `target` (which may be `source`)."""
    document = pdfium.PdfDocument(source.read_bytes())
    buffers = []  # the strings PDFium reads must live until the file is saved
    for m in marks:
        page = document[m.page - 1]
        text = page.get_textpage()
        found = text.search(m.phrase, match_case=True).get_next()
        assert found, f"{m.phrase!r} is not on page {m.page}"
        rects = [text.get_rect(i) for i in range(text.count_rects(*found))]
        draw_mark(page, rects, m.colour, comment=m.comment, author=m.author, date=m.at,
                  kind=m.kind, keep=buffers)  # fmt: skip
    document.save(str(target))
    document.close()


def marked_project(tmp_path: Path) -> Path:
    """A project (the test embedder) holding a real paper, ingested, then marked up in
    corpus/ by two reviewers: five marks, as `litsynth code import-annotations` finds them."""
    root = corpus_project(tmp_path, (shared(PAPER), "ammar.pdf"))
    (root / "codebook" / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    run_cli(root, "ingest")
    pdf = root / "corpus" / "ammar.pdf"
    mark(
        pdf,
        pdf,
        [
            Mark(1, "The resulting literature graph consists", comment="#scale",
                 author="Ann", at="D:20261201101500+01'00'"),
            Mark(1, "point out research challenges due to differ",
                 comment="Research challenges\nworth a theme of its own", author="Ann"),
            Mark(1, "report empirical results for each", colour=GREEN, author="Ann"),
            Mark(1, "The goal of this work is to facilitate algorithmic", kind="note",
                 comment="Key aim: compare with #scale", author="Ann"),
            Mark(2, "Entity linking edges. We instantiate a directed", colour=BLUE, author="Bob"),
        ],
    )  # fmt: skip
    return root


DOCX_CODEBOOK = """\
codes:
  - id: trust
    definition: Trust between partners.
  - id: platform
    label: Platform coordination
    definition: Coordination through a shared platform.
  - id: cost
    definition: Costs.
"""
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"


def interview_docx(path: Path, *, reply: bool = False) -> Path:
    """A transcript coded with comments, written by python-docx as Word writes them; with
    `reply`, Ben's comment gets an answer in a thread (word/commentsExtended.xml, Word 2013+)."""
    import zipfile

    from docx import Document

    document = Document()
    document.add_heading("Interview 3: procurement lead", level=1)
    document.add_paragraph("Interviewer: How do you work with your suppliers now?")
    answer = document.add_paragraph(
        "Respondent: We share our forecasts with them every week, and the trust came slowly. "
    )
    platform = answer.add_run("The platform made the orders visible to everyone at once.")
    costs = document.add_paragraph("Respondent: Costs went up the first year, then down.")
    document.add_comment(answer.runs[0], text="trust", author="Ana", initials="A")
    document.add_comment(platform, text="#platform\nvisibility is the point", author="Ana")
    document.add_comment(costs.runs, text="cost? check with Ben", author="Ben")
    document.save(str(path))
    if not reply:
        return path
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    w14 = "http://schemas.microsoft.com/office/word/2010/wordml"
    comments = parts["word/comments.xml"].decode()
    # paraIds on each comment's last paragraph, and a reply (id 3) to Ben's comment (id 2)
    for ident in range(3):
        head = f'<w:comment w:id="{ident}"'
        at = comments.index(head)
        end = comments.index("</w:comment>", at)
        last = comments.rindex("<w:p>", at, end)
        comments = comments[:last] + f'<w:p w14:paraId="0000000{ident}">' + comments[last + 5 :]
    comments = comments.replace(
        "</w:comments>",
        '<w:comment w:id="3" w:author="Ana" w:date="2026-12-02T10:00:00Z"><w:p'
        ' w14:paraId="00000003"><w:r><w:t>agreed, it is cost</w:t></w:r></w:p></w:comment>'
        "</w:comments>",
    )
    parts["word/comments.xml"] = comments.encode()
    parts["word/commentsExtended.xml"] = (
        f'<w15:commentsEx xmlns:w15="{W15}"><w15:commentEx w15:paraId="00000002"/>'
        '<w15:commentEx w15:paraId="00000003" w15:paraIdParent="00000002"/></w15:commentsEx>'
    ).encode()
    rels = (
        parts["word/_rels/document.xml.rels"]
        .decode()
        .replace(
            "</Relationships>",
            '<Relationship Id="rId99" Type="http://schemas.microsoft.com/office/2011/relationships/'
            'commentsExtended" Target="commentsExtended.xml"/></Relationships>',
        )
    )
    parts["word/_rels/document.xml.rels"] = rels.encode()
    assert w14 in comments
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path
