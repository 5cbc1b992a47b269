-- The hub's five indexes, each for one of its hot queries (login by e-mail, a user's active keys, a user's latest
-- sessions, a user's usage over a period, a metric's latest points). CONCURRENTLY: a live hub keeps writing meanwhile;
-- Flyway runs this file outside a transaction because of it.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_email_active ON users (email) WHERE is_active;
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_api_keys_user_active ON api_keys (user_id, is_active);
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_sessions_user_created ON sessions (user_id, created_at DESC);
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_usage_records_user_date ON usage_records (user_id, created_at);
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_performance_metrics_name_time ON performance_metrics (metric_name, timestamp DESC);
