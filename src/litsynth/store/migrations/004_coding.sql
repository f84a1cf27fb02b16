-- Coding: machine suggestions (replaceable per run), human codings (append-only), memos.
-- Human work lives here, never only in indexes/.

CREATE TABLE suggestions (
    chunk_id         TEXT NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
    code_id          TEXT NOT NULL,
    score            REAL NOT NULL,          -- calibrated: >= threshold means "suggested"
    threshold        REAL NOT NULL,
    model            TEXT NOT NULL,          -- embedding model + classifier name/version
    codebook_version TEXT NOT NULL,          -- hash of the codebook the suggestion came from
    evidence         TEXT NOT NULL DEFAULT '{}',  -- JSON: matched keywords, nearest sentence, ...
    run_id           INTEGER REFERENCES runs(id),
    created_at       TEXT NOT NULL DEFAULT (datetime('now')),
    PRIMARY KEY (chunk_id, code_id)
);
CREATE INDEX suggestions_code ON suggestions(code_id);

-- Append-only log of human coding decisions. What a passage is coded with now is the latest
-- decision on (chunk, code, span) by any coder; each coder's own codings stay in the log for
-- agreement between coders (`litsynth code export-codings` + `litsynth agree`).
CREATE TABLE codings (
    seq              INTEGER PRIMARY KEY,    -- order of the log
    id               TEXT NOT NULL UNIQUE,   -- content_id(chunk, code, start, end, coder, at)
    chunk_id         TEXT NOT NULL REFERENCES chunks(id),
    document_id      TEXT NOT NULL REFERENCES documents(id),
    code_id          TEXT NOT NULL,
    start            INTEGER NOT NULL,       -- offsets into the document's canonical text
    end              INTEGER NOT NULL,
    coder            TEXT NOT NULL,
    at               TEXT NOT NULL,          -- ISO 8601 UTC
    status           TEXT NOT NULL CHECK (status IN ('accepted', 'rejected', 'added')),
    memo             TEXT NOT NULL DEFAULT '',
    suggestion_score REAL
);
CREATE INDEX codings_chunk ON codings(chunk_id, code_id);

CREATE TABLE memos (
    id         TEXT PRIMARY KEY,
    target     TEXT NOT NULL,               -- a chunk id, code id or document id
    author     TEXT NOT NULL,
    at         TEXT NOT NULL,
    text       TEXT NOT NULL
);

-- What a passage is coded with now: the latest human decision per (chunk, code) wins; machine
-- suggestions at or above their threshold count where no human has decided.
CREATE VIEW latest_codings AS
SELECT c.* FROM codings c
WHERE c.seq = (SELECT MAX(c2.seq) FROM codings c2
               WHERE c2.chunk_id = c.chunk_id AND c2.code_id = c.code_id AND c2.start = c.start
                 AND c2.end = c.end);

CREATE VIEW effective_codings AS
SELECT l.chunk_id, l.document_id, l.code_id, l.start, l.end,
       COALESCE(l.suggestion_score, 1.0) AS score, 'human' AS origin, l.coder AS coder
FROM latest_codings l WHERE l.status IN ('accepted', 'added')
UNION ALL
SELECT s.chunk_id, ch.document_id, s.code_id, ch.start, ch.end, s.score, 'machine', s.model
FROM suggestions s JOIN chunks ch ON ch.id = s.chunk_id
WHERE s.score >= s.threshold
  AND NOT EXISTS (SELECT 1 FROM codings h WHERE h.chunk_id = s.chunk_id AND h.code_id = s.code_id);
