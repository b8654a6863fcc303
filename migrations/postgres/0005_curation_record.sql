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

-- The editor's autosave: one working copy per (story, person), replaced every
-- ~30 s and when the page is left; not a revision (the revision list stays the
-- saves people made), dropped when they save.
CREATE TABLE autosaves (
    article_id   BIGINT NOT NULL REFERENCES articles(id),
    user_id      BIGINT NOT NULL REFERENCES users(id),
    content      TEXT NOT NULL,
    base_version BIGINT NOT NULL,
    saved_at     BIGINT NOT NULL,
    PRIMARY KEY (article_id, user_id)
);

-- The newsroom's story list at archive scale: newest change first, keyset
-- paged, by channel, by author (articles_author) or by signer.
CREATE INDEX articles_updated ON articles (updated_at, id);
CREATE INDEX articles_channel_updated ON articles (channel_id, updated_at, id);
CREATE INDEX articles_signer_updated ON articles (signed_by, updated_at, id);
-- 稿件统计: the stories written in a period
CREATE INDEX articles_created ON articles (created_at);
