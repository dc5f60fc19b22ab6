-- Browser sessions: the SHA-256 digest of the cookie's secret (never the secret), whose account it
-- is, when it started and was last used (for the absolute and idle expiry), and whether a Super
-- Admin switched Super Admin mode on in it. Ending an account's sessions deletes its rows.
CREATE TABLE sessions (
    digest BLOB PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_ms BIGINT NOT NULL,
    seen_ms BIGINT NOT NULL,
    super_admin_mode INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_by_account ON sessions (account_id);
CREATE INDEX sessions_by_seen ON sessions (seen_ms);
