"""Mojibake in database exports (UTF-8 once read as Windows-1252) repaired at import, the
text as exported kept: the strings below are the kinds the shared screening sets carry."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO, run_cli
from litsynth.biblio.encoding_repair import REPAIRED, repaired_text
from litsynth.biblio.readers import build_batch

NAGTEGAAL = REPO.parent / "shared/data/screening/Nagtegaal_2019/output/Nagtegaal_2019.csv"


@pytest.mark.parametrize(
    ("mangled", "meant"),
    [
        ("We donâ€™t know how they felt", "We don’t know how they felt"),
        ("Â£84 to Â£420; P=6 Ã— 10(-3)", "£84 to £420; P=6 × 10(-3)"),
        ("National Trends in Î±-Blocker Prescribing", "National Trends in α-Blocker Prescribing"),
        ("adults aged â‰¥25 years", "adults aged ≥25 years"),
        ("mindâ€“body therapies", "mind–body therapies"),
        (
            "we still don\x92t know; the decade 1993\x962002",
            "we still don’t know; the decade 1993–2002",
        ),
        ("ObjectivesÂ To examine", "Objectives To examine"),  # a no-break space, folded
    ],
)
def test_mojibake_is_repaired(mangled: str, meant: str) -> None:
    assert repaired_text(mangled) == meant


@pytest.mark.parametrize(
    "text",
    [
        "Müller, Jörg", "naïve café culture in São Paulo", "¿Qué es la atención primaria?",
        "Ångström-level resolution", "£84 per patient, 2 × 2 factorial", "ΑΒΓ: α-blockers",
        "数字化供应链协同", "Ãngel Pérez", "plain ASCII text",
    ],
)  # fmt: skip
def test_text_that_is_right_is_left_alone(text: str) -> None:
    assert repaired_text(text) == text


def test_an_import_repairs_what_a_person_reads_and_keeps_the_export(
    project: Path, tmp_path: Path
) -> None:
    ris = (
        "TY  - JOUR\nTI  - Nudges that donâ€™t work\nAU  - GarcÃ­a, MarÃ­a\nPY  - 2020\n"
        "AB  - Costs fell by Â£84 in the 2 Ã— 2 trial.\nKW  - â€œnudgeâ€\x9d\nER  - \n"
        "TY  - JOUR\nTI  - Reminder prompts for nurses\nAU  - Müller, Jörg\nPY  - 2018\nER  - \n"
    )
    batch = build_batch(ris.encode("utf-8"), "mangled.ris", "Embase")
    fixed, clean = batch.records
    assert (fixed.title, fixed.authors, fixed.abstract, fixed.keywords) == (
        "Nudges that don’t work", ("García, María",), "Costs fell by £84 in the 2 × 2 trial.",
        ("“nudge”",),
    )  # fmt: skip
    assert fixed.extra[REPAIRED] == "title, abstract, authors, keywords"
    assert fixed.extra["title_as_exported"] == "Nudges that donâ€™t work"
    assert fixed.extra["authors_as_exported"] == "GarcÃ­a, MarÃ­a"
    assert REPAIRED not in clean.extra and clean.authors == ("Müller, Jörg",)
    (tmp_path / "mangled.ris").write_text(ris, encoding="utf-8")
    said = run_cli(project, "import", str(tmp_path / "mangled.ris"), "--source", "Embase")
    assert (
        "warning: the text of 1 record had been read with the wrong encoding before this export"
        " (mojibake) and was repaired, e.g. 'donâ€™t' → 'don’t'; each keeps its text as"
        " exported" in said
    )


def test_the_shared_nagtegaal_export_reads_clean() -> None:
    if not NAGTEGAAL.exists():
        pytest.skip(f"shared data absent: {NAGTEGAAL}")
    batch = build_batch(NAGTEGAAL.read_bytes(), NAGTEGAAL.name, "PubMed")
    repaired = [r for r in batch.records if REPAIRED in r.extra]
    assert len(repaired) == 32
    shown = [t for r in batch.records for t in (r.title, r.abstract)]
    assert not [t for t in shown if "â€" in t or "Ã—" in t or "Â£" in t]
    alpha = next(r for r in batch.records if "Blocker Prescribing" in r.title)
    assert "α-Blocker" in alpha.title
