"""Citations, below every stage: labels ("Phadnis (2023), p. 4"), author names, DOIs, and
reference lists read from a document's text.

Pure functions over strings. Ingest, records (citation searching), coding (skipping reference
lists), synthesis (in-text citations) and the report all use these, so they live under the
stages rather than in one of them (an arrow from a lower stage up into synthesis was how
`biblio` and `coding` used to reach them).
"""
