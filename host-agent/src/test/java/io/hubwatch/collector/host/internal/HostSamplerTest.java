package io.hubwatch.collector.host.internal;

import io.hubwatch.events.MetricEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HostSamplerTest {

    @Test
    void oneReadingOfThisMachineHasEveryMetricOfTheIssue() throws InterruptedException {
        HostSampler sampler = new HostSampler("test-host");
        Thread.sleep(200); // CPU and network are measured between two readings

        List<MetricEvent> events = sampler.sample(System.currentTimeMillis());

        assertThat(events).extracting(MetricEvent::metric).contains("cpu_usage", "memory_usage", "disk_usage",
                "network_rx_bytes_per_s", "network_tx_bytes_per_s", "load_average_1m", "process_count");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.problems()).isEmpty();
            assertThat(e.source()).isEqualTo("test-host");
        });
    }

    @Test
    void everyDiskCarriesItsMountAndEveryRateItsInterfaceNeverLoopback() throws InterruptedException {
        HostSampler sampler = new HostSampler("test-host");
        Thread.sleep(200);

        List<MetricEvent> events = sampler.sample(System.currentTimeMillis());

        assertThat(events).filteredOn(e -> e.metric().equals("disk_usage"))
                .allSatisfy(e -> assertThat(e.labels()).containsKey("mount"));
        assertThat(events).filteredOn(e -> e.metric().startsWith("network_"))
                .allSatisfy(e -> assertThat(e.labels().get("interface")).isNotNull().isNotEqualTo("lo"));
    }

    @Test
    void memoryAndKernelFileSystemsAreNotDisks() {
        assertThat(HostSampler.isDisk("tmpfs", 1_000)).isFalse();
        assertThat(HostSampler.isDisk("proc", 1_000)).isFalse();
        assertThat(HostSampler.isDisk("squashfs", 1_000)).isFalse();
        assertThat(HostSampler.isDisk("ext4", 0)).isFalse();
        assertThat(HostSampler.isDisk("ext4", 1_000)).isTrue();
        assertThat(HostSampler.isDisk("overlay", 1_000)).isTrue(); // a container's root file system
    }
}
