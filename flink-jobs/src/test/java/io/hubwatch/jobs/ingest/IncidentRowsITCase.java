package io.hubwatch.jobs.ingest;

import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentKind;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.Severity;
import io.hubwatch.storage.Database;
import io.hubwatch.storage.Migrations;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The incidents upsert against PostgreSQL with storage's migrations: an episode's row keeps the value that fired it
 * (as Alertmanager and Prometheus show it) when the resolved message, which carries the recovering sample, updates it.
 */
class IncidentRowsITCase {

    private static final Database DB = Database.defaults()
            .withDatabaseName("hubwatch_it_incident_rows_" + UUID.randomUUID().toString().substring(0, 8));
    private static final Instant STARTS = Instant.parse("2026-12-01T03:00:00Z");

    @BeforeAll
    static void database() throws Exception {
        DB.ensureDatabase();
        try (Connection c = DB.connect()) {
            Migrations.apply(c);
        }
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        try (Connection c = Database.defaults().withDatabaseName("postgres").connect(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DB.databaseName() + " WITH (FORCE)");
        }
    }

    @Test
    void aResolvedEpisodeKeepsTheValueThatFiredAndRecordsWhenItEnded() throws Exception {
        try (Connection c = DB.connect()) {
            write(c, incident("fp-resolve", IncidentStatus.FIRING, 93.5));
            write(c, incident("fp-resolve", IncidentStatus.RESOLVED, 41.0));

            assertThat(row(c, "fp-resolve")).isEqualTo("resolved 93.5 " + STARTS.plusSeconds(300));
        }
    }

    @Test
    void replaysAfterARestartChangeNeitherTheStatusNorTheValue() throws Exception {
        try (Connection c = DB.connect()) {
            write(c, incident("fp-replay", IncidentStatus.FIRING, 93.5));
            write(c, incident("fp-replay", IncidentStatus.RESOLVED, 41.0));
            write(c, incident("fp-replay", IncidentStatus.FIRING, 93.5));
            write(c, incident("fp-replay", IncidentStatus.RESOLVED, 41.0));

            assertThat(row(c, "fp-replay")).isEqualTo("resolved 93.5 " + STARTS.plusSeconds(300));
        }
    }

    @Test
    void aFiringEpisodeShowsItsValueWhileItFires() throws Exception {
        try (Connection c = DB.connect()) {
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
