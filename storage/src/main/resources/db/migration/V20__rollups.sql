-- One-minute rollups written by the business statistics job (flink-jobs io.hubwatch.jobs.stats), read by the
-- monitoring API. "minute" is the window start. Every row is written by an upsert on the primary key, so a replay
-- after a job restart rewrites rows instead of doubling them.

-- Per endpoint: calls, errors (5xx), error rate in percent, latency percentiles (ms) from a 0.5 % relative-error sketch.
CREATE TABLE api_endpoint_minute (
    minute      timestamptz      NOT NULL,
    endpoint    text             NOT NULL,
    calls       bigint           NOT NULL,
    errors      bigint           NOT NULL,
    error_rate  double precision NOT NULL,
    p50_ms      double precision NOT NULL,
    p95_ms      double precision NOT NULL,
    p99_ms      double precision NOT NULL,
    PRIMARY KEY (minute, endpoint)
);
CREATE INDEX api_endpoint_minute_endpoint ON api_endpoint_minute (endpoint, minute DESC);

-- Per AI model: calls, tokens and cost.
CREATE TABLE api_model_minute (
    minute             timestamptz      NOT NULL,
    model              text             NOT NULL,
    calls              bigint           NOT NULL,
    prompt_tokens      bigint           NOT NULL,
    completion_tokens  bigint           NOT NULL,
    cost               double precision NOT NULL,
    PRIMARY KEY (minute, model)
);

-- Distinct users and sessions with at least one call in the minute.
CREATE TABLE api_activity_minute (
    minute           timestamptz NOT NULL PRIMARY KEY,
    active_users     bigint      NOT NULL,
    active_sessions  bigint      NOT NULL
);

-- Per page and web vital (TTFB, DCL, LOAD, FCP, LCP, CLS, INP, LONGTASK, FETCH, XHR): samples and the p75.
CREATE TABLE web_vital_minute (
    minute   timestamptz      NOT NULL,
    page     text             NOT NULL,
    name     text             NOT NULL,
    samples  bigint           NOT NULL,
    p75      double precision NOT NULL,
    PRIMARY KEY (minute, page, name)
);

-- Every series on the metrics topic (system metrics from host agents, pushed custom metrics, the job's own output).
CREATE TABLE metric_minute (
    minute      timestamptz      NOT NULL,
    series_key  text             NOT NULL,
    metric      text             NOT NULL,
    host        text             NOT NULL,
    labels      jsonb            NOT NULL,
    samples     bigint           NOT NULL,
    min         double precision NOT NULL,
    max         double precision NOT NULL,
    avg         double precision NOT NULL,
    last        double precision NOT NULL,
    PRIMARY KEY (minute, series_key)
);
-- GET /api/v1/monitoring/system?host=&metric=&from=&to=
CREATE INDEX metric_minute_metric_host ON metric_minute (metric, host, minute);
