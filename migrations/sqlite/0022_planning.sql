-- 策划指挥 (issue 26): 线索, 选题 with coverages, 派题, the day's 报题单,
-- 值班 and the desks' chat-robot webhooks.

-- A tip: a reader's 报料 (receipt, contact only the desk sees, kept until
-- keep_until), an editor's note, or an upcoming 活动/会议.
CREATE TABLE tips (
    id              INTEGER PRIMARY KEY,
    site_id         TEXT NOT NULL,
    kind            TEXT NOT NULL,              -- reader | note | event
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    place           TEXT NOT NULL DEFAULT '',
    starts_at       BIGINT,
    contact         TEXT,
    receipt         TEXT UNIQUE,
    nonce           TEXT UNIQUE,
    state           TEXT NOT NULL DEFAULT 'new', -- new | planned | dismissed
    reason          TEXT NOT NULL DEFAULT '',
    plan_id         BIGINT,
    created_by      BIGINT,
    created_by_name TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    keep_until      BIGINT,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX tips_site ON tips (site_id, state, created_at);

-- A 选题 (or a 报题 not yet taken: state 'pitched'). `from_site` is the
-- proposer's own site: a county pitching to the city says so.
CREATE TABLE plans (
    id            INTEGER PRIMARY KEY,
    site_id       TEXT NOT NULL,
    channel_path  TEXT NOT NULL,
    slug          TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    day           TEXT,                        -- YYYY-MM-DD; NULL undated
    priority      BIGINT NOT NULL DEFAULT 2,
    state         TEXT NOT NULL,               -- pitched | planned | declined | merged | cancelled
    reason        TEXT NOT NULL DEFAULT '',
    merged_into   BIGINT,
    tip_id        BIGINT,
    proposer_id   BIGINT,
    proposer      TEXT NOT NULL DEFAULT '',
    pitched       BIGINT NOT NULL DEFAULT 0,   -- 1: it came as a 报题
    from_site     TEXT NOT NULL,
    position      BIGINT NOT NULL DEFAULT 0,   -- its place on the day's 报题单
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    version       BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX plans_day ON plans (site_id, day, state);
CREATE INDEX plans_proposer ON plans (proposer_id);

CREATE TABLE coverages (
    id        INTEGER PRIMARY KEY,
    plan_id   BIGINT NOT NULL,
    medium    TEXT NOT NULL,                   -- text | pictures | video | live
    status    TEXT NOT NULL,                   -- planned | on_request | not_planned | cancelled
    time      TEXT NOT NULL DEFAULT '',        -- HH:MM
    note      TEXT NOT NULL DEFAULT '',
    position  BIGINT NOT NULL
);
CREATE INDEX coverages_plan ON coverages (plan_id);

-- 派题: a coverage given to a person or a desk, and the story it started.
CREATE TABLE assignments (
    id              INTEGER PRIMARY KEY,
    coverage_id     BIGINT NOT NULL,
    plan_id         BIGINT NOT NULL,
    site_id         TEXT NOT NULL,
    assignee_id     BIGINT,
    desk_site       TEXT,
    desk_channel    TEXT,
    assigned_by     TEXT NOT NULL,
    assigned_by_id  BIGINT,
    deadline        BIGINT,
    state           TEXT NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    article_id      BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX assignments_assignee ON assignments (assignee_id, state);
CREATE INDEX assignments_plan ON assignments (plan_id);
CREATE INDEX assignments_article ON assignments (article_id);

-- A day's 报题单: its version (every arrangement bumps it: a stale one is
-- refused) and its 定稿.
CREATE TABLE budgets (
    site_id   TEXT NOT NULL,
    day       TEXT NOT NULL,
    version   BIGINT NOT NULL DEFAULT 1,
    final_by  TEXT,
    final_at  BIGINT,
    PRIMARY KEY (site_id, day)
);

-- 值班: who is on duty for a site, day and shift.
CREATE TABLE roster (
    id       INTEGER PRIMARY KEY,
    site_id  TEXT NOT NULL,
    day      TEXT NOT NULL,
    shift    TEXT NOT NULL,                    -- day | early | night
    duty     TEXT NOT NULL,                    -- chief | editor
    user_id  BIGINT NOT NULL,
    UNIQUE (site_id, day, shift, duty, user_id)
);
-- Sites whose 值班总编 on duty signs for the site (代签).
CREATE TABLE roster_signs (
    site_id  TEXT PRIMARY KEY
);

-- A desk's group-chat robot (企业微信 / 钉钉) and what was sent to it: one
-- delivery per event, retried by its job until delivered or given up.
CREATE TABLE webhooks (
    id             INTEGER PRIMARY KEY,
    site_id        TEXT NOT NULL,
    channel_path   TEXT NOT NULL DEFAULT '',
    format         TEXT NOT NULL,              -- wecom | dingtalk
    url            TEXT NOT NULL,
    secret         TEXT NOT NULL DEFAULT '',
    allow_private  BIGINT NOT NULL DEFAULT 0,
    active         BIGINT NOT NULL DEFAULT 1,
    created_at     BIGINT NOT NULL
);
CREATE TABLE webhook_deliveries (
    id            INTEGER PRIMARY KEY,
    hook_id       BIGINT NOT NULL,
    text          TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    attempts      BIGINT NOT NULL DEFAULT 0,
    delivered_at  BIGINT,
    failed_at     BIGINT,
    last_error    TEXT NOT NULL DEFAULT ''
);
