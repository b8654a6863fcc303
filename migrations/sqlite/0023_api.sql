-- The content API (issue 27): keys an administrator hands to apps (only
-- their SHA-256 is kept), each scoped to sites and limited per minute, and
-- the minute counters every node claims its share of the limit from.
CREATE TABLE api_keys (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    digest        TEXT NOT NULL UNIQUE,       -- hex SHA-256 of the key
    shown         TEXT NOT NULL,              -- its first characters, to tell keys apart
    sites         TEXT NOT NULL,              -- JSON array of site ids; [] = every site
    per_minute    BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    created_by    TEXT NOT NULL,
    revoked_at    BIGINT,
    revoked_by    TEXT,
    last_used_at  BIGINT
);
CREATE TABLE api_usage (
    key_id  BIGINT NOT NULL,
    minute  BIGINT NOT NULL,                  -- minutes since the epoch
    used    BIGINT NOT NULL,                  -- requests granted to nodes this minute
    PRIMARY KEY (key_id, minute)
);
-- the API's list by update time (a correction or 更新, else the 签发)
CREATE INDEX articles_api_updated ON articles (COALESCE(revised_at, signed_at), id) WHERE status = 'published';
