-- A channel's feeds carry each story's full text unless the channel opts
-- out (1: the summary only), issue 25.
ALTER TABLE channels ADD COLUMN feed_summary BIGINT NOT NULL DEFAULT 0;
