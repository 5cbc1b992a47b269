package io.hubwatch.dbproxy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DbProxyConfigTest {

    @Test
    void readsThePostgresSectionBesideTheCacheProxysSettings(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("proxy.yaml");
        Files.writeString(file, """
                listen: 127.0.0.1:8080
                upstream: http://127.0.0.1:9000
                postgres:
                  listen: 127.0.0.1:6432
                  primary: postgres://postgres@127.0.0.1:5432/hubwatch
                  replicas: [postgres://reader:pw@10.0.0.2:5433/hubwatch]
                  pool_mode: session
                  pool_size: 7
                  auth: scram
                  users_file: users.txt
                  max_replica_lag: 1500ms
                """);
        DbProxyConfig c = DbProxyConfig.load(file);
        assertThat(c.listenPort()).isEqualTo(6432);
        assertThat(c.primary()).isEqualTo(new DbProxyConfig.Server("127.0.0.1", 5432, "postgres", "", "hubwatch"));
        assertThat(c.replicas()).containsExactly(new DbProxyConfig.Server("10.0.0.2", 5433, "reader", "pw", "hubwatch"));
        assertThat(c.poolMode()).isEqualTo(DbProxyConfig.PoolMode.SESSION);
        assertThat(c.poolSize()).isEqualTo(7);
        assertThat(c.auth()).isEqualTo(DbProxyConfig.Auth.SCRAM);
        assertThat(c.usersFile()).isEqualTo(dir.resolve("users.txt").toAbsolutePath());
        assertThat(c.maxReplicaLag()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.queryWaitTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aFileWithoutThePostgresSectionHasNoPostgresProxy(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("proxy.yaml");
        Files.writeString(file, "listen: 127.0.0.1:8080\n");
        assertThat(DbProxyConfig.load(file)).isNull();
    }

    @Test
    void badValuesAreNamedWithFileAndField(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("proxy.yaml");
        Files.writeString(file, "postgres:\n  primary: postgres://p@h:5432/d\n  pool_mode: statement\n");
        assertThatThrownBy(() -> DbProxyConfig.load(file)).hasMessageContaining("proxy.yaml")
                .hasMessageContaining("postgres.pool_mode 'statement' is not transaction or session");
        Files.writeString(file, "postgres:\n  primary: mysql://h/d\n");
        assertThatThrownBy(() -> DbProxyConfig.load(file)).hasMessageContaining("'mysql://h/d' is not a postgres://");
        Files.writeString(file, "postgres:\n  primary: postgres://p@h/d\n  max_replica_lag: soon\n");
        assertThatThrownBy(() -> DbProxyConfig.load(file)).hasMessageContaining("postgres.max_replica_lag 'soon'");
        Files.writeString(file, "postgres:\n  primary: postgres://p@h/d\n  pool_sise: 3\n");
        assertThatThrownBy(() -> DbProxyConfig.load(file)).hasMessageContaining("postgres.pool_sise is not a setting");
        Files.writeString(file, "postgres:\n  primary: postgres://p@h/d\n  auth: scram\n");
        assertThatThrownBy(() -> DbProxyConfig.load(file)).hasMessageContaining("auth: scram needs postgres.users_file");
    }

    @Test
    void readsTheTlsSettingsRelativeToTheFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("server.crt"), "cert");
        Files.writeString(dir.resolve("server.key"), "key");
        Files.writeString(dir.resolve("root.crt"), "ca");
        Path file = dir.resolve("proxy.yaml");
        Files.writeString(file, """
                postgres:
                  primary: postgres://postgres@127.0.0.1:5432/hubwatch
                  tls: require
                  tls_cert_file: server.crt
                  tls_key_file: server.key
                  server_tls: verify-full
                  server_tls_ca_file: root.crt
                """);
        DbProxyConfig.Tls tls = DbProxyConfig.load(file).tls();
        assertThat(tls).isEqualTo(new DbProxyConfig.Tls(DbProxyConfig.ClientTls.REQUIRE, dir.resolve("server.crt").toAbsolutePath(),
                dir.resolve("server.key").toAbsolutePath(), DbProxyConfig.ServerTls.VERIFY_FULL, dir.resolve("root.crt").toAbsolutePath()));
        Files.writeString(file, "postgres:\n  primary: postgres://p@h/d\n");
        assertThat(DbProxyConfig.load(file).tls()).isEqualTo(DbProxyConfig.Tls.DEFAULT);
        assertThat(DbProxyConfig.load(file).metricsKafka()).isNull();
        Files.writeString(file, "postgres:\n  primary: postgres://p@h/d\n  metrics_kafka: 127.0.0.1:9092\n  metrics_interval: 15s\n");
        assertThat(DbProxyConfig.load(file).metricsKafka()).isEqualTo("127.0.0.1:9092");
        assertThat(DbProxyConfig.load(file).metricsInterval()).isEqualTo(Duration.ofSeconds(15));
        Files.writeString(file, "postgres:\n  primary: postgres://p@h/d\n  metrics_interval: 0s\n");
        assertThatThrownBy(() -> DbProxyConfig.load(file)).hasMessageContaining("metrics_interval must be positive");
    }

    @Test
    void badTlsSettingsAreNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("proxy.yaml");
        Files.writeString(file, "postgres:\n  primary: postgres://p@h/d\n  tls: always\n");
        assertThatThrownBy(() -> DbProxyConfig.load(file)).hasMessageContaining("postgres.tls 'always' is not disable, allow or require");
        Files.writeString(file, "postgres:\n  primary: postgres://p@h/d\n  tls: require\n");
        assertThatThrownBy(() -> DbProxyConfig.load(file)).hasMessageContaining("needs postgres.tls_cert_file and postgres.tls_key_file");
        Files.writeString(file, "postgres:\n  primary: postgres://p@h/d\n  server_tls: verify-full\n");
        assertThatThrownBy(() -> DbProxyConfig.load(file)).hasMessageContaining("verify-full needs postgres.server_tls_ca_file");
        Files.writeString(file, "postgres:\n  primary: postgres://p@h/d\n  server_tls: sometimes\n");
        assertThatThrownBy(() -> DbProxyConfig.load(file)).hasMessageContaining("postgres.server_tls 'sometimes' is not disable");
        Files.writeString(file, "postgres:\n  primary: postgres://p@h/d\n  tls: allow\n  tls_cert_file: no.crt\n  tls_key_file: no.key\n");
        assertThatThrownBy(() -> DbProxyConfig.load(file)).hasMessageContaining("proxy.yaml").hasMessageContaining("no.crt does not exist");
    }
}
