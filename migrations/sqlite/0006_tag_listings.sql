-- Live stories by tag (话题), newest first. A story's 相关新闻 are the newest
-- earlier stories sharing its tags: one index range per tag, the same answer
-- whenever it is asked (later stories never enter an earlier story's list),
-- so the live site and the static export agree. Kept in step with the story
-- by the transaction that writes it, like `listings`.
CREATE TABLE tag_listings (
    tag         TEXT NOT NULL,
    article_id  BIGINT NOT NULL,
    sort_at     BIGINT NOT NULL,                 -- the story's signed_at
    PRIMARY KEY (tag, article_id)
);
CREATE INDEX tag_listings_order ON tag_listings (tag, sort_at DESC, article_id DESC);
CREATE INDEX tag_listings_article ON tag_listings (article_id);

INSERT OR IGNORE INTO tag_listings (tag, article_id, sort_at)
SELECT DISTINCT trim(j.value), a.id, a.signed_at
FROM articles a, json_each(a.tags) j
WHERE a.status = 'published' AND a.signed_at IS NOT NULL
  AND j.type = 'text' AND trim(j.value) <> '';
