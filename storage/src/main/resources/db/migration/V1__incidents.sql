-- One row per alert episode (fingerprint + start): the firing message inserts it, the resolved message updates it.
-- Upserts on (fingerprint, starts_at) make replays after a restart harmless.
CREATE TABLE incidents (
    fingerprint   text             NOT NULL,
    starts_at     timestamptz      NOT NULL,
    rule_id       text             NOT NULL,
    kind          text             NOT NULL CHECK (kind IN ('threshold', 'anomaly')),
    status        text             NOT NULL CHECK (status IN ('firing', 'resolved')),
    severity      text             NOT NULL CHECK (severity IN ('critical', 'warning', 'info')),
    metric        text             NOT NULL,
    labels        jsonb            NOT NULL,
    annotations   jsonb            NOT NULL,
    value         double precision NOT NULL,
    threshold     double precision,
    ends_at       timestamptz,
    summary       text,
    firing_id     text             NOT NULL,
    resolved_id   text,
    silenced_by   text,
    inhibited_by  text,
    updated_at    timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (fingerprint, starts_at)
);
-- GET /api/v1/alerts/incidents?hours=&status=&severity=&rule= : newest first
CREATE INDEX incidents_starts_at ON incidents (starts_at DESC);
CREATE INDEX incidents_status_starts_at ON incidents (status, starts_at DESC);
CREATE INDEX incidents_rule_starts_at ON incidents (rule_id, starts_at DESC);
CREATE INDEX incidents_open ON incidents (severity) WHERE status = 'firing';
