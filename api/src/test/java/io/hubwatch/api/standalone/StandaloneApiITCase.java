package io.hubwatch.api.standalone;

import io.hubwatch.api.ApiServer;
import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.storage.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The API without {@code up}: its database from a settings file, its password and token from files, migrated at start. */
@ExtendWith(KafkaBrokerExtension.class)
class StandaloneApiITCase {

    @Test
    void theApiStartsOnAFreshDatabaseFromItsSettingsAndMigratesIt(EmbeddedKafka kafka, @TempDir Path tmp) throws Exception {
        String name = "hubwatch_standalone_" + UUID.randomUUID().toString().substring(0, 8);
        Path config = Files.writeString(tmp.resolve("api.properties"),
                "jdbc.url=jdbc:postgresql://127.0.0.1:5432/" + name + "\njdbc.user=postgres\nport=0\n");
        Path token = Files.writeString(tmp.resolve("token"), "standalone-token\n");
        Path password = Files.writeString(tmp.resolve("pg"), "\n");
        StandaloneSettings settings = StandaloneSettings.resolve(Map.of("config", config.toString(),
                "token-file", token.toString(), "jdbc-password-file", password.toString(), "kafka", kafka.bootstrapServers()),
                Map.of());
        try (ApiServer api = settings.start()) {
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            api.address().resolve("/api/v1/health")).header("Authorization", "Bearer standalone-token").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"postgresql\"");
            try (Connection c = Database.defaults().withDatabaseName(name).connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_name = 'incidents'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("the migrations ran").isEqualTo(1);
            }
        } finally {
            try (Connection c = Database.defaults().withDatabaseName("postgres").connect(); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        }
    }
}
