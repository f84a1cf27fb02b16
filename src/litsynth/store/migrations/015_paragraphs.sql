-- Paragraph numbers of text passages ("§ Results, ¶ 4"), counted within each section since
-- paragraphs.v2 (ingest/paragraphs.py). documents.paragraphs_version says which count made a
-- document's numbers, so `ingest` renumbers them from the stored text when the count changes.
ALTER TABLE documents ADD COLUMN paragraphs_version TEXT NOT NULL DEFAULT '';
