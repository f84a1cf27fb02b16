-- Where a document's citation facts come from, so they can follow its linked record without a
-- re-ingest (issue 14). file_meta: what the file itself said (PDF info, HTML <title>), as JSON
-- {title, authors, year, venue, doi}; meta_sources: field -> "documents.csv" | "record <id>"
-- (a field not named came from the file). '{}' on documents ingested before this migration:
-- their current values are taken as the file's on the first refresh.
ALTER TABLE documents ADD COLUMN file_meta TEXT NOT NULL DEFAULT '{}';
ALTER TABLE documents ADD COLUMN meta_sources TEXT NOT NULL DEFAULT '{}';
