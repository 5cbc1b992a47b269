package io.hubwatch.loadtest.run.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a process's resident memory (from {@code /proc/PID/status}) and, for a JVM, its heap in use: this JVM's
 * from the memory pools outside the nursery (survivors and old generation), another JVM's from
 * {@code jcmd PID GC.heap_info}.
 */
public final class ProcessProbe {

    private static final Pattern USED = Pattern.compile("used (\\d+)K");
    private final long pid;
    private final boolean self;

    public ProcessProbe(long pid) {
        this.pid = pid;
        this.self = pid == ProcessHandle.current().pid();
    }

    public long pid() {
        return pid;
    }

    /** Resident set size in MB, or -1 when the process is gone or not readable. */
    public double rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Heap in use in MB, or -1 when not a JVM or not reachable. */
    public double heapMb() {
        if (self) {
            long used = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                // the nursery swings by hundreds of MB between collections; what survives it is what can leak
                if (pool.getType() == MemoryType.HEAP && !pool.getName().contains("Eden")) {
                    used += pool.getUsage().getUsed();
                }
            }
            return used / (1024.0 * 1024.0);
        }
        try {
            Process p = new ProcessBuilder("jcmd", String.valueOf(pid), "GC.heap_info").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            Matcher m = USED.matcher(out);
            return m.find() ? Long.parseLong(m.group(1)) / 1024.0 : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
