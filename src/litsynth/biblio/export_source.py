"""Which database an export came from, read from its records, for `litsynth import` without
`--source`.

PRISMA 2020 counts records per database, so every batch needs its source, and a review
author importing `savedrecs.txt` should not have to say "Web of Science" when the file says
so on every record. Most database exports do: RIS has a database field (`DB  - Scopus`,
`DB  - Embase`), Scopus's BibTeX and CSV a `source` of "Scopus", and the others leave a mark
of where each record lives (a Web of Science accession number `WOS:…`, a Scopus or Embase
link, a Lens ID, PubMed's PMID in its MEDLINE format). Each record is read on its own, and
the file is named after a database only when 90 % of its records name that one by one of
their marks: a reference manager's library exported whole, holding records of several
searches, is refused rather than counted under one of them (the hint says to name it, or to
split it, `by_database`).

What is read, per record, strongest mark first (docs/records.md has the whole list):
- a database field: RIS `DB`, EndNote `%~`, Zotero's "Archive", Cochrane's "Database Name",
  known names tidied ("Embase Medline" → Embase, EBSCO's code "aph" → Academic Search
  Premier), others kept as written;
- a `source` naming a known database (Scopus's BibTeX and CSV write "Scopus");
- an accession number of Web of Science's databases (`WOS:…`, `ZOOREC:…`), or its format;
- a database's own format, columns or ids: PubMed's MEDLINE and CSV, ERIC's owner, IEEE
  Xplore's columns, Scopus EIDs, Lens IDs, CENTRAL ids, OpenAlex and Dimensions ids;
- a link into the database (scopus.com, embase.com, ovid.com and ebscohost.com name theirs).

A name the project already uses for the same database is kept ("embase" stays "embase"), so
a second export of one database never becomes a second row of the PRISMA flow.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from litsynth.biblio.readers_base import RawEntry, ReadResult
from litsynth.errors import BiblioError
from litsynth.words import count

SHARE = 0.9  # of the records, naming one database, before the file is named after it

# Known databases under the spellings exports and people use (lower case, letters, digits
# and single spaces), and the name the PRISMA flow shows.
_NAMES: dict[str, str] = {
    "scopus": "Scopus",
    "embase": "Embase",
    "embase com": "Embase",
    "medline": "MEDLINE",
    "ovid medline": "MEDLINE",
    "pubmed": "PubMed",
    "web of science": "Web of Science",
    "web of science core collection": "Web of Science",
    "wos": "Web of Science",
    "isi web of science": "Web of Science",
    "zoological record": "Zoological Record",
    "apa psycinfo": "APA PsycInfo",
    "psycinfo": "APA PsycInfo",
    "apa psycarticles": "APA PsycArticles",
    "cinahl": "CINAHL",
    "cinahl complete": "CINAHL Complete",
    "cinahl plus with full text": "CINAHL Plus with Full Text",
    "eric": "ERIC",
    "academic search premier": "Academic Search Premier",
    "academic search complete": "Academic Search Complete",
    "ieee xplore": "IEEE Xplore",
    "acm digital library": "ACM Digital Library",
    "cochrane library": "Cochrane Library",
    "cochrane central register of controlled trials": "Cochrane Library",
    "central": "Cochrane Library",
    "proquest": "ProQuest",
    "google scholar": "Google Scholar",
    "dimensions": "Dimensions",
    "lens": "Lens.org",
    "lens org": "Lens.org",
    "openalex": "OpenAlex",
    "europe pmc": "Europe PMC",
    "econlit": "EconLit",
    "sciencedirect": "ScienceDirect",
    "springerlink": "SpringerLink",
}
# EBSCOhost's short database codes (its RIS `DB` field and its links' `db=`).
_EBSCO: dict[str, str] = {
    "aph": "Academic Search Premier",
    "a9h": "Academic Search Premier",
    "asn": "Academic Search Complete",
    "rzh": "CINAHL",
    "cin20": "CINAHL",
    "ccm": "CINAHL Complete",
    "psyh": "APA PsycInfo",
    "pdh": "APA PsycArticles",
    "eric": "ERIC",
    "cmedm": "MEDLINE",
    "mdc": "MEDLINE",
    "ecn": "EconLit",
}
# Ovid's database codes in its links' `D=` (psyc16, emed22, …: a name and a segment).
_OVID: tuple[tuple[str, str], ...] = (
    ("psyc", "APA PsycInfo"),
    ("emed", "Embase"),
    ("emez", "Embase"),
    ("oemezd", "Embase"),
    ("medl", "MEDLINE"),
    ("mesz", "MEDLINE"),
    ("mesx", "MEDLINE"),
    ("prem", "MEDLINE"),
    ("ppez", "MEDLINE"),
    ("eric", "ERIC"),
)
# Web of Science's accession prefixes: the database of the platform each record is from.
_WOS_PREFIX: dict[str, str] = {
    "WOS": "Web of Science",
    "ZOOREC": "Zoological Record",
    "BCI": "BIOSIS Citation Index",
    "BIOSIS": "BIOSIS Previews",
    "CCC": "Current Contents Connect",
    "INSPEC": "Inspec",
    "SCIELO": "SciELO Citation Index",
    "KJD": "KCI-Korean Journal Database",
    "CABI": "CAB Abstracts",
    "DIIDW": "Derwent Innovations Index",
}
_LINKS: tuple[tuple[str, str], ...] = (
    ("scopus.com", "Scopus"),
    ("embase.com", "Embase"),
    ("cochranelibrary.com", "Cochrane Library"),
    ("lens.org", "Lens.org"),
    ("app.dimensions.ai", "Dimensions"),
    ("proquest.com", "ProQuest"),
    ("ieeexplore.ieee.org", "IEEE Xplore"),
    ("dl.acm.org", "ACM Digital Library"),
)
# extra fields that hold the database's own name, under each reader's spelling
_DB_FIELDS = ("name_of_database", "%~", "archive", "database name", "remote-database-name")
_ACCESSION = ("accession_number", "unique-id", "ut", "ut (unique wos id)", "accession number")
_LINK_FIELDS = ("urls", "url", "link", "file_attachments1", "file_attachments2", "plink",
                "embase link", "source urls", "pdf link")  # fmt: skip


@dataclass(frozen=True)
class ExportSource:
    """The database a file came from, and what in the file said so (shown to the user)."""

    name: str
    evidence: str  # "DB field: 10 of 10 records"


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def database_name(written: str) -> str:
    """A database as written by an export, under the name the flow shows: known names tidied
    ("EMBASE" → "Embase", "Embase Medline" → "Embase", "APA PsycInfo <2021>" → "APA PsycInfo",
    "Ovid MEDLINE(R) ALL" → "MEDLINE"); an unknown one kept as written."""
    bare = re.sub(r"<[^>]*>|\(R\)|®", " ", written)
    bare = " ".join(bare.split())
    key = _key(bare)
    if key in _NAMES:
        return _NAMES[key]
    if key in _EBSCO:
        return _EBSCO[key]
    words = key.split()
    for n in range(len(words) - 1, 0, -1):  # the longest known start: "embase medline"
        if " ".join(words[:n]) in _NAMES:
            return _NAMES[" ".join(words[:n])]
    return bare


def _field(extra: Mapping[str, str], names: Iterable[str]) -> str:
    lowered = {k.lower(): v for k, v in extra.items()}
    for name in names:
        value = str(lowered.get(name, "")).strip()
        if value:
            return value
    return ""


def _from_link(url: str) -> str:
    """The database a link points into, with Ovid's and EBSCO's own codes read from it."""
    try:
        parts = urlsplit(url.strip().split(";")[0].split(" ")[0])
    except ValueError:  # "http://[abc": no link at all
        return ""
    host = parts.netloc.lower()
    query = {k.lower(): v for k, v in parse_qs(parts.query).items()}
    if host.endswith("ovid.com"):
        code = (query.get("d") or [""])[0].lower()
        return next((name for prefix, name in _OVID if code.startswith(prefix)), "")
    if host.endswith("ebscohost.com"):
        return _EBSCO.get((query.get("db") or [""])[0].lower(), "")
    return next(
        (name for domain, name in _LINKS if host == domain or host.endswith("." + domain)), ""
    )


def record_marks(fmt: str, entry: RawEntry) -> list[tuple[str, str]]:
    """Every (database, mark) one record holds, strongest mark first; [] when it names none."""
    extra = entry.extra
    marks: list[tuple[str, str]] = []
    written = _field(extra, _DB_FIELDS).split(";")[0].strip()  # Embase's "Embase; Medline"
    if written:
        provider = _field(extra, ("database_provider",)).lower()
        if provider == "ebscohost" and written.lower() in _EBSCO:
            marks.append((_EBSCO[written.lower()], "DB field"))
        else:
            marks.append((database_name(written), "DB field" if fmt == "ris" else "database field"))
    source = _field(extra, ("source",))
    if source and _key(source) in _NAMES:
        marks.append((_NAMES[_key(source)], "source field"))
    accession = _field(extra, _ACCESSION)
    prefix = accession.split(":", 1)[0].strip().upper() if ":" in accession else ""
    if prefix in _WOS_PREFIX:
        marks.append((_WOS_PREFIX[prefix], "accession numbers"))
    if fmt == "wos" and not marks:  # the tagged format only Web of Science writes
        marks.append(("Web of Science", "tagged format"))
    if fmt == "medline":
        if _field(extra, ("own",)).upper() == "ERIC":
            marks.append(("ERIC", "owner field"))
        elif _field(extra, ("pmid",)):
            marks.append(("PubMed", "PubMed's MEDLINE format"))
    ids = {k.lower(): str(v).strip() for k, v in extra.items()}
    if ids.get("pmid") and ids.get("citation"):
        marks.append(("PubMed", "PubMed's CSV columns"))
    if ids.get("date added to xplore") or ids.get("document identifier", "").startswith("IEEE"):
        marks.append(("IEEE Xplore", "IEEE Xplore's CSV columns"))
    if ids.get("eid", "").startswith("2-s2.0-"):
        marks.append(("Scopus", "EIDs"))
    if ids.get("lens id"):
        marks.append(("Lens.org", "Lens IDs"))
    if ids.get("central id", "").startswith("CN-"):
        marks.append(("Cochrane Library", "CENTRAL ids"))
    if ids.get("publication id", "").startswith("pub."):
        marks.append(("Dimensions", "Dimensions ids"))
    if any(str(v).startswith("https://openalex.org/W") for v in (ids.get("id", ""), entry.key)):
        marks.append(("OpenAlex", "OpenAlex ids"))
    linked = next((found for name in _LINK_FIELDS if (found := _from_link(ids.get(name, "")))), "")
    if linked == "Embase":  # embase.com holds MEDLINE's records too, and says "DB  - Medline"
        marks = [(name, how) for name, how in marks if name != "MEDLINE"]
    if linked:
        marks.append((linked, "links"))
    return [(name, how) for name, how in marks if name.strip()]  # "DB  - <2021>" names none


def export_source(fmt: str, result: ReadResult, known: Iterable[str] = ()) -> ExportSource:
    """The database the records name, or a BiblioError saying why it cannot be told.

    The database most records name by any mark wins if 90 % of them do: an Embase export's
    records held in MEDLINE too say "DB  - Medline", but every one links into embase.com.
    `known` are the sources the project already has: one naming the same database is used
    under its own spelling.
    """
    total = len(result.entries)
    marks = [record_marks(fmt, e) for e in result.entries]
    covered = Counter(name for found in marks for name in {n for n, _how in found})
    hint = "name the database it came from: `litsynth import FILE --source Scopus`"
    if not covered:
        raise BiblioError(
            "cannot tell which database it came from (its records name none;"
            " a reference manager's export, or a format that does not say)",
            hint=hint,
        )
    name, n = covered.most_common(1)[0]
    if n < SHARE * total:
        first = Counter(found[0][0] for found in marks if found)
        if len(first) > 1:
            seen = ", ".join(f"{db} {k}" for db, k in first.most_common(5))
            raise BiblioError(
                f"its records name more than one database ({seen}): the export"
                " of a library holding several searches?",
                hint="import each database's own export, or " + hint,
            )
        raise BiblioError(
            f"only {n} of {count(total, 'record')} name a database ({name})",
            hint=hint,
        )
    kinds = Counter(h for found in marks for db, h in dict.fromkeys(found) if db == name)
    how = " and ".join(h for h, _k in kinds.most_common(2))
    same = [k for k in known if database_name(k) == name]
    return ExportSource(same[0] if same else name, f"{how}: {n} of {count(total, 'record')}")


def by_database(
    fmt: str, result: ReadResult, known: Iterable[str] = ()
) -> tuple[dict[str, list[RawEntry]], list[RawEntry]]:
    """A library of several searches (an EndNote or Zotero export) split by the database each
    record names, its strongest mark, in the project's spelling: {database: its records}, and
    the records that name none, each in file order."""
    groups: dict[str, list[RawEntry]] = {}
    unnamed: list[RawEntry] = []
    spelled = {database_name(k): k for k in known}
    for entry in result.entries:
        marks = record_marks(fmt, entry)
        if not marks:
            unnamed.append(entry)
            continue
        name = marks[0][0]
        groups.setdefault(spelled.get(name, name), []).append(entry)
    return groups, unnamed


def alike_sources(sources: Iterable[str]) -> list[list[str]]:
    """The project's sources that name one database in two spellings ("Scopus" and
    "scopus"; "WoS" and "Web of Science"): PRISMA counts each as a database of its own."""
    groups: dict[str, list[str]] = {}
    for source in sources:
        groups.setdefault(database_name(source), []).append(source)
    return [names for names in groups.values() if len(names) > 1]


_FAMILIES = ({"PubMed", "MEDLINE"},)  # one database under two names a review may use


def could_be(named: str, said: str) -> bool:
    """Whether a source the user named may be the database the records say ("MEDLINE" for
    PubMed's records, "CINAHL" for "CINAHL Complete"): only a plain contradiction is a slip
    worth a warning."""
    a, b = database_name(named), database_name(said)
    if a == b or any({a, b} <= family for family in _FAMILIES):
        return True
    ka, kb = _key(a), _key(b)
    return ka.startswith(kb + " ") or kb.startswith(ka + " ")
