"""A reviewer's PDF highlights and notes become codings and memos (`code import-annotations`).

The marks are read from PDFs written by the readers reviewers use (Acrobat, Word, iText:
tests/fixtures/annotations) and from a real scholarly paper marked up with PDFium; the
project is a real one (init, ingest into SQLite, the CLI).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import corpus_project, run_cli, shared
from litsynth.coding.codebook.model import Code, Codebook
from litsynth.coding.human.annotations import code_names, colour_name, read_comment
from litsynth.ingest.pdf_notes import pdf_date, read_notes
from pdf_marks import CODEBOOK, DOCX_CODEBOOK, PAPER, Mark, interview_docx, mark, marked_project

FIXTURES = Path(__file__).parent / "fixtures" / "annotations"


# ------------------------------------------------------------------ reading the marks


def test_acrobat_highlight_covers_its_words_with_comment_author_and_time() -> None:
    read = read_notes(FIXTURES / "highlight_popup.pdf")
    [note] = read.notes
    assert (note.kind, note.text, note.comment) == ("highlight", "PDF.js", "PDF.js is highlighted.")
    assert note.author == "Calixte Denizet"
    assert note.at == "2024-09-26T13:30:49.000Z"  # D:20240926153049+02'00' in UTC
    assert colour_name(note.colour) == "purple"


def test_word_highlight_and_a_drawing_left_out_by_kind() -> None:
    [word] = read_notes(FIXTURES / "annotation-highlight.pdf").notes
    assert word.text == "Lorem ipsum dolor sit amet"
    assert colour_name(word.colour) == "yellow"
    acrobat = read_notes(FIXTURES / "highlight.pdf")
    assert [n.text for n in acrobat.notes] == ["PDF.js"]
    assert colour_name(acrobat.notes[0].colour) == "pink"
    assert acrobat.skipped == {"ink": 1}  # no words under it and no comment


def test_sticky_note_is_a_comment_at_a_place() -> None:
    [note] = read_notes(FIXTURES / "annotation-text-without-popup.pdf").notes
    assert note.kind == "note" and not note.covers_text
    assert note.comment == "Text content without Popup annotation"
    assert note.start == note.end  # a place on the page, with the page's text around it


def test_a_pdf_that_cannot_be_opened_is_refused_with_its_reason(tmp_path: Path) -> None:
    from litsynth.errors import LitsynthError

    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nthis is not a PDF body")
    with pytest.raises(LitsynthError, match="broken-file"):
        read_notes(broken)


def test_a_character_pdfium_gives_in_two_halves_is_one_letter() -> None:
    from litsynth.ingest.pdf_notes import _paired

    # 𝜒 (U+1D712), as statistics papers set chi: one letter, one position per index kept
    assert _paired(["(", "\ud835", "\udf12", "2"]) == ["(", "𝜒", "\u2060", "2"]
    assert _paired(["\ud835", "a"]) == ["\ufffd", "a"]  # a half alone is no character


def test_damaged_files_are_read_or_refused_never_a_crash(tmp_path: Path) -> None:
    """Bytes changed and files cut at random (seeded): each file gives its marks or a
    ParseFailure with its reason, which the import says and goes on; nothing else."""
    import random

    from litsynth.errors import LitsynthError
    from litsynth.ingest.docx_notes import read_docx_notes

    rng = random.Random(11)
    sources = [
        (FIXTURES / "highlight_popup.pdf", read_notes),
        (FIXTURES / "annotation-highlight.pdf", read_notes),
        (interview_docx(tmp_path / "interview.docx"), read_docx_notes),
    ]
    outcomes = set()
    for trial in range(240):
        source, reader = sources[trial % len(sources)]
        damaged = bytearray(source.read_bytes())
        for _ in range(rng.randint(1, 30)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        if trial % 7 == 0:
            damaged = damaged[: rng.randrange(1, len(damaged))]
        path = tmp_path / f"damaged{source.suffix}"
        path.write_bytes(bytes(damaged))
        try:
            reader(path)
            outcomes.add("read")
        except LitsynthError:
            outcomes.add("refused")
    assert outcomes == {"read", "refused"}


@pytest.mark.parametrize(
    ("rgb", "name"),
    [
        ((1.0, 0.831, 0.0), "yellow"),  # Zotero
        ((1.0, 1.0, 0.6), "yellow"),  # Preview
        ((0.373, 0.698, 0.212), "green"),  # Zotero
        ((0.18, 0.659, 0.898), "blue"),  # Zotero
        ((0.635, 0.541, 0.898), "purple"),  # Zotero
        ((0.898, 0.431, 0.933), "magenta"),  # Zotero
        ((0.945, 0.596, 0.216), "orange"),  # Zotero
        ((1.0, 0.4, 0.4), "red"),  # Zotero
        ((1.0, 0.502, 0.616), "pink"),  # Acrobat
        ((0.667, 0.667, 0.667), "grey"),  # Zotero
    ],
)
def test_colours_are_named_as_the_readers_name_them(
    rgb: tuple[float, float, float], name: str
) -> None:
    assert colour_name(rgb) == name


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("D:20151230152248+01'00'", "2015-12-30T14:22:48.000Z"),
        ("D:20240521163026Z00'00", "2024-05-21T16:30:26.000Z"),
        ("D:20261130", "2026-11-30T00:00:00.000Z"),
        ("20240521183601-05'30'", "2024-05-22T00:06:01.000Z"),
        ("yesterday", ""),
    ],
)
def test_pdf_dates(raw: str, iso: str) -> None:
    assert pdf_date(raw) == iso


def test_a_comment_names_codes_by_id_label_or_tag() -> None:
    book = Codebook(
        codes={
            "scale": Code(id="scale", label="Scale of the system", definition="d"),
            "challenges": Code(id="challenges", label="Research challenges", definition="d"),
        }
    )
    names = code_names(book)
    listed = read_comment("Scale of the system; #challenges\nworth a theme", names)
    assert listed.codes == ("scale", "challenges") and listed.rest == "worth a theme"
    inline = read_comment("compare with #scale and #sclae", names)
    assert inline.codes == ("scale",) and inline.unknown == ("sclae",)
    assert inline.rest == "compare with #scale and #sclae"  # a tag in a sentence stays in it
    assert read_comment("a plain remark", names).codes == ()


# ----------------------------------------------------------- a marked-up paper, end to end


def _codings(root: Path) -> list[tuple[str, str, str, str]]:
    conn = sqlite3.connect(root / "litsynth.db")
    try:
        rows = conn.execute(
            "SELECT c.code_id, c.coder, substr(d.text, c.start + 1, c.end - c.start), c.memo"
            " FROM codings c JOIN documents d ON d.id = c.document_id ORDER BY c.seq"
        )
        return [(r[0], r[1], " ".join(r[2].split()), r[3]) for r in rows]
    finally:
        conn.close()


def test_marks_on_a_real_paper_become_codings_and_memos(tmp_path: Path) -> None:
    root = marked_project(tmp_path)
    dry = json.loads(run_cli(root, "code", "import-annotations", "--dry-run", "--json"))
    assert dry["files"][0]["codings"] == 3 and _codings(root) == []  # nothing written
    out = run_cli(root, "code", "import-annotations", "--colour", "blue=entity-linking")
    assert "5 marks by Ann, Bob" in out and "wrote 4 codings" in out
    assert "1 mark named no code and was kept as a memo (green)" in out
    codings = {(code, text[:60]): (coder, memo) for code, coder, text, memo in _codings(root)}
    # The words under each highlight, a word begun ("differ") taken whole.
    assert codings[("scale", "The resulting literature graph consists")] == ("Ann", "")
    challenge = ("challenges", "point out research challenges due to differences")
    assert codings[challenge] == ("Ann", "worth a theme of its own")
    linking = ("entity-linking", "Entity linking edges. We instantiate a directed")
    assert codings[linking][0] == "Bob"
    # The sticky note codes the passage it sits beside, and keeps what it says.
    [note_text] = [t for c, _, t, m in _codings(root) if m == "Key aim: compare with #scale"]
    assert "The goal of this work is to facilitate algorithmic discovery" in note_text
    assert len(note_text) > 400  # the passage, not only the line
    # Filed under the abstract, not the front-matter chunk that overlaps it: matrices read it.
    conn = sqlite3.connect(root / "litsynth.db")
    roles = {
        r[0] for r in conn.execute("SELECT role FROM codings JOIN chunks ON chunks.id = chunk_id")
    }
    conn.close()
    assert "front matter" not in roles
    memos = run_cli(root, "code", "memos")
    assert "Highlight (p. 1): “report empirical results for each”" in memos
    # Run again after more reading: nothing is written twice.
    again = run_cli(root, "code", "import-annotations", "--colour", "blue=entity-linking")
    assert "nothing new; 5 already in the project" in again
    plain = run_cli(root, "code", "import-annotations")  # the blue mark is coded already
    assert "nothing new; 5 already in the project" in plain
    assert len(_codings(root)) == 4


def test_a_rejected_mark_stays_rejected_and_coder_overrides_authors(tmp_path: Path) -> None:
    root = marked_project(tmp_path)
    run_cli(root, "code", "import-annotations")
    conn = sqlite3.connect(root / "litsynth.db")
    chunk, start, end = conn.execute(
        "SELECT chunk_id, start, end FROM codings WHERE code_id = 'challenges'"
    ).fetchone()
    conn.close()
    run_cli(root, "code", "add", "challenges", "--chunk", chunk, "--coder", "Ann")  # whole passage
    conn = sqlite3.connect(root / "litsynth.db")
    with conn:
        conn.execute(
            "INSERT INTO codings(id, chunk_id, document_id, code_id, start, end, coder, at, status)"
            " SELECT 'r1', chunk_id, document_id, code_id, start, end, coder,"
            " '2030-01-01T00:00:00.000Z', 'rejected' FROM codings WHERE code_id = 'challenges'"
            " AND start = ? AND end = ?",
            (start, end),
        )
    conn.close()
    again = run_cli(root, "code", "import-annotations")
    assert "nothing new" in again  # the rejection is a decision: not undone by the PDF
    other = run_cli(root, "code", "import-annotations", "--coder", "Dee")
    assert "by Dee" in other and "wrote 3 codings" in other


def test_an_exported_copy_is_matched_by_its_text(tmp_path: Path) -> None:
    root = corpus_project(tmp_path, (shared(PAPER), "ammar.pdf"))
    (root / "codebook" / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    run_cli(root, "ingest")
    exported = tmp_path / "zotero" / "Ammar et al. - 2018 - Construction.pdf"
    exported.parent.mkdir()
    mark(shared(PAPER), exported, [Mark(3, "We use a", comment="scale", author="Cy")])
    done = json.loads(run_cli(root, "code", "import-annotations", str(exported.parent), "--json"))
    [file] = done["files"]
    assert (file["matched_by"], file["codings"], file["authors"]) == ("its text", 1, ["Cy"])


def test_a_pdf_not_in_the_project_and_a_bad_colour_are_said(tmp_path: Path) -> None:
    root = corpus_project(tmp_path, (shared(PAPER), "ammar.pdf"))
    (root / "codebook" / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    run_cli(root, "ingest")
    stranger = tmp_path / "stranger.pdf"
    shutil.copy(FIXTURES / "highlight_popup.pdf", stranger)
    out = run_cli(root, "code", "import-annotations", str(stranger))
    assert "not in the project" in out and "litsynth ingest" in out
    bad = run_cli(root, "code", "import-annotations", "--colour", "blue=scael", exit_code=1)
    assert "did you mean 'scale'" in bad
    teal = run_cli(root, "code", "import-annotations", "--colour", "teal=scale", exit_code=1)
    assert "colours are yellow" in teal


# ------------------------------------------------------------- codings drawn on a copy


def test_codings_drawn_on_a_copy_come_back_as_already_there(tmp_path: Path) -> None:
    root = marked_project(tmp_path)
    run_cli(root, "code", "import-annotations", "--colour", "blue=entity-linking")
    out = tmp_path / "to-read"
    said = run_cli(root, "export", "annotated-pdfs", str(out))
    assert "ammar.pdf: 4 highlights for 4 codings of corpus/ammar.pdf" in said
    assert "yellow = Scale of the system (code)" in said
    copy = out / "ammar.pdf"
    # Read back by the reader (pypdf + PDFium), independent of the writer: each coding is a
    # highlight over its words, its comment the code's label, its author the coder.
    drawn = [n for n in read_notes(copy).notes if n.author != "" and n.comment]
    labels = {(n.comment.splitlines()[0], n.author) for n in drawn}
    assert ("Entity linking", "Bob") in labels and ("Research challenges", "Ann") in labels
    assert (root / "corpus" / "ammar.pdf").read_bytes() != copy.read_bytes()  # a copy
    back = run_cli(root, "code", "import-annotations", str(out))
    assert "known by its words" in back and "nothing new" in back


def test_a_coded_pdf_that_cannot_be_opened_is_said_and_the_others_drawn(tmp_path: Path) -> None:
    root = marked_project(tmp_path)
    run_cli(root, "code", "import-annotations")
    pdf = root / "corpus" / "ammar.pdf"
    pdf.write_bytes(pdf.read_bytes()[:4000])  # cut short after it was coded
    said = run_cli(root, "export", "annotated-pdfs", str(tmp_path / "out"))
    assert "corpus/ammar.pdf: not drawn: " in said and "0 PDFs written" in said
    assert not (tmp_path / "out" / "ammar.pdf").exists()


def test_colours_follow_themes_then_the_codebooks_own() -> None:
    from litsynth.coding.codebook.model import Theme
    from litsynth.records import CodedSpan
    from litsynth.synthesis.annotated_pdfs import colour_key

    book = Codebook(
        codes={
            "a": Code(id="a", label="A", definition="d", theme="t1"),
            "b": Code(id="b", label="B", definition="d", theme="t1"),
            "c": Code(id="c", label="C", definition="d", theme="t2"),
            "d": Code(id="d", label="D", definition="d", color="#4F81BD"),
        },
        themes={"t1": Theme(id="t1", label="One"), "t2": Theme(id="t2", label="Two")},
    )
    spans = [CodedSpan("k", "doc", c, 0, 1, 1.0, "human", "ann") for c in "abcd"]
    colours, key = colour_key(book, spans)
    assert colours == {"a": "yellow", "b": "yellow", "c": "green", "d": "#4f81bd"}
    assert [(k.colour, k.label, k.kind) for k in key] == [
        ("yellow", "One", "theme"), ("green", "Two", "theme"), ("#4f81bd", "D", "code"),
    ]  # fmt: skip
    # the palette's colours are named back as themselves when a copy is read again
    from litsynth.synthesis.annotated_pdfs import PALETTE

    assert all(colour_name(tuple(v / 255 for v in rgb)) == n for n, rgb in PALETTE.items())  # type: ignore[arg-type]


def test_a_mark_inside_a_coding_adds_only_what_it_says(tmp_path: Path) -> None:
    root = marked_project(tmp_path)
    run_cli(root, "code", "import-annotations")
    pdf = root / "corpus" / "ammar.pdf"
    mark(
        pdf,
        pdf,
        [
            Mark(1, "research challenges", comment="#challenges", author="Ann"),
            Mark(1, "due to differ", comment="challenges\nthe nub of it", author="Ann"),
        ],
    )
    again = run_cli(root, "code", "import-annotations")
    assert "wrote 1 coding (challenges)" in again and "6 already in the project" in again
    assert any(m == "the nub of it" for *_, m in _codings(root))


def test_ingest_says_a_pdf_holds_marks_to_bring_in(tmp_path: Path) -> None:
    marked = tmp_path / "marked.pdf"
    mark(shared(PAPER), marked, [Mark(1, "The resulting literature graph consists")])
    shutil.copy(FIXTURES / "highlight.pdf", tmp_path / "acrobat.pdf")
    root = corpus_project(tmp_path, (marked, "ammar.pdf"), (tmp_path / "acrobat.pdf", "a.pdf"))
    said = run_cli(root, "ingest")
    assert "marks made in a PDF reader or Word: a.pdf (2 marks), ammar.pdf (1 mark)" in said
    assert "`litsynth code import-annotations` brings them in" in said


# ---------------------------------------------------------- comments in Word documents


def test_comments_in_a_word_transcript_become_codings_and_memos(tmp_path: Path) -> None:
    interview = interview_docx(tmp_path / "interview.docx")
    root = corpus_project(tmp_path, (interview, "interview.docx"))
    (root / "codebook" / "codebook.yaml").write_text(DOCX_CODEBOOK, encoding="utf-8")
    assert "interview.docx (3 comments)" in run_cli(root, "ingest")
    out = run_cli(root, "code", "import-annotations")
    assert "3 marks by Ana, Ben; wrote 2 codings (trust, platform) and 1 memo" in out
    assert "name its code in the comment" in out  # no colour to speak of in Word
    codings = {code: (coder, text, memo) for code, coder, text, memo in _codings(root)}
    platform = "The platform made the orders visible to everyone at once."
    assert codings["platform"] == ("Ana", platform, "visibility is the point")
    assert codings["trust"][1].endswith("and the trust came slowly.")
    memos = run_cli(root, "code", "memos")
    assert "Comment: “Respondent: Costs went up the first year, then down.”" in memos
    assert "nothing new" in run_cli(root, "code", "import-annotations")


def test_a_reply_in_a_word_thread_stays_with_the_comment_it_answers(tmp_path: Path) -> None:
    from litsynth.ingest.docx_notes import read_docx_notes

    notes = read_docx_notes(interview_docx(tmp_path / "thread.docx", reply=True)).notes
    assert len(notes) == 3  # the reply is no comment of its own
    ben = next(n for n in notes if n.author == "Ben")
    assert ben.replies == (("Ana", "agreed, it is cost"),)
    assert ben.text == "Respondent: Costs went up the first year, then down."
