package io.hubwatch.proxy.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who a request speaks for: every credential it carries ({@code Authorization} of any scheme, {@code Cookie}, and the
 * configured identity headers such as {@code X-Api-Key}), hashed with a secret (HMAC-SHA-256) so no credential, nor
 * anything that could be tried against a guessed one, reaches a cache key or Redis. Two requests get the same hash
 * only if they carry the same credentials in every one of those headers.
 *
 * <pre>{@code
 * Identity identity = new Identity(List.of("X-Api-Key", "X-User-Id"), secretOrNull);
 * String hash = identity.of(request.headers());   // null: no credentials
 * }</pre>
 */
public final class Identity {

    private final CharSequence[] names;
    private final SecretKeySpec key;
    private final ThreadLocal<Mac> mac;

    /**
     * @param identityHeaders headers that identify a caller besides Authorization and Cookie
     * @param secret          the hashing secret; null draws a random one for this process (then per-user entries
     *                        in Redis are not shared with other instances nor kept across restarts)
     */
    public Identity(List<String> identityHeaders, String secret) {
        Set<String> all = new LinkedHashSet<>();
        all.add("authorization");
        all.add("cookie");
        for (String h : identityHeaders) {
            all.add(h.toLowerCase(java.util.Locale.ROOT));
        }
        List<CharSequence> n = new ArrayList<>();
        for (String h : all) {
            n.add(HttpHeaders.createOptimized(h));
        }
        this.names = n.toArray(CharSequence[]::new);
        byte[] k;
        if (secret == null) {
            k = new byte[32];
            new SecureRandom().nextBytes(k);
        } else {
            k = secret.getBytes(StandardCharsets.UTF_8);
        }
        this.key = new SecretKeySpec(k, "HmacSHA256");
        this.mac = ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(key);
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available", e);
            }
        });
    }

    /** Whether the request carries any credential. Cheap: a few header look-ups. */
    public boolean credentialed(MultiMap headers) {
        for (CharSequence n : names) {
            if (headers.contains(n)) {
                return true;
            }
        }
        return false;
    }

    /** The identity hash of the request's credentials (128 bits, hex), or null when it carries none. */
    public String of(MultiMap headers) {
        Mac m = null;
        for (int i = 0; i < names.length; i++) {
            List<String> values = headers.getAll(names[i]);
            if (values.isEmpty()) {
                continue;
            }
            if (m == null) {
                m = mac.get();
                m.reset();
            }
            // header index and value boundaries are part of the input: "a" + "bc" never hashes like "ab" + "c"
            m.update((byte) i);
            for (String v : values) {
                byte[] b = v.getBytes(StandardCharsets.UTF_8);
                m.update((byte) (b.length >>> 24));
                m.update((byte) (b.length >>> 16));
                m.update((byte) (b.length >>> 8));
                m.update((byte) b.length);
                m.update(b);
            }
        }
        return m == null ? null : HexFormat.of().formatHex(m.doFinal(), 0, 16);
    }
}
