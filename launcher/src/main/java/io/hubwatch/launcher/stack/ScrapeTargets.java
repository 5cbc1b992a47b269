package io.hubwatch.launcher.stack;

import io.hubwatch.events.EventJson;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where Prometheus finds {@code up}'s {@code /metrics} endpoints: file_sd target files in
 * {@code .hubwatch/prometheus/}, which the shipped {@code dashboards/prometheus/prometheus.yml} reads. Ports change
 * at every start; Prometheus re-reads the files when they change.
 *
 * <p>{@code targets.json} holds the endpoints that need no authentication (gateway, agent, notifier, Flink's
 * reporter), each with its {@code job} label; {@code api-targets.json} the alerts API's, which the scrape
 * configuration reads with the API token. Each file is written whole and then moved into place, so Prometheus never
 * reads half of one.
 *
 * <pre>{@code
 * ScrapeTargets.write(home.resolve(".hubwatch/prometheus"), Map.of("gateway-metrics", "http://127.0.0.1:4100/metrics"));
 * }</pre>
 */
final class ScrapeTargets {
    /** READY-line endpoint name to the Prometheus job label of its target. */
    private static final Map<String, String> JOBS = Map.of(
            "gateway-metrics", "hubwatch-gateway",
            "agent-metrics", "hubwatch-agent",
            "notifier-metrics", "hubwatch-notifier",
            "flink-metrics", "hubwatch-flink");

    private ScrapeTargets() {}

    static void write(Path dir, Map<String, String> endpoints) throws IOException {
        Files.createDirectories(dir);
        List<Map<String, Object>> open = new ArrayList<>();
        endpoints.forEach((name, url) -> {
            String job = JOBS.get(name);
            if (job != null) {
                open.add(target(url, job));
            }
        });
        List<Map<String, Object>> api = new ArrayList<>();
        if (endpoints.containsKey("api-metrics")) {
            api.add(target(endpoints.get("api-metrics"), "hubwatch-api"));
        }
        replace(dir.resolve("targets.json"), EventJson.toJson(open));
        replace(dir.resolve("api-targets.json"), EventJson.toJson(api));
    }

    private static Map<String, Object> target(String url, String job) {
        URI u = URI.create(url);
        return Map.of("targets", List.of(u.getHost() + ":" + u.getPort()), "labels", Map.of("job", job));
    }

    private static void replace(Path file, String json) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, json + "\n");
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
