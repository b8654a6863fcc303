-- Live stories by the people of their byline (any role: 记者, 通讯员, 摄影,
-- 编辑), newest first: the author pages (`author/{name}/`, issue 25). Kept in
-- step with the story by the transaction that writes it, like `tag_listings`.
CREATE TABLE author_listings (
    name        TEXT NOT NULL,
    article_id  BIGINT NOT NULL,
    sort_at     BIGINT NOT NULL,                 -- the story's signed_at
    PRIMARY KEY (name, article_id)
);
CREATE INDEX author_listings_order ON author_listings (name, sort_at DESC, article_id DESC);
CREATE INDEX author_listings_article ON author_listings (article_id);

INSERT OR IGNORE INTO author_listings (name, article_id, sort_at)
SELECT DISTINCT trim(json_extract(j.value, '$.name')), a.id, a.signed_at
FROM articles a, json_each(a.byline) j
WHERE a.status = 'published' AND a.signed_at IS NOT NULL AND a.kind <> 'page'
  AND trim(COALESCE(json_extract(j.value, '$.name'), '')) <> '';
