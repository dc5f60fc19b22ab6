-- Alerts: the user's document as JSON (unmodelled fields kept), the latest version's number,
-- bookkeeping, the ACL (JSON {canView, canModify}), the snooze (epoch ms, negative for ever) and
-- the evaluator's runtime state (JSON), written without a version. trashed_ms is the shared
-- trash's column. alert_versions keeps the last 100 documents of each alert.
CREATE TABLE alerts (
    id TEXT COLLATE "C" PRIMARY KEY,
    document TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_ms BIGINT NOT NULL,
    creator TEXT NOT NULL,
    updated_ms BIGINT NOT NULL,
    updater TEXT NOT NULL,
    trashed_ms BIGINT,
    acl TEXT NOT NULL,
    snoozed BIGINT,
    runtime TEXT NOT NULL
);
CREATE TABLE alert_versions (
    alert_id TEXT COLLATE "C" NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    document TEXT NOT NULL,
    update_user TEXT NOT NULL,
    update_time BIGINT NOT NULL,
    change TEXT NOT NULL,
    PRIMARY KEY (alert_id, version)
);
-- Maintenance windows: what the user set (JSON, times in epoch seconds) and bookkeeping; no
-- trash, no versions.
CREATE TABLE maintenance_windows (
    id TEXT COLLATE "C" PRIMARY KEY,
    spec TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    creator TEXT NOT NULL,
    updated_ms BIGINT NOT NULL,
    updater TEXT NOT NULL
);
