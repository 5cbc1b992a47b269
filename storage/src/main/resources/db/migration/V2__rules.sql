-- Alert rules, the source of truth; each change is also published to the compacted alert-rules topic.
-- definition: the rule in the rule-file format (RuleFiles.toMap), so the API, the topic and rule files agree.
CREATE TABLE rules (
    id          text        PRIMARY KEY,
    definition  jsonb       NOT NULL,
    version     integer     NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
