-- See migrations/sqlite/0013_pictures.sql.
CREATE TABLE images (
    id          BIGSERIAL PRIMARY KEY,
    site_id     TEXT NOT NULL,
    key         TEXT NOT NULL,
    width       BIGINT NOT NULL,
    height      BIGINT NOT NULL,
    bytes       BIGINT NOT NULL,
    mime        TEXT NOT NULL,
    caption     TEXT NOT NULL DEFAULT '',
    credit      TEXT NOT NULL DEFAULT '',
    alt         TEXT NOT NULL DEFAULT '',
    focal_x     BIGINT NOT NULL DEFAULT 50,
    focal_y     BIGINT NOT NULL DEFAULT 50,
    animated    BIGINT NOT NULL DEFAULT 0,
    made        TEXT,
    uploader_id BIGINT,
    uploader    TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (site_id, key)
);
CREATE INDEX images_recent ON images (site_id, created_at, id);
CREATE INDEX images_key ON images (key);

CREATE TABLE image_uses (
    image_id    BIGINT NOT NULL,
    article_id  BIGINT NOT NULL,
    PRIMARY KEY (image_id, article_id)
);
CREATE INDEX image_uses_article ON image_uses (article_id);

ALTER TABLE articles ADD COLUMN kind TEXT NOT NULL DEFAULT 'text';
ALTER TABLE articles ADD COLUMN parts TEXT NOT NULL DEFAULT '{}';
ALTER TABLE articles ADD COLUMN cover BIGINT;
ALTER TABLE articles ADD COLUMN pictures BIGINT NOT NULL DEFAULT 0;

ALTER TABLE channels ADD COLUMN list_style TEXT NOT NULL DEFAULT 'text';
ALTER TABLE slots ADD COLUMN style TEXT NOT NULL DEFAULT 'text';
