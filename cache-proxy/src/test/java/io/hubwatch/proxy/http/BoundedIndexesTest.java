package io.hubwatch.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubwatch.proxy.cache.L1Cache;
import io.hubwatch.proxy.config.ProxyConfig;
import io.hubwatch.proxy.stats.ProxyStats;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every index the proxy keeps per key stays bounded whatever the traffic. */
class BoundedIndexesTest {

    @Test
    void theVaryIndexKeepsAtMostItsBoundOfKeys() {
        try (ProxyCore core = new ProxyCore(ProxyConfig.defaults(), new L1Cache(1 << 20), null, new ProxyStats())) {
            assertThat(core.varyNames("GET /x")).isNull();
            for (int i = 0; i < ProxyCore.MAX_VARY_KEYS * 2; i++) {
                core.learnVary("GET /api/v1/models?page=" + i, List.of("accept-language"));
            }
            assertThat(core.varyKeys()).isLessThanOrEqualTo(ProxyCore.MAX_VARY_KEYS);
        }
    }

    @Test
    void statisticsArePerConfiguredEndpointNotPerPathSeen() {
        ProxyStats stats = new ProxyStats();
        try (ProxyCore core = new ProxyCore(ProxyConfig.defaults(), new L1Cache(1 << 20), null, stats)) {
            for (int i = 0; i < 1000; i++) {
                var policy = core.matcher.match("/api/v1/models/m-" + i);
                stats.endpoint(policy.path());
            }
            assertThat(stats.endpoints()).hasSize(1);
        }
    }
}
