package io.hubwatch.jobs.jdbc;

import io.hubwatch.events.DeadLetter;
import io.hubwatch.jobs.RestartPolicy;
import io.hubwatch.storage.Database;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JDBC writer against a real PostgreSQL: rows the database refuses for their data become dead letters while the
 * rest of their batch is written, even when the check before writing lets them through; a database that cannot be
 * reached fails the job, which a bounded restart policy then leaves FAILED instead of restarting forever.
 */
class JdbcRowsITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    /** A row of the test table. */
    public record Reading(String name, double value) {}

    private Database db;

    @BeforeEach
    void createDatabase() throws Exception {
        db = Database.defaults().withDatabaseName("hubwatch_jdbc_" + UUID.randomUUID().toString().substring(0, 8));
        db.ensureDatabase();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE readings (name text PRIMARY KEY, value double precision NOT NULL CHECK (value < 100))");
        }
    }

    @AfterEach
    void dropDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(db.withDatabaseName("postgres").jdbcUrl(), db.user(), db.password());
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db.databaseName() + " WITH (FORCE)");
        }
    }

    private static JdbcTable<Reading> readings(JdbcTable.Check<Reading> check) {
        return new JdbcTable<>("readings", "INSERT INTO readings (name, value) VALUES (?, ?) "
                + "ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value", (ps, r) -> {
            ps.setString(1, r.name());
            ps.setDouble(2, r.value());
        }, check, Reading::toString);
    }

    @Test
    void rowsPostgresqlRefusesBecomeDeadLettersAndTheRestOfTheBatchIsWritten() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        List<Reading> rows = List.of(new Reading("a", 1), new Reading("nul\u0000", 2), new Reading("big", 500),
                new Reading("long", 3), new Reading("b", 4));
        // the check lets everything but an over-long name through: the database itself must refuse the rest
        JdbcTable<Reading> table = readings(r -> r.name().length() > 3 ? List.of("column 'name' is too long") : List.of());
        List<DeadLetter> letters = new ArrayList<>();
        try (CloseableIterator<DeadLetter> out = JdbcRows.write(env.fromData(rows), table,
                JdbcSettings.of(db.jdbcUrl(), db.user(), db.password()), "readings-topic", "test/readings", "readings")
                .executeAndCollect()) {
            out.forEachRemaining(letters::add);
        }

        assertThat(letters).hasSize(3).allSatisfy(l -> {
            assertThat(l.stage()).isEqualTo("test/readings");
            assertThat(l.sourceTopic()).isEqualTo("readings-topic");
        });
        assertThat(letters).filteredOn(l -> l.reason().equals("column 'name' is too long")).hasSize(2);
        assertThat(letters).filteredOn(l -> l.reason().startsWith("PostgreSQL refused the row for table readings "
                + "(SQLState 23514)")).singleElement().satisfies(l -> assertThat(l.payload()).contains("big"));
        assertThat(names()).containsExactly("a", "b");
    }

    @Test
    void aNulThatPassesTheCheckIsRefusedByPostgresqlAndDeadLettered() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        List<DeadLetter> letters = new ArrayList<>();
        try (CloseableIterator<DeadLetter> out = JdbcRows.write(env.fromData(new Reading("x", 1), new Reading("n\u0000", 2)),
                readings(r -> List.of()), JdbcSettings.of(db.jdbcUrl(), db.user(), db.password()), "t", "test/readings",
                "readings").executeAndCollect()) {
            out.forEachRemaining(letters::add);
        }

        assertThat(letters).singleElement().satisfies(l ->
                assertThat(l.reason()).startsWith("PostgreSQL refused the row for table readings (SQLState 22"));
        assertThat(names()).containsExactly("x");
    }

    @Test
    void anUnreachableDatabaseFailsTheJobAndTheBoundedPolicyLeavesItFailed() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        new RestartPolicy(2, Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMinutes(10)).applyTo(env);
        JdbcSettings nowhere = new JdbcSettings(db.withDatabaseName("hubwatch_missing_" + UUID.randomUUID().toString()
                .substring(0, 8)).jdbcUrl(), db.user(), db.password(), 10, Duration.ofMillis(50), 0);
        JdbcRows.write(env.fromData(new Reading("a", 1)), readings(r -> List.of()), nowhere, "t", "test/readings", "readings")
                .print();
        JobClient job = env.executeAsync("unreachable-database");

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JobStatus status = job.getJobStatus().get();
        while (!status.isGloballyTerminalState() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            status = job.getJobStatus().get();
        }
        assertThat(status).isEqualTo(JobStatus.FAILED);
    }

    private List<String> names() throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM readings ORDER BY name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
