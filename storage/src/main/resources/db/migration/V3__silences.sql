-- Silences; each is also published to the compacted alert-silences topic (an expired one as a tombstone).
-- matchers: a JSON list of matcher texts such as "host=\"web-1\"". expired_at: set when expired by hand.
CREATE TABLE silences (
    id          text        PRIMARY KEY,
    matchers    jsonb       NOT NULL,
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL,
    created_by  text        NOT NULL,
    comment     text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expired_at  timestamptz,
    CHECK (ends_at >= starts_at)
);
-- GET /api/v1/alerts/silences lists the ones not yet over first
CREATE INDEX silences_ends_at ON silences (ends_at DESC);
