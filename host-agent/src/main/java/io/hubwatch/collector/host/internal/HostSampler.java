package io.hubwatch.collector.host.internal;

import io.hubwatch.events.MetricEvent;

import java.io.File;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads this machine (on Linux from {@code /proc} and {@code /sys}, elsewhere through OSHI: {@link HostReadings})
 * and turns one reading into {@link MetricEvent}s:
 * {@code cpu_usage}, {@code memory_usage}, {@code disk_usage{mount}} (percent), {@code network_rx_bytes_per_s} and
 * {@code network_tx_bytes_per_s} {@code {interface}}, {@code load_average_1m/5m/15m} and {@code process_count}.
 *
 * <p>CPU and network are rates, so they are measured between two readings: the first baseline is taken when the
 * sampler is created, and each {@link #sample} is the change since the previous one. Not thread-safe: one sampling
 * thread owns it.
 *
 * <pre>{@code
 * HostSampler sampler = new HostSampler("web-1");
 * Thread.sleep(1000);
 * List<MetricEvent> events = sampler.sample(System.currentTimeMillis());
 * }</pre>
 */
public final class HostSampler {
    /**
     * File systems that are not disks: memory-backed, kernel views, container plumbing, read-only images (squashfs
     * snaps are always 100 % full). A disk that fills must alert; these would only add noise.
     */
    private static final Set<String> PSEUDO_FILE_SYSTEMS = Set.of(
            "tmpfs", "devtmpfs", "ramfs", "proc", "sysfs", "devpts", "cgroup", "cgroup2", "securityfs", "debugfs",
            "tracefs", "pstore", "bpf", "mqueue", "hugetlbfs", "autofs", "squashfs", "nsfs", "fusectl", "configfs",
            "binfmt_misc", "efivarfs", "rpc_pipefs", "devfs", "fdescfs", "nullfs", "iso9660", "udf");

    private final String source;
    private final HostReadings readings;
    private final Map<String, Counters> previousNetwork = new HashMap<>();
    private final java.nio.file.Path mountsFile = MountTable.mountsFile();
    private long[] previousCpuTicks;

    private record Counters(long rx, long tx, long atMillis) {}

    public HostSampler(String source) {
        this(source, HostReadings.forThisMachine());
    }

    HostSampler(String source, HostReadings readings) {
        this.source = source;
        this.readings = readings;
        this.previousCpuTicks = readings.cpuTicks();
        readNetwork(); // the baseline for the first rates
    }

    /** One reading of every metric, all stamped with {@code timestampMillis}. Values that cannot be read are left out. */
    public List<MetricEvent> sample(long timestampMillis) {
        List<MetricEvent> events = new ArrayList<>();
        sampleCpu(timestampMillis, events);
        sampleMemory(timestampMillis, events);
        sampleDisks(timestampMillis, events);
        sampleNetwork(timestampMillis, events);
        sampleLoadAndProcesses(timestampMillis, events);
        events.removeIf(e -> !e.problems().isEmpty());
        return events;
    }

    private void sampleCpu(long ts, List<MetricEvent> events) {
        long[] now = readings.cpuTicks();
        long busy = now[0] - previousCpuTicks[0];
        long total = now[1] - previousCpuTicks[1];
        previousCpuTicks = now;
        events.add(MetricEvent.of(ts, source, "cpu_usage", clampPercent(total > 0 ? busy * 100.0 / total : 0)));
    }

    private void sampleMemory(long ts, List<MetricEvent> events) {
        long[] memory = readings.memory();
        long total = memory[0];
        if (total > 0) {
            double used = total - memory[1];
            events.add(MetricEvent.of(ts, source, "memory_usage", clampPercent(used * 100.0 / total)));
        }
    }

    private void sampleDisks(long ts, List<MetricEvent> events) {
        for (MountTable.Mount mount : MountTable.read(mountsFile)) {
            File root = new File(mount.path());
            long total = root.getTotalSpace(); // statvfs, as OSHI reads it; 0 when the mount cannot be read
            if (!isDisk(mount.type(), total)) {
                continue;
            }
            // as df computes Use%: used / (used + available to unprivileged users); reserved blocks count as neither
            double used = total - root.getFreeSpace();
            double capacity = used + root.getUsableSpace();
            if (capacity > 0) {
                events.add(new MetricEvent(ts, source, "disk_usage", clampPercent(used * 100.0 / capacity),
                        Map.of("mount", mount.path())));
            }
        }
    }

    /** Whether a file store of this type and size is a real disk worth watching. */
    static boolean isDisk(String type, long totalBytes) {
        return totalBytes > 0 && type != null && !PSEUDO_FILE_SYSTEMS.contains(type.toLowerCase(Locale.ROOT));
    }

    private void sampleNetwork(long ts, List<MetricEvent> events) {
        Map<String, Counters> previous = new HashMap<>(previousNetwork);
        for (Map.Entry<String, Counters> now : readNetwork().entrySet()) {
            Counters before = previous.get(now.getKey());
            if (before == null) {
                continue; // a new interface: its first rate comes with the next sample
            }
            double seconds = (now.getValue().atMillis() - before.atMillis()) / 1000.0;
            long rx = now.getValue().rx() - before.rx();
            long tx = now.getValue().tx() - before.tx();
            if (seconds <= 0 || rx < 0 || tx < 0) {
                continue; // counters reset (interface restarted) or no time passed: no honest rate this round
            }
            Map<String, String> labels = Map.of("interface", now.getKey());
            events.add(new MetricEvent(ts, source, "network_rx_bytes_per_s", rx / seconds, labels));
            events.add(new MetricEvent(ts, source, "network_tx_bytes_per_s", tx / seconds, labels));
        }
    }

    /** Current byte counters of every non-loopback interface that is not down; also becomes the next baseline. */
    private Map<String, Counters> readNetwork() {
        Map<String, Counters> current = new HashMap<>();
        long at = System.currentTimeMillis();
        for (Map.Entry<String, long[]> net : readings.networkBytes().entrySet()) {
            current.put(net.getKey(), new Counters(net.getValue()[0], net.getValue()[1], at));
        }
        previousNetwork.clear();
        previousNetwork.putAll(current);
        return current;
    }

    private void sampleLoadAndProcesses(long ts, List<MetricEvent> events) {
        double[] load = readings.loadAverage();
        String[] names = {"load_average_1m", "load_average_5m", "load_average_15m"};
        for (int i = 0; i < load.length && i < names.length; i++) {
            if (load[i] >= 0) { // negative means "not available on this OS" (Windows)
                events.add(MetricEvent.of(ts, source, names[i], load[i]));
            }
        }
        int processes = readings.processCount();
        if (processes > 0) {
            events.add(MetricEvent.of(ts, source, "process_count", processes));
        }
    }

    private static double clampPercent(double value) {
        return Math.max(0.0, Math.min(100.0, value));
    }
}
