package io.hubwatch.collector.host.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The host's readings on Linux, each one file read, computed as OSHI computes them: CPU ticks from the first line of
 * {@code /proc/stat} (busy = all but idle and iowait), memory from {@code /proc/meminfo} ({@code MemAvailable}),
 * load from {@code /proc/loadavg}, processes as the numeric entries of {@code /proc}, network bytes from
 * {@code /sys/class/net/IF/statistics}. The roots are OSHI's settings {@code oshi.util.proc.path} and
 * {@code oshi.util.sys.path}, so the DaemonSet's host mounts apply unchanged.
 *
 * <p>Why not OSHI on Linux: OSHI with JNA was about 180 of the agent's classes and a native library, and started two
 * processes at start; every value the agent publishes is one of these reads
 * (benchmarks/results/host-agent-vs-node-exporter.md).
 */
final class ProcReadings implements HostReadings {
    private static final Set<String> DOWN = Set.of("down", "notpresent", "lowerlayerdown");

    private final Path proc = root("oshi.util.proc.path", "/proc");
    private final Path sys = root("oshi.util.sys.path", "/sys");

    private static Path root(String property, String fallback) {
        String value = System.getProperty(property, fallback).replaceAll("/$", "");
        return Path.of(value.isEmpty() ? fallback : value);
    }

    static boolean available() {
        return Files.isReadable(root("oshi.util.proc.path", "/proc").resolve("stat"));
    }

    @Override
    public long[] cpuTicks() {
        for (String line : lines(proc.resolve("stat"))) {
            if (line.startsWith("cpu ")) {
                String[] f = line.trim().split("\\s+");
                // user nice system idle iowait irq softirq steal (guest time is already in user and nice)
                long total = 0;
                long idle = 0;
                for (int i = 1; i <= 8 && i < f.length; i++) {
                    long v = Long.parseLong(f[i]);
                    total += v;
                    if (i == 4 || i == 5) {
                        idle += v;
                    }
                }
                return new long[] {total - idle, total};
            }
        }
        return new long[] {0, 0};
    }

    @Override
    public long[] memory() {
        long total = -1;
        long available = -1;
        long free = 0;
        long reclaimable = 0;
        for (String line : lines(proc.resolve("meminfo"))) {
            String[] f = line.split("\\s+");
            if (f.length < 2) {
                continue;
            }
            long kb = Long.parseLong(f[1]);
            switch (f[0]) {
                case "MemTotal:" -> total = kb;
                case "MemAvailable:" -> available = kb;
                case "MemFree:" -> free = kb;
                case "Active(file):", "Inactive(file):", "SReclaimable:" -> reclaimable += kb;
                default -> { }
            }
        }
        if (available < 0) { // kernels before 3.14, as OSHI estimates it
            available = free + reclaimable;
        }
        return new long[] {Math.max(0, total) * 1024, available * 1024};
    }

    @Override
    public Map<String, long[]> networkBytes() {
        Map<String, long[]> bytes = new HashMap<>();
        try {
            Enumeration<NetworkInterface> all = NetworkInterface.getNetworkInterfaces();
            while (all != null && all.hasMoreElements()) {
                NetworkInterface nif = all.nextElement();
                String name = nif.getName();
                Path dir = sys.resolve("class/net").resolve(name);
                if (nif.isLoopback() || DOWN.contains(first(dir.resolve("operstate")))) {
                    continue;
                }
                String rx = first(dir.resolve("statistics/rx_bytes"));
                String tx = first(dir.resolve("statistics/tx_bytes"));
                if (!rx.isEmpty() && !tx.isEmpty()) {
                    bytes.put(name, new long[] {Long.parseLong(rx), Long.parseLong(tx)});
                }
            }
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
        return bytes;
    }

    @Override
    public double[] loadAverage() {
        String[] f = first(proc.resolve("loadavg")).split("\\s+");
        if (f.length < 3) {
            return new double[] {-1, -1, -1};
        }
        return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
    }

    @Override
    public int processCount() {
        int count = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                    count++;
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return count;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The file's first line, trimmed; empty when it cannot be read (an interface that went away). */
    private static String first(Path file) {
        try (var reader = Files.newBufferedReader(file)) {
            String line = reader.readLine();
            return line == null ? "" : line.trim();
        } catch (IOException e) {
            return "";
        }
    }
}
