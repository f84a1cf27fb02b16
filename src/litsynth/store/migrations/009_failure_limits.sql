-- The limits a file failed under, so raising [ingest] pdf_timeout_s or pdf_memory_mb retries the
-- files that failed by timeout or memory (the failure hint says to raise them). NULL for
-- failures recorded before this migration: those are retried once when their cause is a limit.
ALTER TABLE ingest_failures ADD COLUMN timeout_s REAL;
ALTER TABLE ingest_failures ADD COLUMN memory_mb INTEGER;
