-- The whole schema on PostgreSQL, equal to migrations/sqlite/0001..0007 (the
-- SQLite history is longer because its databases existed before this one).
-- Integers are BIGINT throughout (Gazette reads every integer as i64); times
-- are epoch seconds (UTC); JSON stays TEXT, as on SQLite, because the same
-- queries serve both backends.

CREATE TABLE sites (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    prefix      TEXT NOT NULL UNIQUE,
    host        TEXT UNIQUE,
    sort        BIGINT NOT NULL DEFAULT 0,
    settings    TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE channels (
    id            BIGSERIAL PRIMARY KEY,
    site_id       TEXT NOT NULL REFERENCES sites(id),
    path          TEXT NOT NULL,
    name          TEXT NOT NULL,
    sort          BIGINT NOT NULL DEFAULT 0,
    page_size     BIGINT NOT NULL DEFAULT 20,
    review_levels BIGINT NOT NULL DEFAULT 3,
    live_count    BIGINT NOT NULL DEFAULT 0,
    UNIQUE (site_id, path)
);

CREATE TABLE articles (
    id            BIGSERIAL PRIMARY KEY,
    site_id       TEXT NOT NULL REFERENCES sites(id),
    channel_id    BIGINT NOT NULL REFERENCES channels(id),
    title         TEXT NOT NULL,
    short_title   TEXT,
    subtitle      TEXT,
    byline        TEXT NOT NULL DEFAULT '[]',
    source        TEXT NOT NULL DEFAULT '',
    reprint       TEXT,
    editor        TEXT NOT NULL DEFAULT '',
    body_html     TEXT NOT NULL DEFAULT '',
    summary       TEXT NOT NULL DEFAULT '',
    tags          TEXT NOT NULL DEFAULT '[]',
    status        TEXT NOT NULL DEFAULT 'draft',
    signed_at     BIGINT,
    signed_by     TEXT,
    published_at  BIGINT,
    url_path      TEXT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    version       BIGINT NOT NULL DEFAULT 1,
    work          TEXT NOT NULL DEFAULT '{"state":"idle"}',
    author_id     BIGINT,
    work_revision BIGINT,
    corrections   TEXT NOT NULL DEFAULT '[]',
    cycle_started BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX articles_url ON articles (site_id, url_path);
CREATE INDEX articles_status ON articles (status, updated_at);
CREATE INDEX articles_author ON articles (author_id, updated_at);
CREATE INDEX articles_site_live ON articles (site_id, status, signed_at DESC, id DESC);
CREATE INDEX articles_live_signed ON articles (status, signed_at DESC);
CREATE INDEX articles_live_id ON articles (status, id);

CREATE TABLE article_channels (
    article_id  BIGINT NOT NULL REFERENCES articles(id),
    channel_id  BIGINT NOT NULL REFERENCES channels(id),
    PRIMARY KEY (article_id, channel_id)
);

CREATE TABLE listings (
    channel_id  BIGINT NOT NULL,
    article_id  BIGINT NOT NULL,
    sort_at     BIGINT NOT NULL,
    PRIMARY KEY (channel_id, article_id)
);
CREATE INDEX listings_order ON listings (channel_id, sort_at DESC, article_id DESC);
CREATE INDEX listings_article ON listings (article_id);

CREATE TABLE tag_listings (
    tag         TEXT NOT NULL,
    article_id  BIGINT NOT NULL,
    sort_at     BIGINT NOT NULL,
    PRIMARY KEY (tag, article_id)
);
CREATE INDEX tag_listings_order ON tag_listings (tag, sort_at DESC, article_id DESC);
CREATE INDEX tag_listings_article ON tag_listings (article_id);

CREATE TABLE slots (
    id       BIGSERIAL PRIMARY KEY,
    site_id  TEXT NOT NULL REFERENCES sites(id),
    key      TEXT NOT NULL,
    name     TEXT NOT NULL,
    UNIQUE (site_id, key)
);
CREATE TABLE slot_items (
    slot_id     BIGINT NOT NULL REFERENCES slots(id),
    position    BIGINT NOT NULL,
    article_id  BIGINT NOT NULL REFERENCES articles(id),
    PRIMARY KEY (slot_id, article_id)
);
CREATE INDEX slot_items_order ON slot_items (slot_id, position);

-- The change log (DESIGN.md §1). Writers take one advisory lock before they
-- write (see db/postgres), so seqs commit in order and `seq > cursor` never
-- skips a row that commits late; each commit also NOTIFYs `gazette_changes`.
CREATE TABLE changes (
    seq         BIGSERIAL PRIMARY KEY,
    at          BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    site_id     TEXT,
    article_id  BIGINT,
    keys        TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE users (
    id                  BIGSERIAL PRIMARY KEY,
    username            TEXT NOT NULL UNIQUE,
    display_name        TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    roles               TEXT NOT NULL DEFAULT '[]',
    scopes              TEXT NOT NULL DEFAULT '[]',
    active              BIGINT NOT NULL DEFAULT 1,
    created_at          BIGINT NOT NULL,
    password_changed_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    csrf        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE revisions (
    id          BIGSERIAL PRIMARY KEY,
    article_id  BIGINT NOT NULL REFERENCES articles(id),
    number      BIGINT NOT NULL,
    content     TEXT NOT NULL,
    author_id   BIGINT,
    author      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (article_id, number)
);

-- The publication record: append-only, enforced by the database.
CREATE TABLE audit (
    id          BIGSERIAL PRIMARY KEY,
    article_id  BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    actor_id    BIGINT,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_state  TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    level       BIGINT,
    opinion     TEXT NOT NULL DEFAULT '',
    revision_id BIGINT,
    title       TEXT NOT NULL DEFAULT '',
    url         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_article ON audit (article_id, id);
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit records cannot be changed or deleted';
END;
$$;
CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

CREATE TABLE jobs (
    id            BIGSERIAL PRIMARY KEY,
    kind          TEXT NOT NULL,
    key           TEXT NOT NULL,
    run_at        BIGINT NOT NULL,
    attempts      BIGINT NOT NULL DEFAULT 0,
    claimed_until BIGINT,
    claimed_by    TEXT,
    done_at       BIGINT,
    last_error    TEXT
);
CREATE INDEX jobs_due ON jobs (done_at, run_at);

CREATE TABLE sensitive_words (
    id          BIGSERIAL PRIMARY KEY,
    word        TEXT NOT NULL UNIQUE,
    category    TEXT NOT NULL DEFAULT '',
    severity    TEXT NOT NULL DEFAULT 'warn',
    created_at  BIGINT NOT NULL
);

CREATE TABLE exports (
    id       BIGSERIAL PRIMARY KEY,
    out_dir  TEXT NOT NULL UNIQUE,
    cursor   BIGINT NOT NULL DEFAULT 0,
    complete BIGINT NOT NULL DEFAULT 0,
    built_at BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE export_deps (
    export_id BIGINT NOT NULL REFERENCES exports (id) ON DELETE CASCADE,
    dep       TEXT NOT NULL,
    path      TEXT NOT NULL,
    PRIMARY KEY (export_id, dep, path)
);
CREATE INDEX export_deps_by_path ON export_deps (export_id, path);
