-- Durable cursors of the change log's outward followers (DESIGN.md §1, §13):
-- each names the last change it has passed on (a CDN purge, a search-engine
-- push); it moves only after the change went out, and only from where it
-- was read (two nodes never both pass one change on).
CREATE TABLE follower_cursors (
    name        TEXT PRIMARY KEY,
    seq         BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
