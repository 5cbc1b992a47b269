package io.hubwatch.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CacheKeysTest {

    @Test
    void pathsAreNormalizedSoEquivalentSpellingsShareAKey() {
        assertThat(CacheKeys.normalizePath("/api//v1/./models/")).isEqualTo("/api/v1/models");
        assertThat(CacheKeys.normalizePath("/api/v1/x/../models")).isEqualTo("/api/v1/models");
        assertThat(CacheKeys.normalizePath("/../..")).isEqualTo("/");
        assertThat(CacheKeys.normalizePath("")).isEqualTo("/");
    }

    @Test
    void anAlreadyNormalPathIsReturnedAsTheSameInstance() {
        String p = "/api/v1/models.json";
        assertThat(CacheKeys.normalizePath(p)).isSameAs(p);
    }

    @Test
    void queryParametersAreSortedAndEmptyOnesDropped() {
        assertThat(CacheKeys.base("/api/v1/stats", "b=2&a=1&&c=3")).isEqualTo("GET /api/v1/stats?a=1&b=2&c=3");
        assertThat(CacheKeys.base("/api/v1/stats", null)).isEqualTo("GET /api/v1/stats");
    }

    @Test
    void userIdentitiesAreHashedIntoTheKeyAndNeverStoredRaw() {
        String key = CacheKeys.withUser(CacheKeys.base("/api/v1/stats", ""), CacheKeys.userHash("h:alice"));
        assertThat(key).doesNotContain("alice").startsWith("GET /api/v1/stats|u=");
        assertThat(CacheKeys.userHash("h:alice")).isNotEqualTo(CacheKeys.userHash("h:bob")).hasSize(32);
        assertThat(CacheKeys.isPerUser(key)).isTrue();
        assertThat(CacheKeys.target(key)).isEqualTo("/api/v1/stats");
    }

    @Test
    void prefixMatchingLooksAtThePathAfterTheMethod() {
        assertThat(CacheKeys.pathStartsWith("GET /api/v1/stats?x=1", "/api/v1/stats")).isTrue();
        assertThat(CacheKeys.pathStartsWith("GET /api/v1/models", "/api/v1/stats")).isFalse();
    }

    @Test
    void unreservedEscapesAreDecodedOthersUpperCasedAndEncodedDotSegmentsResolved() {
        assertThat(CacheKeys.normalizePath("/api/v1/%6dodels")).isEqualTo("/api/v1/models");
        assertThat(CacheKeys.normalizePath("/api/v1/models/%2e%2e/stats")).isEqualTo("/api/v1/stats");
        assertThat(CacheKeys.normalizePath("/a/%2fb%3a")).isEqualTo("/a/%2Fb%3A");
        assertThat(CacheKeys.normalizePath("/a/%zz")).isEqualTo("/a/%zz");
    }

    @Test
    void theKeySeparatorCannotBeForgedFromThePathOrTheQuery() {
        String forged = CacheKeys.base(CacheKeys.normalizePath("/api/v1/models|u=abc"), "x=1|u=abc");
        assertThat(forged).isEqualTo("GET /api/v1/models%7Cu=abc?x=1%7Cu=abc");
        assertThat(CacheKeys.isPerUser(forged)).isFalse();
    }
}
