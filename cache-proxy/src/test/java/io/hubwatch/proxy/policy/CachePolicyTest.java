package io.hubwatch.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubwatch.proxy.policy.CachePolicy.Decision;
import io.hubwatch.proxy.policy.CachePolicy.Lookup;
import io.hubwatch.proxy.policy.CachePolicy.Request;
import io.hubwatch.proxy.policy.CachePolicy.Store;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The RFC 9111 rules the proxy stores and reuses responses by, one rule a test. */
class CachePolicyTest {

    static final long TTL = 60_000;
    static final long NOW = 1_700_000_000_000L;
    static final Request ANONYMOUS_SHARED = new Request(false, false, TTL, CacheControl.NONE, NOW);
    static final Request ANONYMOUS_PER_USER_ENDPOINT = new Request(true, false, TTL, CacheControl.NONE, NOW);
    static final Request CREDENTIALED_SHARED = new Request(false, true, TTL, CacheControl.NONE, NOW);
    static final Request CREDENTIALED_PER_USER = new Request(true, true, TTL, CacheControl.NONE, NOW);

    static MultiMap headers(String... nameValues) {
        MultiMap h = HttpHeaders.headers();
        for (int i = 0; i + 1 < nameValues.length; i += 2) {
            h.add(nameValues[i], nameValues[i + 1]);
        }
        return h;
    }

    @Test
    void aPlain200IsSharedForTheEndpointTtl() {
        Decision d = CachePolicy.decide(ANONYMOUS_SHARED, 200, headers());
        assertThat(d.store()).isEqualTo(Store.SHARED);
        assertThat(d.ttlMillis()).isEqualTo(TTL);
        assertThat(d.shareWithWaiters()).isTrue();
    }

    @Test
    void onlyFinalSuccessfulStatusesAreStored() {
        assertThat(CachePolicy.decide(ANONYMOUS_SHARED, 203, headers()).stored()).isTrue();
        assertThat(CachePolicy.decide(ANONYMOUS_SHARED, 204, headers()).stored()).isTrue();
        for (int status : new int[] {206, 301, 404, 500, 503}) {
            assertThat(CachePolicy.decide(ANONYMOUS_SHARED, status, headers()).reason()).isEqualTo("status " + status);
        }
    }

    @Test
    void noStoreInAnyCacheControlLineIsNeverStored() {
        Decision d = CachePolicy.decide(ANONYMOUS_SHARED, 200,
                headers("Cache-Control", "public, max-age=60", "Cache-Control", "no-store"));
        assertThat(d.store()).isEqualTo(Store.NO);
        assertThat(d.reason()).isEqualTo("no-store");
        assertThat(d.shareWithWaiters()).isFalse();
    }

    @Test
    void directivesAreCaseInsensitiveAndQuotedListsDoNotSplit() {
        assertThat(CachePolicy.decide(ANONYMOUS_SHARED, 200, headers("Cache-Control", "NO-STORE")).stored()).isFalse();
        CacheControl cc = CacheControl.parse(List.of("no-cache=\"Set-Cookie, X-A\", max-age=5"));
        assertThat(cc.has("no-cache")).isTrue();
        assertThat(cc.seconds("max-age")).isEqualTo(5);
        assertThat(cc.has(" x-a\"")).isFalse();
    }

    @Test
    void noCacheIsNotStoredBecauseThisCacheDoesNotRevalidate() {
        assertThat(CachePolicy.decide(ANONYMOUS_SHARED, 200, headers("Cache-Control", "no-cache")).reason())
                .isEqualTo("no-cache");
        assertThat(CachePolicy.decide(ANONYMOUS_SHARED, 200, headers("Cache-Control", "no-cache=\"Set-Cookie\"")).stored())
                .isFalse();
    }

    @Test
    void aRequestSayingNoStoreLeavesNothingStored() {
        Request noStore = new Request(false, false, TTL, CacheControl.parse(List.of("no-store")), NOW);
        assertThat(CachePolicy.decide(noStore, 200, headers()).reason()).isEqualTo("request no-store");
    }

    @Test
    void privateIsKeptOnlyUnderTheRequestersOwnIdentity() {
        MultiMap priv = headers("Cache-Control", "private, max-age=30");
        assertThat(CachePolicy.decide(ANONYMOUS_SHARED, 200, priv).reason()).isEqualTo("private");
        assertThat(CachePolicy.decide(ANONYMOUS_PER_USER_ENDPOINT, 200, priv).reason()).isEqualTo("private");
        Decision own = CachePolicy.decide(CREDENTIALED_PER_USER, 200, priv);
        assertThat(own.store()).isEqualTo(Store.PER_USER);
        assertThat(own.ttlMillis()).isEqualTo(30_000);
        // waiters coalesced on a per-user key are the same identity
        assertThat(own.shareWithWaiters()).isTrue();
        assertThat(CachePolicy.decide(ANONYMOUS_SHARED, 200, priv).shareWithWaiters()).isFalse();
    }

    @Test
    void aCredentialedRequestOnASharedEndpointIsNeverStored() {
        Decision d = CachePolicy.decide(CREDENTIALED_SHARED, 200, headers("Cache-Control", "public, max-age=60"));
        assertThat(d.store()).isEqualTo(Store.NO);
        assertThat(d.reason()).isEqualTo("credentialed request on a shared endpoint");
    }

    @Test
    void setCookieIsNeverStoredNorHandedToWaiters() {
        Decision d = CachePolicy.decide(CREDENTIALED_PER_USER, 200, headers("Set-Cookie", "s=1"));
        assertThat(d.reason()).isEqualTo("set-cookie");
        assertThat(d.shareWithWaiters()).isFalse();
    }

    @Test
    void varyStarIsNotStoredAndVaryNamesAreCollectedFromEveryLine() {
        assertThat(CachePolicy.decide(ANONYMOUS_SHARED, 200, headers("Vary", "*")).reason()).isEqualTo("vary *");
        Decision d = CachePolicy.decide(ANONYMOUS_SHARED, 200,
                headers("Vary", "Accept-Encoding, Accept-Language", "Vary", "X-Tenant"));
        assertThat(d.vary()).containsExactly("accept-language", "x-tenant");
        assertThat(d.stored()).isTrue();
        assertThat(d.shareWithWaiters()).isFalse();
    }

    @Test
    void theUpstreamsLifetimeCapsTheEndpointTtlWithSMaxageFirstForSharedEntries() {
        assertThat(CachePolicy.decide(ANONYMOUS_SHARED, 200, headers("Cache-Control", "max-age=10")).ttlMillis())
                .isEqualTo(10_000);
        assertThat(CachePolicy.decide(ANONYMOUS_SHARED, 200, headers("Cache-Control", "max-age=10, s-maxage=20"))
                .ttlMillis()).isEqualTo(20_000);
        assertThat(CachePolicy.decide(ANONYMOUS_SHARED, 200, headers("Cache-Control", "max-age=3600")).ttlMillis())
                .isEqualTo(TTL);
        // s-maxage is for shared caches: a per-user entry goes by max-age
        assertThat(CachePolicy.decide(CREDENTIALED_PER_USER, 200, headers("Cache-Control", "max-age=10, s-maxage=20"))
                .ttlMillis()).isEqualTo(10_000);
    }

    @Test
    void maxAgeZeroOrAnExpiresInThePastLeavesNothingToStore() {
        assertThat(CachePolicy.decide(ANONYMOUS_SHARED, 200, headers("Cache-Control", "max-age=0")).stored()).isFalse();
        assertThat(CachePolicy.decide(ANONYMOUS_SHARED, 200, headers("Expires", "0")).stored()).isFalse();
        assertThat(CachePolicy.decide(ANONYMOUS_SHARED, 200, headers(
                "Date", "Tue, 14 Nov 2023 22:13:20 GMT", "Expires", "Tue, 14 Nov 2023 22:13:25 GMT")).ttlMillis())
                .isEqualTo(5_000);
    }

    @Test
    void aBodyEncodedByTheUpstreamIsNotStored() {
        assertThat(CachePolicy.decide(ANONYMOUS_SHARED, 200, headers("Content-Encoding", "gzip")).stored()).isFalse();
        assertThat(CachePolicy.decide(ANONYMOUS_SHARED, 200, headers("Content-Encoding", "identity")).stored())
                .isTrue();
    }

    @Test
    void requestDirectivesSayWhatAStoredResponseMayAnswer() {
        assertThat(CachePolicy.lookup(CacheControl.NONE, null)).isEqualTo(Lookup.DEFAULT);
        assertThat(CachePolicy.lookup(CacheControl.parse(List.of("no-cache")), null).useStored()).isFalse();
        assertThat(CachePolicy.lookup(CacheControl.NONE, "no-cache").useStored()).isFalse();
        assertThat(CachePolicy.lookup(CacheControl.parse(List.of("max-age=0")), null).useStored()).isFalse();
        Lookup maxAge = CachePolicy.lookup(CacheControl.parse(List.of("max-age=5")), null);
        assertThat(maxAge.acceptsFresh(4_000, TTL)).isTrue();
        assertThat(maxAge.acceptsFresh(6_000, TTL)).isFalse();
        assertThat(maxAge.acceptsStale()).isFalse();
        Lookup minFresh = CachePolicy.lookup(CacheControl.parse(List.of("min-fresh=30")), null);
        assertThat(minFresh.acceptsFresh(20_000, TTL)).isTrue();
        assertThat(minFresh.acceptsFresh(40_000, TTL)).isFalse();
        assertThat(CachePolicy.lookup(CacheControl.parse(List.of("only-if-cached")), null).onlyIfCached()).isTrue();
        assertThat(CachePolicy.lookup(CacheControl.parse(List.of("no-store")), null).mayStore()).isFalse();
    }

    @Test
    void deltaSecondsPastALongsMillisecondsAreInfinityNotAWrappedNumber() {
        // RFC 9111 1.2.2: too large a delta-seconds is 2^31; times 1000 it must not wrap (s-maxage=18446744073709552
        // was a 448 ms lifetime, a min-fresh of Long.MAX no limit at all)
        for (String big : new String[] {"18446744073709552", "9223372036854775807", "99999999999999999999"}) {
            assertThat(CachePolicy.decide(ANONYMOUS_SHARED, 200, headers("Cache-Control", "s-maxage=" + big))
                    .ttlMillis()).as(big).isEqualTo(TTL);
            Lookup maxAge = CachePolicy.lookup(CacheControl.parse(List.of("max-age=" + big)), null);
            assertThat(maxAge.acceptsFresh(TTL - 1, TTL)).as(big).isTrue();
            Lookup minFresh = CachePolicy.lookup(CacheControl.parse(List.of("min-fresh=" + big)), null);
            assertThat(minFresh.acceptsFresh(0, TTL)).as(big).isFalse();
        }
    }
}
