-- Passage roles (ingest/roles.py): body, abstract, front matter, references, acknowledgements,
-- captions/tables, boilerplate. NULL until computed; documents.roles_version says which
-- detector made them, so `ingest` recomputes them (from the stored text, no re-parse) when
-- the detector improves.
ALTER TABLE chunks ADD COLUMN role TEXT;
ALTER TABLE documents ADD COLUMN roles_version TEXT NOT NULL DEFAULT '';
CREATE INDEX chunks_role ON chunks(role);
