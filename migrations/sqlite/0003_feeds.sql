-- Feeds and sitemaps read the newest live stories of a site (or of all
-- sites), and all live stories in id order: indexes, not scans.
CREATE INDEX articles_site_live ON articles (site_id, status, signed_at DESC, id DESC);
CREATE INDEX articles_live_signed ON articles (status, signed_at DESC);
CREATE INDEX articles_live_id ON articles (status, id);
