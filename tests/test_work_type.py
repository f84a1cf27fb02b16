"""What a record is beyond "an article", shown where people decide on it.

A Scopus export of the woodpecker search held an erratum ("The role of wildfire … (PLoS ONE
(2014) 9, 4 (e94700) DOI: …)", RIS `M3  - Erratum`) that the Duplicates screen showed beside
the article it corrects as two alike records, with nothing saying which was the notice; the
Screening screen never said that a record was a review, a letter or a conference paper.
"""

from __future__ import annotations

import csv
from pathlib import Path

from litsynth.biblio.likeness import differing_facts
from litsynth.biblio.record_fields import is_notice, work_type
from litsynth.config import ScreeningSettings
from litsynth.records import BibRecord
from litsynth.server.record_views import record_json


def test_the_work_type_in_the_database_s_words_and_plain_articles_say_nothing() -> None:
    assert work_type("jour", {"type_of_work": "Erratum"}) == "Erratum"  # Scopus RIS M3
    assert work_type("jour", {"type_of_work": "Article"}) == ""
    assert work_type("Journal Article; Review", {}) == "Review"  # MEDLINE PT
    assert work_type("article; meeting paper", {}) == "Meeting paper"  # Web of Science DT
    assert work_type("chap", {}) == "Book Chapter"  # RIS TY
    assert work_type("inproceedings", {}) == "Conference Paper"  # BibTeX
    assert work_type("J", {}) == "" and work_type("", {}) == ""


def test_a_notice_beside_the_work_it_corrects_is_marked_as_a_differing_fact() -> None:
    article = BibRecord("a", "Zoological Record", "b", title="The role of wildfire",
                        authors=("Rota, C.T.",), year=2014, doc_type="J")  # fmt: skip
    erratum = BibRecord("e", "Scopus", "b", title="The role of wildfire", authors=("Rota, C.T.",),
                        year=2014, doc_type="jour", extra={"type_of_work": "Erratum"})  # fmt: skip
    titled = BibRecord("t", "Embase", "b", title="Erratum: The role of wildfire",
                       authors=("Rota, C.T.",), year=2014)  # fmt: skip
    assert is_notice(erratum) and is_notice(titled) and not is_notice(article)
    assert not is_notice(BibRecord("c", "S", "b", title="Correctional facilities and health"))
    assert differing_facts(article, erratum) == ["type"]
    assert differing_facts(article, titled) == ["type"]
    assert "type" not in differing_facts(erratum, titled)  # two notices: nothing to mark
    shown = record_json(erratum, [], ScreeningSettings())
    assert shown["type"] == "Erratum"


def test_the_screening_sheet_has_a_type_column_when_the_export_gives_types(
    project: Path, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from litsynth.cli import cli

    ris = tmp_path / "scopus.ris"
    ris.write_text(
        "TY  - JOUR\nID  - a\nTI  - The role of wildfire\nM3  - Article\nER  - \n\n"
        "TY  - JOUR\nID  - e\nTI  - The role of wildfire (PLoS ONE)\nM3  - Erratum\nER  - \n",
        encoding="utf-8",
    )
    sheet = tmp_path / "ta.csv"
    for args in (["import", str(ris), "--source", "Scopus"], ["screen", "export", str(sheet)]):
        result = CliRunner().invoke(cli, [*args, "--project", str(project)])
        assert result.exit_code == 0, result.output
    with sheet.open(encoding="utf-8-sig", newline="") as fh:
        rows = {r["record_id"]: r for r in csv.DictReader(fh)}
    assert rows["e"]["type"] == "Erratum" and rows["a"]["type"] == ""


def test_a_scopus_csv_s_volume_issue_and_pages_are_read_whatever_their_case() -> None:
    """Scopus's CSV heads its columns "Volume", "Issue", "Page start", "Page end"; the lookups
    asked for "volume" and found nothing, so its records went out with no volume or pages."""
    from litsynth.biblio.readers import build_batch
    from litsynth.biblio.record_fields import issue_of, pages_of, volume_of

    sheet = (
        "Authors,Title,Year,Source title,Volume,Issue,Page start,Page end,DOI,Document Type\n"
        "Rota C.T.,The role of wildfire,2014,PLoS ONE,9,4,47,65,10.1/x,Erratum\n"
    )
    (rec,) = build_batch(sheet.encode(), "scopus.csv", "Scopus").records
    assert (volume_of(rec.extra), issue_of(rec.extra), pages_of(rec.extra)) == ("9", "4", "47--65")
    assert work_type(rec.doc_type, rec.extra) == "Erratum"
