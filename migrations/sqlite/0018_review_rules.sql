-- 代签 (issue 24): an account an administrator allows to sign off (签发)
-- for a desk, a whole site ('' channel_path) or a channel and its
-- sub-channels, besides that desk's 签发人. A small county desk with one
-- 签发人 can then sign a correction he wrote himself through his deputy;
-- the record names such a sign-off 代签.
CREATE TABLE deputies (
    id           INTEGER PRIMARY KEY,
    site_id      TEXT NOT NULL,
    channel_path TEXT NOT NULL DEFAULT '',
    user_id      BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    UNIQUE (site_id, channel_path, user_id)
);

-- What a 推荐位 takes (issue 24 §2): the story kinds (comma-separated
-- names; empty: every kind that is listed, never a 单页) and the other
-- sites whose stories it may hold (comma-separated ids; empty: its own
-- site only), each of which must also share its stories in its settings.
ALTER TABLE slots ADD COLUMN kinds TEXT NOT NULL DEFAULT '';
ALTER TABLE slots ADD COLUMN sites TEXT NOT NULL DEFAULT '';

-- The bytes of a report's screenshots as stored (re-encoded), for the
-- portal's hourly storage budget (issue 24 §3).
ALTER TABLE reports ADD COLUMN shot_bytes BIGINT NOT NULL DEFAULT 0;

-- 最近发布 on the 工作台: the stories signed off last, newest first.
CREATE INDEX articles_signed ON articles (signed_at, id) WHERE status = 'published';
