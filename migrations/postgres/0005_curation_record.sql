-- See migrations/sqlite/0011_curation_record.sql.
ALTER TABLE slots ADD COLUMN size BIGINT NOT NULL DEFAULT 8;
ALTER TABLE slots ADD COLUMN sort BIGINT NOT NULL DEFAULT 0;
ALTER TABLE slot_items ADD COLUMN pinned BIGINT NOT NULL DEFAULT 0;
ALTER TABLE slot_items ADD COLUMN expires_at BIGINT;
ALTER TABLE slot_items ADD COLUMN placed_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE slot_items ADD COLUMN placed_by TEXT NOT NULL DEFAULT '';
CREATE INDEX slot_items_article ON slot_items (article_id);

ALTER TABLE audit ALTER COLUMN article_id DROP NOT NULL;
ALTER TABLE audit ALTER COLUMN from_state SET DEFAULT '';
ALTER TABLE audit ALTER COLUMN to_state SET DEFAULT '';
ALTER TABLE audit ADD COLUMN subject TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN detail TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN address TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_at ON audit (at, id);
CREATE INDEX audit_actor ON audit (actor_id, at, id);
CREATE INDEX audit_action ON audit (action, at, id);

-- The stories someone is working on (a small set beside an archive of idle
-- ones): the navigation counts 待我审核 and 被退回 on every admin page.
CREATE INDEX articles_in_work ON articles (work, author_id) WHERE work <> '{"state":"idle"}';
