package io.hubwatch.launcher;

import io.hubwatch.events.Durations;
import io.hubwatch.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code hubwatch incidents}: prints incidents from the {@code incidents} topic as JSON lines, from the beginning,
 * committed records only (the alert job writes them exactly once, in transactions).
 *
 * <pre>{@code
 * bin/hubwatch incidents                         # everything so far, then exit
 * bin/hubwatch incidents --max 1 --timeout 90s   # wait for the first one
 * bin/hubwatch incidents --follow                # keep printing until Ctrl-C
 * }</pre>
 * Without {@code --kafka} it reads from the running {@code bin/hubwatch up}.
 */
@Command(name = "incidents", mixinStandardHelpOptions = true,
        description = "Print incidents from Kafka as JSON lines, one per incident.")
public final class IncidentsCommand implements Callable<Integer> {

    @Option(names = "--kafka", paramLabel = "BOOTSTRAP", description = "Kafka bootstrap servers (default: the running 'up')")
    String kafka;

    @Option(names = "--follow", description = "Keep waiting for new incidents (until --max, --timeout or Ctrl-C)")
    boolean follow;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N incidents")
    Integer max;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Give up after this long, e.g. 90s")
    Duration timeout;

    @Option(names = "--topic", defaultValue = Topics.INCIDENTS, description = "Topic (default: ${DEFAULT-VALUE})")
    String topic;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (max != null && max < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max must be at least 1, was " + max);
        }
        String bootstrap;
        try {
            bootstrap = UpState.kafkaOrExplain(kafka);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        boolean waitForMore = follow || max != null;
        int printed = 0;
        long started = System.nanoTime();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "hubwatch-incidents-cli-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(250))) {
                    out.println(record.value());
                    out.flush();
                    printed++;
                    if (max != null && printed >= max) {
                        return 0;
                    }
                }
                if (!waitForMore && (caughtUp(consumer)
                        || consumer.assignment().isEmpty() && System.nanoTime() - started > 10_000_000_000L)) {
                    return 0; // read everything there is (or the topic does not exist yet)
                }
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            spec.commandLine().getErr().println("hubwatch incidents: cannot read from Kafka at " + bootstrap + ": " + e.getMessage());
            return 1;
        }
        if (max != null) {
            spec.commandLine().getErr().println("hubwatch incidents: timed out after " + Durations.format(timeout)
                    + " with " + printed + " of " + max + " incident(s)");
            return 1;
        }
        return 0;
    }

    /** Whether the consumer has been assigned partitions and read up to their end. */
    private static boolean caughtUp(KafkaConsumer<String, String> consumer) {
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            return false;
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(assigned);
        return assigned.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
    }
}
