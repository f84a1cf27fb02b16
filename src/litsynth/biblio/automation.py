"""Eligibility rules a machine can apply before anyone screens: year range and language.

PRISMA 2020 counts records "marked as ineligible by automation tools" in their own box, apart
from duplicates and from what people exclude, so these rules never just drop records: each hit
becomes an `exclude` decision with origin "automation", the rule's reason and the record's
value in the note, and `litsynth screen auto` reports what it marked.

A record whose year or language is unknown is not ineligible: absence of evidence is left to a
person (the note in the report says how many such records there are).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from litsynth.records import BibRecord

RULES_VERSION = "automation.v1"

# Names and ISO 639-1/-2 codes of the languages databases commonly tag, mapped to one code, so
# `languages = ["en"]` accepts Scopus's "English", PubMed's "eng" and RIS "en" alike.
_LANGUAGE_CODES = {
    "en": ("english", "eng"),
    "de": ("german", "deutsch", "ger", "deu"),
    "fr": ("french", "francais", "français", "fre", "fra"),
    "es": ("spanish", "español", "espanol", "spa"),
    "it": ("italian", "ita"),
    "nl": ("dutch", "nederlands", "dut", "nld"),
    "pt": ("portuguese", "por"),
    "zh": ("chinese", "chi", "zho"),
    "ja": ("japanese", "jpn"),
    "ko": ("korean", "kor"),
    "ru": ("russian", "rus"),
    "ar": ("arabic", "ara"),
    "pl": ("polish", "pol"),
    "tr": ("turkish", "tur"),
    "sv": ("swedish", "swe"),
    "da": ("danish", "dan"),
    "no": ("norwegian", "nor"),
    "fi": ("finnish", "fin"),
}
_TO_CODE = {alias: code for code, aliases in _LANGUAGE_CODES.items() for alias in (code, *aliases)}


def language_code(value: str) -> str:
    """'English' / 'eng' / 'EN' → 'en'; an unknown name is returned lower-cased."""
    text = value.strip().casefold()
    return _TO_CODE.get(text, text)


def record_languages(value: str) -> set[str]:
    """The codes of a record's language field; 'English; Spanish' → {'en', 'es'}."""
    parts = [p for chunk in value.replace(",", ";").split(";") for p in chunk.split(" and ")]
    return {language_code(p) for p in parts if p.strip()}


@dataclass(frozen=True)
class Ineligible:
    record_id: str
    rule: str  # "year" | "language"
    reason: str  # stable text, the same for every record the rule hits (PRISMA groups by it)
    note: str  # this record's value, e.g. "year 1998"


@dataclass(frozen=True)
class AutomationReport:
    ineligible: tuple[Ineligible, ...]
    unknown_year: int  # records the year rule could not judge
    unknown_language: int


def year_reason(year_min: int | None, year_max: int | None) -> str:
    if year_min is not None and year_max is not None:
        return f"published outside {year_min}–{year_max}"
    if year_min is not None:
        return f"published before {year_min}"
    return f"published after {year_max}"


def apply_rules(
    records: Iterable[BibRecord],
    *,
    year_min: int | None,
    year_max: int | None,
    languages: Sequence[str],
) -> AutomationReport:
    """Which records the year and language rules mark ineligible (year checked first)."""
    allowed = {language_code(x) for x in languages if x.strip()}
    hits: list[Ineligible] = []
    unknown_year = unknown_language = 0
    year_rule = year_min is not None or year_max is not None
    for rec in records:
        if year_rule:
            if rec.year is None:
                unknown_year += 1
            elif (year_min is not None and rec.year < year_min) or (
                year_max is not None and rec.year > year_max
            ):
                hits.append(
                    Ineligible(rec.id, "year", year_reason(year_min, year_max), f"year {rec.year}")
                )
                continue
        if allowed:
            langs = record_languages(rec.language or "")
            if not langs:
                unknown_language += 1
            elif not langs & allowed:
                hits.append(
                    Ineligible(
                        rec.id,
                        "language",
                        f"not in {', '.join(sorted(allowed))}",
                        f"language {rec.language}",
                    )
                )
    return AutomationReport(tuple(hits), unknown_year, unknown_language)
