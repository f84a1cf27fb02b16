-- Axial coding: the log of relations a reviewer confirmed, with the statistics they saw.
-- The codebook YAML (codebook/relations.yaml) is what the rest of litsynth reads; this log is
-- the provenance: who confirmed which relation, when, on what evidence.

CREATE TABLE relation_decisions (
    seq              INTEGER PRIMARY KEY,
    source           TEXT NOT NULL,          -- code, category or theme id
    target           TEXT NOT NULL,
    type             TEXT NOT NULL,          -- enables | requires | alternative-to | part-of | associated-with | ...
    weight           REAL,
    reviewer         TEXT NOT NULL,
    at               TEXT NOT NULL,          -- ISO 8601 UTC
    codebook_file    TEXT NOT NULL,          -- where the relation was written
    codebook_version TEXT NOT NULL,          -- version of the codebook it was confirmed against
    evidence         TEXT NOT NULL DEFAULT '{}'  -- JSON: counts, Jaccard, lift, p, chunk ids
);
CREATE INDEX relation_decisions_pair ON relation_decisions(source, target);
