-- One-off facts about this installation, e.g. that the default rules were loaded once (name = 'default_rules_loaded').
CREATE TABLE settings (
    name        text        PRIMARY KEY,
    value       text        NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
