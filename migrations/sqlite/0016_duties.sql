-- The site's duties to readers (issue 16): AI-content declarations,
-- 举报 (reports from readers) and their rate limit.

-- 人工智能生成 declarations: '' (none), 'whole' (人工智能生成) or
-- 'partial' (含人工智能生成内容). A story's is part of its revision
-- content and copied here at sign-off, for lists and feeds.
ALTER TABLE articles ADD COLUMN ai TEXT NOT NULL DEFAULT '';
ALTER TABLE images ADD COLUMN ai TEXT NOT NULL DEFAULT '';
-- the GB 45438 `AIGC` label an upload already carried (JSON), if any
ALTER TABLE images ADD COLUMN aigc_found TEXT;
ALTER TABLE live_entries ADD COLUMN ai TEXT NOT NULL DEFAULT '';

-- A reader's report. `receipt` (受理编号) is what the reader looks it up
-- by; `contact` is cleared when `contact_until` passes; `nonce` is the
-- challenge it answered (one report per challenge).
CREATE TABLE reports (
    id           INTEGER PRIMARY KEY,
    receipt      TEXT NOT NULL UNIQUE,
    site_id      TEXT NOT NULL,
    url          TEXT NOT NULL,
    article_id   BIGINT,
    category     TEXT NOT NULL,
    description  TEXT NOT NULL,
    shots        TEXT NOT NULL DEFAULT '[]',
    contact      TEXT,
    contact_until BIGINT,
    nonce        TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    due_at       BIGINT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'new',
    outcome      TEXT NOT NULL DEFAULT '',
    assignee_id  BIGINT,
    assignee     TEXT NOT NULL DEFAULT '',
    result       TEXT NOT NULL DEFAULT '',
    handled_at   BIGINT,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX reports_created ON reports (created_at, id);
CREATE INDEX reports_state ON reports (state, due_at);

-- Attempts to file a report, by a one-way hash of the client's address,
-- for the rate limit every node shares; rows older than the window go.
CREATE TABLE report_hits (
    who  TEXT NOT NULL,
    at   BIGINT NOT NULL
);
CREATE INDEX report_hits_who ON report_hits (who, at);
CREATE INDEX report_hits_at ON report_hits (at);
