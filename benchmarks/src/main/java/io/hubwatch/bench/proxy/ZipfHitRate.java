package io.hubwatch.bench.proxy;

import io.hubwatch.proxy.cache.CachedResponse;
import io.hubwatch.proxy.cache.L1Cache;
import io.hubwatch.proxy.cache.RedisTier;
import io.hubwatch.proxy.http.ContentCoding;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Hit rate of the proxy's two cache levels on a Zipf trace: the proxy's own L1 (Caffeine, bounded in bytes) sized to
 * hold 10 % of the keys, over its L2 (Redis). Usage: {@code ZipfHitRate KEYS REQUESTS EXPONENT [REDIS_URI]}.
 */
public final class ZipfHitRate {

    private ZipfHitRate() {
    }

    public static void main(String[] args) throws Exception {
        int keys = Integer.parseInt(args[0]);
        int requests = Integer.parseInt(args[1]);
        double s = Double.parseDouble(args[2]);
        String redis = args.length > 3 ? args[3] : "redis://127.0.0.1:6379";

        byte[] body = BenchUpstream.BODY.getBytes(StandardCharsets.UTF_8);
        byte[] gz = ContentCoding.gzip(body);
        byte[] br = ContentCoding.brotli(body);
        int weight = entry("GET /api/v1/models?id=" + (keys - 1), body, gz, br).weight();
        long l1Bytes = (long) weight * keys / 10;

        double[] cdf = new double[keys];
        double sum = 0;
        for (int k = 1; k <= keys; k++) {
            sum += 1.0 / Math.pow(k, s);
            cdf[k - 1] = sum;
        }
        for (int k = 0; k < keys; k++) {
            cdf[k] /= sum;
        }

        L1Cache l1 = new L1Cache(l1Bytes);
        String prefix = "hwbench:zipf:" + UUID.randomUUID() + ":";
        RedisTier l2 = new RedisTier(URI.create(redis), prefix, Duration.ofSeconds(2), inv -> { });
        long deadline = System.currentTimeMillis() + 10_000;
        while (!l2.available() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        SplittableRandom random = new SplittableRandom(7);
        long l1Hits = 0;
        long l2Hits = 0;
        long misses = 0;
        long steadyFrom = requests / 10;
        long sL1 = 0;
        long sL2 = 0;
        long sMiss = 0;
        for (int i = 0; i < requests; i++) {
            int rank = search(cdf, random.nextDouble());
            String key = "GET /api/v1/models?id=" + rank;
            boolean steady = i >= steadyFrom;
            if (l1.get(key) != null) {
                l1Hits++;
                if (steady) {
                    sL1++;
                }
                continue;
            }
            CachedResponse fromL2 = l2.available() ? l2.get(key).toCompletableFuture().get() : null;
            if (fromL2 != null) {
                l2Hits++;
                if (steady) {
                    sL2++;
                }
                l1.put(fromL2);
                continue;
            }
            misses++;
            if (steady) {
                sMiss++;
            }
            CachedResponse e = entry(key, body, gz, br);
            l1.put(e);
            l2.putAll(Map.of(key, e)).toCompletableFuture().get();
        }
        System.out.printf("zipf s=%.2f keys=%d requests=%d; L1 bound %d bytes = 10%% of keys (%d B per entry)%n",
                s, keys, requests, l1Bytes, weight);
        System.out.printf("whole trace : L1 hit rate %.4f, L2 hit rate %.4f, combined %.4f, misses %d%n",
                (double) l1Hits / requests, (double) l2Hits / requests, (double) (l1Hits + l2Hits) / requests, misses);
        long steadyN = requests - steadyFrom;
        System.out.printf("after first 10%%: L1 hit rate %.4f, L2 hit rate %.4f, combined %.4f%n",
                (double) sL1 / steadyN, (double) sL2 / steadyN, (double) (sL1 + sL2) / steadyN);
        l2.purgePathPrefix("/api/v1/models").toCompletableFuture().get();
        l2.close();
    }

    private static CachedResponse entry(String key, byte[] body, byte[] gz, byte[] br) {
        return CachedResponse.builder(key, "/api/v1/models").status(200)
                .header("Content-Type", "application/json").body(body).compressed(gz, br)
                .etag("\"e\"").timing(System.currentTimeMillis(), 3_600_000, 0, 0).build();
    }

    private static int search(double[] cdf, double u) {
        int lo = 0;
        int hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
