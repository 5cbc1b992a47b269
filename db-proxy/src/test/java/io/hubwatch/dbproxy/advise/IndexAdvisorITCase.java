package io.hubwatch.dbproxy.advise;

import com.zaxxer.hikari.HikariDataSource;
import io.hubwatch.storage.Database;
import io.hubwatch.storage.HubSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The hub demo's workload on tables without indexes; the advisor must find what matters, and nothing once it exists. */
class IndexAdvisorITCase {
    private static Database db;
    private static HikariDataSource pool;

    @BeforeAll
    static void load() throws Exception {
        db = Database.defaults().withDatabaseName("dbproxy_advise_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
        db.ensureDatabase();
        pool = db.pool("advise-it", 2);
        HubDemo.load(pool, 4000);
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            HubDemo.runWorkload(c, 200, 7);
        }
    }

    @AfterAll
    static void drop() throws Exception {
        pool.close();
        try (Connection c = Database.defaults().withDatabaseName("postgres").connect(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db.databaseName() + " WITH (FORCE)");
        }
    }

    @Test
    void findsTheHubsIndexesVerifiedByHypotheticalIndexesAndNoneOnceTheyExist() throws Exception {
        IndexAdvisor.Advice advice;
        try (Connection c = pool.getConnection()) {
            advice = IndexAdvisor.advise(c, 20);
        }
        System.out.print(advice.report());
        assertThat(advice.suggestions()).extracting(IndexAdvisor.Suggestion::createStatement).contains(
                "CREATE INDEX CONCURRENTLY idx_users_email_partial ON users (email) WHERE is_active;",
                "CREATE INDEX CONCURRENTLY idx_sessions_user_id_created_at ON sessions (user_id, created_at DESC);",
                "CREATE INDEX CONCURRENTLY idx_usage_records_user_id_created_at ON usage_records (user_id, created_at);",
                "CREATE INDEX CONCURRENTLY idx_performance_metrics_metric_name_timestamp ON performance_metrics (metric_name, \"timestamp\" DESC);");
        assertThat(advice.suggestions()).anySatisfy(s -> assertThat(s.table()).isEqualTo("api_keys"));
        assertThat(advice.suggestions()).allSatisfy(s -> assertThat(s.costAfter()).isLessThan(s.costBefore() / 2));
        assertThat(advice.largeSeqScans()).isNotEmpty();
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM hypopg_list_indexes")) {
            rs.next();
            assertThat(rs.getInt(1)).as("no hypothetical index left behind").isZero();
        }

        HubSchema.apply(pool); // the seed's five indexes, built concurrently
        try (Connection c = pool.getConnection()) {
            HubDemo.runWorkload(c, 50, 8);
            assertThat(IndexAdvisor.advise(c, 20).suggestions()).isEmpty();
        }
    }
}
