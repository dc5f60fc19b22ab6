-- Events: one row each, keyed by the id the product forms (startTime:name[:n]). Reads go by start
-- time (the time-range list, search, related events), by alert, and the sweep by end. The fields
-- that are only read whole (annotations, hosts, tags, dimensions, alert tags, metrics) are one
-- JSON document; a change replaces the row if it still has the version it read.
CREATE TABLE events (
    id TEXT COLLATE "C" PRIMARY KEY,
    start_ms BIGINT NOT NULL,
    end_ms BIGINT,
    name TEXT NOT NULL,
    origin TEXT NOT NULL,
    alert_id TEXT,
    doc TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    creator TEXT NOT NULL,
    updated_ms BIGINT NOT NULL,
    updater TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX events_by_start ON events (start_ms, id);
CREATE INDEX events_by_alert ON events (alert_id, start_ms) WHERE alert_id IS NOT NULL;
CREATE INDEX events_open_by_origin ON events (origin, start_ms) WHERE end_ms IS NULL;
