package io.hubwatch.collector.host;

import io.hubwatch.collector.host.PublishedEvents.Keyed;
import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.testing.KafkaBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@ExtendWith(KafkaBrokerExtension.class)
class HostAgentPublishesITCase {

    private static final Set<String> ISSUE_METRICS = Set.of("cpu_usage", "memory_usage", "disk_usage",
            "network_rx_bytes_per_s", "network_tx_bytes_per_s", "load_average_1m", "process_count");

    /** Two full readings: every metric of the issue seen at two different timestamps. */
    private static boolean twoReadings(List<Keyed> records) {
        return records.stream().map(k -> k.event().timestamp()).distinct().count() >= 2
                && records.stream().map(k -> k.event().metric()).collect(Collectors.toSet()).containsAll(ISSUE_METRICS);
    }

    private static List<MetricEvent> named(List<Keyed> records, String metric) {
        return records.stream().map(Keyed::event).filter(e -> e.metric().equals(metric)).toList();
    }

    @Test
    void realReadingsOfThisMachineLandOnTheBrokerKeyedBySeries(EmbeddedKafka kafka) throws IOException {
        String topic = "agent-readings-" + System.nanoTime();
        HostAgentConfig config = HostAgentConfig.of(kafka.bootstrapServers())
                .withInterval(Duration.ofSeconds(1)).withTopic(topic).withSource("itcase-host");

        List<Keyed> records;
        try (HostAgent agent = HostAgent.start(config)) {
            records = PublishedEvents.readUntil(kafka, topic, HostAgentPublishesITCase::twoReadings, Duration.ofSeconds(60));
        }

        assertThat(records).extracting(k -> k.event().metric()).containsAll(ISSUE_METRICS);
        assertThat(records).allSatisfy(k -> {
            assertThat(k.key()).isEqualTo(k.event().seriesKey());
            assertThat(k.event().source()).isEqualTo("itcase-host");
        });
        assertThat(named(records, "cpu_usage")).allSatisfy(e -> assertThat(e.value()).isBetween(0.0, 100.0));
        assertThat(named(records, "memory_usage")).allSatisfy(e -> assertThat(e.value()).isGreaterThan(0.0).isLessThanOrEqualTo(100.0));
        assertThat(named(records, "disk_usage")).allSatisfy(e -> {
            assertThat(e.labels()).containsKey("mount");
            assertThat(e.value()).isBetween(0.0, 100.0);
        });
        assertThat(named(records, "network_rx_bytes_per_s")).isNotEmpty().allSatisfy(e -> {
            assertThat(e.labels().get("interface")).isNotBlank().isNotEqualTo("lo");
            assertThat(e.value()).isGreaterThanOrEqualTo(0.0).isLessThan(100e9); // under 100 GB/s
        });
        assertThat(named(records, "network_tx_bytes_per_s")).isNotEmpty()
                .allSatisfy(e -> assertThat(e.value()).isGreaterThanOrEqualTo(0.0).isLessThan(100e9));
        assertThat(named(records, "load_average_1m")).allSatisfy(e -> assertThat(e.value()).isGreaterThanOrEqualTo(0.0));
        long processesNow = ProcessHandle.allProcesses().count();
        assertThat(named(records, "process_count")).allSatisfy(e -> assertThat(e.value())
                .isGreaterThanOrEqualTo(1.0).isBetween(processesNow / 3.0, processesNow * 3.0));
    }

    @Test
    void theRootDiskReadingAgreesWithWhatTheJdkSees(EmbeddedKafka kafka) throws IOException {
        String topic = "agent-disk-" + System.nanoTime();
        HostAgentConfig config = HostAgentConfig.of(kafka.bootstrapServers())
                .withInterval(Duration.ofSeconds(1)).withTopic(topic);

        List<Keyed> records;
        try (HostAgent agent = HostAgent.start(config)) {
            records = PublishedEvents.readUntil(kafka, topic,
                    r -> r.stream().anyMatch(k -> k.event().metric().equals("disk_usage")), Duration.ofSeconds(60));
        }
        FileStore root = Files.getFileStore(Path.of("/"));
        double used = root.getTotalSpace() - root.getUnallocatedSpace();
        double rootPercent = used * 100.0 / (used + root.getUsableSpace());

        MetricEvent rootDisk = named(records, "disk_usage").stream()
                .filter(e -> e.labels().get("mount").equals("/")).findFirst()
                .orElseThrow(() -> new AssertionError("no disk_usage for / in " + records));
        assertThat(rootDisk.value()).isCloseTo(rootPercent, within(2.0));
        assertThat(rootDisk.source()).isEqualTo(config.source());
    }
}
