package io.hubwatch.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Who a request speaks for, as a secret-keyed hash of every credential it carries. */
class IdentityTest {

    static final Identity IDENTITY = new Identity(List.of("X-Api-Key", "X-User-Id"), "secret");

    static MultiMap headers(String... nameValues) {
        MultiMap h = HttpHeaders.headers();
        for (int i = 0; i + 1 < nameValues.length; i += 2) {
            h.add(nameValues[i], nameValues[i + 1]);
        }
        return h;
    }

    @Test
    void everyCredentialHeaderMakesARequestCredentialedAndNothingElseDoes() {
        assertThat(IDENTITY.credentialed(headers("Authorization", "Basic YTpi"))).isTrue();
        assertThat(IDENTITY.credentialed(headers("authorization", "Digest x"))).isTrue();
        assertThat(IDENTITY.credentialed(headers("Cookie", "s=1"))).isTrue();
        assertThat(IDENTITY.credentialed(headers("X-API-KEY", "k"))).isTrue();
        assertThat(IDENTITY.credentialed(headers("X-User-Id", "alice"))).isTrue();
        assertThat(IDENTITY.credentialed(headers("Accept", "*/*", "X-Other", "1"))).isFalse();
        assertThat(IDENTITY.of(headers("Accept", "*/*"))).isNull();
    }

    @Test
    void differentCredentialsOfAnyKindHashApartAndTheSameOnesAlike() {
        String basicA = IDENTITY.of(headers("Authorization", "Basic YWxpY2U6cHc="));
        String basicB = IDENTITY.of(headers("Authorization", "Basic Ym9iOnB3"));
        assertThat(basicA).isNotEqualTo(basicB).hasSize(32).isEqualTo(IDENTITY.of(headers("Authorization",
                "Basic YWxpY2U6cHc=")));
        // the same value in another header is another identity
        assertThat(IDENTITY.of(headers("Cookie", "k"))).isNotEqualTo(IDENTITY.of(headers("X-Api-Key", "k")));
        // a user header does not override a different token: both count
        assertThat(IDENTITY.of(headers("X-User-Id", "alice", "Authorization", "Bearer bob")))
                .isNotEqualTo(IDENTITY.of(headers("X-User-Id", "alice", "Authorization", "Bearer alice")));
        // value boundaries count: two cookie lines are not one joined line
        assertThat(IDENTITY.of(headers("Cookie", "a", "Cookie", "bc")))
                .isNotEqualTo(IDENTITY.of(headers("Cookie", "ab", "Cookie", "c")));
    }

    @Test
    void theHashDependsOnTheSecretAndARandomSecretIsDrawnWhenNoneIsSet() {
        MultiMap alice = headers("Authorization", "Bearer alice");
        assertThat(new Identity(List.of(), "secret").of(alice)).isEqualTo(new Identity(List.of(), "secret").of(alice));
        assertThat(new Identity(List.of(), "other").of(alice)).isNotEqualTo(new Identity(List.of(), "secret").of(alice));
        assertThat(new Identity(List.of(), null).of(alice)).isNotEqualTo(new Identity(List.of(), null).of(alice));
        assertThat(IDENTITY.of(alice)).doesNotContain("alice");
    }
}
