-- 传播效果 and 热点排行 (issue 25; issue 28 extends it): views counted by the
-- server, aggregated per story (with its site and channel) and outlet by
-- hour, added to by every node's batches; nothing about a reader is kept.
CREATE TABLE views (
    hour        BIGINT NOT NULL,            -- hours since the epoch
    article_id  BIGINT NOT NULL,
    outlet      TEXT NOT NULL,              -- web, ...
    site_id     TEXT NOT NULL,
    channel_id  BIGINT NOT NULL,
    count       BIGINT NOT NULL,
    PRIMARY KEY (hour, article_id, outlet)
);
CREATE INDEX views_site_hour ON views (site_id, hour);

-- The lists as last computed from the counts (the pages read these, so
-- every node shows the same list between two computations).
CREATE TABLE rankings (
    site_id     TEXT NOT NULL,
    channel     TEXT NOT NULL,              -- '' for the site's own list
    period      TEXT NOT NULL,              -- day | week
    position    BIGINT NOT NULL,
    article_id  BIGINT NOT NULL,
    views       BIGINT NOT NULL,
    PRIMARY KEY (site_id, channel, period, position)
);

-- An editor's removal of a story from a site's rankings, with its reason;
-- restored_at set when taken back (both acts are in the record too).
CREATE TABLE rank_removals (
    id           BIGSERIAL PRIMARY KEY,
    site_id      TEXT NOT NULL,
    article_id   BIGINT NOT NULL,
    reason       TEXT NOT NULL,
    removed_by   TEXT NOT NULL,
    removed_at   BIGINT NOT NULL,
    restored_by  TEXT,
    restored_at  BIGINT
);
CREATE INDEX rank_removals_site ON rank_removals (site_id, restored_at);

-- How far an access log was counted (`gazette views`), per outlet and host.
CREATE TABLE view_imports (
    source   TEXT PRIMARY KEY,
    last_at  BIGINT NOT NULL
);
