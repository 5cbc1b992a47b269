package io.hubwatch.proxy.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the profiler names a bottleneck from the seconds each phase took. */
class ProfileTest {

    static Map<Phase, Double> seconds(Object... phaseSeconds) {
        Map<Phase, Double> m = new EnumMap<>(Phase.class);
        for (Phase p : Phase.values()) {
            m.put(p, 0.0);
        }
        for (int i = 0; i + 1 < phaseSeconds.length; i += 2) {
            m.put((Phase) phaseSeconds[i], ((Number) phaseSeconds[i + 1]).doubleValue());
        }
        return m;
    }

    @Test
    void theKindOfPhaseWithTheMostTimeNamesTheBottleneck() {
        assertThat(Profile.verdict(seconds(Phase.UPSTREAM_QUEUE, 2.0, Phase.UPSTREAM_FIRST_BYTE, 1.0), 0.0, 0)
                .bottleneck()).isEqualTo("queue-bound");
        assertThat(Profile.verdict(seconds(Phase.COMPRESSION, 0.5, Phase.UPSTREAM_FIRST_BYTE, 0.1), 0.9, 0)
                .bottleneck()).isEqualTo("compression-bound");
        assertThat(Profile.verdict(seconds(Phase.RESPONSE_WRITE, 0.5, Phase.L1_LOOKUP, 0.1), 0.99, 0)
                .bottleneck()).isEqualTo("write-bound");
        assertThat(Profile.verdict(seconds(Phase.L2_LOOKUP, 0.5, Phase.UPSTREAM_FIRST_BYTE, 0.1), 0.9, 0)
                .bottleneck()).isEqualTo("cache-bound");
    }

    @Test
    void upstreamTimeIsMissBoundWhenTheEndpointMostlyMissesAndUpstreamBoundWhenItMostlyHits() {
        Map<Phase, Double> upstream = seconds(Phase.UPSTREAM_CONNECT, 0.1, Phase.UPSTREAM_FIRST_BYTE, 1.0,
                Phase.UPSTREAM_TRANSFER, 0.2, Phase.L1_LOOKUP, 0.01);
        assertThat(Profile.verdict(upstream, 0.2, 0).bottleneck()).isEqualTo("miss-bound");
        assertThat(Profile.verdict(upstream, 0.9, 0).bottleneck()).isEqualTo("upstream-bound");
        assertThat(Profile.verdict(upstream, 0.9, 0).reason()).contains("99% of the time").contains("hit rate 90%");
        // pass-through traffic has no hit rate: its upstream time is the upstream's
        assertThat(Profile.verdict(upstream, -1, 0).bottleneck()).isEqualTo("upstream-bound");
    }

    @Test
    void requestsRefusedByAFullQueueAreQueueBoundEvenWithNoTimeRecorded() {
        assertThat(Profile.verdict(seconds(), 0, 5).bottleneck()).isEqualTo("queue-bound");
        assertThat(Profile.verdict(seconds(), 0, 0).bottleneck()).isEqualTo("none");
    }

    @Test
    void aSampledPhaseIsScaledUpOnlyOnceItHasEnoughSamples() {
        assertThat(Profile.scale(Phase.RESPONSE_WRITE, 1)).isEqualTo(1);
        assertThat(Profile.scale(Phase.RESPONSE_WRITE, Profile.MIN_SAMPLES)).isEqualTo(Phase.SAMPLE_EVERY);
        assertThat(Profile.scale(Phase.UPSTREAM_FIRST_BYTE, 1000)).isEqualTo(1);
    }
}
