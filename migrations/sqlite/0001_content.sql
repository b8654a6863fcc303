-- Content model: sites, channels, articles, listings, slots, and the change log.
-- Times are epoch seconds (UTC); display code converts to China Standard Time.

CREATE TABLE sites (
    id          TEXT PRIMARY KEY,            -- slug: main, bincheng, ...
    name        TEXT NOT NULL,
    prefix      TEXT NOT NULL UNIQUE,        -- '/', '/bincheng/'
    host        TEXT UNIQUE,                 -- optional host name
    sort        INTEGER NOT NULL DEFAULT 0,
    settings    TEXT NOT NULL DEFAULT '{}'   -- JSON: footer facts, blocks
);

CREATE TABLE channels (
    id            INTEGER PRIMARY KEY,
    site_id       TEXT NOT NULL REFERENCES sites(id),
    path          TEXT NOT NULL,             -- zw, zw/yw
    name          TEXT NOT NULL,
    sort          INTEGER NOT NULL DEFAULT 0,
    page_size     INTEGER NOT NULL DEFAULT 20,
    review_levels INTEGER NOT NULL DEFAULT 3,
    UNIQUE (site_id, path)
);

CREATE TABLE articles (
    id            INTEGER PRIMARY KEY,
    site_id       TEXT NOT NULL REFERENCES sites(id),
    channel_id    INTEGER NOT NULL REFERENCES channels(id),
    title         TEXT NOT NULL,
    short_title   TEXT,
    subtitle      TEXT,
    byline        TEXT NOT NULL DEFAULT '[]',   -- JSON [{role, name}] in print order
    source        TEXT NOT NULL DEFAULT '',
    reprint       TEXT,                          -- JSON {source, author, title, url}
    editor        TEXT NOT NULL DEFAULT '',
    body_html     TEXT NOT NULL DEFAULT '',      -- sanitized once on the way in
    summary       TEXT NOT NULL DEFAULT '',
    tags          TEXT NOT NULL DEFAULT '[]',    -- JSON [string]
    status        TEXT NOT NULL DEFAULT 'draft',
    signed_at     BIGINT,
    signed_by     TEXT,
    published_at  BIGINT,
    url_path      TEXT,                          -- fixed at first publication
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    version       BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX articles_url ON articles (site_id, url_path);
CREATE INDEX articles_status ON articles (status, updated_at);

-- Extra channels a story is also published in (the primary one is articles.channel_id).
CREATE TABLE article_channels (
    article_id  BIGINT NOT NULL REFERENCES articles(id),
    channel_id  BIGINT NOT NULL REFERENCES channels(id),
    PRIMARY KEY (article_id, channel_id)
);

-- What each channel list shows: one row per live story per channel it is listed
-- in, its ancestors included, so a list page is one index range scan.
CREATE TABLE listings (
    channel_id  BIGINT NOT NULL,
    article_id  BIGINT NOT NULL,
    sort_at     BIGINT NOT NULL,                 -- the story's signed_at
    PRIMARY KEY (channel_id, article_id)
);
CREATE INDEX listings_order ON listings (channel_id, sort_at DESC, article_id DESC);
CREATE INDEX listings_article ON listings (article_id);

-- Curated, ordered lists (推荐位) such as 头条 and 焦点.
CREATE TABLE slots (
    id       INTEGER PRIMARY KEY,
    site_id  TEXT NOT NULL REFERENCES sites(id),
    key      TEXT NOT NULL,                      -- toutiao, jiaodian
    name     TEXT NOT NULL,                      -- 滨州头条
    UNIQUE (site_id, key)
);
CREATE TABLE slot_items (
    slot_id     BIGINT NOT NULL REFERENCES slots(id),
    position    INTEGER NOT NULL,
    article_id  BIGINT NOT NULL REFERENCES articles(id),
    PRIMARY KEY (slot_id, article_id)
);
CREATE INDEX slot_items_order ON slot_items (slot_id, position);

-- The change log (DESIGN.md §1): every committed content change appends rows here
-- in the same transaction; caches, the search index and static builds follow it.
CREATE TABLE changes (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    at          BIGINT NOT NULL,
    kind        TEXT NOT NULL,                   -- publish, edit, withdraw, slot, site, import
    site_id     TEXT,
    article_id  BIGINT,
    keys        TEXT NOT NULL DEFAULT '[]'       -- JSON: page dependency keys touched
);
