-- The compatibility setting that makes tokens retrievable: a token's secret sealed with the
-- operator's key (nonce and ChaCha20-Poly1305 ciphertext); NULL when the setting was off.
ALTER TABLE api_tokens ADD COLUMN sealed_secret BLOB;
