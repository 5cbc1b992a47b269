package io.hubwatch.bench.agent;

import io.hubwatch.embedded.EmbeddedKafka;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The host agent beside Debian's prometheus-node-exporter, side by side on the same machine in the same run, both at a
 * 1 s interval: the agent samples and publishes to a broker every second; node_exporter is scraped every second, as a
 * Prometheus with {@code scrape_interval: 1s} would. CPU is each process's own user+system time from
 * {@code /proc/PID/stat} (the harness's own work is not counted); memory is the resident set from
 * {@code /proc/PID/status}, sampled every second (peak and last reported). Prints both and the ratios.
 *
 * <pre>{@code
 * benchmarks/host-agent-vs-node-exporter.sh 120    # seconds measured, after 20 s of warm-up
 * }</pre>
 */
public final class AgentOverhead {
    private AgentOverhead() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 120;
        int warmup = 20;
        Path root = Path.of(System.getProperty("hubwatch.home", "."));
        long ticksPerSecond = 100; // USER_HZ on Linux
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            int agentPort = freePort();
            int exporterPort = freePort();
            Process agent = new ProcessBuilder(List.of(root.resolve("host-agent/hubwatch-agent").toString(),
                    "--kafka", kafka.bootstrapServers(), "--interval", "1s", "--http-port", Integer.toString(agentPort)))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Process exporter = new ProcessBuilder(List.of("prometheus-node-exporter",
                    "--web.listen-address=127.0.0.1:" + exporterPort))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                HttpClient http = HttpClient.newHttpClient();
                URI scrape = URI.create("http://127.0.0.1:" + exporterPort + "/metrics");
                long[] agentStart = null;
                long[] exporterStart = null;
                long agentPeak = 0;
                long exporterPeak = 0;
                long t0 = System.nanoTime();
                for (int s = 0; s < warmup + seconds; s++) {
                    if (s == warmup) {
                        agentStart = cpu(agent.pid());
                        exporterStart = cpu(exporter.pid());
                        t0 = System.nanoTime();
                    }
                    long next = System.nanoTime() + 1_000_000_000L;
                    try {
                        http.send(HttpRequest.newBuilder(scrape).build(), HttpResponse.BodyHandlers.discarding());
                    } catch (IOException e) {
                        // not listening yet during warm-up
                    }
                    if (s >= warmup) {
                        agentPeak = Math.max(agentPeak, rssKb(agent.pid()));
                        exporterPeak = Math.max(exporterPeak, rssKb(exporter.pid()));
                    }
                    Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
                }
                double wall = (System.nanoTime() - t0) / 1e9;
                long[] agentEnd = cpu(agent.pid());
                long[] exporterEnd = cpu(exporter.pid());
                double agentCpu = 100.0 * (agentEnd[0] + agentEnd[1] - agentStart[0] - agentStart[1]) / ticksPerSecond / wall;
                double exporterCpu = 100.0 * (exporterEnd[0] + exporterEnd[1] - exporterStart[0] - exporterStart[1])
                        / ticksPerSecond / wall;
                System.out.printf("measured %.0f s after %d s warm-up, both at a 1 s interval%n", wall, warmup);
                System.out.printf("host agent:      CPU %.2f %% of a core, RSS peak %.1f MB, last %.1f MB%n",
                        agentCpu, agentPeak / 1024.0, rssKb(agent.pid()) / 1024.0);
                System.out.printf("node_exporter:   CPU %.2f %% of a core, RSS peak %.1f MB, last %.1f MB%n",
                        exporterCpu, exporterPeak / 1024.0, rssKb(exporter.pid()) / 1024.0);
                System.out.printf("ratio agent/node_exporter: CPU %.2f, RSS %.2f%n", agentCpu / exporterCpu,
                        (double) agentPeak / exporterPeak);
            } finally {
                agent.destroy();
                exporter.destroy();
                agent.waitFor();
                exporter.waitFor();
            }
        }
        System.exit(0);
    }

    /** utime and stime of a process, in clock ticks. */
    static long[] cpu(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[]{Long.parseLong(f[11]), Long.parseLong(f[12])};
    }

    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
