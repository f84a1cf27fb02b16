-- sha256 of each document's canonical text: ingest finds a file whose bytes are new but whose
-- text is a stored document's (the same paper saved twice) with one indexed lookup. NULL for
-- documents stored before this; ingest fills those in once (store.documents.twin_by_text).
ALTER TABLE documents ADD COLUMN text_digest TEXT;
CREATE INDEX documents_text_digest ON documents(text_digest);
