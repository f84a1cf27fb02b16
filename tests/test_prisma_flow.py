"""PRISMA 2020 flow: counting, the arithmetic check, the template CSV and the SVG drawing."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from litsynth.biblio.prisma import (
    FlowRecord,
    PrismaFlow,
    arm_of,
    build_flow,
    check_flow,
    flow_csv,
)
from litsynth.biblio.prisma_svg import flow_svg
from litsynth.biblio.prisma_text import render_text
from litsynth.biblio.screening_rules import NO_REASON, effective
from litsynth.errors import PrismaError
from litsynth.records import Decision

TA, FT = "title-abstract", "full-text"


def d(rid: str, stage: str, decision: str, reason: str = "", origin: str = "sheet", who="ann"):
    return Decision(rid, stage, decision, who, "2026-01-01T00:00:00Z", reason, "", origin)


def small_review() -> tuple[list[FlowRecord], list[Decision]]:
    """Scopus 6 + WoS 3 (one duplicate) + citation searching 2; a full log."""
    records = [FlowRecord(f"s{i}", "Scopus") for i in range(1, 7)]
    records += [FlowRecord("w1", "Web of Science"), FlowRecord("w2", "Web of Science"),
                FlowRecord("w3", "Web of Science", duplicate_of="s1")]  # fmt: skip
    records += [FlowRecord("c1", "citation searching"), FlowRecord("c2", "citation searching")]
    log = [
        d(
            "s6",
            TA,
            "exclude",
            "published outside 2000–2024",
            origin="automation",
            who="automation",
        ),
        d("s1", TA, "include"),
        d("s2", TA, "include"),
        d("s3", TA, "include"),
        d("s4", TA, "exclude", "off topic"),
        d("s5", TA, "exclude"),
        d("w1", TA, "include"),
        d("w2", TA, "maybe"),
        d("s1", FT, "include"),
        d("s2", FT, "exclude", "wrong study design"),
        d("s3", FT, "not-retrieved"),
        # w1 sought, never assessed: pending, not "not retrieved"
        d("c1", TA, "include"),
        d("c1", FT, "include"),
        d("c2", TA, "exclude"),
    ]
    return records, log


def test_every_box_of_a_small_review():
    records, log = small_review()
    flow = check_flow(build_flow(records, effective(log)))
    assert flow.database_specific_results == {"Scopus": 6, "Web of Science": 3}
    assert flow.database_results == 9
    assert flow.duplicates == 1
    assert flow.excluded_automatic == 1
    assert flow.records_screened == 7  # 9 − 1 duplicate − 1 automation
    assert flow.records_excluded == 2
    assert flow.records_awaiting == 1  # w2 "maybe"
    assert flow.dbr_sought_reports == 4
    assert flow.dbr_notretrieved_reports == 1
    assert flow.dbr_awaiting_reports == 1  # w1
    assert flow.dbr_assessed == 2
    assert flow.dbr_excluded == {"wrong study design": 1}
    assert flow.citations_results == 2
    assert flow.other_sought_reports == 1
    assert flow.other_assessed == 1
    assert flow.new_studies == 2 and flow.new_reports == 2


def test_full_text_exclusion_without_reason_counts_under_no_reason_given():
    records = [FlowRecord("a", "PubMed")]
    log = [d("a", TA, "include"), d("a", FT, "exclude")]
    flow = check_flow(build_flow(records, effective(log)))
    assert flow.dbr_excluded == {NO_REASON: 1}


def test_latest_decision_and_resolution_win():
    records = [FlowRecord("a", "PubMed"), FlowRecord("b", "PubMed")]
    log = [
        d("a", TA, "exclude", "off topic"),
        d("a", TA, "include"),  # ann changed her mind: latest wins
        d("b", TA, "include", who="ann"),
        d("b", TA, "exclude", "off topic", who="bob"),  # conflict → awaiting
    ]
    flow = build_flow(records, effective(log))
    assert flow.dbr_sought_reports == 1 and flow.records_awaiting == 1
    log.append(d("b", TA, "exclude", "off topic", origin="resolution", who="carol"))
    flow = build_flow(records, effective(log))
    assert flow.records_excluded == 1 and flow.records_awaiting == 0


def test_person_overrides_automation():
    records = [FlowRecord("a", "PubMed")]
    log = [d("a", TA, "exclude", "published outside 2000–2024", origin="automation",
             who="automation"), d("a", TA, "include")]  # fmt: skip
    flow = build_flow(records, effective(log))
    assert flow.excluded_automatic == 0 and flow.dbr_sought_reports == 1


def test_full_text_decision_on_excluded_record_is_named():
    records = [FlowRecord("a", "PubMed"), FlowRecord("b", "PubMed")]
    log = [d("a", TA, "exclude", "off topic"), d("a", FT, "include"), d("b", TA, "include")]
    with pytest.raises(PrismaError) as err:
        check_flow(build_flow(records, effective(log)))
    message = str(err.value)
    assert "dbr_assessed = 1" in message and "off by +1" in message
    assert "a" in (err.value.hint or "")


def test_tampered_counts_say_which_boxes_and_by_how_much():
    records, log = small_review()
    flow = build_flow(records, effective(log))
    bad = PrismaFlow(**{**flow.to_json(), "records_screened": 10})
    with pytest.raises(PrismaError, match=r"records_screened = 10 \(off by \+3\)"):
        check_flow(bad)


def test_arms_by_source_name():
    assert arm_of("Citation searching") == "other"
    assert arm_of("backward citation tracking") == "other"
    assert arm_of("Scopus") == "databases"


def test_template_csv_has_the_package_columns_and_keys():
    records, log = small_review()
    flow = check_flow(build_flow(records, effective(log)))
    rows = list(csv.DictReader(io.StringIO(flow_csv(flow))))
    assert list(rows[0]) == [
        "data",
        "node",
        "box",
        "description",
        "boxtext",
        "tooltips",
        "url",
        "n",
    ]
    by_key = {r["data"]: r for r in rows}
    assert by_key["records_screened"]["n"] == "7"
    assert by_key["records_screened"]["node"] == "node9"
    assert by_key["dbr_excluded"]["n"] == "wrong study design, 1"
    assert by_key["database_specific_results"]["n"] == "Scopus, 6; Web of Science, 3"
    assert by_key["citations_results"]["n"] == "2"


def test_svg_is_well_formed_escaped_and_shows_the_numbers():
    records = [FlowRecord("a", "A&B <Database>"), FlowRecord("c", "citation searching")]
    log = [d("a", TA, "include"), d("a", FT, "exclude", "<script>alert(1)</script> & more")]
    flow = check_flow(build_flow(records, effective(log)))
    svg = flow_svg(flow, title="Review <1>")
    root = ET.fromstring(svg.encode("utf-8"))  # raises on unescaped markup
    text = " ".join(t for t in root.itertext()).replace("\u00a0", " ")
    assert "A&B <Database> (n = 1)" in text
    assert "<script>alert(1)</script> & more (n = 1)" in text
    assert "<script>" not in svg  # escaped, never markup
    for phase in ("Identification", "Screening", "Included"):
        assert phase in text
    assert "Citation searching (n = 1)" in text


def test_text_rendering_names_the_boxes():
    records, log = small_review()
    text = render_text(check_flow(build_flow(records, effective(log))))
    assert "records screened: 7; excluded 2; awaiting a decision 1" in text
    assert "wrong study design 1" in text


# ---- property: for any log, the counts add up -----------------------------------------------

SOURCES = ["Scopus", "Web of Science", "citation searching"]
TA_CHOICES = [None, "include", "exclude", "maybe", "auto"]
FT_CHOICES = [None, "include", "exclude", "not-retrieved", "maybe"]
REASONS = ["", "wrong population", "wrong outcome"]


@st.composite
def review(draw):
    n = draw(st.integers(1, 40))
    records, log = [], []
    for i in range(n):
        rid = f"r{i}"
        dup = None
        if i and draw(st.booleans()) and draw(st.booleans()):
            dup = f"r{draw(st.integers(0, i - 1))}"
        records.append(FlowRecord(rid, draw(st.sampled_from(SOURCES)), dup))
        ta = draw(st.sampled_from(TA_CHOICES))
        if dup is not None:
            continue  # people screen unique records
        if ta == "auto":
            log.append(
                d(rid, TA, "exclude", "published outside 2000–2024", "automation", "automation")
            )
            continue
        for reviewer in draw(st.sampled_from([["ann"], ["ann", "bob"]])):
            if ta is not None:
                vote = ta if reviewer == "ann" else draw(st.sampled_from(["include", "exclude"]))
                log.append(d(rid, TA, vote, draw(st.sampled_from(REASONS)), "sheet", reviewer))
        if draw(st.booleans()):
            log.append(
                d(rid, TA, draw(st.sampled_from(["include", "exclude"])), "", "resolution", "eve")
            )
        eff = effective(log).get((rid, TA))
        if eff is not None and eff.decision == "include":
            ft = draw(st.sampled_from(FT_CHOICES))
            if ft is not None:
                log.append(d(rid, FT, ft, draw(st.sampled_from(REASONS))))
    return records, log


@settings(max_examples=120, deadline=None)
@given(review())
def test_counts_always_add_up(case):
    records, log = case
    f = check_flow(build_flow(records, effective(log)))
    identified = f.database_results + f.register_results
    assert identified - f.duplicates - f.excluded_automatic - f.excluded_other == f.records_screened
    assert f.records_screened - f.records_excluded == f.dbr_sought_reports + f.records_awaiting
    assert (
        f.dbr_sought_reports - f.dbr_notretrieved_reports == f.dbr_assessed + f.dbr_awaiting_reports
    )
    assert f.dbr_assessed - sum(f.dbr_excluded.values()) == f.dbr_included
    assert f.other_sought_reports - f.other_notretrieved_reports == (
        f.other_assessed + f.other_awaiting_reports
    )
    assert f.new_studies == f.dbr_included + f.other_included
    # every imported record is in exactly one identification count
    assert identified + f.citations_results + f.website_results + f.organisation_results == len(
        records
    )


def test_png_and_pdf_are_drawn_from_the_svg_layout(tmp_path):
    """The other-methods arm as the template draws it: its boxes, the note on what was not
    sought outside them, an elbow into "Studies included"; PNG and PDF from the same layout."""
    from PIL import Image
    from pypdf import PdfReader

    from litsynth.biblio.prisma_figure import flow_figure
    from litsynth.biblio.prisma_svg import layout

    records, log = small_review()
    records.append(FlowRecord("c3", "citation searching", duplicate_of="s2"))
    flow = check_flow(build_flow(records, effective(log)))
    drawing = layout(flow, title="small")
    texts = [line for label in drawing.labels for line in label.lines]
    assert "Not sought for retrieval:" in texts
    assert not any("Duplicates" in t for t in texts if t.startswith("Reports sought"))
    assert len([s for s in drawing.shapes if s.dashed]) == 1
    elbow = [a for a in drawing.arrows if len(a.points) == 3]
    assert len(elbow) == 1 and elbow[0].points[1][1] == elbow[0].points[2][1]  # down, then left
    svg = flow_svg(flow, title="small")
    assert 'stroke-dasharray="5,4"' in svg and "<polyline" in svg
    png, pdf = tmp_path / "flow.png", tmp_path / "flow.pdf"
    flow_figure(flow, png, title="small")
    flow_figure(flow, pdf, title="small")
    with Image.open(png) as image:
        assert image.format == "PNG"
        assert abs(image.width / image.height - drawing.width / drawing.height) < 0.01
    text = PdfReader(pdf).pages[0].extract_text()
    for words in ("Records identified from:", "Citation searching (n = 3)", "Not sought for"):
        assert words in text.replace("\u00a0", " ")
