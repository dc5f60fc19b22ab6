-- A user's password, as an Argon2id PHC string; NULL until one is set. Browser sessions that
-- started before sessions_ended_ms are no longer valid (a forced logout).
ALTER TABLE accounts ADD COLUMN password_hash TEXT;
ALTER TABLE accounts ADD COLUMN sessions_ended_ms BIGINT;
