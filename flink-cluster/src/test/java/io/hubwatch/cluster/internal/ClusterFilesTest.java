package io.hubwatch.cluster.internal;

import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.RollingFileAppender;
import org.apache.logging.log4j.core.appender.rolling.DefaultRolloverStrategy;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The cluster processes' log4j.properties: a log that rolls, without the sinks' per-checkpoint collision warning. */
class ClusterFilesTest {

    @Test
    void theClustersLogRollsAndLeavesOutTheRepeatedMetricCollisionWarning(@TempDir Path dir) throws Exception {
        ClusterFiles.write(dir.resolve("conf"), Map.of());
        Path logFile = dir.resolve("taskmanager.log");
        String previous = System.getProperty("log.file");
        System.setProperty("log.file", logFile.toString());
        LoggerContext ctx = new LoggerContext("cluster-files-test");
        try (InputStream in = Files.newInputStream(dir.resolve("conf/log4j.properties"))) {
            Configuration config = new PropertiesConfigurationFactory().getConfiguration(ctx, new ConfigurationSource(in));
            ctx.start(config);
            RollingFileAppender main = config.getAppender("MainAppender");
            assertThat(main).as("a rolling file appender").isNotNull();
            assertThat(main.getManager().getRolloverStrategy()).isInstanceOfSatisfying(DefaultRolloverStrategy.class,
                    s -> assertThat(s.getMaxIndex()).isEqualTo(5));
            ctx.getLogger("org.apache.flink.metrics.MetricGroup")
                    .warn("Name collision: Group already contains a Metric with the name 'pendingCommittables'.");
            ctx.getLogger("org.apache.flink.runtime.taskmanager.Task").warn("a warning that must stay");
        } finally {
            ctx.stop();
            if (previous == null) {
                System.clearProperty("log.file");
            } else {
                System.setProperty("log.file", previous);
            }
        }
        assertThat(Files.readString(logFile)).contains("a warning that must stay").doesNotContain("Name collision");
    }
}
