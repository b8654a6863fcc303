-- See migrations/sqlite/0014_video.sql.
CREATE TABLE videos (
    id          BIGSERIAL PRIMARY KEY,
    site_id     TEXT NOT NULL,
    key         TEXT NOT NULL,
    name        TEXT NOT NULL,
    bytes       BIGINT NOT NULL,
    probe       TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'queued',
    progress    BIGINT NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '',
    made        TEXT,
    subtitles   TEXT,
    uploader_id BIGINT,
    uploader    TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (site_id, key)
);
CREATE INDEX videos_recent ON videos (site_id, created_at, id);

ALTER TABLE articles ADD COLUMN duration BIGINT NOT NULL DEFAULT 0;
