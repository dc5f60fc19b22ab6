-- User groups and their members, with the two system groups every account belongs to.
CREATE TABLE user_groups (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    system BOOLEAN NOT NULL DEFAULT FALSE,
    created_ms BIGINT NOT NULL
);

CREATE TABLE user_group_members (
    group_id TEXT NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, account_id)
);

CREATE INDEX user_group_members_by_account ON user_group_members (account_id);

INSERT INTO user_groups (id, name, description, system, created_ms) VALUES
    ('2f4c6a1e-5b0d-4c8e-9a31-000000000001', 'Everyone', 'Every user account', TRUE, 0),
    ('2f4c6a1e-5b0d-4c8e-9a31-000000000002', 'Service Accounts', 'Every service account', TRUE, 0);

INSERT INTO user_group_members (group_id, account_id)
    SELECT '2f4c6a1e-5b0d-4c8e-9a31-000000000001', id FROM accounts WHERE kind = 'user';
INSERT INTO user_group_members (group_id, account_id)
    SELECT '2f4c6a1e-5b0d-4c8e-9a31-000000000002', id FROM accounts WHERE kind = 'service';
