-- When a later revision of a live story went live (its sign-off): shown as 更新
-- on the page and as the modification time in JSON-LD, feeds and sitemaps. The
-- first sign-off keeps the story's 签发日期 and its place in every list.
ALTER TABLE articles ADD COLUMN revised_at BIGINT;
