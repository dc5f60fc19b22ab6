-- The identity service for onboarded subscriptions: signing keys, server-to-server apps and
-- organization API tokens (secrets as SHA-256 digests). The organization's id is in meta.
CREATE TABLE csp_signing_keys (
    kid TEXT PRIMARY KEY,
    private_pem TEXT NOT NULL,
    created_ms BIGINT NOT NULL
);

CREATE TABLE csp_apps (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    roles TEXT NOT NULL DEFAULT '',
    ttl_minutes INTEGER NOT NULL,
    secret_digest BLOB NOT NULL,
    generation BIGINT NOT NULL,
    created_ms BIGINT NOT NULL
);

CREATE TABLE csp_api_tokens (
    id TEXT PRIMARY KEY,
    digest BLOB NOT NULL UNIQUE,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL DEFAULT '',
    roles TEXT NOT NULL DEFAULT '',
    created_ms BIGINT NOT NULL,
    expires_ms BIGINT,
    revoked_ms BIGINT
);
