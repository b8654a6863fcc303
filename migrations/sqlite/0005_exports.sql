-- The static exports `gazette build` keeps up to date: for each output
-- directory, the change-log position it reflects and, for each file written,
-- the dependency keys its page read (DESIGN.md §2), so `--incremental`
-- rewrites exactly the files a change affects.
CREATE TABLE exports (
    id INTEGER PRIMARY KEY,
    out_dir TEXT NOT NULL UNIQUE,
    -- change-log seq the files reflect
    cursor BIGINT NOT NULL DEFAULT 0,
    -- 0 while a full build runs: its dependency rows are not all written yet
    complete INTEGER NOT NULL DEFAULT 0,
    built_at BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE export_deps (
    export_id INTEGER NOT NULL REFERENCES exports (id) ON DELETE CASCADE,
    dep TEXT NOT NULL,
    path TEXT NOT NULL,
    PRIMARY KEY (export_id, dep, path)
) WITHOUT ROWID;

CREATE INDEX export_deps_by_path ON export_deps (export_id, path);
