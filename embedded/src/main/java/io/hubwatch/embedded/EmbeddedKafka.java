package io.hubwatch.embedded;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * A real single-node Kafka (KRaft, combined broker and controller) in this JVM, from Kafka's own test kit.
 * {@code bin/hubwatch up} and the tests share this code, so what the tests exercise is what a user runs.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *     kafka.createTopics(EmbeddedKafka.hubwatchTopics());
 *     producerProps.put("bootstrap.servers", kafka.bootstrapServers());
 * }
 * }</pre>
 *
 * <p>It is Kafka's internal test API, so the broker version is pinned to the client version (4.2.0) in the parent POM.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final KafkaClusterTestKit cluster;
    private final String bootstrapServers;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
        this.bootstrapServers = cluster.bootstrapServers();
    }

    /** Starts a broker with its data in a temporary directory that is deleted on {@link #close()}. */
    public static EmbeddedKafka start() {
        return start(null);
    }

    /**
     * Starts a broker.
     *
     * @param baseDirectory where the log directories go; null for a temporary directory
     */
    public static EmbeddedKafka start(Path baseDirectory) {
        try {
            TestKitNodes.Builder nodes = new TestKitNodes.Builder()
                    .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1);
            if (baseDirectory != null) {
                nodes.setBaseDirectory(baseDirectory);
            }
            KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes.build())
                    // one node: internal topics cannot have more replicas than that
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "4")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("transaction.state.log.num.partitions", "4")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    // exactly-once sinks commit on checkpoints; allow their transaction timeout
                    .setConfigProp("transaction.max.timeout.ms", "900000")
                    .setConfigProp("auto.create.topics.enable", "true")
                    .setConfigProp("num.partitions", "1")
                    .build();
            formatQuietly(cluster);
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new EmbeddedKafka(cluster);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the embedded Kafka broker: " + e.getMessage(), e);
        }
    }

    /** Kafka's formatter prints its metadata to standard output; a launcher's terminal is for the user. */
    private static synchronized void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            cluster.format();
        } finally {
            System.setOut(stdout);
        }
    }

    /** {@code host:port} of the broker's client listener. Stays the same across {@link #stopBroker()}/{@link #startBroker()}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The topics every Hubwatch installation has, with their partition counts and configs. */
    public static List<NewTopic> hubwatchTopics(int partitions) {
        return List.of(
                new NewTopic("metrics", partitions, (short) 1),
                new NewTopic("incidents", partitions, (short) 1),
                new NewTopic("dead-letter", 1, (short) 1),
                new NewTopic("api-calls", partitions, (short) 1),
                new NewTopic("web-vitals", partitions, (short) 1),
                new NewTopic("alert-rules", 1, (short) 1)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                new NewTopic("alert-silences", 1, (short) 1)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    }

    /** Creates the topics; ones that exist already are left as they are. */
    public void createTopics(Collection<NewTopic> topics) {
        createTopics(bootstrapServers, topics);
    }

    /** Creates the topics on any broker; ones that exist already are left as they are. */
    public static void createTopics(String bootstrapServers, Collection<NewTopic> topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            List<Exception> failures = new ArrayList<>();
            admin.createTopics(topics).values().forEach((name, future) -> {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        failures.add(e);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failures.add(e);
                }
            });
            if (!failures.isEmpty()) {
                throw new IllegalStateException("could not create topics: " + failures.get(0).getMessage(), failures.get(0));
            }
        }
    }

    /** Stops the broker (the controller keeps running); clients see it as down. For failure tests. */
    public void stopBroker() {
        cluster.brokers().values().forEach(broker -> {
            broker.shutdown();
            broker.awaitShutdown();
        });
    }

    /** Starts the broker again after {@link #stopBroker()}, on the same address, with its data intact. */
    public void startBroker() {
        try {
            cluster.brokers().values().forEach(broker -> broker.startup());
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            throw new IllegalStateException("could not restart the embedded Kafka broker: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the embedded Kafka broker cleanly: " + e.getMessage(), e);
        }
    }
}
