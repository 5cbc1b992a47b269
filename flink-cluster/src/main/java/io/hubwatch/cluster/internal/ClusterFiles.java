package io.hubwatch.cluster.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** The {@code config.yaml} and {@code log4j.properties} of a cluster (or of a client that submits to one). */
public final class ClusterFiles {
    private ClusterFiles() {}

    /**
     * Rolled at 50 MB, five kept; the sinks' per-checkpoint "Name collision" warning for their committer gauge is
     * silenced (it was 70 % of `up`'s log, see the launcher's log4j2.properties).
     */
    private static final String LOG4J = """
            rootLogger.level = INFO
            rootLogger.appenderRef.file.ref = MainAppender
            appender.main.name = MainAppender
            appender.main.type = RollingFile
            appender.main.fileName = ${sys:log.file}
            appender.main.filePattern = ${sys:log.file}.%i
            appender.main.layout.type = PatternLayout
            appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n
            appender.main.policies.type = Policies
            appender.main.policies.size.type = SizeBasedTriggeringPolicy
            appender.main.policies.size.size = 50MB
            appender.main.strategy.type = DefaultRolloverStrategy
            appender.main.strategy.max = 5
            logger.kafka.name = org.apache.kafka
            logger.kafka.level = WARN
            logger.metriccollision.name = org.apache.flink.metrics.MetricGroup
            logger.metriccollision.level = ERROR
            """;

    /**
     * A session cluster on 127.0.0.1: the JobManager's RPC and REST ports fixed up front (the TaskManager and the client
     * must know them), every other port chosen by the system; heap state, checkpoints and savepoints under {@code dir}.
     * The TaskManager's memory is written out in full: a TaskManager started without Flink's scripts refuses to guess it.
     */
    public static Map<String, String> sessionConfig(Path dir, int rpcPort, int restPort, int slots) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", "127.0.0.1");
        c.put("jobmanager.rpc.port", Integer.toString(rpcPort));
        c.put("jobmanager.bind-host", "127.0.0.1");
        c.put("rest.address", "127.0.0.1");
        c.put("rest.bind-address", "127.0.0.1");
        c.put("rest.port", Integer.toString(restPort));
        c.put("blob.server.port", "0");
        c.put("taskmanager.bind-host", "127.0.0.1");
        c.put("taskmanager.host", "127.0.0.1");
        c.put("taskmanager.rpc.port", "0");
        c.put("taskmanager.data.port", "0");
        c.put("metrics.internal.query-service.port", "0");
        c.put("taskmanager.numberOfTaskSlots", Integer.toString(slots));
        c.put("parallelism.default", "1");
        c.put("taskmanager.cpu.cores", Integer.toString(slots));
        c.put("taskmanager.memory.framework.heap.size", "64m");
        c.put("taskmanager.memory.task.heap.size", TM_TASK_HEAP);
        c.put("taskmanager.memory.framework.off-heap.size", "64m");
        c.put("taskmanager.memory.task.off-heap.size", "0m");
        c.put("taskmanager.memory.network.min", "32m");
        c.put("taskmanager.memory.network.max", "32m");
        c.put("taskmanager.memory.managed.size", "32m");
        c.put("taskmanager.memory.jvm-metaspace.size", "256m");
        c.put("taskmanager.memory.jvm-overhead.min", "96m");
        c.put("taskmanager.memory.jvm-overhead.max", "96m");
        c.put("state.backend.type", "hashmap");
        c.put("execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString());
        c.put("execution.checkpointing.savepoint-dir", dir.resolve("savepoints").toUri().toString());
        // patient timeouts: a busy machine starts an RPC system or answers a heartbeat late, and that must not
        // fail a cluster that would otherwise work (the defaults, 10 s and 50 s, were hit at a load of 40 on 2 cores)
        c.put("pekko.startup-timeout", "120 s");
        c.put("pekko.ask.timeout", "60 s");
        c.put("heartbeat.timeout", "180000");
        c.put("restart-strategy.type", "fixed-delay");
        c.put("restart-strategy.fixed-delay.attempts", "3");
        c.put("restart-strategy.fixed-delay.delay", "2 s");
        return c;
    }

    static final String TM_TASK_HEAP = "448m";

    /** The JobManager's JVM options. */
    public static final java.util.List<String> JOB_MANAGER_JVM = java.util.List.of("-Xmx320m", "-Xms64m",
            "-XX:MaxMetaspaceSize=192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    /** The TaskManager's JVM options, matching {@link #sessionConfig}: heap = framework + task heap. */
    public static final java.util.List<String> TASK_MANAGER_JVM = java.util.List.of("-Xmx512m", "-Xms128m",
            "-XX:MaxDirectMemorySize=160m", "-XX:MaxMetaspaceSize=256m", "-XX:+UseSerialGC");

    /** What a command-line client needs to reach a cluster's REST endpoint. */
    public static Map<String, String> clientConfig(String host, int restPort) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("rest.address", host);
        c.put("rest.port", Integer.toString(restPort));
        c.put("jobmanager.rpc.address", host);
        c.put("client.timeout", "120 s");
        return c;
    }

    /** Writes {@code config.yaml} (flat keys, one a line) and {@code log4j.properties} into {@code confDir}. */
    public static void write(Path confDir, Map<String, String> config) {
        try {
            Files.createDirectories(confDir);
            Files.writeString(confDir.resolve("config.yaml"), config.entrySet().stream()
                    .map(e -> e.getKey() + ": " + quote(e.getValue())).collect(Collectors.joining("\n", "", "\n")));
            Files.writeString(confDir.resolve("log4j.properties"), LOG4J);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String quote(String value) {
        return value.matches("[A-Za-z0-9._:/ -]+") && !value.contains(": ") ? value : "'" + value.replace("'", "''") + "'";
    }

    /** A port free on 127.0.0.1 right now. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
