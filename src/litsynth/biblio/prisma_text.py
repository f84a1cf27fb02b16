"""The PRISMA 2020 flow as indented text for the terminal (`litsynth prisma`, the deposit's
README), in the diagram's reading order; an updated review's previous version and totals
after the new studies."""

from __future__ import annotations

from collections.abc import Mapping

from litsynth.biblio.prisma import PrismaFlow


def _per(mapping: Mapping[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in mapping.items())


def render_text(flow: PrismaFlow) -> str:
    """The flow as indented text for the terminal, in the diagram's reading order."""
    f = flow
    identified = f.database_results + f.register_results
    lines = [
        "Identification — databases and registers",
        f"  records identified: {identified}"
        + (
            f" ({_per({**f.database_specific_results, **f.register_specific_results})})"
            if identified
            else ""
        ),
        f"  removed before screening: duplicates {f.duplicates}, marked ineligible by"
        f" automation {f.excluded_automatic}, other reasons {f.excluded_other}",
        "Screening",
        f"  records screened: {f.records_screened}; excluded {f.records_excluded}"
        + (f"; awaiting a decision {f.records_awaiting}" if f.records_awaiting else ""),
        f"  reports sought for retrieval: {f.dbr_sought_reports}; not retrieved"
        f" {f.dbr_notretrieved_reports}"
        + (f"; awaiting assessment {f.dbr_awaiting_reports}" if f.dbr_awaiting_reports else ""),
        f"  reports assessed for eligibility: {f.dbr_assessed}; excluded"
        f" {sum(f.dbr_excluded.values())}"
        + (f" ({_per(f.dbr_excluded)})" if f.dbr_excluded else ""),
    ]
    other = f.website_results + f.organisation_results + f.citations_results
    if other:
        lines += [
            "Other methods",
            f"  records identified: {other} ({_per(f.other_specific_results)})",
            f"  removed before screening: duplicates {f.other_duplicates}, marked ineligible by"
            f" automation {f.other_excluded_automatic}",
            f"  records screened: {f.other_screened}; excluded {f.other_records_excluded}"
            + (
                f"; awaiting a decision {f.other_records_awaiting}"
                if f.other_records_awaiting
                else ""
            ),
            f"  reports sought for retrieval: {f.other_sought_reports}; not retrieved"
            f" {f.other_notretrieved_reports}"
            + (
                f"; awaiting assessment {f.other_awaiting_reports}"
                if f.other_awaiting_reports
                else ""
            ),
            f"  reports assessed for eligibility: {f.other_assessed}; excluded"
            f" {sum(f.other_excluded.values())}"
            + (f" ({_per(f.other_excluded)})" if f.other_excluded else ""),
        ]
    if not (f.previous_studies or f.previous_reports):
        lines += [
            "Included",
            f"  studies included in review: {f.new_studies}; reports of included studies:"
            f" {f.new_reports}",
        ]
        return "\n".join(lines)
    lines += [
        "Previous version",
        f"  studies included in previous version of review: {f.previous_studies}; reports of"
        f" them: {f.previous_reports}",
        "Included",
        f"  new studies included in review: {f.new_studies}; reports of new included studies:"
        f" {f.new_reports}",
        f"  total studies included in review: {f.total_studies}; reports of total included"
        f" studies: {f.total_reports}"
        + (
            f" (of which new reports of studies in the previous version: {f.previous_new_reports})"
            if f.previous_new_reports
            else ""
        ),
    ]
    return "\n".join(lines)
