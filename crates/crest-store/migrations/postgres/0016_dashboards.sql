-- Dashboards: the user's JSON whole (unmodelled fields kept), its id (= its URL slug), the latest
-- version's number, bookkeeping, and the ACL (JSON {canView, canModify}). trashed_ms is the shared
-- trash's column. dashboard_versions keeps the last 100 documents of each id and outlives the
-- dashboard (its history stays readable after a delete for good), so it has no foreign key; its
-- acl column follows the dashboard's, so the history is read under the ACL it last had.
-- dashboard_favorites holds who marked which dashboard.
CREATE TABLE dashboards (
    id TEXT COLLATE "C" PRIMARY KEY,
    document TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_ms BIGINT NOT NULL,
    creator TEXT NOT NULL,
    updated_ms BIGINT NOT NULL,
    updater TEXT NOT NULL,
    trashed_ms BIGINT,
    acl TEXT NOT NULL
);
CREATE TABLE dashboard_versions (
    dashboard_id TEXT COLLATE "C" NOT NULL,
    version BIGINT NOT NULL,
    document TEXT NOT NULL,
    update_user TEXT NOT NULL,
    update_time BIGINT NOT NULL,
    change TEXT NOT NULL,
    acl TEXT NOT NULL,
    PRIMARY KEY (dashboard_id, version)
);
CREATE TABLE dashboard_favorites (
    dashboard_id TEXT COLLATE "C" NOT NULL REFERENCES dashboards (id) ON DELETE CASCADE,
    account TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (dashboard_id, account)
);
