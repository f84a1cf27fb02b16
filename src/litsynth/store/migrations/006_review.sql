-- Human review: look-ups the review queue, the sheet import and memo listing make on every run.
-- The tables themselves are in 004_coding.sql; this file only adds indexes.

-- "Has this coder decided on (chunk, code)?" decides what the resumable review queue skips.
CREATE INDEX codings_coder ON codings(coder, chunk_id, code_id);

-- Memos are listed per passage, code or document.
CREATE INDEX memos_target ON memos(target, at);
