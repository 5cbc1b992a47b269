package io.hubwatch.jobs;

import io.hubwatch.jobs.alerting.AlertJobConfig;
import io.hubwatch.jobs.anomaly.AnomalyJobConfig;
import io.hubwatch.jobs.stats.MetricTime;
import io.hubwatch.jobs.stats.StatsJobConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a cluster operator meets when submitting any of the three jobs: the options shared by all of them. */
class JobArgsTest {

    /** Each job's parser, as its main calls it, returning the Kafka settings it would use. */
    static Stream<BiFunction<String[], Map<String, String>, KafkaSettings>> jobs() {
        return Stream.of(
                (args, env) -> AlertJobConfig.fromArgs(args, env).kafka(),
                (args, env) -> AnomalyJobConfig.fromArgs(args, env).kafka(),
                (args, env) -> StatsJobConfig.fromArgs(args, env).kafka());
    }

    @ParameterizedTest
    @MethodSource("jobs")
    void kafkaIsRequiredWithNoLocalFallback(BiFunction<String[], Map<String, String>, KafkaSettings> job) {
        assertThatThrownBy(() -> job.apply(new String[]{}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--kafka is required")
                .hasMessageContaining("Usage: hubwatch");
    }

    @ParameterizedTest
    @MethodSource("jobs")
    void anUnknownOptionIsRefusedByName(BiFunction<String[], Map<String, String>, KafkaSettings> job) {
        assertThatThrownBy(() -> job.apply(new String[]{"--kafka", "k:9092", "--checkpoint-intervall", "5s"}, Map.of()))
                .hasMessageStartingWith("unknown option --checkpoint-intervall");
    }

    @ParameterizedTest
    @MethodSource("jobs")
    void strayArgumentsAndRepeatsAreRefused(BiFunction<String[], Map<String, String>, KafkaSettings> job) {
        assertThatThrownBy(() -> job.apply(new String[]{"--kafka", "k:9092", "5s"}, Map.of()))
                .hasMessageStartingWith("unexpected argument '5s'");
        assertThatThrownBy(() -> job.apply(new String[]{"--kafka", "a:1", "--kafka", "b:1"}, Map.of()))
                .hasMessageStartingWith("--kafka given twice ('a:1' and 'b:1')");
        assertThatThrownBy(() -> job.apply(new String[]{"--kafka"}, Map.of()))
                .hasMessageStartingWith("--kafka needs a value");
    }

    @ParameterizedTest
    @MethodSource("jobs")
    void kafkaClientPropertiesComeFromAFileOverriddenByEachFlag(
            BiFunction<String[], Map<String, String>, KafkaSettings> job, @TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("client.properties");
        Files.writeString(file, """
                security.protocol=SSL
                ssl.truststore.location=/etc/kafka/truststore.jks
                """);
        KafkaSettings kafka = job.apply(new String[]{"--kafka=k1:9093,k2:9093", "--kafka-properties", file.toString(),
                "--kafka-property", "security.protocol=SASL_SSL", "--kafka-property", "sasl.mechanism=SCRAM-SHA-512",
                "--kafka-property", "sasl.jaas.config=x required username=\"a\" password=\"p=q\";"}, Map.of());

        assertThat(kafka.bootstrapServers()).isEqualTo("k1:9093,k2:9093");
        assertThat(kafka.properties()).containsOnly(
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("ssl.truststore.location", "/etc/kafka/truststore.jks"),
                Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
                Map.entry("sasl.jaas.config", "x required username=\"a\" password=\"p=q\";"));
        assertThat(kafka.toString()).doesNotContain("p=q");
    }

    @ParameterizedTest
    @MethodSource("jobs")
    void aMalformedKafkaPropertyOrBrokersInsideThePropertiesAreRefused(
            BiFunction<String[], Map<String, String>, KafkaSettings> job) {
        assertThatThrownBy(() -> job.apply(new String[]{"--kafka", "k:9092", "--kafka-property", "acks"}, Map.of()))
                .hasMessageStartingWith("--kafka-property must be key=value, was 'acks'");
        assertThatThrownBy(() -> job.apply(
                new String[]{"--kafka", "k:9092", "--kafka-property", "bootstrap.servers=other:9092"}, Map.of()))
                .hasMessageStartingWith("bootstrap.servers must not be among the Kafka client properties");
        assertThatThrownBy(() -> job.apply(
                new String[]{"--kafka", "k:9092", "--kafka-properties", "/nonexistent/client.properties"}, Map.of()))
                .hasMessageStartingWith("--kafka-properties: cannot read /nonexistent/client.properties");
    }

    @Test
    void aPasswordOnTheCommandLineIsRefusedWithWhereToPutIt() {
        assertThatThrownBy(() -> StatsJobConfig.fromArgs(new String[]{"--kafka", "k:9092", "--jdbc-password", "s3cret"},
                Map.of()))
                .hasMessageStartingWith("--jdbc-password is not accepted")
                .hasMessageContaining("--jdbc-password-file FILE or the HUBWATCH_JDBC_PASSWORD environment variable")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void theJdbcPasswordComesFromAFileElseTheEnvironment(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("pg-password");
        Files.writeString(file, "from-file\n");
        String[] withFile = {"--kafka", "k:9092", "--jdbc-url", "jdbc:postgresql://db/h", "--jdbc-password-file",
                file.toString()};
        String[] withoutFile = {"--kafka", "k:9092", "--jdbc-url", "jdbc:postgresql://db/h"};
        Map<String, String> env = Map.of("HUBWATCH_JDBC_PASSWORD", "from-env");

        assertThat(AlertJobConfig.fromArgs(withFile, env).jdbcPassword()).isEqualTo("from-file");
        assertThat(StatsJobConfig.fromArgs(withFile, env).jdbcPassword()).isEqualTo("from-file");
        assertThat(AlertJobConfig.fromArgs(withoutFile, env).jdbcPassword()).isEqualTo("from-env");
        assertThat(StatsJobConfig.fromArgs(withoutFile, Map.of()).jdbcPassword()).isEmpty();
    }

    @Test
    void everyJobsOptionsAreListedInItsUsageWithDefaults() {
        assertThatThrownBy(() -> AlertJobConfig.fromArgs(new String[]{"--help"}, Map.of()))
                .hasMessageStartingWith("Usage: hubwatch alert job")
                .hasMessageContaining("--kafka TEXT")
                .hasMessageContaining("(required)")
                .hasMessageContaining("--checkpoint-interval DURATION")
                .hasMessageContaining("(default: 10s)")
                .hasMessageContaining("--no-default-rules ");
        assertThat(JobArgs.usage("stats job", StatsJobConfig.OPTIONS)).contains("--metric-time CHOICE")
                .contains("(default: publish-time)");
    }

    @Test
    void valuesParseWithTheirTypeAndFlagsTakeNone() {
        StatsJobConfig stats = StatsJobConfig.fromArgs(new String[]{"--kafka", "k:9092", "--metric-time", "window-end",
                "--out-of-orderness", "250ms"}, Map.of());
        assertThat(stats.metricTime()).isEqualTo(MetricTime.WINDOW_END);
        assertThat(stats.outOfOrderness()).isEqualTo(Duration.ofMillis(250));
        assertThat(stats.groupId()).isEqualTo("hubwatch-stats-job");

        AlertJobConfig alert = AlertJobConfig.fromArgs(new String[]{"--kafka", "k:9092", "--no-default-rules",
                "--flap-changes", "4"}, Map.of());
        assertThat(alert.defaultRules()).isFalse();
        assertThat(alert.flapControl().maxChanges()).isEqualTo(4);
        assertThat(alert.groupId()).isEqualTo("hubwatch-alert-job");

        assertThatThrownBy(() -> AlertJobConfig.fromArgs(new String[]{"--kafka", "k:9092", "--flap-changes", "four"},
                Map.of())).hasMessageStartingWith("--flap-changes: must be a whole number, was 'four'");
        assertThatThrownBy(() -> AlertJobConfig.fromArgs(new String[]{"--kafka", "k:9092", "--no-default-rules=yes"},
                Map.of())).hasMessageStartingWith("--no-default-rules takes no value");
        assertThatThrownBy(() -> StatsJobConfig.fromArgs(new String[]{"--kafka", "k:9092", "--metric-time", "now"},
                Map.of())).hasMessageStartingWith("--metric-time: must be one of [window-end, publish-time], was 'now'");
    }

    @Test
    void anOptionIsDeclaredOnceAcrossTheSharedGroups() {
        for (List<JobOption<?>> options : List.of(AlertJobConfig.OPTIONS, AnomalyJobConfig.OPTIONS, StatsJobConfig.OPTIONS)) {
            assertThat(options).extracting(JobOption::name).doesNotHaveDuplicates()
                    .contains("kafka", "kafka-property", "kafka-properties", "checkpoint-interval");
        }
    }

    @Test
    void everyOptionOfEveryJobIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "flink-jobs.md"));
        for (List<JobOption<?>> options : List.of(AlertJobConfig.OPTIONS, AnomalyJobConfig.OPTIONS, StatsJobConfig.OPTIONS,
                io.hubwatch.jobs.export.PrometheusExportConfig.OPTIONS)) {
            assertThat(options).allSatisfy(o -> assertThat(doc).contains("`--" + o.name()));
        }
    }
}
