-- Which node holds a job's claim, so a node shutting down gives its claims
-- back at once instead of leaving them to expire.
ALTER TABLE jobs ADD COLUMN claimed_by TEXT;
