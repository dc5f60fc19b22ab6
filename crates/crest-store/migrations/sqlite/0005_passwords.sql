-- A user's password, as an Argon2id PHC string; NULL until one is set.
ALTER TABLE accounts ADD COLUMN password_hash TEXT;
