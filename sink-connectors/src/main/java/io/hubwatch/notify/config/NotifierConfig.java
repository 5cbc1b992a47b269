package io.hubwatch.notify.config;

import io.hubwatch.notify.config.internal.AlertmanagerYamlParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The notifier's whole configuration, parsed once from an Alertmanager-format routing file plus Hubwatch's own
 * {@code hubwatch:} section, and checked up front.
 *
 * <pre>{@code
 * NotifierConfig config = NotifierConfig.load(Path.of("alertmanager.yml"))   // throws NotifierConfigException
 *         .withTopics("incidents", "notifications-dead-letter");
 * try (Notifier notifier = Notifier.start(config, "localhost:9092")) { ... }
 * }</pre>
 *
 * @param route            the root of the route tree
 * @param receivers        by name
 * @param resolveTimeout   {@code global.resolve_timeout}; accepted for compatibility (incidents carry explicit
 *                         resolutions, so nothing expires on its own)
 * @param externalUrl      the {@code externalURL} in payloads and the base of links
 * @param delivery         defaults for every receiver
 * @param receiverDelivery per-receiver overrides
 * @param incidentsTopic   the topic consumed; {@code incidents} by default
 * @param deadLetterTopic  where undeliverable notifications go; {@code notifications-dead-letter} by default
 * @param groupId          the consumer group; {@code hubwatch-notifier} by default
 * @param isolationLevel   how incidents are read: {@code read_uncommitted} by default, so a notification leaves as
 *                         soon as the job writes its incident instead of at the job's next checkpoint; the notifier
 *                         drops the repeats a restored job writes again (same incident ids). {@code read_committed}
 *                         sees only committed incidents, one checkpoint later
 * @param httpHost         where /metrics listens
 * @param httpPort         0 for a free port
 */
public record NotifierConfig(RouteConfig route, Map<String, ReceiverConfig> receivers, Duration resolveTimeout,
                             String externalUrl, TargetPolicy targets, DeliveryPolicy delivery,
                             Map<String, DeliveryPolicy> receiverDelivery, String incidentsTopic,
                             String deadLetterTopic, String groupId, String isolationLevel,
                             String httpHost, int httpPort) {

    public static final String DEFAULT_DEAD_LETTER_TOPIC = "notifications-dead-letter";
    public static final String DEFAULT_GROUP_ID = "hubwatch-notifier";
    public static final String READ_UNCOMMITTED = "read_uncommitted";
    public static final String READ_COMMITTED = "read_committed";

    public NotifierConfig {
        receivers = Map.copyOf(receivers);
        receiverDelivery = Map.copyOf(receiverDelivery);
        if (!READ_UNCOMMITTED.equals(isolationLevel) && !READ_COMMITTED.equals(isolationLevel)) {
            throw new NotifierConfigException("hubwatch.kafka: field 'isolation_level': '" + isolationLevel
                    + "' is neither " + READ_UNCOMMITTED + " nor " + READ_COMMITTED);
        }
    }

    /**
     * Reads and checks a routing file; {@code *_file} paths are resolved against the file's directory, {@code ${VAR}}
     * secrets from the environment.
     *
     * @throws NotifierConfigException naming every bad route, receiver and field
     */
    public static NotifierConfig load(Path file) {
        String text;
        try {
            // a FIFO or a device would block the notifier's start forever
            if (!Files.isRegularFile(file)) {
                throw new NotifierConfigException("routing file " + file
                        + (Files.exists(file) ? " is not a regular file" : " does not exist"));
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new NotifierConfigException("cannot read routing file " + file + ": " + e.getMessage());
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(text, dir, System::getenv);
    }

    /** Parses routing-file text; see {@link #load(Path)}. */
    public static NotifierConfig parse(String yaml, Path baseDirectory, java.util.function.Function<String, String> env) {
        return new AlertmanagerYamlParser(baseDirectory, env).parse(yaml);
    }

    /** The delivery policy of one receiver. */
    public DeliveryPolicy deliveryFor(String receiver) {
        return receiverDelivery.getOrDefault(receiver, delivery);
    }

    public NotifierConfig withTopics(String incidents, String deadLetter) {
        return new NotifierConfig(route, receivers, resolveTimeout, externalUrl, targets, delivery, receiverDelivery,
                incidents, deadLetter, groupId, isolationLevel, httpHost, httpPort);
    }

    public NotifierConfig withGroupId(String group) {
        return new NotifierConfig(route, receivers, resolveTimeout, externalUrl, targets, delivery, receiverDelivery,
                incidentsTopic, deadLetterTopic, group, isolationLevel, httpHost, httpPort);
    }

    public NotifierConfig withIsolationLevel(String level) {
        return new NotifierConfig(route, receivers, resolveTimeout, externalUrl, targets, delivery, receiverDelivery,
                incidentsTopic, deadLetterTopic, groupId, level, httpHost, httpPort);
    }

    public NotifierConfig withHttp(String host, int port) {
        return new NotifierConfig(route, receivers, resolveTimeout, externalUrl, targets, delivery, receiverDelivery,
                incidentsTopic, deadLetterTopic, groupId, isolationLevel, host, port);
    }
}
