package io.hubwatch.jobs;

import java.io.Serializable;
import java.util.Properties;

/**
 * Where a job's Kafka clients connect, and any further client properties (TLS, SASL, timeouts) applied to every
 * source, sink and admin client the job creates.
 *
 * <pre>{@code
 * Properties sasl = new Properties();
 * sasl.setProperty("security.protocol", "SASL_SSL");
 * KafkaSettings kafka = new KafkaSettings("kafka:9093", sasl);
 * KafkaSource.builder().setBootstrapServers(kafka.bootstrapServers()).setProperties(kafka.properties());
 * }</pre>
 */
public record KafkaSettings(String bootstrapServers, Properties properties) implements Serializable {

    public KafkaSettings {
        JobArgs.require(bootstrapServers != null && !bootstrapServers.isBlank(),
                "--kafka is required (host:port of a broker)");
        JobArgs.require(properties != null, "the Kafka client properties must not be null (use an empty Properties)");
        JobArgs.require(!properties.containsKey("bootstrap.servers"),
                "bootstrap.servers must not be among the Kafka client properties: give the brokers with --kafka");
        Properties copy = new Properties();
        copy.putAll(properties);
        properties = copy;
    }

    /** Plain brokers, no extra client properties. */
    public KafkaSettings(String bootstrapServers) {
        this(bootstrapServers, new Properties());
    }

    /** A copy of the extra client properties (callers may add their own without changing these). */
    @Override
    public Properties properties() {
        Properties copy = new Properties();
        copy.putAll(properties);
        return copy;
    }

    /** Hides the values: they may hold secrets such as {@code sasl.jaas.config}. */
    @Override
    public String toString() {
        return "KafkaSettings[" + bootstrapServers + ", properties " + properties.stringPropertyNames() + "]";
    }
}
