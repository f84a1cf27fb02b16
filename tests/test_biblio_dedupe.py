"""Dedupe: grouping rules, people's verdicts, dataset columns, idempotence."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from litsynth.biblio.dedupe import DUPLICATE, Pair, group, records_frame, resolve, run_dedupe
from litsynth.biblio.readers import build_batch, import_files
from litsynth.cli import cli
from litsynth.store import biblio as store
from litsynth.store import connect

FIX = Path(__file__).resolve().parent / "fixtures" / "biblio"


def _pair(a: str, b: str) -> Pair:
    return Pair(min(a, b), max(a, b), DUPLICATE, "test")


def test_root_is_earliest_imported_and_nothing_else_moves() -> None:
    order = ["r1", "r2", "r3", "r4"]
    links = group(order, [_pair("r3", "r2"), _pair("r4", "r3")], {})
    assert links == {"r3": ("r2", "test"), "r4": ("r2", "test")}


def test_different_verdict_splits_a_chain_of_pairs() -> None:
    # r1~r2 and r2~r3 by the matcher, but a person said r1 and r3 are different works:
    # the chain may not join them, so r3 stays out of r1's group.
    links = group(["r1", "r2", "r3"], [_pair("r1", "r2"), _pair("r2", "r3")], {("r1", "r3"): False})
    assert links == {"r2": ("r1", "test")}


def test_same_verdict_joins_a_pair_the_matcher_missed() -> None:
    links = group(["a", "b", "c"], [], {("a", "c"): True})
    assert links == {"c": ("a", "a person said same")}


def test_preferred_root_from_a_dataset_column() -> None:
    links = group(
        ["276", "277"], [Pair("276", "277", DUPLICATE, "column d")], {}, preferred_roots=["277"]
    )
    assert links == {"276": ("277", "column d")}


ids = st.sampled_from([f"r{i}" for i in range(8)])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(ids, ids), max_size=12),
    st.dictionaries(st.tuples(ids, ids), st.booleans(), max_size=4),
)
def test_grouping_is_idempotent_and_obeys_verdicts(
    edges: list[tuple[str, str]], raw_verdicts: dict[tuple[str, str], bool]
) -> None:
    order = [f"r{i}" for i in range(8)]
    pairs = [_pair(a, b) for a, b in edges if a != b]
    verdicts = {(min(a, b), max(a, b)): v for (a, b), v in raw_verdicts.items() if a != b}
    first = group(order, pairs, verdicts)
    assert group(order, list(reversed(pairs)), verdicts) == first  # order of pairs is irrelevant
    root = {rid: first.get(rid, (rid, ""))[0] for rid in order}
    assert all(root[r] not in first for r in order)  # roots are never duplicates themselves
    assert all(order.index(root[r]) <= order.index(r) for r in order)  # root = earliest
    for (a, b), same in verdicts.items():
        if not same:
            assert root[a] != root[b]


def test_records_frame_has_the_columns_bib_dedupe_reads() -> None:
    batch = build_batch((FIX / "dupes.ris").read_bytes(), "dupes.ris", "Scopus")
    frame = records_frame(batch.records)
    first = frame.iloc[0]
    assert first["author"] == "Zott, Christoph and Amit, Raphael"
    assert (first["ENTRYTYPE"], first["volume"], first["number"], first["pages"]) == (
        "article",
        "18",
        "2",
        "181--199",
    )
    assert first["journal"] == "Organization Science" and first["year"] == "2007"


def test_bib_dedupe_through_the_store_is_idempotent_and_respects_resolutions(
    project: Path,
) -> None:
    conn = connect(project / "litsynth.db")
    import_files(conn, [FIX / "dupes.ris"], "Scopus")
    first = run_dedupe(conn)
    assert first.groups == [["scopus1", "wos1"], ["scopus2", "wos2"]]
    assert run_dedupe(conn).groups == first.groups
    assert [r.id for r in store.unique_records(conn)] == [
        "scopus1",
        "scopus2",
        "scopus3",
        "scopus4",
    ]
    assert store.count_duplicates(conn) == 2
    after = resolve(conn, "scopus2", "wos2", same=False, reviewer="ana")
    assert after.groups == [["scopus1", "wos1"]]
    assert run_dedupe(conn).groups == [["scopus1", "wos1"]]  # the verdict survives re-runs


def test_from_column_marks_and_cli_json(project: Path) -> None:
    runner = CliRunner()
    base = ["--project", str(project)]
    runner.invoke(cli, ["import", str(FIX / "screening_sheet.csv"), "--source", "Scopus", *base])
    result = runner.invoke(cli, ["dedupe", "--from-column", "duplicate_record_id", "--json", *base])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["groups"] == [["s1", "s3"]]
    missing = runner.invoke(cli, ["dedupe", "--from-column", "nope", *base])
    assert missing.exit_code == 1 and "no imported record has a 'nope' column" in missing.output
