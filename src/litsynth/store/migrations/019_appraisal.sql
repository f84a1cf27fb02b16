-- Critical appraisal (risk of bias, methodological quality) shares the extraction log: both are
-- what a reviewer recorded about an included study, field by field, append-only. `form` says
-- which form a value belongs to, so a field id may mean one thing in each.
ALTER TABLE extraction_values ADD COLUMN form TEXT NOT NULL DEFAULT 'extraction';
DROP INDEX extraction_values_record;
CREATE INDEX extraction_values_record ON extraction_values(form, record_id, field, id);
