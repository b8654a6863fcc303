-- Pictures (issue 14): the image library, which stories use which picture,
-- story kinds with their parts, and list styles (text or 图文).

-- Every upload: the original's media key, its size, the words given to it,
-- the focal point the crops follow, and what the variant job made
-- (`domain::picture::Made` as JSON, NULL until it ran). One row per file
-- per site (the site whose stories may use it); the same file uploaded for
-- the same site again is the same picture.
CREATE TABLE images (
    id          INTEGER PRIMARY KEY,
    site_id     TEXT NOT NULL,
    key         TEXT NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    bytes       BIGINT NOT NULL,
    mime        TEXT NOT NULL,
    caption     TEXT NOT NULL DEFAULT '',
    credit      TEXT NOT NULL DEFAULT '',
    alt         TEXT NOT NULL DEFAULT '',
    focal_x     INTEGER NOT NULL DEFAULT 50,
    focal_y     INTEGER NOT NULL DEFAULT 50,
    animated    INTEGER NOT NULL DEFAULT 0,
    made        TEXT,
    uploader_id BIGINT,
    uploader    TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (site_id, key)
);
CREATE INDEX images_recent ON images (site_id, created_at, id);
CREATE INDEX images_key ON images (key);

-- Which stories use a picture (题图, gallery, body), from every saved
-- revision and the live text.
CREATE TABLE image_uses (
    image_id    BIGINT NOT NULL,
    article_id  BIGINT NOT NULL,
    PRIMARY KEY (image_id, article_id)
);
CREATE INDEX image_uses_article ON image_uses (article_id);

-- The kind (`domain::kind::Kind`), its parts as JSON, and for lists the
-- cover picture and a gallery's picture count.
ALTER TABLE articles ADD COLUMN kind TEXT NOT NULL DEFAULT 'text';
ALTER TABLE articles ADD COLUMN parts TEXT NOT NULL DEFAULT '{}';
ALTER TABLE articles ADD COLUMN cover BIGINT;
ALTER TABLE articles ADD COLUMN pictures INTEGER NOT NULL DEFAULT 0;

-- How a channel's pages and home block list stories, and a slot's block.
ALTER TABLE channels ADD COLUMN list_style TEXT NOT NULL DEFAULT 'text';
ALTER TABLE slots ADD COLUMN style TEXT NOT NULL DEFAULT 'text';
