"""Bibliographic records: import database exports, link duplicates, link full texts.

The stages, each a module: `readers` (BibTeX, RIS, CSV, Web of Science, MEDLINE → records),
`normalize` (DOIs, authors, years, titles), `dedupe` (bib-dedupe groups + human verdicts),
`link` (records ↔ ingested documents), `references` (reference lists → "citation searching"),
`writers` (records → RIS / BibTeX).
"""
