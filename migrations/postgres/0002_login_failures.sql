-- Failed sign-ins, in the database so every node counts the same ones (the
-- login throttle limits them per account and per client address).
CREATE TABLE login_failures (
    key TEXT NOT NULL,          -- 'u:<username>' or 'a:<address>'
    at  BIGINT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);
CREATE INDEX login_failures_at ON login_failures (at);
