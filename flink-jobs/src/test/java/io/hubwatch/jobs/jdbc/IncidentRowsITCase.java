package io.hubwatch.jobs.jdbc;

import io.hubwatch.testing.FreshDatabase;
import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentKind;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.Severity;
import io.hubwatch.storage.Database;
import io.hubwatch.storage.Migrations;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The incidents upsert against PostgreSQL with storage's migrations: an episode's row keeps the value that fired it
 * (as Alertmanager and Prometheus show it) when the resolved message, which carries the recovering sample, updates it.
 */
class IncidentRowsITCase {

    @RegisterExtension
    static final FreshDatabase PG = new FreshDatabase();
    private static final Instant STARTS = Instant.parse("2026-12-01T03:00:00Z");
    private static Database db;

    @BeforeAll
    static void migrate() throws Exception {
        db = Database.of(PG.jdbcUrl(), PG.user(), PG.password());
        try (Connection c = db.connect()) {
            Migrations.apply(c);
        }
    }

    @Test
    void aResolvedEpisodeKeepsTheValueThatFiredAndRecordsWhenItEnded() throws Exception {
        try (Connection c = db.connect()) {
            write(c, incident("fp-resolve", IncidentStatus.FIRING, 93.5));
            write(c, incident("fp-resolve", IncidentStatus.RESOLVED, 41.0));

            assertThat(row(c, "fp-resolve")).isEqualTo("resolved 93.5 " + STARTS.plusSeconds(300));
        }
    }

    @Test
    void replaysAfterARestartChangeNeitherTheStatusNorTheValue() throws Exception {
        try (Connection c = db.connect()) {
            write(c, incident("fp-replay", IncidentStatus.FIRING, 93.5));
            write(c, incident("fp-replay", IncidentStatus.RESOLVED, 41.0));
            write(c, incident("fp-replay", IncidentStatus.FIRING, 93.5));
            write(c, incident("fp-replay", IncidentStatus.RESOLVED, 41.0));

            assertThat(row(c, "fp-replay")).isEqualTo("resolved 93.5 " + STARTS.plusSeconds(300));
        }
    }

    @Test
    void aFiringEpisodeShowsItsValueWhileItFires() throws Exception {
        try (Connection c = db.connect()) {
            write(c, incident("fp-firing", IncidentStatus.FIRING, 88.0));

            assertThat(row(c, "fp-firing")).isEqualTo("firing 88.0 null");
        }
    }

    private static Incident incident(String fp, IncidentStatus status, double value) {
        boolean resolved = status == IncidentStatus.RESOLVED;
        return new Incident(Incident.idFor(fp, STARTS, status), "high_cpu", IncidentKind.THRESHOLD, status,
                Severity.WARNING, "cpu_usage", Map.of("alertname", "high_cpu", "host", "web-1"), value, 80.0, STARTS,
                resolved ? STARTS.plusSeconds(300) : null, "cpu_usage > 80 on web-1", Map.of(), fp);
    }

    private static void write(Connection c, Incident i) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(IncidentRows.UPSERT)) {
            new IncidentRows.Binder().accept(ps, i);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    /** "status value ends_at" of the episode's one row. */
    private static String row(Connection c, String fp) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT status, value, ends_at, count(*) OVER () FROM incidents WHERE fingerprint = ?")) {
            ps.setString(1, fp);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(4)).as("rows of the episode").isEqualTo(1);
                java.sql.Timestamp ends = rs.getTimestamp(3);
                return rs.getString(1) + " " + rs.getDouble(2) + " " + (ends == null ? null : ends.toInstant());
            }
        }
    }
}
