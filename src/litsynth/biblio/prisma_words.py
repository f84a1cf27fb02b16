"""The words of the PRISMA 2020 flow diagram's boxes, by the template's data names, for the
tables people read (the report, `PrismaFlow.labelled`); scripts keep the data names."""

from __future__ import annotations

_DB = "Databases and registers"
_OTHER = "Other methods"
_ALL = "Studies included"
# The template's data names -> what its boxes say (PRISMA 2020 flow diagram, new reviews).
BOX_LABELS: dict[str, tuple[str, str]] = {
    "database_results": (_DB, "Records identified from databases"),
    "database_specific_results": (_DB, "Records identified, per database"),
    "register_results": (_DB, "Records identified from registers"),
    "register_specific_results": (_DB, "Records identified, per register"),
    "duplicates": (_DB, "Duplicate records removed"),
    "excluded_automatic": (_DB, "Records marked as ineligible by automation tools"),
    "excluded_other": (_DB, "Records removed for other reasons"),
    "records_screened": (_DB, "Records screened"),
    "records_excluded": (_DB, "Records excluded"),
    "records_awaiting": (_DB, "Records awaiting a decision"),
    "dbr_sought_reports": (_DB, "Reports sought for retrieval"),
    "dbr_notretrieved_reports": (_DB, "Reports not retrieved"),
    "dbr_awaiting_reports": (_DB, "Reports awaiting assessment"),
    "dbr_assessed": (_DB, "Reports assessed for eligibility"),
    "dbr_excluded": (_DB, "Reports excluded, with reasons"),
    "dbr_included": (_DB, "Reports included"),
    "website_results": (_OTHER, "Records identified from websites"),
    "organisation_results": (_OTHER, "Records identified from organisations"),
    "citations_results": (_OTHER, "Records identified from citation searching"),
    "other_specific_results": (_OTHER, "Records identified, per source"),
    "other_duplicates": (_OTHER, "Duplicates, not sought"),
    "other_excluded_automatic": (_OTHER, "Records marked as ineligible by automation tools"),
    "other_screened": (_OTHER, "Records screened"),
    "other_records_excluded": (_OTHER, "Records excluded at screening"),
    "other_records_awaiting": (_OTHER, "Records awaiting a decision"),
    "other_sought_reports": (_OTHER, "Reports sought for retrieval"),
    "other_notretrieved_reports": (_OTHER, "Reports not retrieved"),
    "other_awaiting_reports": (_OTHER, "Reports awaiting assessment"),
    "other_assessed": (_OTHER, "Reports assessed for eligibility"),
    "other_excluded": (_OTHER, "Reports excluded, with reasons"),
    "other_included": (_OTHER, "Reports included"),
    "new_studies": (_ALL, "New studies included in review"),
    "new_reports": (_ALL, "Reports of new included studies"),
    "previous_studies": ("Previous studies", "Studies included in previous version of review"),
    "previous_reports": ("Previous studies", "Reports of studies included in previous version"),
    "previous_new_reports": (_ALL, "New reports of studies included in previous version"),
    "total_studies": (_ALL, "Total studies included in review"),
    "total_reports": (_ALL, "Reports of total included studies"),
}
