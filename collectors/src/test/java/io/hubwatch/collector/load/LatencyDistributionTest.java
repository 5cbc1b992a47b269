package io.hubwatch.collector.load;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LatencyDistributionTest {

    @Test
    void aLognormalHasTheGivenMedian() {
        LatencyDistribution d = LatencyDistribution.parse("lognormal:300:0.8");
        SplittableRandom random = new SplittableRandom(1);
        double[] samples = new double[20_001];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = d.sample(random, 1.0);
        }
        Arrays.sort(samples);
        assertThat(samples[10_000]).isCloseTo(300, within(15.0));
    }

    @Test
    void aPlainNumberIsAFixedLatencyAndScales() {
        assertThat(LatencyDistribution.parse("250").sample(new SplittableRandom(1), 2.0)).isEqualTo(500);
    }

    @Test
    void anUnknownFormIsRefusedWithTheAcceptedForms() {
        assertThatThrownBy(() -> LatencyDistribution.parse("gauss:1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'gauss:1' is not a latency distribution").hasMessageContaining("lognormal:MEDIAN:SIGMA");
        assertThatThrownBy(() -> LatencyDistribution.parse("uniform:9:1")).hasMessageContaining("uniform:MIN:MAX");
    }
}
