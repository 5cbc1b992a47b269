package io.hubwatch.loadtest.advise;

import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;

/** Samples this machine's saturation for the advisor: CPU busy over one second, load average, memory in use. */
public final class HostProbe {

    private HostProbe() {
    }

    public static Advisor.Host sample() {
        SystemInfo si = new SystemInfo();
        CentralProcessor cpu = si.getHardware().getProcessor();
        double busy = cpu.getSystemCpuLoad(1000);
        double load = cpu.getSystemLoadAverage(1)[0];
        GlobalMemory mem = si.getHardware().getMemory();
        double used = 1.0 - (double) mem.getAvailable() / mem.getTotal();
        return new Advisor.Host(cpu.getLogicalProcessorCount(), Math.max(0, busy), Math.max(0, load), used);
    }
}
