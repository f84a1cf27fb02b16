-- The words of every passage, for lexical search beside the vectors (search.py fuses the two
-- rankings): a name, an acronym or a system ("Phadnis", "GROBID") is found by its letters, where
-- a sentence embedding places it only near words it resembles. An external-content FTS5 table:
-- the text stays in chunks, this holds only the inverted index, kept in step by triggers.
CREATE VIRTUAL TABLE chunks_fts USING fts5(
    text, content = 'chunks', content_rowid = 'rowid',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts(rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TRIGGER chunks_fts_update AFTER UPDATE OF text ON chunks BEGIN
    INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
    INSERT INTO chunks_fts(rowid, text) VALUES (new.rowid, new.text);
END;
INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild');
