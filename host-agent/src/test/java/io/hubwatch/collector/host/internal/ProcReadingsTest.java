package io.hubwatch.collector.host.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** On this (Linux) machine, the /proc readings agree with OSHI's, which the agent used before. */
class ProcReadingsTest {
    private final ProcReadings proc = new ProcReadings();
    private final OshiReadings oshi = new OshiReadings();

    @Test
    void linuxIsReadFromProc() {
        assertThat(ProcReadings.available()).isTrue();
        assertThat(HostReadings.forThisMachine()).isInstanceOf(ProcReadings.class);
    }

    @Test
    void memoryAndInterfacesAreOshis() {
        assertThat(proc.memory()[0]).isEqualTo(oshi.memory()[0]).isPositive();
        assertThat((double) proc.memory()[1]).isCloseTo(oshi.memory()[1], within(64.0 * 1024 * 1024));
        assertThat(proc.networkBytes().keySet()).isEqualTo(oshi.networkBytes().keySet()).doesNotContain("lo");
    }

    @Test
    void loadProcessesAndCpuAgreeWithOshi() {
        double[] ours = proc.loadAverage();
        double[] theirs = oshi.loadAverage();
        for (int i = 0; i < 3; i++) {
            assertThat(ours[i]).isCloseTo(theirs[i], within(Math.max(1.0, theirs[i] * 0.2)));
        }
        // processes come and go on a busy machine between the two counts
        assertThat(proc.processCount()).isCloseTo(oshi.processCount(), within(Math.max(20, oshi.processCount() / 5)));
        long[] cpu = proc.cpuTicks();
        assertThat(cpu[1]).isPositive();
        assertThat(cpu[0]).isBetween(0L, cpu[1]);
        // OSHI counts in milliseconds, /proc in clock ticks: the busy share is what must agree
        long[] oshiCpu = oshi.cpuTicks();
        assertThat((double) cpu[0] / cpu[1]).isCloseTo((double) oshiCpu[0] / oshiCpu[1], within(0.01));
    }
}
