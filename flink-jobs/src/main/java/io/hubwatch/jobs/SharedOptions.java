package io.hubwatch.jobs;

import io.hubwatch.events.Topics;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The options the three jobs share, declared once: Kafka, event time and checkpoints, PostgreSQL. A job's config lists
 * these groups beside its own options and reads them through {@link JobArgs}.
 *
 * <pre>{@code
 * List<JobOption<?>> options = SharedOptions.with(SharedOptions.KAFKA_OPTIONS, SharedOptions.EVENT_TIME_OPTIONS, List.of(MY_OPTION));
 * }</pre>
 */
public final class SharedOptions {
    private SharedOptions() {}

    public static final JobOption<String> KAFKA =
            JobOption.text("kafka", null, "Kafka bootstrap servers, host:port[,host:port]").required();
    public static final JobOption<String> KAFKA_PROPERTY = JobOption.repeatable("kafka-property", "KEY=VALUE",
            "a Kafka client property for every client of the job, e.g. security.protocol=SASL_SSL");
    public static final JobOption<Path> KAFKA_PROPERTIES = JobOption.file("kafka-properties",
            "a Java properties file of Kafka client properties (--kafka-property overrides it)");
    public static final JobOption<String> GROUP_ID = JobOption.text("group-id", null, "Kafka consumer group");
    public static final JobOption<String> METRICS_TOPIC = JobOption.text("metrics-topic", Topics.METRICS, "metric samples topic");
    public static final JobOption<String> INCIDENTS_TOPIC =
            JobOption.text("incidents-topic", Topics.INCIDENTS, "incidents topic (written exactly once)");
    public static final JobOption<String> DEAD_LETTER_TOPIC =
            JobOption.text("dead-letter-topic", Topics.DEAD_LETTER, "refused input, with the reason");

    public static final JobOption<Duration> OUT_OF_ORDERNESS = JobOption.duration("out-of-orderness",
            Duration.ofSeconds(5), "how far behind the newest event an event may arrive and still count");
    public static final JobOption<Duration> IDLENESS = JobOption.duration("idleness", Duration.ofSeconds(10),
            "a partition silent this long stops holding back the watermark");
    public static final JobOption<Duration> CHECKPOINT_INTERVAL = JobOption.duration("checkpoint-interval",
            Duration.ofSeconds(10), "checkpoint interval (exactly-once output becomes visible at each checkpoint)");
    public static final JobOption<Duration> MAX_FUTURE_SKEW = JobOption.duration("max-future-skew",
            Duration.ofHours(1), "events further ahead of the clock are refused");

    public static final JobOption<String> JDBC_URL =
            JobOption.text("jdbc-url", null, "PostgreSQL, jdbc:postgresql://host:5432/db (absent: no database output)");
    public static final JobOption<String> JDBC_USER = JobOption.text("jdbc-user", "postgres", "PostgreSQL user");
    public static final JobOption<Path> JDBC_PASSWORD_FILE = JobOption.file("jdbc-password-file",
            "file whose first line is the PostgreSQL password (else $" + JobArgs.JDBC_PASSWORD_ENV + ")");

    public static final List<JobOption<?>> KAFKA_OPTIONS = List.of(KAFKA, KAFKA_PROPERTY, KAFKA_PROPERTIES);
    public static final List<JobOption<?>> EVENT_TIME_OPTIONS = List.of(OUT_OF_ORDERNESS, IDLENESS, CHECKPOINT_INTERVAL);
    public static final List<JobOption<?>> JDBC_OPTIONS = List.of(JDBC_URL, JDBC_USER, JDBC_PASSWORD_FILE);

    /** The groups and a job's own options as one list, in order. */
    @SafeVarargs
    public static List<JobOption<?>> with(List<JobOption<?>>... groups) {
        return java.util.Arrays.stream(groups).flatMap(List::stream).toList();
    }

    /** The PostgreSQL password: {@link #JDBC_PASSWORD_FILE}, else the environment, else empty. */
    public static String jdbcPassword(JobArgs args) {
        return args.secret(JDBC_PASSWORD_FILE, JobArgs.JDBC_PASSWORD_ENV, "");
    }
}
