-- The AI API hub's tables: accounts, their API keys, login sessions, per-request usage and the hub's own metrics.
CREATE TABLE users (
    id          bigserial   PRIMARY KEY,
    email       text        NOT NULL,
    name        text        NOT NULL,
    plan        text        NOT NULL DEFAULT 'free',
    is_active   boolean     NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    id           bigserial   PRIMARY KEY,
    user_id      bigint      NOT NULL REFERENCES users (id),
    key_hash     text        NOT NULL,
    name         text        NOT NULL,
    is_active    boolean     NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz
);

CREATE TABLE sessions (
    id          bigserial   PRIMARY KEY,
    user_id     bigint      NOT NULL REFERENCES users (id),
    token_hash  text        NOT NULL,
    user_agent  text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);

CREATE TABLE usage_records (
    id                bigserial   PRIMARY KEY,
    user_id           bigint      NOT NULL REFERENCES users (id),
    api_key_id        bigint      REFERENCES api_keys (id),
    model             text        NOT NULL,
    endpoint          text        NOT NULL,
    prompt_tokens     integer     NOT NULL,
    completion_tokens integer     NOT NULL,
    cost_usd          numeric(12, 6) NOT NULL,
    latency_ms        integer     NOT NULL,
    status            smallint    NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE performance_metrics (
    id          bigserial        PRIMARY KEY,
    metric_name text             NOT NULL,
    value       double precision NOT NULL,
    labels      jsonb            NOT NULL DEFAULT '{}',
    timestamp   timestamptz      NOT NULL DEFAULT now()
);
