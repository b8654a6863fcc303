-- See migrations/sqlite/0012_title_search.sql.
DROP INDEX articles_updated;
CREATE INDEX articles_updated ON articles (updated_at, id, title);
