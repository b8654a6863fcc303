-- Facts about the database itself (see migrations/sqlite/0009_meta.sql).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('identity', md5(random()::text || clock_timestamp()::text));
