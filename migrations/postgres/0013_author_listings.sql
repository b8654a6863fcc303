-- See migrations/sqlite/0019_author_listings.sql.
CREATE TABLE author_listings (
    name        TEXT NOT NULL,
    article_id  BIGINT NOT NULL,
    sort_at     BIGINT NOT NULL,
    PRIMARY KEY (name, article_id)
);
CREATE INDEX author_listings_order ON author_listings (name, sort_at DESC, article_id DESC);
CREATE INDEX author_listings_article ON author_listings (article_id);

INSERT INTO author_listings (name, article_id, sort_at)
SELECT DISTINCT trim(j->>'name'), a.id, a.signed_at
FROM articles a, jsonb_array_elements(a.byline::jsonb) j
WHERE a.status = 'published' AND a.signed_at IS NOT NULL AND a.kind <> 'page'
  AND trim(COALESCE(j->>'name', '')) <> ''
ON CONFLICT DO NOTHING;
