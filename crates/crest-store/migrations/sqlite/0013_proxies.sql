-- Proxies: one row per wavefront-proxy that checked in, keyed by the UUID it sends in
-- X-WF-PROXY-ID. A check-in sets what the proxy reports of itself (host, names, version,
-- ephemeral, the token's account, time and drift); the operator sets the name and the shutdown
-- and truncate flags; config and rules are the JSON documents the proxy saved. trashed_ms is the
-- shared trash's column. The sweep forgets silent ephemeral proxies by their last check-in.
CREATE TABLE proxies (
    id TEXT PRIMARY KEY,
    name TEXT,
    proxyname TEXT NOT NULL,
    hostname TEXT NOT NULL,
    version TEXT NOT NULL,
    ephemeral BOOLEAN NOT NULL,
    user_id TEXT NOT NULL,
    last_check_in_ms BIGINT NOT NULL,
    time_drift_ms BIGINT NOT NULL,
    shutdown_requested BOOLEAN NOT NULL DEFAULT FALSE,
    truncate_requested BOOLEAN NOT NULL DEFAULT FALSE,
    config TEXT,
    preprocessor_rules TEXT,
    created_ms BIGINT NOT NULL,
    updated_ms BIGINT NOT NULL,
    updater TEXT NOT NULL,
    trashed_ms BIGINT
);
CREATE INDEX proxies_ephemeral_by_check_in ON proxies (last_check_in_ms) WHERE ephemeral;
