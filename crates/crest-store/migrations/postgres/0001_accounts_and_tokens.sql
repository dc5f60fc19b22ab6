-- Accounts, their direct permissions, API tokens (as SHA-256 digests), and instance metadata.
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('user', 'service')),
    active BOOLEAN NOT NULL,
    super_admin BOOLEAN NOT NULL DEFAULT FALSE,
    description TEXT NOT NULL DEFAULT '',
    created_ms BIGINT NOT NULL,
    updated_ms BIGINT NOT NULL
);

CREATE TABLE account_permissions (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    permission TEXT NOT NULL,
    PRIMARY KEY (account_id, permission)
);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    digest BYTEA NOT NULL UNIQUE,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL DEFAULT '',
    created_ms BIGINT NOT NULL,
    last_used_ms BIGINT,
    revoked_ms BIGINT
);

CREATE INDEX api_tokens_by_account ON api_tokens (account_id);
