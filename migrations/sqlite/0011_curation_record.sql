-- 推荐位 as curation, separate from content (DESIGN.md "curation separate from
-- content"): each slot has a size (how many items the page shows) and a sort
-- order among the site's slots; each item may be pinned to its position and
-- may expire. Placing, moving and removing is an editorial act recorded in
-- the publication record, never a revision of the story.
ALTER TABLE slots ADD COLUMN size INTEGER NOT NULL DEFAULT 8;
ALTER TABLE slots ADD COLUMN sort INTEGER NOT NULL DEFAULT 0;
ALTER TABLE slot_items ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE slot_items ADD COLUMN expires_at BIGINT;
ALTER TABLE slot_items ADD COLUMN placed_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE slot_items ADD COLUMN placed_by TEXT NOT NULL DEFAULT '';
CREATE INDEX slot_items_article ON slot_items (article_id);

-- The publication record holds every editorial and administrative act, not
-- only story transitions: sign-ins, accounts, settings, word lists, slots,
-- imports. Such rows have no story (article_id NULL), a subject (`user:alice`,
-- `site:main`, `slot:main/toutiao`, `import`), a readable detail (old and new
-- values) and the client's address. SQLite cannot drop NOT NULL in place, so
-- the table is rebuilt; DROP TABLE fires no DELETE trigger.
CREATE TABLE audit_v2 (
    id          INTEGER PRIMARY KEY,
    article_id  BIGINT,
    at          BIGINT NOT NULL,
    actor_id    BIGINT,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_state  TEXT NOT NULL DEFAULT '',
    to_state    TEXT NOT NULL DEFAULT '',
    level       INTEGER,
    opinion     TEXT NOT NULL DEFAULT '',
    revision_id BIGINT,
    title       TEXT NOT NULL DEFAULT '',
    url         TEXT NOT NULL DEFAULT '',
    subject     TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL DEFAULT ''
);
INSERT INTO audit_v2 (id, article_id, at, actor_id, actor, action, from_state, to_state, level, opinion, revision_id, title, url)
    SELECT id, article_id, at, actor_id, actor, action, from_state, to_state, level, opinion, revision_id, title, url FROM audit;
DROP TABLE audit;
ALTER TABLE audit_v2 RENAME TO audit;
CREATE INDEX audit_article ON audit (article_id, id);
-- the record page: newest first, keyset on (at, id), by person or action
CREATE INDEX audit_at ON audit (at, id);
CREATE INDEX audit_actor ON audit (actor_id, at, id);
CREATE INDEX audit_action ON audit (action, at, id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit records cannot be changed'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit records cannot be deleted'); END;

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
