package io.hubwatch.collector.host.internal;

import java.util.Map;

/**
 * The raw readings {@link HostSampler} turns into metric events: on Linux straight from {@code /proc} and {@code /sys}
 * ({@link ProcReadings}), elsewhere through OSHI ({@link OshiReadings}).
 */
interface HostReadings {
    /** Cumulative CPU time of the machine: {@code [busy, total]} in any one unit. */
    long[] cpuTicks();

    /** {@code [total, available]} memory in bytes; total 0 when unknown. */
    long[] memory();

    /** Cumulative bytes received and sent by every interface that is neither loopback nor down, by name. */
    Map<String, long[]> networkBytes();

    /** The 1, 5 and 15 minute load averages; negative where the OS has none. */
    double[] loadAverage();

    /** Processes running; 0 when unknown. */
    int processCount();

    /** On Linux (a readable {@code <proc>/stat}) the {@code /proc} readings, else OSHI's. */
    static HostReadings forThisMachine() {
        return ProcReadings.available() ? new ProcReadings() : new OshiReadings();
    }
}
