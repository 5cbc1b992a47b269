package io.hubwatch.embedded;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

/**
 * A real single-node Kafka (KRaft, combined broker and controller) in this JVM, configured as a production broker
 * would be: {@code bin/hubwatch up} and the tests share this code, so what the tests exercise is what a user runs.
 *
 * <p>Both listeners bind to 127.0.0.1 unless {@link Options#host} says otherwise: the broker has no authentication,
 * so anyone who reaches it could write rules, silences or forged incidents. Data lives in a temporary directory
 * deleted on {@link #close()}, or in {@link Options#dataDirectory} where it is kept across restarts (formatted on
 * first use), on the same port when that port is still free.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {                      // tests: temporary, loopback
 *     kafka.createTopics(EmbeddedKafka.hubwatchTopics(2));
 *     producerProps.put("bootstrap.servers", kafka.bootstrapServers());
 * }
 * EmbeddedKafka kept = EmbeddedKafka.start(EmbeddedKafka.Options.durable(Path.of(".hubwatch/kafka")));
 * }</pre>
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final String PORT_FILE = "broker.port";

    /**
     * Where and how to run the broker.
     *
     * @param dataDirectory  where the logs and metadata go; null for a temporary directory deleted on close
     * @param host           address both listeners bind to, default {@code 127.0.0.1}
     * @param port           the client port; 0 for the one used last time in {@code dataDirectory} when it is free,
     *                       else any free port
     */
    public record Options(Path dataDirectory, String host, int port) {
        public Options {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("the broker's bind address must not be empty");
            }
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("the broker's port must be 0..65535, was " + port);
            }
        }

        /** A temporary broker on 127.0.0.1, deleted on close. */
        public static Options temporary() {
            return new Options(null, "127.0.0.1", 0);
        }

        /** A broker whose data is kept in {@code dataDirectory}, on 127.0.0.1. */
        public static Options durable(Path dataDirectory) {
            return new Options(dataDirectory, "127.0.0.1", 0);
        }

        public Options withAddress(String newHost, int newPort) {
            return new Options(dataDirectory, newHost, newPort);
        }
    }

    private final Path directory;
    private final boolean temporary;
    private final KafkaConfig config;
    private final String bootstrapServers;
    private KafkaRaftServer server;

    private EmbeddedKafka(Path directory, boolean temporary, KafkaConfig config, String bootstrapServers) {
        this.directory = directory;
        this.temporary = temporary;
        this.config = config;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts a broker on 127.0.0.1 with its data in a temporary directory that is deleted on {@link #close()}. */
    public static EmbeddedKafka start() {
        return start(Options.temporary());
    }

    /** Starts a broker as {@code options} say. */
    public static EmbeddedKafka start(Options options) {
        Path dir = null;
        boolean temporary = options.dataDirectory() == null;
        try {
            dir = temporary ? Files.createTempDirectory("hubwatch-kafka-") : options.dataDirectory().toAbsolutePath();
            Path data = dir.resolve("data");
            Files.createDirectories(data);
            String loopback = "127.0.0.1";
            int port = brokerPort(dir, options);
            // the controller is only used by this broker: never reachable from elsewhere
            // a port just released can be handed out again at once: never the client port (CI saw both listeners on one)
            int controllerPort = freePort(loopback);
            while (controllerPort == port) {
                controllerPort = freePort(loopback);
            }
            Map<String, Object> props = new HashMap<>();
            props.put("process.roles", "broker,controller");
            props.put("node.id", "1");
            props.put("controller.quorum.voters", "1@" + loopback + ":" + controllerPort);
            props.put("listeners", "PLAINTEXT://" + options.host() + ":" + port + ",CONTROLLER://" + loopback + ":" + controllerPort);
            String advertised = isWildcard(options.host()) ? InetAddress.getLocalHost().getHostName() : options.host();
            props.put("advertised.listeners", "PLAINTEXT://" + advertised + ":" + port);
            props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            props.put("controller.listener.names", "CONTROLLER");
            props.put("inter.broker.listener.name", "PLAINTEXT");
            props.put("log.dirs", data.toString());
            props.put("metadata.log.dir", data.toString());
            // one node: internal topics cannot have more replicas than that
            props.put("offsets.topic.replication.factor", "1");
            props.put("offsets.topic.num.partitions", "4");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("transaction.state.log.num.partitions", "4");
            props.put("share.coordinator.state.topic.replication.factor", "1");
            props.put("share.coordinator.state.topic.min.isr", "1");
            props.put("group.initial.rebalance.delay.ms", "0");
            // exactly-once sinks commit on checkpoints; allow their transaction timeout
            props.put("transaction.max.timeout.ms", "900000");
            props.put("auto.create.topics.enable", "true");
            props.put("num.partitions", "1");
            // small machines: the log cleaner's default 128 MiB dedupe buffer is most of a small heap
            props.put("log.cleaner.dedupe.buffer.size", "2097152");
            KafkaConfig config = new KafkaConfig(props, false);
            if (!Files.exists(data.resolve("meta.properties"))) {
                formatQuietly(data);
            }
            EmbeddedKafka kafka = new EmbeddedKafka(dir, temporary, config, loopbackOr(options.host(), advertised) + ":" + port);
            kafka.startBroker();
            if (!temporary) {
                Files.writeString(dir.resolve(PORT_FILE), Integer.toString(port), StandardCharsets.UTF_8);
            }
            return kafka;
        } catch (Exception e) {
            if (temporary && dir != null) {
                deleteQuietly(dir);
            }
            throw new IllegalStateException("could not start the embedded Kafka broker: " + e.getMessage(), e);
        }
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    /** Clients in this JVM reach a wildcard listener over loopback; otherwise through the address it is bound to. */
    private static String loopbackOr(String host, String advertised) {
        return isWildcard(host) ? "127.0.0.1" : advertised;
    }

    private static int brokerPort(Path dir, Options options) throws IOException {
        if (options.port() != 0) {
            return options.port();
        }
        Path last = dir.resolve(PORT_FILE);
        if (Files.isRegularFile(last)) {
            try {
                int port = Integer.parseInt(Files.readString(last, StandardCharsets.UTF_8).trim());
                if (isFree(options.host(), port)) {
                    return port;
                }
            } catch (NumberFormatException ignored) {
                // a damaged file: pick another port
            }
        }
        return freePort(options.host());
    }

    private static boolean isFree(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, 0));
            return socket.getLocalPort();
        }
    }

    /** Kafka's formatter prints its metadata to standard output; a launcher's terminal is for the user. */
    private static void formatQuietly(Path data) throws Exception {
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(data.toString()))
                .setMetadataLogDirectory(data.toString())
                .setControllerListenerName("CONTROLLER")
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .run();
    }

    /** {@code host:port} of the broker's client listener. Stays the same across {@link #stopBroker()}/{@link #startBroker()}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Where the broker keeps its data. */
    public Path dataDirectory() {
        return directory;
    }

    /** The topics every Hubwatch installation has, with their partition counts and configs. */
    public static List<NewTopic> hubwatchTopics(int partitions) {
        return List.of(
                new NewTopic("metrics", partitions, (short) 1),
                new NewTopic("incidents", partitions, (short) 1),
                new NewTopic("anomaly-incidents", partitions, (short) 1),
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
            awaitServed(admin, topics.stream().map(NewTopic::name).toList());
        }
    }

    /**
     * Returns once the broker leads every partition of {@code names}. In KRaft the controller has committed a new topic
     * when {@code createTopics} returns, but the broker applies it a moment later. A produce request in that moment
     * fails with NOT_LEADER_OR_FOLLOWER and is retried, while the idempotent producer's next request to the partition
     * may already be appended; the retry then fails OUT_OF_ORDER_SEQUENCE until {@code delivery.timeout.ms}
     * (KAFKA-15591, fixed in a later broker than 4.2). CI saw it once: the ingest gateway's first batch after its topics
     * were created was answered 503. ListOffsets is answered by a partition's leader only, and the admin client retries
     * it until the broker serves every partition.
     */
    private static void awaitServed(Admin admin, List<String> names) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                admin.describeTopics(names).allTopicNames().get().forEach((name, topic) -> topic.partitions()
                        .forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
                admin.listOffsets(latest).all().get();
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics " + names + " created but not served: " + e.getCause(), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topics " + names, e);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topics " + names, e);
            }
        }
    }

    /** The topic {@link #warmUpTransactions()} writes its one transaction to, and deletes again. */
    public static final String WARM_UP_TOPIC = "hubwatch-warm-up";

    /**
     * Commits one transaction of one record to a topic of its own ({@link #WARM_UP_TOPIC}, deleted again), so that the
     * broker's transactional write path is loaded before the first incident needs it. The exactly-once incidents
     * sink opens its transactions from the start, but they stay empty until the first incident: that incident's
     * transaction was the first to add a partition, have it verified and write commit markers, and loaded ~90 classes
     * of the broker on the way (-Xlog:class+load in benchmarks/alert-latency.sh: the job's part of the first alert of
     * a fresh {@code up} took 67-158 ms, against a median of 10; with this warm-up none of them loaded then, 38-76
     * ms). A broker of a real cluster has long since loaded them. Nothing is written to any topic a client reads.
     */
    public void warmUpTransactions() {
        createTopics(List.of(new NewTopic(WARM_UP_TOPIC, 1, (short) 1)));
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, WARM_UP_TOPIC, ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(WARM_UP_TOPIC, "warm-up".getBytes(StandardCharsets.UTF_8)));
            producer.commitTransaction();
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.deleteTopics(List.of(WARM_UP_TOPIC)).all().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not delete " + WARM_UP_TOPIC + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while deleting " + WARM_UP_TOPIC, e);
        }
    }

    /** Stops the broker; clients see it as down until {@link #startBroker()}. For failure tests. */
    public synchronized void stopBroker() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    /** Starts the broker (again after {@link #stopBroker()}) on the same address, with its data intact. */
    public synchronized void startBroker() {
        if (server != null) {
            return;
        }
        KafkaRaftServer started = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            started.startup();
        } catch (RuntimeException e) {
            started.shutdown();
            started.awaitShutdown();
            throw e;
        }
        server = started;
        awaitReady();
    }

    /** Startup returns before the broker has registered with its controller; clients should not see that window. */
    private void awaitReady() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000))) {
            admin.describeCluster().nodes().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the broker did not become ready: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        }
    }

    @Override
    public void close() {
        try {
            stopBroker();
        } finally {
            if (temporary) {
                deleteQuietly(directory);
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
