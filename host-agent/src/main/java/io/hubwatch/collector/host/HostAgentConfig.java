package io.hubwatch.collector.host;

import io.hubwatch.events.Durations;
import io.hubwatch.events.Topics;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of the {@link HostAgent}, checked once when built: a bad value fails here with a message that names it,
 * never later inside the agent.
 *
 * <pre>{@code
 * HostAgentConfig config = HostAgentConfig.of("localhost:9092")
 *         .withInterval(Duration.ofSeconds(5))
 *         .withHttpPort(9464);
 * }</pre>
 *
 * @param bootstrapServers Kafka {@code host:port[,host:port...]}; required
 * @param interval         how often the host is sampled; at least {@link #MIN_INTERVAL}; null means {@link #DEFAULT_INTERVAL}
 * @param source           the {@code source} of every event (the host name); null or blank means this machine's host name
 * @param httpHost         address the health and metrics endpoint binds to; null means {@code 127.0.0.1}
 * @param httpPort         port of that endpoint, 0 picks a free one
 * @param bufferCapacity   events held while Kafka is slow or away before the oldest are dropped (and as many again may
 *                         wait in the producer for acknowledgement); at least 1
 * @param topic            Kafka topic; null means {@link Topics#METRICS}
 */
public record HostAgentConfig(String bootstrapServers, Duration interval, String source, String httpHost, int httpPort,
                              int bufferCapacity, String topic) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    public static final String DEFAULT_HTTP_HOST = "127.0.0.1";
    public static final int DEFAULT_BUFFER_CAPACITY = 10_000;

    public HostAgentConfig {
        interval = interval == null ? DEFAULT_INTERVAL : interval;
        source = source == null || source.isBlank() ? localHostName() : source.trim();
        httpHost = httpHost == null || httpHost.isBlank() ? DEFAULT_HTTP_HOST : httpHost.trim();
        topic = topic == null ? Topics.METRICS : topic;
        bootstrapServers = bootstrapServers == null ? null : bootstrapServers.trim();

        List<String> problems = new ArrayList<>();
        checkBootstrapServers(bootstrapServers, problems);
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            problems.add("interval must be at least " + Durations.format(MIN_INTERVAL) + ", was "
                    + Durations.format(interval));
        }
        if (httpPort < 0 || httpPort > 65_535) {
            problems.add("http port must be between 0 (any free port) and 65535, was " + httpPort);
        }
        if (bufferCapacity < 1) {
            problems.add("buffer capacity must be at least 1 event, was " + bufferCapacity);
        }
        if (!topic.matches("[a-zA-Z0-9._-]{1,249}")) {
            problems.add("topic '" + topic + "' is not a valid Kafka topic name (1 to 249 of a-z A-Z 0-9 . _ -)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid host agent settings: " + String.join("; ", problems));
        }
    }

    /** Every default: 10 s interval, this host's name, {@code 127.0.0.1:<free port>}, 10,000 events, topic {@code metrics}. */
    public static HostAgentConfig of(String bootstrapServers) {
        return new HostAgentConfig(bootstrapServers, DEFAULT_INTERVAL, null, DEFAULT_HTTP_HOST, 0,
                DEFAULT_BUFFER_CAPACITY, Topics.METRICS);
    }

    public HostAgentConfig withInterval(Duration newInterval) {
        return new HostAgentConfig(bootstrapServers, newInterval, source, httpHost, httpPort, bufferCapacity, topic);
    }

    public HostAgentConfig withSource(String newSource) {
        return new HostAgentConfig(bootstrapServers, interval, newSource, httpHost, httpPort, bufferCapacity, topic);
    }

    public HostAgentConfig withHttpHost(String newHttpHost) {
        return new HostAgentConfig(bootstrapServers, interval, source, newHttpHost, httpPort, bufferCapacity, topic);
    }

    public HostAgentConfig withHttpPort(int newHttpPort) {
        return new HostAgentConfig(bootstrapServers, interval, source, httpHost, newHttpPort, bufferCapacity, topic);
    }

    public HostAgentConfig withBufferCapacity(int newBufferCapacity) {
        return new HostAgentConfig(bootstrapServers, interval, source, httpHost, httpPort, newBufferCapacity, topic);
    }

    public HostAgentConfig withTopic(String newTopic) {
        return new HostAgentConfig(bootstrapServers, interval, source, httpHost, httpPort, bufferCapacity, newTopic);
    }

    private static void checkBootstrapServers(String servers, List<String> problems) {
        if (servers == null || servers.isEmpty()) {
            problems.add("Kafka bootstrap servers are missing: give host:port of a broker, e.g. localhost:9092");
            return;
        }
        for (String server : servers.split(",")) {
            String s = server.trim();
            int colon = s.lastIndexOf(':');
            boolean ok = colon > 0 && colon < s.length() - 1;
            if (ok) {
                try {
                    int port = Integer.parseInt(s.substring(colon + 1));
                    ok = port >= 1 && port <= 65_535;
                } catch (NumberFormatException e) {
                    ok = false;
                }
            }
            if (!ok) {
                problems.add("Kafka bootstrap server '" + s + "' is not host:port (e.g. localhost:9092)");
            }
        }
    }

    /** This machine's name; never fails, because a missing DNS entry must not stop the agent. */
    private static String localHostName() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            if (name != null && !name.isBlank()) {
                return name;
            }
        } catch (Exception e) {
            // an unresolvable own name is common in containers; fall back below
        }
        String env = System.getenv("HOSTNAME");
        return env == null || env.isBlank() ? "localhost" : env;
    }
}
