-- Derived metrics: the user's definition as JSON (unmodelled fields kept), the latest version's
-- number, bookkeeping and the runner's findings (JSON), written without a version. trashed_ms is
-- the shared trash's column. derived_metric_versions keeps the last 100 definitions of each.
CREATE TABLE derived_metrics (
    id TEXT PRIMARY KEY,
    document TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_ms BIGINT NOT NULL,
    creator TEXT NOT NULL,
    updated_ms BIGINT NOT NULL,
    updater TEXT NOT NULL,
    trashed_ms BIGINT,
    runtime TEXT NOT NULL
);
CREATE TABLE derived_metric_versions (
    derived_metric_id TEXT NOT NULL REFERENCES derived_metrics (id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    document TEXT NOT NULL,
    update_user TEXT NOT NULL,
    update_time BIGINT NOT NULL,
    change TEXT NOT NULL,
    PRIMARY KEY (derived_metric_id, version)
);
