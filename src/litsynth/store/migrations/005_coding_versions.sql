-- Every codebook version a suggestion run used: suggestions name the version (a hash of the
-- normalised content), this table says which files and what content it was.

CREATE TABLE codebook_versions (
    version    TEXT PRIMARY KEY,            -- Codebook.version
    files      TEXT NOT NULL DEFAULT '[]',  -- JSON list of the codebook's files
    content    TEXT NOT NULL DEFAULT '{}',  -- JSON {codes, categories, themes, relations}
    first_seen TEXT NOT NULL DEFAULT (datetime('now'))
);
