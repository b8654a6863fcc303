-- Video stories (issue 15): the video library, and each story's video
-- length for lists (▶ 03:12).

-- Every upload: the original's media key and name, what ffprobe found
-- (`domain::video::Probe` as JSON), where its `video_process` job is
-- (state, percent, the failure in words), what the job made
-- (`domain::video::VideoMade` as JSON, NULL until ready) and its WebVTT
-- subtitles. One row per file per site, like `images`.
CREATE TABLE videos (
    id          INTEGER PRIMARY KEY,
    site_id     TEXT NOT NULL,
    key         TEXT NOT NULL,
    name        TEXT NOT NULL,
    bytes       BIGINT NOT NULL,
    probe       TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'queued',
    progress    INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '',
    made        TEXT,
    subtitles   TEXT,
    uploader_id BIGINT,
    uploader    TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (site_id, key)
);
CREATE INDEX videos_recent ON videos (site_id, created_at, id);

ALTER TABLE articles ADD COLUMN duration INTEGER NOT NULL DEFAULT 0;
