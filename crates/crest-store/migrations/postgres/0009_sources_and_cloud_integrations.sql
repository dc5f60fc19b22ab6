-- Sources and their metadata (tags, description), cloud integrations (with the trash) and AWS
-- external ids. Folded columns hold the lower-cased text that case-insensitive search compares;
-- prefix searches read them as index ranges.
CREATE TABLE sources (
    id TEXT COLLATE "C" PRIMARY KEY,
    name_folded TEXT COLLATE "C" NOT NULL,
    description TEXT,
    description_folded TEXT COLLATE "C",
    created_ms BIGINT NOT NULL,
    creator TEXT NOT NULL,
    updated_ms BIGINT NOT NULL,
    updater TEXT NOT NULL,
    marked_new_ms BIGINT
);
CREATE INDEX sources_by_name ON sources (name_folded, id);

CREATE TABLE source_tags (
    source_id TEXT COLLATE "C" NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    tag_folded TEXT COLLATE "C" NOT NULL,
    -- A source holds a tag once, whatever its case: search reads tags ignoring case.
    PRIMARY KEY (source_id, tag_folded)
);
CREATE INDEX source_tags_by_tag ON source_tags (tag_folded, source_id);

CREATE TABLE cloud_integrations (
    id TEXT COLLATE "C" PRIMARY KEY,
    name TEXT NOT NULL,
    service TEXT NOT NULL,
    settings TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_ms BIGINT NOT NULL,
    creator TEXT NOT NULL,
    updated_ms BIGINT NOT NULL,
    updater TEXT NOT NULL,
    trashed_ms BIGINT
);
CREATE INDEX cloud_integrations_trashed ON cloud_integrations (trashed_ms);

CREATE TABLE aws_external_ids (
    id TEXT COLLATE "C" PRIMARY KEY,
    created_ms BIGINT NOT NULL,
    creator TEXT NOT NULL
);
