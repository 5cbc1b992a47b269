package io.hubwatch.collector.host.internal;

import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;
import oshi.software.os.OperatingSystem;

import java.net.NetworkInterface;
import java.util.HashMap;
import java.util.Map;

/** The host's readings through OSHI: for machines without Linux's {@code /proc} (a developer's Mac running {@code up}). */
final class OshiReadings implements HostReadings {
    private final HardwareAbstractionLayer hardware;
    private final OperatingSystem os;
    private final CentralProcessor processor;

    OshiReadings() {
        SystemInfo systemInfo = new SystemInfo();
        this.hardware = systemInfo.getHardware();
        this.os = systemInfo.getOperatingSystem();
        this.processor = hardware.getProcessor();
    }

    @Override
    public long[] cpuTicks() {
        long[] ticks = processor.getSystemCpuLoadTicks();
        long total = 0;
        for (long t : ticks) {
            total += t;
        }
        long idle = ticks[CentralProcessor.TickType.IDLE.getIndex()] + ticks[CentralProcessor.TickType.IOWAIT.getIndex()];
        return new long[] {total - idle, total};
    }

    @Override
    public long[] memory() {
        GlobalMemory memory = hardware.getMemory();
        return new long[] {memory.getTotal(), memory.getAvailable()};
    }

    @Override
    public Map<String, long[]> networkBytes() {
        Map<String, long[]> bytes = new HashMap<>();
        for (NetworkIF net : hardware.getNetworkIFs(false)) {
            if (isLoopback(net) || isDown(net)) {
                continue;
            }
            bytes.put(net.getName(), new long[] {net.getBytesRecv(), net.getBytesSent()});
        }
        return bytes;
    }

    private static boolean isLoopback(NetworkIF net) {
        try {
            NetworkInterface nif = net.queryNetworkInterface();
            if (nif != null && nif.isLoopback()) {
                return true;
            }
        } catch (Exception e) {
            // the JDK could not tell; decide by name below
        }
        return "lo".equals(net.getName()) || net.getName().startsWith("lo0");
    }

    private static boolean isDown(NetworkIF net) {
        NetworkIF.IfOperStatus status = net.getIfOperStatus();
        return status == NetworkIF.IfOperStatus.DOWN || status == NetworkIF.IfOperStatus.NOT_PRESENT
                || status == NetworkIF.IfOperStatus.LOWER_LAYER_DOWN;
    }

    @Override
    public double[] loadAverage() {
        return processor.getSystemLoadAverage(3);
    }

    @Override
    public int processCount() {
        return os.getProcessCount();
    }
}
