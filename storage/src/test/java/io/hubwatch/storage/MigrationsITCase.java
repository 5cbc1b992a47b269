package io.hubwatch.storage;

import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Against the real PostgreSQL on 127.0.0.1:5432, each test in a database of its own, dropped afterwards. */
class MigrationsITCase {
    private Database db;
    private HikariDataSource pool;

    @BeforeEach
    void freshDatabase() throws Exception {
        db = Database.defaults().withDatabaseName("hubwatch_it_migr_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
        db.ensureDatabase();
        pool = db.pool("migrations-it", 3);
    }

    @AfterEach
    void dropDatabase() throws Exception {
        pool.close();
        try (Connection c = Database.defaults().withDatabaseName("postgres").connect(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db.databaseName() + " WITH (FORCE)");
        }
    }

    @Test
    void everyMigrationIsAppliedOnceAndOnlyOnce() throws Exception {
        List<Integer> all = Migrations.available(pool).stream().map(Migrations.Migration::version).toList();
        assertThat(all).startsWith(1, 2, 3, 4).contains(20);
        assertThat(Migrations.apply(pool)).containsExactlyElementsOf(all);
        assertThat(Migrations.apply(pool)).as("second run").isEmpty();
        assertThat(query("SELECT count(*) FROM flyway_schema_history WHERE success")).containsExactly(String.valueOf(all.size()));
        assertThat(query("SELECT to_regclass('incidents') IS NOT NULL")).containsExactly("t");
    }

    @Test
    void aCallerOwnedConnectionStaysOpenAndUsable() throws Exception {
        try (Connection c = db.connect()) {
            assertThat(Migrations.apply(c)).isNotEmpty();
            assertThat(c.isClosed()).isFalse();
            assertThat(Migrations.apply(c)).isEmpty();
        }
    }

    @Test
    void aDatabaseMigratedByTheFormerRunnerGetsOnlyWhatItLacks() throws Exception {
        // the former runner applied V1..V4 and recorded them in schema_migrations
        Migrations.flyway(pool, Migrations.LOCATION, "scratch_history").target(MigrationVersion.fromVersion("4")).load().migrate();
        exec("DROP TABLE scratch_history",
                "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
                "INSERT INTO schema_migrations (version, name) VALUES (1, 'incidents'), (2, 'rules'), (3, 'silences'), (4, 'settings')");

        assertThat(Migrations.apply(pool)).containsExactly(20);
        assertThat(query("SELECT to_regclass('api_endpoint_minute') IS NOT NULL")).containsExactly("t");
    }

    @Test
    void theHubTablesComeWithoutIndexesForTheDemoAndTheIndexesFollowConcurrently() throws Exception {
        assertThat(HubSchema.applyTablesOnly(pool)).containsExactly(30);
        assertThat(query("SELECT count(*) FROM pg_indexes WHERE tablename IN ('users','api_keys','sessions','usage_records',"
                + "'performance_metrics') AND indexname NOT LIKE '%_pkey'")).containsExactly("0");

        assertThat(HubSchema.apply(pool)).containsExactly(31);
        assertThat(query("SELECT indexname FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname "
                + "JOIN pg_index x ON x.indexrelid = c.oid WHERE x.indisvalid AND indexname LIKE 'idx_%' ORDER BY 1"))
                .containsExactly("idx_api_keys_user_active", "idx_performance_metrics_name_time", "idx_sessions_user_created",
                        "idx_usage_records_user_date", "idx_users_email_active");
        assertThat(HubSchema.apply(pool)).as("second run").isEmpty();
        assertThat(Migrations.apply(pool)).as("Hubwatch's own schema is tracked apart").isNotEmpty();
    }

    private void exec(String... sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    private List<String> query(String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }
}
