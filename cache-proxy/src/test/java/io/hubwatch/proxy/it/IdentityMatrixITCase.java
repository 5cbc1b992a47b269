package io.hubwatch.proxy.it;

import static io.hubwatch.proxy.it.Proxies.get;
import static io.hubwatch.proxy.it.Proxies.xCache;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hubwatch.proxy.ProxyServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The identity matrix of RFC 9111 3.5 and the per-user endpoints: each kind of credential (Basic, Bearer, a cookie,
 * an API key named in {@code identity_headers}) against a shared and a per-user endpoint, served from L1 and from
 * Redis. A credentialed request is cached under its own identity on a per-user endpoint and never stored or served
 * from a shared entry on a shared one; a request without credentials never gets an identity's entry.
 *
 * <p>The upstream echoes every credential it saw, so a leak shows in the body. The Redis column uses a second proxy
 * with the same Redis key prefix and identity secret: its L1 is empty, so what it serves from cache came from Redis.
 */
class IdentityMatrixITCase {

    static final String SECRET = "identity-secret-" + UUID.randomUUID();
    static TestUpstream upstream;
    static ProxyServer writer;
    static ProxyServer reader;

    enum Credential {
        BASIC("Authorization") {
            @Override
            String value(String user) {
                return "Basic " + Base64.getEncoder().encodeToString((user + ":pw").getBytes(StandardCharsets.UTF_8));
            }
        },
        BEARER("Authorization") {
            @Override
            String value(String user) {
                return "Bearer token-" + user;
            }
        },
        COOKIE("Cookie") {
            @Override
            String value(String user) {
                return "session=s-" + user;
            }
        },
        API_KEY("X-Api-Key") {
            @Override
            String value(String user) {
                return "key-" + user;
            }
        };

        final String header;

        Credential(String header) {
            this.header = header;
        }

        abstract String value(String user);
    }

    enum Tier { L1, REDIS }

    @BeforeAll
    static void start() {
        upstream = new TestUpstream();
        java.util.function.Consumer<io.vertx.core.http.HttpServerRequest> echo = req -> req.response()
                .putHeader("Content-Type", "application/json")
                .end("{\"authorization\":\"" + req.getHeader("Authorization") + "\",\"cookie\":\""
                        + req.getHeader("Cookie") + "\",\"api_key\":\"" + req.getHeader("X-Api-Key") + "\"}");
        upstream.route("/api/v1/models", echo);
        upstream.route("/api/v1/stats", echo);
        String prefix = "hwtest:" + UUID.randomUUID() + ":";
        Map<String, Object> endpoints = Map.of(
                "/api/v1/models", Map.of("ttl", "60s", "vary_by_user", false),
                "/api/v1/stats", Map.of("ttl", "60s", "vary_by_user", true));
        Map<String, Object> extra = Map.of("redis_key_prefix", prefix, "identity_headers", List.of("X-Api-Key"),
                "identity_secret", SECRET, "write_behind_delay", "0ms");
        writer = Proxies.start(Proxies.config(upstream.url(), "redis://127.0.0.1:6379", endpoints, extra));
        reader = Proxies.start(Proxies.config(upstream.url(), "redis://127.0.0.1:6379", endpoints, extra));
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.core().l2Available() && reader.core().l2Available());
    }

    @AfterAll
    static void stop() {
        Proxies.purgeEverything(writer);
        writer.close();
        reader.close();
        upstream.close();
    }

    static Stream<Arguments> matrix() {
        return Stream.of(Credential.values()).flatMap(c -> Stream.of(Tier.values()).map(t -> Arguments.of(c, t)));
    }

    /** The proxy that answers the second and later requests: the same one (L1) or a fresh one reading Redis. */
    private static ProxyServer second(Tier tier) {
        if (tier == Tier.REDIS) {
            await().atMost(Duration.ofSeconds(5)).until(() -> writer.core().pendingL2Writes() == 0);
        }
        return tier == Tier.L1 ? writer : reader;
    }

    private static String target(String path, Credential c, Tier t, String test) {
        return path + "?case=" + c + "-" + t + "-" + test;
    }

    @ParameterizedTest(name = "{0} on a per-user endpoint, {1}")
    @MethodSource("matrix")
    void onAPerUserEndpointEachIdentityGetsItsOwnEntryAndAnonymousNone(Credential c, Tier tier) {
        String target = target("/api/v1/stats", c, tier, "per-user");
        HttpResponse<String> alice = get(writer, target, c.header, c.value("alice"));
        assertThat(alice.body()).contains(c.value("alice"));
        assertThat(alice.headers().allValues("Cache-Control")).containsExactly("private");
        // the identity was hashed: neither the key nor Redis holds the credential itself
        assertThat(writer.core().l1.entries()).allSatisfy(e -> assertThat(e.key).doesNotContain(c.value("alice")));

        ProxyServer p = second(tier);
        HttpResponse<String> again = get(p, target, c.header, c.value("alice"));
        assertThat(again.body()).isEqualTo(alice.body());
        assertThat(xCache(again)).isEqualTo("HIT");
        assertThat(again.headers().allValues("Cache-Control")).containsExactly("private");

        HttpResponse<String> bob = get(p, target, c.header, c.value("bob"));
        assertThat(bob.body()).contains(c.value("bob")).doesNotContain(c.value("alice"));
        HttpResponse<String> anonymous = get(p, target);
        assertThat(anonymous.body()).doesNotContain(c.value("alice")).doesNotContain(c.value("bob"));
        assertThat(upstream.count("/api/v1/stats")).isPositive();
    }

    @ParameterizedTest(name = "{0} on a shared endpoint, {1}")
    @MethodSource("matrix")
    void onASharedEndpointACredentialedRequestIsNeverStoredNorServedASharedEntry(Credential c, Tier tier) {
        String target = target("/api/v1/models", c, tier, "shared");
        HttpResponse<String> alice = get(writer, target, c.header, c.value("alice"));
        assertThat(alice.body()).contains(c.value("alice"));

        ProxyServer p = second(tier);
        HttpResponse<String> anonymous = get(p, target);
        assertThat(anonymous.body()).doesNotContain(c.value("alice"));
        HttpResponse<String> bob = get(p, target, c.header, c.value("bob"));
        assertThat(bob.body()).contains(c.value("bob")).doesNotContain(c.value("alice"));

        // the anonymous response is shared now, but a credentialed request is still not served from it
        HttpResponse<String> anonymousHit = get(p, target);
        assertThat(xCache(anonymousHit)).isEqualTo("HIT");
        HttpResponse<String> carol = get(p, target, c.header, c.value("carol"));
        assertThat(carol.body()).contains(c.value("carol"));
        assertThat(xCache(carol)).isEqualTo("BYPASS");
    }
}
