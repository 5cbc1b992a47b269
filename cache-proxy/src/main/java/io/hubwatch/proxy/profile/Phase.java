package io.hubwatch.proxy.profile;

/**
 * Where a proxied request spends its time. Each phase is a histogram per endpoint on {@code /metrics}
 * ({@code hubwatch_proxy_phase_seconds{endpoint, phase}}) and a line of {@code GET /_proxy/profile}.
 *
 * <pre>{@code
 * long t0 = System.nanoTime();
 * CachedResponse e = l1.get(key);
 * endpointStats.time(Phase.L1_LOOKUP, System.nanoTime() - t0);
 * }</pre>
 */
public enum Phase {
    /** waiting for a free upstream slot (the concurrency limit and its queue) */
    UPSTREAM_QUEUE("upstream_queue", Kind.QUEUE),
    /** getting an upstream connection (a new TCP connection, or one from the pool) */
    UPSTREAM_CONNECT("upstream_connect", Kind.UPSTREAM),
    /** from sending the request to the upstream's response headers */
    UPSTREAM_FIRST_BYTE("upstream_first_byte", Kind.UPSTREAM),
    /** reading the upstream's body (or piping it through, for streams and pass-through) */
    UPSTREAM_TRANSFER("upstream_transfer", Kind.UPSTREAM),
    /** looking the key up in the in-process cache (sampled, see {@link #SAMPLE_EVERY}) */
    L1_LOOKUP("l1_lookup", Kind.CACHE, true),
    /** looking the key up in Redis (round trip included) */
    L2_LOOKUP("l2_lookup", Kind.CACHE),
    /** compressing a body to store it gzip- and brotli-encoded */
    COMPRESSION("compression", Kind.COMPRESSION),
    /** writing a response from the cache to the client (sampled, see {@link #SAMPLE_EVERY}) */
    RESPONSE_WRITE("response_write", Kind.WRITE, true);

    /**
     * The phases of the hit path are timed on one request in this many: a hit costs about 8 us of CPU, and two clock
     * reads plus a histogram record per phase would add about 3 % to it. Their histograms describe the distribution;
     * their counts are this fraction of the events, and the profile scales their totals back up.
     */
    public static final int SAMPLE_EVERY = 16;

    /** What a phase's time says about the bottleneck. */
    public enum Kind { QUEUE, UPSTREAM, CACHE, COMPRESSION, WRITE }

    public final String label;
    public final Kind kind;
    /** timed on one request in {@link #SAMPLE_EVERY} only */
    public final boolean sampled;

    Phase(String label, Kind kind) {
        this(label, kind, false);
    }

    Phase(String label, Kind kind, boolean sampled) {
        this.label = label;
        this.kind = kind;
        this.sampled = sampled;
    }
}
