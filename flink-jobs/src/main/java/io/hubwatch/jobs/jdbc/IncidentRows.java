package io.hubwatch.jobs.jdbc;

import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentStatus;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;

/**
 * Incidents into PostgreSQL's {@code incidents} table (see {@code storage}'s migrations): one row per episode, upserted
 * on (fingerprint, starts_at). At-least-once delivery with an idempotent upsert: a replay after a restart writes the
 * same row again, never a second one, and a replayed firing never reopens a resolved row.
 *
 * <p>{@code value} is the value that fired the episode, as Alertmanager and Prometheus keep it: the resolved message
 * carries the sample that recovered, which updates the status and {@code ends_at} but not the value (a resolved row
 * showing the recovery value, under the threshold, read as if it had never crossed it).
 */
public final class IncidentRows {
    static final String UPSERT = """
            INSERT INTO incidents (fingerprint, starts_at, rule_id, kind, status, severity, metric, labels, annotations,
                                   value, threshold, ends_at, summary, firing_id, resolved_id, silenced_by, inhibited_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (fingerprint, starts_at) DO UPDATE SET
                status       = CASE WHEN incidents.status = 'resolved' THEN 'resolved' ELSE EXCLUDED.status END,
                ends_at      = COALESCE(EXCLUDED.ends_at, incidents.ends_at),
                resolved_id  = COALESCE(EXCLUDED.resolved_id, incidents.resolved_id),
                value        = CASE WHEN incidents.status = 'resolved' OR EXCLUDED.status = 'resolved'
                                    THEN incidents.value ELSE EXCLUDED.value END,
                annotations  = incidents.annotations || EXCLUDED.annotations,
                silenced_by  = COALESCE(incidents.silenced_by, EXCLUDED.silenced_by),
                inhibited_by = COALESCE(incidents.inhibited_by, EXCLUDED.inhibited_by),
                updated_at   = now()
            """;

    private IncidentRows() {}

    public static JdbcSink<Incident> sink(String jdbcUrl, String user, String password) {
        return JdbcSink.<Incident>builder()
                .withQueryStatement(UPSERT, new Binder())
                .withExecutionOptions(JdbcExecutionOptions.builder()
                        .withBatchSize(500).withBatchIntervalMs(200).withMaxRetries(5).build())
                .buildAtLeastOnce(new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                        .withUrl(jdbcUrl).withDriverName("org.postgresql.Driver")
                        .withUsername(user).withPassword(password == null ? "" : password).build());
    }

    static final class Binder implements JdbcStatementBuilder<Incident> {
        private static final long serialVersionUID = 1L;

        @Override
        public void accept(PreparedStatement ps, Incident i) throws SQLException {
            boolean resolved = i.status() == IncidentStatus.RESOLVED;
            ps.setString(1, i.fingerprint());
            ps.setTimestamp(2, Timestamp.from(i.startsAt()));
            ps.setString(3, i.ruleId());
            ps.setString(4, i.kind().wireName());
            ps.setString(5, i.status().wireName());
            ps.setString(6, i.severity().wireName());
            ps.setString(7, i.metric());
            ps.setString(8, EventJson.toJson(i.labels()));
            ps.setString(9, EventJson.toJson(i.annotations()));
            ps.setDouble(10, i.value());
            if (i.threshold() == null) {
                ps.setNull(11, Types.DOUBLE);
            } else {
                ps.setDouble(11, i.threshold());
            }
            if (i.endsAt() == null) {
                ps.setNull(12, Types.TIMESTAMP_WITH_TIMEZONE);
            } else {
                ps.setTimestamp(12, Timestamp.from(i.endsAt()));
            }
            ps.setString(13, i.summary());
            ps.setString(14, resolved ? Incident.idFor(i.fingerprint(), i.startsAt(), IncidentStatus.FIRING) : i.id());
            ps.setString(15, resolved ? i.id() : null);
            ps.setString(16, i.annotations().get("hubwatch_silenced_by"));
            ps.setString(17, i.annotations().get("hubwatch_inhibited_by"));
        }
    }
}
