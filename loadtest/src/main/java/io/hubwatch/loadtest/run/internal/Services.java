package io.hubwatch.loadtest.run.internal;

import io.hubwatch.collector.ingest.IngestConfig;
import io.hubwatch.collector.ingest.IngestGateway;
import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.loadtest.run.ReferenceUpstream;
import io.hubwatch.loadtest.scenario.Scenario;
import io.hubwatch.proxy.ProxyServer;
import io.hubwatch.proxy.config.ProxyConfigLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Starts a scenario's services in the order they are declared and stops them in reverse. In-process services (the
 * reference upstream, the cache proxy, the ingest gateway) run in this JVM; a {@code command} is a child process
 * whose output goes to {@code logs/NAME.log} in the report directory.
 */
public final class Services implements AutoCloseable {

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final Map<String, String> urls = new LinkedHashMap<>();
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, Long> pids = new LinkedHashMap<>();

    private Services() {
    }

    /**
     * @param home where commands run and relative paths resolve
     * @param logs where commands' output goes
     * @throws IllegalStateException naming the service that could not start (the ones started are stopped)
     */
    public static Services start(Scenario scenario, Path home, Path logs, PrintStream progress) {
        Services s = new Services();
        try {
            for (Scenario.Service service : scenario.services().values()) {
                progress.println("loadtest: starting " + service.name() + " (" + kind(service) + ")");
                s.start(service, home, logs);
            }
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static String kind(Scenario.Service s) {
        if (s instanceof Scenario.ReferenceUpstream r) {
            return "reference upstream, latency " + r.latency();
        }
        if (s instanceof Scenario.CacheProxy p) {
            return "cache proxy in front of " + p.upstream();
        }
        if (s instanceof Scenario.IngestGateway g) {
            return "ingest gateway, Kafka " + g.kafka();
        }
        return String.join(" ", ((Scenario.Command) s).command());
    }

    private void start(Scenario.Service service, Path home, Path logs) {
        String name = service.name();
        if (service instanceof Scenario.ReferenceUpstream r) {
            ReferenceUpstream up = ReferenceUpstream.start(r.latency(), r.bodyBytes(), r.cacheControl(), r.errorRate());
            started.push(up);
            put(name, up.url());
        } else if (service instanceof Scenario.CacheProxy p) {
            Map<String, Object> config = new LinkedHashMap<>(p.config());
            config.put("listen", "127.0.0.1:0");
            config.put("upstream", urls.get(p.upstream()));
            config.putIfAbsent("redis_key_prefix", "hubwatch:loadtest:" + UUID.randomUUID() + ":");
            config.putIfAbsent("warmup", Map.of("paths", java.util.List.of(), "hot_keys_file", ""));
            // the admin routes (stats, profile) need a token; one of our own keeps them off the user's files
            config.putIfAbsent("admin_token", "loadtest-" + UUID.randomUUID());
            values.put("services." + name + ".admin_token", String.valueOf(config.get("admin_token")));
            ProxyServer proxy;
            try {
                proxy = ProxyServer.start(ProxyConfigLoader.fromMap(config, "services." + name + ".config"));
            } catch (RuntimeException e) {
                throw new IllegalStateException("service '" + name + "' (cache proxy) did not start: " + e.getMessage(), e);
            }
            started.push(proxy);
            put(name, "http://127.0.0.1:" + proxy.port());
        } else if (service instanceof Scenario.IngestGateway g) {
            String bootstrap = g.kafka();
            if (bootstrap.equals("embedded")) {
                EmbeddedKafka kafka = EmbeddedKafka.start();
                started.push(kafka);
                EmbeddedKafka.createTopics(kafka.bootstrapServers(), EmbeddedKafka.hubwatchTopics(2));
                bootstrap = kafka.bootstrapServers();
            }
            String key = "loadtest-" + UUID.randomUUID().toString().replace("-", "");
            IngestConfig config = IngestConfig.of(bootstrap, Map.of(key, "loadtest"))
                    .withRateLimit(g.eventsPerSecond(), (long) Math.max(IngestConfig.DEFAULT_MAX_BATCH_EVENTS,
                            g.eventsPerSecond() * 2));
            IngestGateway gateway = IngestGateway.start(config);
            started.push(gateway);
            put(name, gateway.address().toString().replaceAll("/+$", ""));
            values.put("services." + name + ".key", key);
        } else {
            startCommand((Scenario.Command) service, home, logs);
        }
    }

    private void put(String name, String url) {
        urls.put(name, url);
        values.put("services." + name + ".url", url);
    }

    private void startCommand(Scenario.Command c, Path home, Path logs) {
        Process process;
        try {
            Files.createDirectories(logs);
            Path log = logs.resolve(c.name() + ".log");
            process = new ProcessBuilder(c.command()).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("service '" + c.name() + "' did not start: " + e.getMessage(), e);
        }
        started.push(() -> stop(process));
        pids.put(c.name(), process.pid());
        put(c.name(), c.url());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + c.startTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("service '" + c.name() + "' exited with " + process.exitValue()
                        + " before it was ready; see " + logs.resolve(c.name() + ".log"));
            }
            try {
                int status = http.send(HttpRequest.newBuilder(URI.create(c.ready())).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + c.name());
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + c.name());
            }
        }
        throw new IllegalStateException("service '" + c.name() + "' was not ready at " + c.ready() + " within "
                + c.startTimeout().toSeconds() + " s; see " + logs.resolve(c.name() + ".log"));
    }

    private static void stop(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    /** Base URL of a started service. */
    public String url(String service) {
        return urls.get(service);
    }

    /** The values templates may use: {@code services.NAME.url} and, for a gateway, {@code services.NAME.key}. */
    public Map<String, String> values() {
        return values;
    }

    /** Pid of a started command, or null for an in-process service. */
    public Long pid(String service) {
        return pids.get(service);
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                // the others still get stopped
                System.err.println("loadtest: a service did not stop cleanly: " + e);
            }
        }
    }
}
