-- See migrations/sqlite/0016_duties.sql.
ALTER TABLE articles ADD COLUMN ai TEXT NOT NULL DEFAULT '';
ALTER TABLE images ADD COLUMN ai TEXT NOT NULL DEFAULT '';
ALTER TABLE images ADD COLUMN aigc_found TEXT;
ALTER TABLE live_entries ADD COLUMN ai TEXT NOT NULL DEFAULT '';

CREATE TABLE reports (
    id           BIGSERIAL PRIMARY KEY,
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

CREATE TABLE report_hits (
    who  TEXT NOT NULL,
    at   BIGINT NOT NULL
);
CREATE INDEX report_hits_who ON report_hits (who, at);
CREATE INDEX report_hits_at ON report_hits (at);
