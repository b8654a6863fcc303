-- See migrations/sqlite/0010_revised_at.sql.
ALTER TABLE articles ADD COLUMN revised_at BIGINT;
