"""Passage roles on the 13 scholarly PDFs: reference text tagged, body text lost, boilerplate left.

Goals (issue 11):
- for the two PDFs with GROBID→S2ORC JSON beside them: reference text tagged `references`
  ≥ 98%, body text lost (in a passage of a role that is not read) ≤ 0.5%;
- for all 13: boilerplate lines left in body passages (goal 0); 20 random body passages shown.

How it is measured:
- The PDFs are ingested with the test embedder (roles do not depend on the model).
- S2ORC's `bib_entries[*].raw_text` is the reference text, its `body_text[*].text` the body.
  Each is found in litsynth's document text by its first 40 letters and digits (case,
  spaces, hyphens and punctuation ignored: GROBID and pypdf break lines differently). A
  reference entry is tagged when that place lies in a `references` passage. A body paragraph's
  letters count as lost where every passage holding them has a role that is not read
  (`records.READ_BY_DEFAULT`: body, abstract).
- A body passage's line is boilerplate when it is one of the kinds issue 11 names, found where
  that kind sits on the page (`boilerplate_left` says how); the role detector's broader line
  test is counted beside it, as earlier runs reported it.

    .venv/bin/python bench/bench_roles.py

Writes bench/results/roles.json.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import sqlite3
import sys
import tempfile
from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from litsynth.cli import cli
from litsynth.ingest.normalize import line_form
from litsynth.ingest.pdf import _MARGIN_STAMP as MARGIN_STAMP
from litsynth.ingest.roles import _LICENCE as LICENCE
from litsynth.ingest.roles import is_boilerplate_line, repeated_lines
from litsynth.records import READ_BY_DEFAULT, Page

HERE = Path(__file__).resolve().parent
SCHOLARLY = HERE.parent.parent / "shared" / "data" / "pdfs" / "scholarly"
OUT = HERE / "results" / "roles.json"
PROBE = 40  # letters and digits that locate a paragraph or reference entry
EDGE = 3  # lines at the top and at the bottom of a page where heads, feet and numbers sit
PAGE_NUMBER = re.compile(r"\s*(?:page\s*)?\d{1,5}(?:\s*(?:of|/)\s*\d{1,5})?\s*", re.I)


def letters(text: str) -> tuple[str, list[int]]:
    """The text's letters and digits, lower-cased, with each one's position in the text."""
    keep = [(i, ch.lower()) for i, ch in enumerate(text) if ch.isalnum()]
    return "".join(ch for _, ch in keep), [i for i, _ in keep]


def ingest(pdfs: list[Path], root: Path) -> sqlite3.Connection:
    (root / "corpus").mkdir(parents=True)
    for pdf in pdfs:
        shutil.copy(pdf, root / "corpus" / pdf.name)
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", "--project", str(root), "--quiet"])
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(root / "litsynth.db")
    conn.row_factory = sqlite3.Row
    return conn


def document(conn: sqlite3.Connection, name: str) -> tuple[str, list[Page], list[sqlite3.Row]]:
    doc = conn.execute("SELECT id, text FROM documents WHERE path LIKE ?", (f"%{name}",)).fetchone()
    pages = [
        Page(r["number"], r["start"], r["end"], r["label"] or "")
        for r in conn.execute(
            "SELECT number, start, end, label FROM pages WHERE document_id = ? ORDER BY number",
            (doc["id"],),
        )
    ]
    chunks = conn.execute(
        "SELECT start, end, text, COALESCE(role, 'body') AS role FROM chunks"
        " WHERE document_id = ? ORDER BY start",
        (doc["id"],),
    ).fetchall()
    return doc["text"], pages, chunks


def against_s2orc(conn: sqlite3.Connection, pdf: Path) -> dict:
    parse = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))["pdf_parse"]
    text, _, chunks = document(conn, pdf.name)
    flat, where = letters(text)

    def locate(snippet: str) -> int | None:
        probe = letters(snippet)[0][:PROBE]
        at = flat.find(probe) if len(probe) >= 12 else -1
        return where[at] if at >= 0 else None

    def roles_at(position: int) -> set[str]:
        return {c["role"] for c in chunks if c["start"] <= position < c["end"]}

    refs = [e["raw_text"] for e in parse["bib_entries"].values() if e.get("raw_text")]
    found = [p for p in (locate(r) for r in refs) if p is not None]
    tagged = sum(1 for p in found if "references" in roles_at(p))
    body_chars = lost_chars = located = 0
    lost_examples = []
    for para in parse["body_text"]:
        start = locate(para["text"])
        n = len(letters(para["text"])[0])
        body_chars += n
        if start is None:
            continue
        located += n
        roles = roles_at(start)
        if roles and not roles & set(READ_BY_DEFAULT):
            lost_chars += n
            lost_examples.append((sorted(roles), para["text"][:90]))
    return {
        "references": len(refs),
        "references_found": len(found),
        "references_tagged": tagged,
        "reference_share_tagged": round(tagged / max(1, len(found)), 4),
        "body_letters": body_chars,
        "body_letters_located": located,
        "body_share_lost": round(lost_chars / max(1, located), 4),
        "lost": lost_examples[:5],
    }


def _edges(lines: list[str]) -> set[int]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return set(filled[:EDGE] + filled[-EDGE:])


def boilerplate_left(conn: sqlite3.Connection, pdf: Path) -> dict:
    """Lines of body passages that are boilerplate as issue 11 names it, each kind tested
    where it lives on the page as stored (so the test is not the parser's own):

    - a running head or foot: within the top or bottom three lines of its page, in a form
      (digits ignored) found at the edges of three pages and a quarter of the pages (fewer
      takes in the questions an appendix repeats page after page);
    - a page number: a page's first or last line, only a number ("12", "Page 3 of 10");
    - a margin stamp: "arXiv:2206.10883v3 [cs.CL] 22 Jul 2022" anywhere;
    - a licence or copyright line (`roles`' licence test: "creative commons", "licensed
      under", "©", "all rights reserved"…) on the first page or at a page's edge.

    Also counted, for comparison with earlier runs: `broad`, every line the role detector's
    `is_boilerplate_line` flags (a line repeated anywhere on three pages, a lone number
    anywhere, an arXiv id anywhere), which also takes in figure tick labels ("0.2"), repeated
    questions of a datasheet appendix and reference entries.
    """
    text, pages, chunks = document(conn, pdf.name)
    body = [(c["start"], c["end"]) for c in chunks if c["role"] == "body"]

    def in_body(at: int) -> bool:
        return any(s <= at < e for s, e in body)

    seen: Counter[str] = Counter()
    laid = []
    for page in pages:
        lines = text[page.start : page.end].split("\n")
        laid.append((page, lines))
        seen.update({line_form(lines[i]) for i in _edges(lines)})
    needed = max(3, len(pages) / 4)  # as the parser: a datasheet's "Any other comments?" stays
    heads = {f for f, n in seen.items() if n >= needed and sum(ch.isalpha() for ch in f) >= 3}
    found: list[tuple[str, str]] = []
    for page, lines in laid:
        edges = _edges(lines)
        filled = [i for i, line in enumerate(lines) if line.strip()]
        ends = {filled[0], filled[-1]} if filled else set()
        at = page.start
        for i, line in enumerate(lines):
            where, at = at, at + len(line) + 1
            if not line.strip() or not in_body(where):
                continue
            if i in edges and line_form(line) in heads:
                found.append(("running head", line.strip()))
            elif i in ends and PAGE_NUMBER.fullmatch(line):
                found.append(("page number", line.strip()))
            elif MARGIN_STAMP.fullmatch(line):
                found.append(("margin stamp", line.strip()))
            elif (page.number == 1 or i in edges) and LICENCE.search(line):
                found.append(("licence", line.strip()))
    repeated = repeated_lines(text, pages)
    broad = [
        line.strip()
        for c in chunks
        if c["role"] == "body"
        for line in c["text"].splitlines()
        if line.strip() and is_boilerplate_line(line, repeated)
    ]
    return {
        "lines": len(found),
        "found": [f"{kind}: {line}" for kind, line in found[:10]],
        "broad": len(broad),
        "broad_examples": broad[:5],
    }


def main() -> int:
    if not SCHOLARLY.exists():
        print(f"skipped: {SCHOLARLY} is absent")
        return 0
    pdfs = sorted(SCHOLARLY.rglob("*.pdf"))
    with tempfile.TemporaryDirectory() as tmp:
        conn = ingest(pdfs, Path(tmp) / "p")
        results: dict = {"s2orc": {}, "boilerplate_lines_in_body": {}}
        for pdf in pdfs:
            if pdf.with_suffix(".json").exists() and "pdf_parse" in pdf.with_suffix(
                ".json"
            ).read_text(encoding="utf-8"):
                r = against_s2orc(conn, pdf)
                results["s2orc"][pdf.name] = r
                print(f"{pdf.name}: references tagged {r['references_tagged']}/"
                      f"{r['references_found']} = {r['reference_share_tagged']:.1%} (goal ≥ 98%);"
                      f" body text lost {r['body_share_lost']:.2%} (goal ≤ 0.5%)")  # fmt: skip
                for roles, quote in r["lost"]:
                    print(f"    lost as {'/'.join(roles)}: {quote!r}")
        total = broad = 0
        for pdf in pdfs:
            left = boilerplate_left(conn, pdf)
            total += left["lines"]
            broad += left["broad"]
            results["boilerplate_lines_in_body"][pdf.name] = left
            if left["lines"]:
                print(f"{pdf.name}: {left['lines']} boilerplate lines in body passages:"
                      f" {left['found'][:3]}")  # fmt: skip
        print(f"boilerplate lines left in body passages, all 13 PDFs: {total} (goal 0)")
        print(f"lines the role detector's broad test flags in body passages: {broad}")
        body = conn.execute(
            "SELECT d.path, c.page_start, c.text FROM chunks c JOIN documents d"
            " ON d.id = c.document_id WHERE COALESCE(c.role, 'body') = 'body' ORDER BY c.id"
        ).fetchall()
        sample = random.Random(0).sample(list(body), min(20, len(body)))
        results["sample_body_passages"] = [
            {"file": Path(r["path"]).name, "page": r["page_start"], "text": r["text"][:300]}
            for r in sample
        ]
        roles = dict(conn.execute("SELECT COALESCE(role, 'body'), COUNT(*) FROM chunks GROUP BY 1"))
        results["roles"] = roles
        print(f"passages by role: {roles}")
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {OUT.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
