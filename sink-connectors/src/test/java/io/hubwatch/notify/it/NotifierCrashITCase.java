package io.hubwatch.notify.it;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.events.Incident;
import io.hubwatch.notify.Notifier;
import io.hubwatch.notify.config.NotifierConfig;
import io.hubwatch.notify.support.HttpRecorder;
import io.hubwatch.notify.support.Incidents;
import io.hubwatch.notify.support.KafkaIo;
import io.hubwatch.notify.support.NotifierProcess;
import io.hubwatch.notify.support.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(KafkaBrokerExtension.class)
class NotifierCrashITCase {

    @Test
    void aNotifierKilledMidBatchAndRestartedLosesNothing(EmbeddedKafka kafka, @TempDir Path dir) throws Exception {
        String[] topics = KafkaIo.topics(kafka, "crash");
        try (HttpRecorder receiver = new HttpRecorder()) {
            // one group per host; the receiver takes 10 a second, so the kill lands mid-batch
            String yaml = TestConfigs.hubwatch(topics,
                    "{ timeout: 2s, initial_backoff: 200ms, max_backoff: 1s, give_up_after: 1m, rate_per_second: 10, burst: 1 }") + """
                    route:
                      receiver: hook
                      group_by: [alertname, host]
                      group_wait: 1s
                      group_interval: 2s
                    receivers:
                      - name: hook
                        webhook_configs: [{ url: '%s' }]
                    """.formatted(receiver.url("/hook"));
            Path file = dir.resolve("routing.yml");
            Files.writeString(file, yaml);
            List<Incident> incidents = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                incidents.add(Incidents.firing("cpu_crash", "web-" + i, Instant.now()));
            }
            KafkaIo.publish(kafka, topics[0], incidents);

            Process child = startChild(file, kafka.bootstrapServers(), dir.resolve("child.log"));
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.requests().size() >= 10);
            } finally {
                child.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no final commit
            }
            int beforeRestart = receiver.requests().size();
            assertThat(beforeRestart).isLessThan(60);

            try (Notifier restarted = Notifier.start(NotifierConfig.load(file), kafka.bootstrapServers())) {
                await().atMost(Duration.ofSeconds(60)).until(() -> delivered(receiver).size() == 60);
            }

            Map<String, Set<String>> byKey = ReceiverOutageITCase.fingerprintsByKey(receiver);
            assertThat(delivered(receiver)).isEqualTo(incidents.stream().map(Incident::fingerprint).collect(Collectors.toSet()));
            // a repeat is only ever a re-send of the same notification: same idempotency key, same alerts
            assertThat(byKey).hasSize(60);
            assertThat(byKey.values()).allSatisfy(fps -> assertThat(fps).hasSize(1));
        }
    }

    private static Set<String> delivered(HttpRecorder receiver) {
        return ReceiverOutageITCase.fingerprintsByKey(receiver).values().stream().flatMap(Set::stream).collect(Collectors.toSet());
    }

    private static Process startChild(Path config, String bootstrap, Path log) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "-Xmx256m", "-cp", classpath, NotifierProcess.class.getName(),
                config.toString(), bootstrap)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
