-- Live coverage (issue 15): when the live desk opened and closed a 直播
-- story, and its entries (直播条目), each approved before it is public.

CREATE TABLE live_clocks (
    article_id  BIGINT PRIMARY KEY,
    started_at  BIGINT,
    ended_at    BIGINT
);

-- `seq` orders an entry's public changes within its story (approval,
-- correction, pin, removal): readers ask for what changed after the seq
-- they have.
CREATE TABLE live_entries (
    id           INTEGER PRIMARY KEY,
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
    pinned       INTEGER NOT NULL DEFAULT 0,
    key_event    INTEGER NOT NULL DEFAULT 0,
    corrected_at BIGINT,
    correction   TEXT NOT NULL DEFAULT '',
    seq          BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX live_entries_article ON live_entries (article_id, seq);
