"""Journal articles in JATS XML: what ingest reads, against pandoc's JATS reader and lxml,
the raw library, on the same files in the same run.

The files (bench/DATA.md) are eLife's sample articles from elife-tools (research articles
with figure supplements, tables, equations, digests and decision letters; insights,
editorials, a correction, and markup samples) and three PubMed Central articles from
s2orc-doc2json (Oncotarget, Behavioral Ecology, Nano Convergence). For each file:

- pandoc 2.17 (`-f jats -t plain --wrap=none`, Debian's `pandoc`) is the reference reading.
  It also reads the decision letters and author responses eLife appends (sub-articles),
  which litsynth leaves out (they are the review, not the article): they are removed from
  the file pandoc reads, so both read the same article;
- agreement: the share of pandoc's words (lower-case letters and digits, as a multiset)
  that a reading has (recall), and the share of the reading's words pandoc has (precision).
  pandoc's plain text leaves the abstract and the reference list out (it keeps them as
  metadata): its abstract is put back in front, and litsynth's References section is set
  aside before comparing, its entries counted against the file's `<ref>` elements instead;
- lxml, as a user of the raw library writes it: every text node of the article's front,
  body and back (`itertext`), the speed reference;
- metadata: litsynth's title and first author against the values pandoc reads (`-t json`,
  its document metadata; it reads no year or DOI from these files).

    .venv/bin/python bench/bench_jats.py [folder]

Default folder: bench/data/jats. Writes bench/results/jats.json.
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench_docx import agreement, timed

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "bench" / "data" / "jats"
OUT = REPO / "bench" / "results" / "jats.json"
_SUB_ARTICLE = re.compile(rb"<sub-article\b.*?</sub-article>|<response\b.*?</response>", re.S)


def with_lxml(path: Path) -> str:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    root = etree.parse(str(path), parser).getroot()
    parts = [el for el in root if etree.QName(el).localname in ("front", "body", "back")]
    return "\n".join("".join(el.itertext()) for el in parts)


def with_pandoc(path: Path, out: Path) -> tuple[str | None, dict[str, object]]:
    """pandoc's plain text of the article without its sub-articles, and its metadata."""
    article = out / path.name
    article.write_bytes(_SUB_ARTICLE.sub(b"", path.read_bytes()))

    def run(to: str) -> str | None:
        done = subprocess.run(
            ["pandoc", "-f", "jats", "-t", to, "--wrap=none", str(article)],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        return done.stdout if done.returncode == 0 else None

    text, native = run("plain"), run("json")
    meta = json.loads(native)["meta"] if native else {}
    if text is not None and meta.get("abstract"):  # pandoc keeps the abstract as metadata
        text = f"{_plain(meta['abstract'])}\n\n{text}"
    return text, meta


def _plain(value: object) -> str:
    """pandoc's metadata value (MetaInlines, MetaString, MetaList) as text."""
    if isinstance(value, dict):
        kind, content = value.get("t"), value.get("c")
        if kind == "Str":
            return str(content)
        if kind in ("Space", "SoftBreak"):
            return " "
        return _plain(content)
    if isinstance(value, list):
        return "".join(_plain(v) for v in value)
    return str(value or "")


def meta_agreement(doc: Any, meta: dict[str, object]) -> dict[str, bool]:
    title = " ".join(_plain(meta.get("title")).split())
    authors = meta.get("author", {})
    first = _plain(authors["c"][0]) if isinstance(authors, dict) and authors.get("c") else ""
    family = doc.authors[0].split(",")[0] if doc.authors else ""
    return {
        "title": bool(title) and title == doc.title,
        "first_author": bool(family) and family in first,
    }


def body_and_references(doc: Any) -> tuple[str, int]:
    """The text without its References sections, and how many entries they have."""
    kept, entries, at = [], 0, 0
    for page in doc.pages:
        if page.label.lower() in ("references", "reference list"):
            kept.append(doc.text[at : page.start])
            entries += len(doc.text[page.start : page.end].split("\n\n")[1:])
            at = page.end
    return "".join(kept) + doc.text[at:], entries


def main(folder: Path) -> int:
    if shutil.which("pandoc") is None:
        print("pandoc is not installed (apt install pandoc): it is the reference reading")
        return 1
    from litsynth.ingest import ParseFailure, parse_file

    files = sorted(f for suffix in ("*.xml", "*.nxml") for f in folder.rglob(suffix))
    if not files:
        print(f"no JATS files under {folder}: see bench/DATA.md")
        return 1
    rows = []
    with tempfile.TemporaryDirectory() as out:
        for path in files:
            row: dict[str, object] = {"file": path.name}
            doc = None

            def read(p: Path) -> str:
                nonlocal doc
                doc = parse_file(p)
                return doc.text

            _text, row["litsynth"], row["litsynth_s"] = timed(read, path)
            if doc is None:
                try:
                    parse_file(path)
                except ParseFailure as failure:
                    row["litsynth"] = f"failed: {failure.reason}"
            raw, row["lxml"], row["lxml_s"] = timed(with_lxml, path)
            reference, meta = with_pandoc(path, Path(out))
            if doc is not None and reference and reference.strip():
                body, row["references"] = body_and_references(doc)
                row["ref_elements"] = len(
                    re.findall(rb"<ref[\s>]", _SUB_ARTICLE.sub(b"", path.read_bytes()))
                )
                row["agreement"] = agreement(body, reference)
                row["lxml_agreement"] = agreement(raw or "", reference)
                row["metadata"] = meta_agreement(doc, meta)
            rows.append(row)
    scored = [r for r in rows if r.get("agreement") and r.get("lxml_agreement")]
    ours_s = sum(float(r["litsynth_s"]) for r in rows)  # type: ignore[arg-type]
    raw_s = sum(float(r["lxml_s"]) for r in rows)  # type: ignore[arg-type]
    fields = ("title", "first_author")
    summary = {
        "files": len(rows),
        "litsynth_read": sum(r["litsynth"] == "read" for r in rows),
        "litsynth_failed": [
            f"{r['file']}: {r['litsynth']}" for r in rows if r["litsynth"] != "read"
        ],
        "scored_files": len(scored),
        "recall": statistics.fmean(r["agreement"][0] for r in scored),  # type: ignore[index]
        "precision": statistics.fmean(r["agreement"][1] for r in scored),  # type: ignore[index]
        "lxml_recall": statistics.fmean(r["lxml_agreement"][0] for r in scored),  # type: ignore[index]
        "lxml_precision": statistics.fmean(r["lxml_agreement"][1] for r in scored),  # type: ignore[index]
        "metadata_agrees": {
            f: sum(bool(r["metadata"][f]) for r in scored)
            for f in fields  # type: ignore[index]
        },
        "references": sum(int(r["references"]) for r in scored),  # type: ignore[call-overload]
        "ref_elements": sum(int(r["ref_elements"]) for r in scored),  # type: ignore[call-overload]
        "litsynth_s": ours_s,
        "lxml_s": raw_s,
        "time_ratio": ours_s / raw_s,
    }
    print(
        f"{summary['files']} files: litsynth read {summary['litsynth_read']}; failed with a"
        f" reason: {summary['litsynth_failed']}"
    )
    print(
        f"agreement with pandoc over {len(scored)} articles (mean per file): litsynth recall"
        f" {summary['recall']:.3f}, precision {summary['precision']:.3f}; lxml's itertext"
        f" recall {summary['lxml_recall']:.3f}, precision {summary['lxml_precision']:.3f}"
    )
    agrees = summary["metadata_agrees"]
    print(f"metadata equal to pandoc's, of {len(scored)}: {agrees}")
    print(
        f"reference entries: {summary['references']} read as paragraphs of References, of"
        f" {summary['ref_elements']} <ref> elements"
    )
    print(
        f"time: litsynth {ours_s:.2f} s, lxml {raw_s:.2f} s ({summary['time_ratio']:.2f}x"
        " the raw library's)"
    )
    for r in sorted(scored, key=lambda r: r["agreement"][0])[:6]:  # type: ignore[index]
        print(f"  {r['file']}: recall {r['agreement'][0]:.3f}, precision {r['agreement'][1]:.3f}")  # type: ignore[index]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"summary": summary, "files": rows}, indent=1), encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA))
