-- The newsroom: accounts, sessions, revisions, the workflow's working side,
-- the append-only audit record, background jobs, sensitive words.

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    username            TEXT NOT NULL UNIQUE,
    display_name        TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    roles               TEXT NOT NULL DEFAULT '[]',   -- JSON ["editor", "reviewer:2", ...]
    scopes              TEXT NOT NULL DEFAULT '[]',   -- JSON [{site_id, channel_path}]
    active              INTEGER NOT NULL DEFAULT 1,
    created_at          BIGINT NOT NULL,
    password_changed_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,                     -- SHA-256 of the cookie value
    user_id     BIGINT NOT NULL REFERENCES users(id),
    csrf        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- The working side of the workflow (DESIGN.md §5); status stays the public side.
ALTER TABLE articles ADD COLUMN work TEXT NOT NULL DEFAULT '{"state":"idle"}';
ALTER TABLE articles ADD COLUMN author_id BIGINT;
ALTER TABLE articles ADD COLUMN work_revision BIGINT;
ALTER TABLE articles ADD COLUMN corrections TEXT NOT NULL DEFAULT '[]';  -- JSON [{at, text}]
ALTER TABLE articles ADD COLUMN cycle_started BIGINT NOT NULL DEFAULT 0;  -- audit id where the review cycle began
CREATE INDEX articles_author ON articles (author_id, updated_at);

-- Every save is a revision.
CREATE TABLE revisions (
    id          INTEGER PRIMARY KEY,
    article_id  BIGINT NOT NULL REFERENCES articles(id),
    number      INTEGER NOT NULL,
    content     TEXT NOT NULL,                        -- JSON: every editable field
    author_id   BIGINT,
    author      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (article_id, number)
);

-- The publication record: who did what, when, to which story. Append-only.
CREATE TABLE audit (
    id          INTEGER PRIMARY KEY,
    article_id  BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    actor_id    BIGINT,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_state  TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    level       INTEGER,
    opinion     TEXT NOT NULL DEFAULT '',
    revision_id BIGINT,
    title       TEXT NOT NULL DEFAULT '',
    url         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_article ON audit (article_id, id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit records cannot be changed'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit records cannot be deleted'); END;

-- Jobs are rows (DESIGN.md §6).
CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    key           TEXT NOT NULL,
    run_at        BIGINT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    claimed_until BIGINT,
    done_at       BIGINT,
    last_error    TEXT
);
CREATE INDEX jobs_due ON jobs (done_at, run_at);

CREATE TABLE sensitive_words (
    id          INTEGER PRIMARY KEY,
    word        TEXT NOT NULL UNIQUE,
    category    TEXT NOT NULL DEFAULT '',
    severity    TEXT NOT NULL DEFAULT 'warn',          -- warn | block
    created_at  BIGINT NOT NULL
);
