package io.hubwatch.launcher.logging;

import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.RollingFileAppender;
import org.apache.logging.log4j.core.appender.rolling.DefaultRolloverStrategy;
import org.apache.logging.log4j.core.appender.rolling.SizeBasedTriggeringPolicy;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code up}'s log (the launcher's log4j2.properties) stays bounded: it rolls at 50 MB and keeps five, and the sinks'
 * per-checkpoint "Name collision" warning, 70 % of the lines before, does not reach it while other warnings do.
 */
class LogFilesTest {

    @Test
    void upsLogRollsAndLeavesOutTheRepeatedMetricCollisionWarning(@TempDir Path home) throws Exception {
        String previous = System.getProperty("hubwatch.home");
        System.setProperty("hubwatch.home", home.toString());
        LoggerContext ctx = new LoggerContext("log-files-test");
        try (InputStream in = LogFilesTest.class.getClassLoader().getResourceAsStream("log4j2.properties")) {
            assertThat(in).as("the launcher's log4j2.properties on the class path").isNotNull();
            Configuration config = new PropertiesConfigurationFactory().getConfiguration(ctx, new ConfigurationSource(in));
            ctx.start(config);

            RollingFileAppender file = config.getAppender("file");
            assertThat(file).as("a rolling file appender named 'file'").isNotNull();
            Object policy = file.getTriggeringPolicy();
            assertThat(policy).isInstanceOfSatisfying(
                    org.apache.logging.log4j.core.appender.rolling.CompositeTriggeringPolicy.class,
                    p -> assertThat(p.getTriggeringPolicies()).anySatisfy(t -> assertThat((Object) t)
                            .isInstanceOfSatisfying(SizeBasedTriggeringPolicy.class,
                                    s -> assertThat(s.getMaxFileSize()).isEqualTo(50L * 1024 * 1024))));
            assertThat(file.getManager().getRolloverStrategy()).isInstanceOfSatisfying(DefaultRolloverStrategy.class,
                    s -> assertThat(s.getMaxIndex()).isEqualTo(5));

            ctx.getLogger("org.apache.flink.metrics.MetricGroup")
                    .warn("Name collision: Group already contains a Metric with the name 'pendingCommittables'.");
            ctx.getLogger("org.apache.flink.runtime.taskmanager.Task").warn("a warning that must stay");
        } finally {
            ctx.stop();
            if (previous == null) {
                System.clearProperty("hubwatch.home");
            } else {
                System.setProperty("hubwatch.home", previous);
            }
        }
        String log = Files.readString(home.resolve(".hubwatch/logs/hubwatch.log"));
        assertThat(log).contains("a warning that must stay").doesNotContain("Name collision");
    }
}
