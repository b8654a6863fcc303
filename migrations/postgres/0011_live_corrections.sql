-- A correction to a public live entry is a new version that another
-- editor approves before readers see it (先审后发, as for the first
-- version): the proposed text, its note and who proposed it wait here.
ALTER TABLE live_entries ADD COLUMN proposed_html TEXT;
ALTER TABLE live_entries ADD COLUMN proposed_note TEXT NOT NULL DEFAULT '';
ALTER TABLE live_entries ADD COLUMN proposed_by_id BIGINT;
ALTER TABLE live_entries ADD COLUMN proposed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE live_entries ADD COLUMN proposed_at BIGINT;
-- what waits for the live desk's editors (their 待我审核 count): entries
-- not yet approved and corrections not yet approved, found without a scan
CREATE INDEX live_entries_waiting ON live_entries (article_id)
    WHERE state = 'pending' OR proposed_html IS NOT NULL;
