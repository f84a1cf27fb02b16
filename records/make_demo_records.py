"""Rebuild the demo bibliography in records/ from the seed corpus (provenance in README.md).

    .venv/bin/python records/make_demo_records.py

Every title, author, year, venue and DOI is read from seed 000's own reference list (the
corpus copy, corpus/000_e36bc8967a0d5917.txt) by litsynth's reference reader, or from
corpus/documents.csv for the seed documents themselves. Nothing is invented: which database
"returned" which record is the only made-up part, chosen so the demo shows cross-database
duplicates. Output is deterministic, so re-running changes no byte.
"""

from __future__ import annotations

import csv
from pathlib import Path

from litsynth.biblio.normalize import to_record
from litsynth.biblio.citation_search import extract_references
from litsynth.biblio.writers import to_ris
from litsynth.records import BibRecord

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "corpus"
SEED = CORPUS / "000_e36bc8967a0d5917.txt"

# Entries of seed 000's list that the demo's Web of Science search "also found" (by DOI).
WOS_DOIS = {
    "10.1002/smj.187",
    "10.1016/j.jom.2010.12.008",
    "10.1016/j.lrp.2010.01.004",
    "10.1002/smj.2752",
    "10.1007/s11747-009-0135-3",
    "10.1080/00207540410001727891",
    "10.5465/amr.2006.21318922",
    "10.5465/annals.2014.0072",
    "10.1002/j.2158-1592.2001.tb00001.x",
    "10.1016/j.jom.2007.04.001",
    "10.1016/j.ijpe.2016.08.003",
    "10.5465/amp.2022.0001",
    "10.1111/poms.12783",
    "10.1016/j.lrp.2009.07.003",
    "10.1287/orsc.1060.0232",
    "10.1177/0149206311406265",
}


def _wos_author(name: str) -> str:
    """'Zott, C.' -> 'Zott, C' (WoS AU style: initials without periods or spaces)."""
    family, _, given = name.partition(",")
    return f"{family.strip()}, {given.replace('.', '').replace(' ', '').strip()}".strip(", ")


def to_wos(records: list[BibRecord]) -> str:
    """Web of Science tagged text ("FN Clarivate Analytics Web of Science" … "EF")."""
    lines = ["FN Clarivate Analytics Web of Science", "VR 1.0"]
    for rec in records:
        lines.append("PT J")
        for i, author in enumerate(rec.authors):
            lines.append(f"{'AU' if i == 0 else '  '} {_wos_author(author)}")
        lines += [f"TI {rec.title}", f"SO {rec.journal.upper()}", "LA English", "DT Article"]
        lines += [f"PY {rec.year}", f"DI {rec.doi}", "ER", ""]
    lines.append("EF")
    return "\n".join(lines) + "\n"


def main() -> None:
    refs = extract_references(SEED.read_text(encoding="utf-8"))
    journal = []
    for ref in refs:
        if not ref.doi:
            continue
        fields = {
            "title": ref.title,
            "authors": list(ref.authors),
            "year": ref.year,
            "doi": ref.doi,
            "journal": ref.venue,
            "doc_type": "article",
            "language": "english",
        }
        rid = "scopus-" + ref.doi.replace("/", "-").replace(".", "")[:40]
        journal.append(to_record(fields, record_id=rid, source="Scopus", batch_id=""))
    (HERE / "demo-scopus.ris").write_text(to_ris(journal), encoding="utf-8")
    wos = [r for r in journal if r.doi in WOS_DOIS]
    (HERE / "demo-wos.txt").write_text(to_wos(wos), encoding="utf-8")
    with (CORPUS / "documents.csv").open(encoding="utf-8", newline="") as f:
        rows = [
            row
            for row in csv.DictReader(f)
            if row["title"] and row["source_type"] == "practitioner"
        ]
    web = [
        to_record(
            {
                "title": row["title"],
                "authors": row["authors"].split(";") if row["authors"] else [],
                "year": row["year"] or None,
                "journal": row["venue"],
                "doc_type": "elec",
            },
            record_id="web-" + row["file"][:3],
            source="Websites",
            batch_id="",
        )
        for row in rows
    ]
    (HERE / "demo-websites.ris").write_text(to_ris(web), encoding="utf-8")
    print(f"scopus {len(journal)}, wos {len(wos)}, websites {len(web)}")


if __name__ == "__main__":
    main()
