-- See migrations/sqlite/0015_live.sql.
CREATE TABLE live_clocks (
    article_id  BIGINT PRIMARY KEY,
    started_at  BIGINT,
    ended_at    BIGINT
);

CREATE TABLE live_entries (
    id           BIGSERIAL PRIMARY KEY,
    article_id   BIGINT NOT NULL,
    body_html    TEXT NOT NULL,
    image_id     BIGINT,
    video_id     BIGINT,
    author_id    BIGINT,
    author       TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'pending',
    approved_by  TEXT,
    approved_at  BIGINT,
    pinned       BIGINT NOT NULL DEFAULT 0,
    key_event    BIGINT NOT NULL DEFAULT 0,
    corrected_at BIGINT,
    correction   TEXT NOT NULL DEFAULT '',
    seq          BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX live_entries_article ON live_entries (article_id, seq);
