package io.hubwatch.collector.host;

import io.hubwatch.events.Durations;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The host agent's own entry point, for its small jar and JVM (no launcher, no picocli): the options of
 * {@code hubwatch agent}, run until SIGTERM, then what is buffered is delivered.
 *
 * <pre>{@code
 * host-agent/hubwatch-agent --kafka kafka:9092 --interval 1s --http-host 0.0.0.0 --http-port 9464
 * }</pre>
 */
public final class HostAgentMain {
    private HostAgentMain() {}

    static final String USAGE = """
            Usage: hubwatch-agent --kafka HOST:PORT [--interval 10s] [--source NAME] [--http-host 127.0.0.1] [--http-port 0]
              --kafka       Kafka bootstrap servers (required)
              --interval    how often to sample, at least 1s (default 10s)
              --source      host name put in every event (default: this machine's name)
              --http-host   address of /health and /metrics (default 127.0.0.1; 0.0.0.0 in a pod)
              --http-port   port of /health and /metrics; 0 picks a free one (default 0)""";

    /** @throws IllegalArgumentException naming the bad option or value */
    static HostAgentConfig parse(String[] args) {
        Map<String, String> given = new LinkedHashMap<>();
        List<String> known = List.of("kafka", "interval", "source", "http-host", "http-port");
        for (int i = 0; i < args.length; i++) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (name == null || !known.contains(name)) {
                throw new IllegalArgumentException((name == null ? "unexpected argument '" + args[i] + "'"
                        : "unknown option " + args[i]) + "\n" + USAGE);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("--" + name + " needs a value\n" + USAGE);
            }
            given.put(name, args[++i]);
        }
        if (given.get("kafka") == null) {
            throw new IllegalArgumentException("--kafka is required\n" + USAGE);
        }
        Duration interval;
        int port;
        try {
            interval = Durations.parse(given.getOrDefault("interval", "10s"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--interval: " + e.getMessage());
        }
        try {
            port = Integer.parseInt(given.getOrDefault("http-port", "0"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--http-port must be a number, was '" + given.get("http-port") + "'");
        }
        return new HostAgentConfig(given.get("kafka"), interval, given.get("source"),
                given.getOrDefault("http-host", HostAgentConfig.DEFAULT_HTTP_HOST), port,
                HostAgentConfig.DEFAULT_BUFFER_CAPACITY, null);
    }

    public static void main(String[] args) throws InterruptedException {
        HostAgentConfig config;
        try {
            config = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("hubwatch-agent: " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        HostAgent agent = HostAgent.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            AgentStats s = agent.stats();
            System.out.printf("hubwatch-agent: stopped; samples %d, published %d, dropped %d%n",
                    s.samples(), s.published(), s.dropped());
            stopped.countDown();
        }, "hubwatch-agent-stop"));
        System.out.printf("READY agent=%s source=%s interval=%s kafka=%s%n", agent.httpAddress(), config.source(),
                Durations.format(config.interval()), config.bootstrapServers());
        stopped.await();
    }
}
