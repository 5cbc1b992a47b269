package io.hubwatch.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyConfigLoaderTest {

    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        Path f = dir.resolve("proxy.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void theIssuesExampleParsesIntoTypedPolicies() throws Exception {
        ProxyConfig c = ProxyConfigLoader.load(write("""
                listen: 127.0.0.1:8080
                upstream: http://127.0.0.1:9000
                redis: redis://127.0.0.1:6379
                user_header: X-User-Id        # where the user identity comes from
                endpoints:
                  /api/v1/models: {ttl: 300s, vary_by_user: false}
                  /api/v1/stats:  {ttl: 60s,  vary_by_user: true}
                  /api/v1/config: {ttl: 600s, vary_by_user: true}
                """));
        assertThat(c.listenPort()).isEqualTo(8080);
        assertThat(c.endpoints()).hasSize(3);
        assertThat(c.endpoints().get("/api/v1/config").ttl()).isEqualTo(Duration.ofSeconds(600));
        assertThat(c.endpoints().get("/api/v1/stats").varyByUser()).isTrue();
        assertThat(c.warmupPaths()).containsExactly("/api/v1/models");
    }

    @Test
    void theDocumentedExampleConfigIsValid() {
        ProxyConfig c = ProxyConfigLoader.load(Path.of("../docs/proxy-example.yaml"));
        assertThat(c.endpoints().get("/api/v1/config").tags()).containsExactly("config");
        assertThat(c.endpoints().get("/api/v1/config").staleWhileRevalidate()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.l1MaxBytes()).isEqualTo(256L << 20);
    }

    @Test
    void withoutEndpointsTheDefaultsAreTheHubsThreeReadEndpoints() {
        ProxyConfig c = ProxyConfig.defaults();
        assertThat(c.endpoints()).containsOnlyKeys("/api/v1/models", "/api/v1/stats", "/api/v1/config");
        assertThat(c.upstream().toString()).isEqualTo("http://127.0.0.1:9000");
        assertThat(c.redis().toString()).isEqualTo("redis://127.0.0.1:6379");
    }

    @Test
    void aBadDurationIsReportedWithFileFieldAndValue() throws Exception {
        Path f = write("endpoints:\n  /api/v1/models: {ttl: 5 minutes}\n");
        assertThatThrownBy(() -> ProxyConfigLoader.load(f)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("endpoints./api/v1/models.ttl")
                .hasMessageContaining("5 minutes");
    }

    @Test
    void durationsAreReadInTheGrammarOfEveryOtherDurationAndBoundedAsThere() throws Exception {
        ProxyConfig c = ProxyConfigLoader.load(write("endpoints:\n  /api/v1/models: {ttl: 1h30m}\n"));
        assertThat(c.endpoints().get("/api/v1/models").ttl()).isEqualTo(Duration.ofMinutes(90));
        // this overflowed a long of milliseconds into a negative TTL before the proxy shared the one grammar
        Path f = write("endpoints:\n  /api/v1/models: {ttl: 9999999999999999h}\n");
        assertThatThrownBy(() -> ProxyConfigLoader.load(f)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("endpoints./api/v1/models.ttl").hasMessageContaining("longer than the limit of 100y");
    }

    @Test
    void anUnknownSettingIsNamed() throws Exception {
        Path f = write("listen: 127.0.0.1:8080\nupstreams: http://x:1\n");
        assertThatThrownBy(() -> ProxyConfigLoader.load(f)).hasMessageContaining("unknown setting 'upstreams'");
    }

    @Test
    void badListenAndUpstreamValuesSayWhatIsExpected() throws Exception {
        assertThatThrownBy(() -> ProxyConfigLoader.load(write("listen: 8080\n"))).hasMessageContaining("host:port");
        assertThatThrownBy(() -> ProxyConfigLoader.load(write("upstream: ftp://h:1\n")))
                .hasMessageContaining("upstream = 'ftp://h:1'");
        assertThatThrownBy(() -> ProxyConfigLoader.load(dir.resolve("missing.yaml"))).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> ProxyConfigLoader.load(write("listen: [oops\n"))).hasMessageContaining("not valid YAML");
    }

    @Test
    void sizesAndRedisNoneAreUnderstood() throws Exception {
        ProxyConfig c = ProxyConfigLoader.load(write("redis: none\nl1_max_bytes: 64MB\n"));
        assertThat(c.redis()).isNull();
        assertThat(c.l1MaxBytes()).isEqualTo(64L << 20);
    }

    @Test
    void identityHeadersIncludeTheUserHeaderAndBadNamesAreRefused() throws Exception {
        ProxyConfig c = ProxyConfigLoader.load(write("""
                user_header: X-User-Id
                identity_headers: [X-Api-Key]
                """));
        assertThat(c.identityHeaders()).containsExactly("X-Api-Key", "X-User-Id");
        assertThatThrownBy(() -> ProxyConfigLoader.load(write("identity_headers: [\"X Api Key\"]\n")))
                .hasMessageContaining("identity_headers = 'X Api Key': not a header name");
    }

    @Test
    void secretsNeverShowInTheConfigsTextNorInItsErrorMessages() throws Exception {
        ProxyConfig c = ProxyConfigLoader.load(write("""
                redis: redis://:s3cret-pw@127.0.0.1:6379
                admin_token: t0ken-value
                identity_secret: hash-secret
                """));
        assertThat(c.toString()).doesNotContain("s3cret-pw").doesNotContain("t0ken-value")
                .doesNotContain("hash-secret").contains("127.0.0.1:6379");
        assertThat(ProxyConfig.redacted(c.redis())).isEqualTo("redis://***@127.0.0.1:6379");
        assertThatThrownBy(() -> ProxyConfigLoader.load(write("redis: redis://:s3cret-pw@\n")))
                .hasMessageNotContaining("s3cret-pw").hasMessageContaining("***@");
    }

    @Test
    void adminListenIsCheckedUpFront() throws Exception {
        assertThatThrownBy(() -> ProxyConfigLoader.load(write("admin_listen: localhost\n")))
                .hasMessageContaining("admin_listen = 'localhost': expected host:port");
        assertThat(ProxyConfigLoader.load(write("admin_listen: 127.0.0.1:0\n")).adminListen()).isEqualTo("127.0.0.1:0");
    }
}
