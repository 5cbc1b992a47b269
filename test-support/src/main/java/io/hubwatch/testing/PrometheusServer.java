package io.hubwatch.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A real Prometheus (Debian's {@code prometheus} package, which {@code bin/services} installs) in a temporary folder,
 * on a free loopback port, with its remote-write receiver on and optional scrape targets.
 *
 * <pre>{@code
 * try (PrometheusServer prom = PrometheusServer.start(tmp, List.of("127.0.0.1:8080"))) {
 *     JsonNode result = prom.query("up");
 * }
 * }</pre>
 */
public final class PrometheusServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path BINARY = Path.of("/usr/bin/prometheus");

    private final Process process;
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private PrometheusServer(Process process, URI base) {
        this.process = process;
        this.base = base;
    }

    /** Starts Prometheus scraping {@code targets} (host:port with a {@code /metrics} path) every second. */
    public static PrometheusServer start(Path dir, List<String> targets) throws IOException, InterruptedException {
        StringBuilder config = new StringBuilder("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n");
        if (!targets.isEmpty()) {
            config.append("scrape_configs:\n  - job_name: hubwatch\n    static_configs:\n      - targets: [");
            config.append(String.join(", ", targets.stream().map(t -> "'" + t + "'").toList())).append("]\n");
        }
        Path configFile = dir.resolve("prometheus.yml");
        Files.writeString(configFile, config);
        return start(dir, configFile);
    }

    /** Starts Prometheus with this configuration file (relative paths in it are relative to the file). */
    public static PrometheusServer start(Path dir, Path configFile) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: run bin/services, which installs Debian's prometheus");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path log = dir.resolve("prometheus.log");
        Process p = new ProcessBuilder(BINARY.toString(), "--config.file=" + configFile,
                "--storage.tsdb.path=" + dir.resolve("prometheus-data"), "--web.listen-address=127.0.0.1:" + port,
                "--web.enable-remote-write-receiver", "--storage.tsdb.retention.time=1h")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusServer server = new PrometheusServer(p, URI.create("http://127.0.0.1:" + port));
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException("prometheus exited with " + p.exitValue() + ": " + Files.readString(log));
            }
            try {
                if (server.get("/-/ready").statusCode() == 200) {
                    return server;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (Instant.now().isAfter(deadline)) {
                server.close();
                throw new IllegalStateException("prometheus not ready in 30 s: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    /** The scrape targets Prometheus knows, with their health ({@code /api/v1/targets}'s active targets). */
    public JsonNode targets() throws IOException, InterruptedException {
        return JSON.readTree(get("/api/v1/targets").body()).path("data").path("activeTargets");
    }

    public URI remoteWriteUrl() {
        return base.resolve("/api/v1/write");
    }

    public URI baseUrl() {
        return base;
    }

    /** An instant query at {@code time}: the {@code data.result} array. */
    public JsonNode query(String promql, Instant time) throws IOException, InterruptedException {
        String q = "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&time=" + (time.toEpochMilli() / 1000.0);
        HttpResponse<String> r = get(q);
        JsonNode body = JSON.readTree(r.body());
        if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new IllegalStateException("query " + promql + " failed: " + r.statusCode() + " " + r.body());
        }
        return body.path("data").path("result");
    }

    public JsonNode query(String promql) throws IOException, InterruptedException {
        return query(promql, Instant.now());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
