-- Facts about the database itself. `identity` is drawn once, when the
-- database is created: derived data kept outside it (a node's search index,
-- a static export) records the identity and the change-log position it
-- reflects, and rebuilds when either no longer matches (another database, or
-- this one restored from a backup). `probe` is rewritten by /readyz to prove
-- the database takes writes.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('identity', lower(hex(randomblob(16))));
