package io.hubwatch.proxy.cache;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One stored response: status, end-to-end headers, the body in identity and (when large enough) gzip and brotli
 * encodings, its validator and timing. The headers of each encoding are prepared once when it is built, so a hit
 * only copies references.
 *
 * <pre>{@code
 * CachedResponse r = CachedResponse.builder(key, "/api/v1/models").status(200).header("Content-Type", "application/json")
 *         .body(bytes).etag("\"abc\"").timing(now, ttl, swr, sie).build();
 * CachedResponse.Variant v = r.variant(CachedResponse.Encoding.BROTLI);
 * }</pre>
 */
public final class CachedResponse {

    public enum Encoding { IDENTITY, GZIP, BROTLI }

    /** A body in one encoding with the headers to send with it (names and values aligned). */
    public static final class Variant {
        public final Encoding encoding;
        public final byte[] bytes;
        public final Buffer body;
        public final CharSequence[] names;
        public final CharSequence[] values;

        Variant(Encoding encoding, byte[] bytes, CharSequence[] names, CharSequence[] values) {
            this.encoding = encoding;
            this.bytes = bytes;
            // one heap buffer shared by every hit: Vert.x writes a slice of it, never a copy of the entry; heap
            // rather than direct so L1 is bounded by -Xmx alone (no direct-memory limit, no reserveMemory GC
            // stalls), at the price of Netty's one copy into its pooled direct buffer per write
            this.body = BufferInternal.buffer(Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(bytes)));
            this.names = names;
            this.values = values;
        }
    }

    private static final CharSequence CONTENT_ENCODING = HttpHeaders.createOptimized("content-encoding");
    private static final CharSequence ETAG = HttpHeaders.createOptimized("etag");
    private static final CharSequence VARY = HttpHeaders.createOptimized("vary");
    private static final CharSequence GZIP = HttpHeaders.createOptimized("gzip");
    private static final CharSequence BR = HttpHeaders.createOptimized("br");

    public final String key;
    public final String endpoint;
    public final int status;
    /** end-to-end headers from the upstream, without hop-by-hop, length, encoding, ETag and Vary */
    public final List<String[]> headers;
    public final byte[] identity;
    public final byte[] gzip;
    public final byte[] brotli;
    public final String etag;
    /** header names of the upstream Vary (lower case, without accept-encoding), empty if none */
    public final List<String> vary;
    public final long storedAt;
    public final long ttlMillis;
    public final long swrMillis;
    public final long sieMillis;
    public final int upstreamAgeSeconds;
    public final List<String> tags;
    public final long bodyHash;

    private final Variant identityVariant;
    private final Variant gzipVariant;
    private final Variant brotliVariant;
    private final CharSequence etagValue;
    private final int weight;

    /** refresh-ahead point (age in millis), jittered per entry; set when the entry is stored */
    public volatile long refreshAt;
    /** hits since stored; approximate under concurrency on purpose (a plain add, no contention on the hit path) */
    public volatile long hits;
    public final AtomicBoolean refreshing = new AtomicBoolean();
    /** after a failed background refresh: no new attempt before this time (epoch millis), so a failing upstream is
     *  not retried on every hit */
    public volatile long noRefreshBefore;

    private CachedResponse(Builder b) {
        this.key = b.key;
        this.endpoint = b.endpoint;
        this.status = b.status;
        this.headers = List.copyOf(b.headers);
        this.identity = b.identity;
        this.gzip = b.gzip;
        this.brotli = b.brotli;
        this.etag = b.etag;
        this.vary = List.copyOf(b.vary);
        this.storedAt = b.storedAt;
        this.ttlMillis = b.ttlMillis;
        this.swrMillis = b.swrMillis;
        this.sieMillis = b.sieMillis;
        this.upstreamAgeSeconds = b.upstreamAgeSeconds;
        this.tags = List.copyOf(b.tags);
        this.bodyHash = b.bodyHash;
        this.refreshAt = b.ttlMillis;
        this.etagValue = etag == null ? null : HttpHeaders.createOptimized(etag);
        this.identityVariant = variant(Encoding.IDENTITY, identity, null);
        this.gzipVariant = gzip == null ? null : variant(Encoding.GZIP, gzip, GZIP);
        this.brotliVariant = brotli == null ? null : variant(Encoding.BROTLI, brotli, BR);
        int w = 256 + key.length() * 2 + identity.length + (gzip == null ? 0 : gzip.length)
                + (brotli == null ? 0 : brotli.length);
        for (String[] h : headers) {
            w += 48 + (h[0].length() + h[1].length()) * 2;
        }
        this.weight = w;
    }

    private Variant variant(Encoding enc, byte[] bytes, CharSequence contentEncoding) {
        List<CharSequence> names = new ArrayList<>();
        List<CharSequence> values = new ArrayList<>();
        for (String[] h : headers) {
            names.add(HttpHeaders.createOptimized(h[0]));
            values.add(HttpHeaders.createOptimized(h[1]));
        }
        if (etagValue != null) {
            names.add(ETAG);
            values.add(etagValue);
        }
        String varyValue = String.join(", ", vary);
        if (gzip != null || brotli != null) {
            varyValue = varyValue.isEmpty() ? "Accept-Encoding" : varyValue + ", Accept-Encoding";
        }
        if (!varyValue.isEmpty()) {
            names.add(VARY);
            values.add(HttpHeaders.createOptimized(varyValue));
        }
        if (contentEncoding != null) {
            names.add(CONTENT_ENCODING);
            values.add(contentEncoding);
        }
        return new Variant(enc, bytes, names.toArray(CharSequence[]::new), values.toArray(CharSequence[]::new));
    }

    public static Builder builder(String key, String endpoint) {
        return new Builder(key, endpoint);
    }

    /** The best variant this entry has for the wanted encoding (identity if it has no such encoding). */
    public Variant variant(Encoding wanted) {
        if (wanted == Encoding.BROTLI && brotliVariant != null) {
            return brotliVariant;
        }
        if (wanted == Encoding.GZIP && gzipVariant != null) {
            return gzipVariant;
        }
        return identityVariant;
    }

    public boolean hasCompressed() {
        return gzipVariant != null || brotliVariant != null;
    }

    public CharSequence etagHeader() {
        return etagValue;
    }

    /** Bytes this entry holds in memory, roughly (bodies, headers, key). */
    public int weight() {
        return weight;
    }

    public long ageMillis(long now) {
        return now - storedAt + upstreamAgeSeconds * 1000L;
    }

    /** How long the entry must be kept so it can be served fresh or stale. */
    public long retainMillis() {
        return ttlMillis + Math.max(swrMillis, sieMillis);
    }

    public Builder toBuilder() {
        Builder b = new Builder(key, endpoint).status(status).body(identity).compressed(gzip, brotli).etag(etag)
                .timing(storedAt, ttlMillis, swrMillis, sieMillis).upstreamAge(upstreamAgeSeconds).bodyHash(bodyHash);
        headers.forEach(h -> b.header(h[0], h[1]));
        b.vary.addAll(vary);
        b.tags.addAll(tags);
        return b;
    }

    /** Collects the parts of a {@link CachedResponse}. */
    public static final class Builder {
        private final String key;
        private final String endpoint;
        private int status = 200;
        private final List<String[]> headers = new ArrayList<>();
        private byte[] identity = new byte[0];
        private byte[] gzip;
        private byte[] brotli;
        private String etag;
        private final List<String> vary = new ArrayList<>();
        private long storedAt;
        private long ttlMillis;
        private long swrMillis;
        private long sieMillis;
        private int upstreamAgeSeconds;
        private final List<String> tags = new ArrayList<>();
        private long bodyHash;

        private Builder(String key, String endpoint) {
            this.key = key;
            this.endpoint = endpoint;
        }

        public Builder status(int status) {
            this.status = status;
            return this;
        }

        public Builder header(String name, String value) {
            headers.add(new String[] {name, value});
            return this;
        }

        public Builder body(byte[] identity) {
            this.identity = identity;
            return this;
        }

        public Builder compressed(byte[] gzip, byte[] brotli) {
            this.gzip = gzip;
            this.brotli = brotli;
            return this;
        }

        public Builder etag(String etag) {
            this.etag = etag;
            return this;
        }

        public Builder vary(List<String> names) {
            vary.addAll(names);
            return this;
        }

        public Builder timing(long storedAt, long ttlMillis, long swrMillis, long sieMillis) {
            this.storedAt = storedAt;
            this.ttlMillis = ttlMillis;
            this.swrMillis = swrMillis;
            this.sieMillis = sieMillis;
            return this;
        }

        public Builder upstreamAge(int seconds) {
            this.upstreamAgeSeconds = seconds;
            return this;
        }

        public Builder tags(List<String> t) {
            tags.addAll(t);
            return this;
        }

        public Builder bodyHash(long hash) {
            this.bodyHash = hash;
            return this;
        }

        public CachedResponse build() {
            return new CachedResponse(this);
        }
    }
}
