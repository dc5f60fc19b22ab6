-- Alert targets (notificants): one row each, keyed by a 16-character id. triggers is a JSON
-- array of trigger names, custom_http_headers a JSON object, routes a JSON array of
-- {method, target, key, value}; email_subject is NULL when the subject is composed.
CREATE TABLE notificants (
    id TEXT COLLATE "C" PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    method TEXT NOT NULL,
    recipient TEXT NOT NULL,
    template TEXT NOT NULL,
    triggers TEXT NOT NULL,
    content_type TEXT NOT NULL,
    custom_http_headers TEXT NOT NULL,
    email_subject TEXT,
    is_html_content BOOLEAN NOT NULL,
    routes TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    creator TEXT NOT NULL,
    updated_ms BIGINT NOT NULL,
    updater TEXT NOT NULL
);
