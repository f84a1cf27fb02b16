"""The pairs bib-dedupe is unsure of: those whose DOIs name different works are not asked,
and a pair whose answer follows from people's verdicts is not asked again."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import run_cli, shared
from litsynth.biblio import dedupe
from litsynth.biblio.record_fields import notice_by_title
from litsynth.citations.doi import dois_set_apart
from litsynth.cli import cli
from litsynth.store import biblio as biblio_store
from litsynth.store import opened

FIX = Path(__file__).resolve().parent / "fixtures" / "biblio"


@pytest.mark.parametrize(
    ("a", "b", "apart"),
    [
        ("10.1287/isre.11.3.0.12205", "10.1287/isre.11.4.0.11870", True),  # two issues' notes
        ("https://doi.org/10.1111/A.1", "10.1111/a.1", False),  # one DOI, written twice
        ("10.1111/a.1", "", False),  # one missing says nothing
        ("10.1002/14651858.CD006828.pub2", "10.1002/14651858.CD006828.pub3", False),  # update
        ("10.1002/14651858.CD006828", "10.1002/14651858.CD006828.pub2", False),
        ("10.12688/f1000research.12345.1", "10.12688/f1000research.12345.2", False),
        ("10.1371/journal.pone.0012724", "10.1371/journal.pone.0012724.s001", False),  # a part
        ("10.1101/2020.03.01.123456", "10.1016/j.jcv.2021.104812", False),  # a preprint
        ("10.48550/arXiv.2101.00001", "10.1145/3442188.3445922", False),
        ("10.1016/j.x.2020.01.001", "10.1016/j.x.2020.01.002", True),
    ],
)
def test_dois_that_name_different_works(a: str, b: str, apart: bool) -> None:
    assert dois_set_apart(a, b) is apart


@pytest.fixture
def editorials(tmp_path: Path) -> Path:
    """Four "Editorial notes" of one journal and year, each with its own DOI, and three
    "Editor's comments" of another journal without one: bib-dedupe is unsure of every pair."""
    root = tmp_path / "review"
    CliRunner().invoke(cli, ["init", str(root)])
    run_cli(root, "import", str(FIX / "editorials.ris"), "--source", "Scopus")
    return root


def test_pairs_whose_dois_differ_are_set_apart_and_not_asked(editorials: Path) -> None:
    out = run_cli(editorials, "dedupe")
    assert out.startswith("0 duplicates in 0 groups (bib-dedupe")
    assert "3 uncertain pairs to resolve" in out
    assert (
        "and 6 pairs it was unsure of set apart, not asked: their DOIs name different works" in out
    )
    asked = json.loads(run_cli(editorials, "dedupe", "--uncertain", "--json"))
    assert len(asked) == 3 and {p["a"]["title"] for p in asked} == {"Editor's comments"}
    apart = json.loads(run_cli(editorials, "dedupe", "--set-apart", "--json"))
    assert len(apart) == 6 and all(p["a"]["doi"] != p["b"]["doi"] for p in apart)
    assert run_cli(editorials, "dedupe", "--set-apart").startswith("6 pairs bib-dedupe was unsure")
    status = run_cli(editorials, "status")
    assert "3 uncertain pairs to settle (`litsynth dedupe --uncertain`), 6 more set apart" in status
    both = json.loads(run_cli(editorials, "dedupe", "--json"))
    assert (len(both["uncertain"]), len(both["set_apart"])) == (3, 6)


def test_a_verdict_answers_the_pairs_that_follow_from_it(editorials: Path) -> None:
    """Three records, three pairs: "A is B" and "A is not C" leave nothing to ask of B and C."""
    run_cli(editorials, "dedupe")
    a, b, c = sorted({r for p in json.loads(run_cli(editorials, "dedupe", "--json"))["uncertain"]
                      for r in p})  # fmt: skip
    run_cli(editorials, "dedupe", "resolve", a, b, "--same", "--reviewer", "ana")
    assert len(json.loads(run_cli(editorials, "dedupe", "--uncertain", "--json"))) == 2
    out = run_cli(editorials, "dedupe", "resolve", a, c, "--different", "--reviewer", "ana")
    assert "0 uncertain pairs to resolve" in out
    assert run_cli(editorials, "dedupe", "--uncertain").strip() == "No unresolved uncertain pairs."
    with opened(editorials / "litsynth.db") as conn:
        assert dedupe.open_pairs(conn) == []
    methods = run_cli(editorials, "prisma", "--methods", "-").strip()
    assert methods.startswith(
        "Duplicate records were identified with bib-dedupe 0.11.0 and linked to the"
        " earliest-imported record of their group (n = 1); it was unsure of 9 pairs of"
        " records: 6 whose DOIs name different works were kept apart, 2 pairs were settled by"
        " a reviewer (ana), 1 of them as the same work and 1 followed from those verdicts."
    )


def test_a_person_may_still_call_a_pair_set_apart_the_same_work(editorials: Path) -> None:
    run_cli(editorials, "dedupe")
    first = json.loads(run_cli(editorials, "dedupe", "--set-apart", "--json"))[0]
    a, b = first["a"]["id"], first["b"]["id"]
    out = run_cli(editorials, "dedupe", "resolve", a, b, "--same", "--reviewer", "ana")
    assert out.splitlines()[1].startswith("1 duplicate in 1 group")
    assert len(json.loads(run_cli(editorials, "dedupe", "--set-apart", "--json"))) == 5
    run_cli(editorials, "dedupe")  # a new run obeys the verdict
    with opened(editorials / "litsynth.db") as conn:
        assert [sorted(g) for g in biblio_store.duplicate_groups(conn)] == [sorted([a, b])]


@pytest.mark.slow
def test_a_real_search_asks_about_202_pairs_instead_of_5413(tmp_path: Path) -> None:
    """bib-dedupe's digital-work search (7,159 records): its 5,413 maybe pairs are mostly a
    journal's recurring items ("Editorial", "Editorial Notes"); 5,211 have DOIs that differ,
    and none of those is a duplicate by the labelled groups."""
    folder = shared("data/dedup-bibdedupe/data/digital_work")
    root = tmp_path / "review"
    CliRunner().invoke(cli, ["init", str(root)])
    run_cli(root, "import", str(folder / "records_pre_merged.csv"), "--source", "Scopus")
    result = json.loads(run_cli(root, "dedupe", "--json"))
    assert (len(result["uncertain"]), len(result["set_apart"])) == (202, 5211)
    with (folder / "merged_record_ids.csv").open(encoding="utf-8") as fh:
        group = {rid: n for n, row in enumerate(csv.DictReader(fh))
                 for rid in row["merged_ids"].split(";")}  # fmt: skip
    assert not [p for p in result["set_apart"] if group.get(p[0], -1) == group.get(p[1], -2)]


def test_more_processes_find_the_same_pairs(tmp_path: Path) -> None:
    """`--cpu 2` found 22 maybe pairs where one process finds 397 on Kitchenham 2010's
    export (no authors): bib-dedupe blocks author-less records of a year together only
    within one process. The first 400 of its records, through both."""
    source = shared("data/screening/Hall_Wahono_Radjenovic_Kitchenham/output/Kitchenham_2010.csv")
    rows = source.read_text(encoding="utf-8").splitlines(keepends=True)
    part = tmp_path / "kitchenham-part.csv"
    part.write_text("".join(rows[:401]), encoding="utf-8")  # a header and 400 records
    found = []
    for cpu in ("1", "2"):
        root = tmp_path / f"review-{cpu}"
        CliRunner().invoke(cli, ["init", str(root)])
        run_cli(root, "import", str(part), "--source", "Scopus")
        found.append(json.loads(run_cli(root, "dedupe", "--cpu", cpu, "--json")))
    assert found[0]["uncertain"] and found[0] == found[1]


def _fill(sheet: Path, answers: dict[int, str]) -> Path:
    """The pairs sheet with `same` filled in on the given rows (2 is the first pair)."""
    from litsynth.biblio.sheet_files import read_table, write_table

    rows = read_table(sheet)
    for number, said in answers.items():
        rows[number - 1][rows[0].index("same")] = said
    filled = sheet.with_name("filled" + sheet.suffix)
    write_table(rows, filled, title="pairs")
    return filled


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_pairs_go_out_as_a_sheet_and_its_verdicts_come_back(
    editorials: Path, tmp_path: Path, suffix: str
) -> None:
    """Three "Editor's comments" pairs: no, yes, and an answer that is neither. The third
    pair follows from the first two, so nothing is left; the same sheet again records
    nothing."""
    run_cli(editorials, "dedupe")
    sheet = tmp_path / f"pairs{suffix}"
    out = run_cli(editorials, "dedupe", "export-sheet", str(sheet))
    assert out.startswith(f"{sheet}: 3 pairs to settle, most alike first")
    from litsynth.biblio.sheet_files import read_table

    rows = read_table(sheet)
    assert rows[0][:5] == ["record_a", "record_b", "same", "likeness", "differs"]
    assert {r[rows[0].index("title_a")] for r in rows[1:]} == {"Editor's comments"}
    assert [r[rows[0].index("issue_a")] for r in rows[1:]] != ["", "", ""]  # told apart by it
    filled = _fill(sheet, {2: "no", 3: "Same", 4: "perhaps"})
    said = run_cli(editorials, "dedupe", "import-sheet", str(filled), "--reviewer", "ana")
    assert said.splitlines()[:2] == [
        f"{filled}: 2 verdicts recorded (1 the same work), 0 as already recorded, 0 rows left"
        " blank, 1 not read",
        "  row 4: same is 'perhaps': use yes/no, same/different or 1/0",
    ]
    assert "1 duplicate in 1 group" in said and "0 uncertain pairs to resolve" in said
    again = run_cli(editorials, "dedupe", "import-sheet", str(filled), "--reviewer", "ana")
    assert again.startswith(f"{filled}: 0 verdicts recorded (0 the same work), 2 as already")
    with opened(editorials / "litsynth.db") as conn:
        assert [who for *_, who in biblio_store.verdicts(conn)] == ["ana", "ana"]


def test_a_sheet_without_the_columns_or_with_unknown_records_is_said(
    editorials: Path, tmp_path: Path
) -> None:
    run_cli(editorials, "dedupe")
    other = tmp_path / "other.csv"
    other.write_text("a,b,verdict\nx,y,yes\n", encoding="utf-8")
    refused = run_cli(editorials, "dedupe", "import-sheet", str(other), exit_code=1)
    assert "no record_a, record_b, same column" in refused and "export-sheet" in refused
    other.write_text("record_a,record_b,same\nnope,also-nope,yes\n\n", encoding="utf-8")
    said = run_cli(editorials, "dedupe", "import-sheet", str(other))
    assert "0 verdicts recorded" in said and "row 2: no record 'nope'" in said


def test_an_erratum_imported_first_never_hides_its_article() -> None:
    """bib-dedupe groups an erratum with the article it corrects (as the labelled searches
    of ../shared do); the group's root is the record screened, so it is the article, not the
    notice the first export happened to hold."""
    order = ["erratum", "article", "again"]
    pairs = [
        dedupe.Pair("article", "erratum", dedupe.DUPLICATE, "bib-dedupe"),
        dedupe.Pair("again", "article", dedupe.DUPLICATE, "bib-dedupe"),
    ]
    links = dedupe.group(order, pairs, {}, notices=["erratum"])
    assert {k: root for k, (root, _note) in links.items()} == {
        "erratum": "article", "again": "article",
    }  # fmt: skip
    # without another record to stand for the group, notices group among themselves
    alone = dedupe.group(["e1", "e2"], [dedupe.Pair("e1", "e2", dedupe.DUPLICATE, "m")], {},
                         notices=["e1", "e2"])  # fmt: skip
    assert alone == {"e2": ("e1", "m")}


@pytest.mark.parametrize(
    ("title", "notice"),
    [
        ("Erratum: Author Correction: A remarkable assemblage of petroglyphs", True),
        ("Author Correction: A remarkable assemblage of petroglyphs", True),
        ("Publisher Correction: Global latitudinal gradients", True),
        ("Retraction Note: Severe deficiency of ADAMTS13", True),
        ("Correction to: How and why organisations use social media", True),
        ("A remarkable assemblage of petroglyphs and dinosaur footprints", False),
        ("Correctional officers and burnout: a review", False),
        ("Author correctness in citation databases", False),
    ],
)
def test_notices_are_known_by_their_titles(title: str, notice: bool) -> None:
    assert notice_by_title(title) is notice


def test_a_screened_erratum_steps_back_for_its_article_imported_later(project: Path) -> None:
    """Embase's erratum is imported and excluded; the article it corrects comes with a later
    export: the article is the group's root, to be screened, and dedupe says so."""
    cff = Path(__file__).resolve().parent / "fixtures" / "biblio" / "cff"
    run_cli(project, "import", str(cff / "embase-erratum.ris"), "--source", "Embase")
    with opened(project / "litsynth.db") as conn:
        (erratum,) = [r.id for r in biblio_store.all_records(conn)]
    run_cli(project, "screen", "decide", erratum, "exclude", "--reason", "wrong study design")
    run_cli(project, "import", str(cff / "embase-article.ris"), "--source", "Scopus")
    out = run_cli(project, "dedupe")
    with opened(project / "litsynth.db") as conn:
        (group,) = biblio_store.duplicate_groups(conn)
    article = group[0]
    assert group == [article, erratum]
    assert f"warning: {erratum}, a notice screened before, is now a duplicate of {article}" in out
    assert "warning" not in run_cli(project, "dedupe")  # said once
    assert "awaiting a decision 1" in run_cli(project, "prisma")
