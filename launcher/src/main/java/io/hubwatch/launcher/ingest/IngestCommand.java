package io.hubwatch.launcher.ingest;

import io.hubwatch.collector.ingest.IngestConfig;
import io.hubwatch.collector.ingest.IngestGateway;
import io.hubwatch.collector.ingest.IngestStats;
import io.hubwatch.launcher.StopSignals;
import io.hubwatch.launcher.UpState;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code hubwatch ingest}: runs the ingest gateway alone, until SIGTERM or Ctrl-C.
 *
 * <pre>{@code
 * bin/hubwatch ingest --kafka localhost:9092 --port 8088 --cors-origin https://shop.example.com
 * curl -H "X-Hubwatch-Key: $(cat .hubwatch/ingest-key)" -d '[...]' localhost:8088/v1/api-calls
 * }</pre>
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Serve the ingest gateway (POST /v1/api-calls, /v1/beacons, /v1/metrics; GET /beacon.js, /health).")
public final class IngestCommand implements Callable<Integer> {

    @Option(names = "--kafka", paramLabel = "BOOTSTRAP", description = "Kafka bootstrap servers (default: the running 'up')")
    String kafka;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "8088", description = "Port, 0 for any (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--key-file", paramLabel = "FILE",
            description = "Ingest keys, one per line: KEY [CLIENT] is a server key (posts everything), "
                    + "'beacon KEY [CLIENT]' a beacon key (posts /v1/beacons only) "
                    + "(default: .hubwatch/ingest-key and .hubwatch/beacon-key, created if missing)")
    Path keyFile;

    @Option(names = "--max-future-skew", defaultValue = "5m", paramLabel = "DURATION",
            description = "Refuse events stamped further ahead of this machine's clock (default: ${DEFAULT-VALUE})")
    Duration maxFutureSkew;

    @Option(names = "--rate", defaultValue = "50000", paramLabel = "EVENTS_PER_S",
            description = "Rate limit per key in events per second (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--burst", defaultValue = "100000", paramLabel = "EVENTS",
            description = "Events a key may send at once (default: ${DEFAULT-VALUE})")
    long burst;

    @Option(names = "--max-body", defaultValue = "4194304", paramLabel = "BYTES", description = "Body limit (default: ${DEFAULT-VALUE})")
    int maxBody;

    @Option(names = "--max-batch", defaultValue = "5000", paramLabel = "EVENTS", description = "Batch limit (default: ${DEFAULT-VALUE})")
    int maxBatch;

    @Option(names = "--cors-origin", paramLabel = "ORIGIN", description = "Origin allowed to post beacons; repeat; * for any (default: *)")
    List<String> corsOrigins;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        IngestConfig config;
        try {
            String bootstrap = UpState.kafkaOrExplain(kafka);
            Map<String, String> server = new LinkedHashMap<>();
            Map<String, String> beacon = new LinkedHashMap<>();
            keys(server, beacon);
            config = new IngestConfig(bootstrap, host, port, server, rate, burst, maxBody, maxBatch,
                    corsOrigins == null ? List.of("*") : corsOrigins, "api-calls", "web-vitals", "metrics", "dead-letter",
                    beacon, maxFutureSkew);
        } catch (IllegalArgumentException | IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        StopSignals signals = StopSignals.install(Duration.ofSeconds(5));
        try (IngestGateway gateway = IngestGateway.start(config)) {
            out.printf("hubwatch ingest: serving %s for %d server and %d beacon key(s), publishing to %s; stop with Ctrl-C%n",
                    gateway.address(), config.keys().size(), config.beaconKeys().size(), config.bootstrapServers());
            out.printf("hubwatch ingest: beacon at %s/beacon.js, health at %s/health%n", gateway.address(), gateway.address());
            out.flush();
            signals.awaitStop();
            IngestStats stats = gateway.stats();
            out.printf("hubwatch ingest: stopped; %d requests, %d events accepted, %d invalid, %d rate-limited requests%n",
                    stats.requests(), stats.accepted(), stats.invalid(), stats.rateLimited());
            out.flush();
        } finally {
            signals.finished();
        }
        return 0;
    }

    /**
     * Reads the key file into server and beacon keys. A line without a scope is a server key, as every key was before
     * scopes existed, so existing key files keep working; pages should get a {@code beacon} key instead.
     */
    private void keys(Map<String, String> server, Map<String, String> beacon) throws IOException {
        if (keyFile == null) {
            server.put(IngestKeys.loadOrCreate(IngestKeys.file()), "local");
            beacon.put(IngestKeys.loadOrCreate(IngestKeys.beaconFile()), "local pages");
            return;
        }
        int n = 0;
        for (String line : java.nio.file.Files.readAllLines(keyFile)) {
            n++;
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] parts = trimmed.split("\\s+", 2);
            Map<String, String> scope = server;
            if (parts[0].equals("beacon") || parts[0].equals("server")) {
                scope = parts[0].equals("beacon") ? beacon : server;
                if (parts.length < 2) {
                    throw new IOException(keyFile + " line " + n + ": '" + parts[0] + "' must be followed by a key");
                }
                parts = parts[1].trim().split("\\s+", 2);
            }
            scope.put(parts[0], parts.length > 1 ? parts[1] : "client-" + n);
        }
        if (server.isEmpty() && beacon.isEmpty()) {
            throw new IOException("the key file " + keyFile + " has no keys");
        }
    }
}
