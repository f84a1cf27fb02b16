"""Acceptance: reproduce Nagtegaal et al. (2019)'s screening and its PRISMA counts.

The CSV's `duplicate_record_id` marks duplicates, `label_abstract_screening` holds the
title/abstract verdicts and `label_included` the final ones. We import it, link its duplicates,
record the verdicts through screening sheets as a reviewer would (title/abstract for every
unique record; full text for those included at title/abstract), and `litsynth prisma --json`
must give exactly the counts pandas computes from the CSV itself.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from conftest import shared
from litsynth.cli import cli


def run(project: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--project", str(project)])
    assert result.exit_code == 0, result.output + str(result.exception)
    return result.output


def test_prisma_reproduces_nagtegaal_2019(project: Path, tmp_path: Path):
    csv = shared("data/screening/Nagtegaal_2019/output/Nagtegaal_2019.csv")
    data = pd.read_csv(csv)
    unique = data[data["duplicate_record_id"].isna()]
    ta_in = unique[unique["label_abstract_screening"] == 1]
    expected = {
        "database_results": len(data),
        "database_specific_results": {"PubMed": len(data)},
        "duplicates": int(data["duplicate_record_id"].notna().sum()),
        "excluded_automatic": 0,
        "excluded_other": 0,
        "records_screened": len(unique),
        "records_excluded": int((unique["label_abstract_screening"] == 0).sum()),
        "dbr_sought_reports": len(ta_in),
        "dbr_notretrieved_reports": 0,
        "dbr_assessed": len(ta_in),
        "dbr_excluded": {"no reason given": int((ta_in["label_included"] == 0).sum())},
        "new_studies": int((unique["label_included"] == 1).sum()),
        "new_reports": int((unique["label_included"] == 1).sum()),
        "citations_results": 0,
        "other_sought_reports": 0,
    }
    # the published numbers, as a check on the pandas side of the comparison
    assert (expected["duplicates"], expected["new_studies"]) == (11, 101)

    run(project, "import", str(csv), "--source", "PubMed")
    run(project, "dedupe", "--from-column", "duplicate_record_id")

    ta_sheet = tmp_path / "ta.csv"
    unique.assign(
        record_id=unique["record_id"].astype(str),
        decision=unique["label_abstract_screening"].astype(int),
    )[["record_id", "decision"]].to_csv(ta_sheet, index=False)
    out = json.loads(run(project, "screen", "import", str(ta_sheet), "--json"))
    assert out["recorded"] == len(unique) and out["skipped"] == []

    ft_sheet = tmp_path / "ft.csv"
    ta_in.assign(
        record_id=ta_in["record_id"].astype(str),
        decision=ta_in["label_included"].map({1: "include", 0: "exclude"}),
    )[["record_id", "decision"]].to_csv(ft_sheet, index=False)
    out = json.loads(
        run(project, "screen", "import", str(ft_sheet), "--stage", "full-text", "--json")
    )
    assert len(out["no_reason_given"]) == expected["dbr_excluded"]["no reason given"]

    flow = json.loads(run(project, "prisma", "--json"))
    assert {k: flow[k] for k in expected} == expected
    assert flow["records_awaiting"] == 0 and flow["dbr_awaiting_reports"] == 0

    # the same flow in words, for the Results: every number is the diagram's
    words = run(project, "prisma", "--paragraph", "-").strip()
    screened, excluded = expected["records_screened"], expected["records_excluded"]
    sought, dropped = expected["dbr_sought_reports"], expected["dbr_excluded"]["no reason given"]
    assert words == (
        "The searches identified 2,019 records in databases (PubMed, n = 2,019)."
        f" After removing 11 duplicates, {screened:,} records were screened on title and"
        f" abstract and {excluded:,} were excluded. All {sought} reports sought for retrieval"
        f" were retrieved; {sought} reports were assessed for eligibility in full text and"
        f" {dropped} were excluded (no reason given, n = {dropped})."
        " In all, 101 studies were included in the review."
    )
