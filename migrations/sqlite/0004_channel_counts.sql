-- How many live stories each channel lists, kept in step with `listings` by the
-- same transaction, so a channel page never counts its rows (O(1) at any size).
ALTER TABLE channels ADD COLUMN live_count BIGINT NOT NULL DEFAULT 0;
UPDATE channels SET live_count = (SELECT COUNT(*) FROM listings WHERE listings.channel_id = channels.id);
