"""The quotes behind each code: what a synthesis is written from.

A matrix says how many passages a code has; writing the findings needs the passages
themselves, under their theme and category, each quoted with the citation a manuscript uses
("Platforms synchronise partners" (Phadnis, 2023, p. 4)). NVivo calls this a coding summary
by code. `quote_bank` builds it from the current codings (pure: spans, documents and the
codebook in, records out); the writers put it in Markdown, Word or CSV.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from litsynth.cells import safe_cell
from litsynth.coding.codebook.model import Codebook, TreeNode
from litsynth.errors import SynthesisError
from litsynth.records import CodedSpan, Passage, SourceDoc
from litsynth.synthesis.spans import span_passage
from litsynth.words import count

# The formats a quote bank is written in, with the media type a download is served as.
MEDIA_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
}
FORMATS = tuple(MEDIA_TYPES)


@dataclass(frozen=True)
class Quoted:
    """One coded span as a quote: the span's passage (its own pages), who coded it, the memo."""

    passage: Passage
    coder: str
    origin: str  # "human" | "machine"
    memo: str = ""

    def to_json(self) -> dict[str, object]:
        """One quote of `litsynth export quotes --json`."""
        p = self.passage
        return {"quote": p.quote, "citation": p.citation, "text": p.text, "coder": self.coder,
                "origin": self.origin, "memo": self.memo, "chunk_id": p.chunk_id,
                "document_id": p.document_id, "start": p.start, "end": p.end}  # fmt: skip


@dataclass(frozen=True)
class Heading:
    """A theme or category of the codebook, at its depth (1 = a theme, or a root category)."""

    kind: str
    id: str
    label: str
    depth: int
    definition: str = ""


@dataclass(frozen=True)
class CodeQuotes:
    """A code, where it sits in the codebook, and its quotes in reading order."""

    id: str
    label: str
    definition: str
    depth: int
    quotes: tuple[Quoted, ...]

    @property
    def n_documents(self) -> int:
        return len({q.passage.document_id for q in self.quotes})


def quote_bank(
    spans: Sequence[CodedSpan],
    documents: Mapping[str, SourceDoc],
    codebook: Codebook,
    *,
    codes: Sequence[str] = (),
) -> list[Heading | CodeQuotes]:
    """The codebook's tree in order, each code with its quotes (by document label, then
    place in the document); `codes` keeps only those codes (and the headings above them).
    A code nothing is coded with is listed with no quotes: the gap is a finding too."""
    by_code: dict[str, list[Quoted]] = {}
    for span in spans:
        doc = documents.get(span.document_id)
        quoted = Quoted(span_passage(doc, span), span.coder, span.origin, span.memo)
        by_code.setdefault(span.code_id, []).append(quoted)
    wanted = set(codes) or set(codebook.codes)
    out: list[Heading | CodeQuotes] = []

    def walk(node: TreeNode, depth: int) -> bool:
        if node.kind == "code":
            if node.id not in wanted:
                return False
            code = codebook.codes[node.id]
            found = sorted(
                by_code.get(node.id, []),
                key=lambda q: (q.passage.label, q.passage.document_id, q.passage.start),
            )
            out.append(CodeQuotes(code.id, code.label, code.definition, depth, tuple(found)))
            return True
        element = codebook.get(node.id)
        at = len(out)
        definition = element.definition if element is not None else ""
        out.append(Heading(node.kind, node.id, node.label, depth, definition))
        kept = [walk(child, depth + 1) for child in node.children]
        if not any(kept):
            del out[at:]  # a heading with none of the wanted codes under it
        return any(kept)

    for root in codebook.tree():
        walk(root, 1)
    return out


def bank_title(project: str) -> str:
    """The title a quote bank is written under, on the command line and in the workspace."""
    return f"Quotes by code: {project}"


def _quote_line(q: Quoted) -> str:
    by = "" if q.origin == "human" else " (machine suggestion, not reviewed)"
    memo = f" Memo: {q.memo}" if q.memo else ""
    return f"{q.passage.quote}{by}{memo}"


def to_markdown(bank: Sequence[Heading | CodeQuotes], *, title: str, counts: str) -> str:
    """Headings by depth; each code's definition, count and quotes as a list."""
    lines = [f"# {title}", "", f"_{counts}._", ""]
    for item in bank:
        hashes = "#" * min(item.depth + 1, 6)
        if isinstance(item, Heading):
            lines += [f"{hashes} {item.label}", ""]
            if item.definition:
                lines += [item.definition, ""]
            continue
        n = len(item.quotes)
        lines += [f"{hashes} {item.label}", ""]
        if item.definition:
            lines += [f"_{item.definition}_", ""]
        lines += [_summary(item), ""]
        lines += [f"- {_quote_line(q)}" for q in item.quotes]
        lines += [""] if n else []
    return "\n".join(lines).rstrip() + "\n"


def _summary(item: CodeQuotes) -> str:
    n = len(item.quotes)
    if not n:
        return "No passage is coded with it."
    return f"{count(n, 'passage')} in {count(item.n_documents, 'document')} (code `{item.id}`)."


def to_docx(bank: Sequence[Heading | CodeQuotes], *, title: str, counts: str) -> bytes:
    """The same as Word headings and paragraphs, for the manuscript's appendix."""
    from docx import Document

    from litsynth.cells import xml_safe

    doc = Document()
    doc.core_properties.title = title
    doc.add_heading(xml_safe(title), level=0)
    doc.add_paragraph(xml_safe(counts + ".")).runs[0].italic = True
    for item in bank:
        doc.add_heading(xml_safe(item.label), level=min(item.depth, 9))
        if isinstance(item, Heading):
            if item.definition:
                doc.add_paragraph(xml_safe(item.definition))
            continue
        if item.definition:
            doc.add_paragraph(xml_safe(item.definition)).runs[0].italic = True
        doc.add_paragraph(xml_safe(_summary(item).replace("`", "")))
        for q in item.quotes:
            doc.add_paragraph(xml_safe(_quote_line(q)), style="List Bullet")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


COLUMNS = ("under", "code", "code_label", "citation", "quote", "text", "coder", "origin", "memo",
           "document_id", "chunk_id", "start", "end")  # fmt: skip


def under_headings(bank: Sequence[Heading | CodeQuotes]) -> Iterator[tuple[str, CodeQuotes]]:
    """Each code of the bank with the theme and category it sits under, "Theme > Category"
    (the flat form a sheet or a deposit's table gives the codebook's tree)."""
    heads: dict[int, str] = {}
    for item in bank:
        heads = {d: label for d, label in heads.items() if d < item.depth}
        if isinstance(item, Heading):
            heads[item.depth] = item.label
            continue
        yield " > ".join(heads[d] for d in sorted(heads)), item


def to_csv(bank: Sequence[Heading | CodeQuotes]) -> str:
    """One row per quote: the theme and category it is `under`, the code, the citation and
    the quote, and where the passage is (cells a spreadsheet would run as formulas escaped)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for where, item in under_headings(bank):
        for q in item.quotes:
            p = q.passage
            row = [where, item.id, item.label, p.citation, p.quote, p.text, q.coder,
                   q.origin, q.memo, p.document_id, p.chunk_id, p.start, p.end]  # fmt: skip
            writer.writerow([safe_cell(v) if isinstance(v, str) else v for v in row])
    return out.getvalue()


def render(bank: Sequence[Heading | CodeQuotes], fmt: str, *, title: str, counts: str) -> bytes:
    """The bank in `fmt` ("md", "docx" or "csv"), as the bytes of a file."""
    if fmt == "docx":
        return to_docx(bank, title=title, counts=counts)
    if fmt == "csv":
        return to_csv(bank).encode("utf-8")
    if fmt == "md":
        return to_markdown(bank, title=title, counts=counts).encode("utf-8")
    raise SynthesisError(f"no quotes format {fmt!r}", hint="md, docx or csv")
