package io.hubwatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.storage.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.Statement;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /api/v1/db/...}: the API's database, its replica, its tables and its heaviest statements. */
@ExtendWith(KafkaBrokerExtension.class)
class DbApiITCase {
    private static final String TOKEN = "db-api-token-0123456789abcdef";

    @Test
    void healthTablesAndStatementsOfTheApisDatabase(EmbeddedKafka kafka) throws Exception {
        String name = "hubwatch_it_dbapi_" + UUID.randomUUID().toString().substring(0, 8);
        Database db = TestHttp.freshDatabase(name);
        try (ApiServer api = ApiServer.start(ApiConfig.of(db, kafka.bootstrapServers(), TOKEN).withDefaultRules(false))) {
            TestHttp http = new TestHttp(api.address(), TOKEN);
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE big_one (id int, pad text)");
                s.execute("INSERT INTO big_one SELECT i, repeat('x', 100) FROM generate_series(1, 5000) i");
            }

            TestHttp.Reply health = http.get("/api/v1/db/health");
            JsonNode h = health.json();
            assertThat(h.get("database").asText()).isEqualTo(name);
            // the verdict follows its reasons (the machine is shared: other sessions' connections count too)
            if (h.get("reasons").isEmpty()) {
                assertThat(health.status()).isEqualTo(200);
                assertThat(h.get("status").asText()).isEqualTo("up");
            } else {
                assertThat(health.status()).isEqualTo(503);
                assertThat(h.get("status").asText()).isEqualTo("degraded");
            }
            assertThat(h.at("/connections/max_connections").asInt()).isPositive();
            assertThat(h.at("/connections/by_state/active").asInt()).isPositive(); // this request's own query
            assertThat(h.get("size_bytes").asLong()).isPositive();
            // bin/services keeps a streaming replica of this server on 5433
            assertThat(h.get("replicas")).isNotEmpty();
            assertThat(h.get("replicas").get(0).get("state").asText()).isEqualTo("streaming");

            TestHttp.Reply tables = http.get("/api/v1/db/tables");
            assertThat(tables.status()).isEqualTo(200);
            JsonNode first = tables.json().get("tables").get(0);
            assertThat(first.get("table").asText()).isEqualTo("public.big_one"); // the largest
            assertThat(first.get("size_bytes").asLong()).isGreaterThan(500_000);

            TestHttp.Reply missing = http.get("/api/v1/db/statements");
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.body()).contains("pg_stat_statements is not installed in database " + name);
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE EXTENSION pg_stat_statements");
                s.execute("SELECT count(*) FROM big_one WHERE pad LIKE '%y%'");
            }
            TestHttp.Reply statements = http.get("/api/v1/db/statements?limit=5");
            assertThat(statements.status()).isEqualTo(200);
            assertThat(statements.json().get("statements").size()).isBetween(1, 5);
            assertThat(statements.json().get("statements").get(0).get("calls").asLong()).isPositive();
            assertThat(http.get("/api/v1/db/statements?limit=0").status()).isEqualTo(400);
            assertThat(http.get("/api/v1/db/statements?limit=lots").body()).contains("limit 'lots' is not a number from 1 to 100");
        } finally {
            try (Connection c = Database.defaults().withDatabaseName("postgres").connect(); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        }
    }
}
