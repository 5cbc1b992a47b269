package io.hubwatch.jobs.alerting;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.events.DeadLetter;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.rules.RuleFiles;
import io.hubwatch.rules.RuleSet;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end on real components: a real Kafka broker, a Flink MiniCluster, and the alert job as {@code flink run} wires
 * it (Kafka source, exactly-once Kafka sink, dead-letter sink).
 */
@ExtendWith(KafkaBrokerExtension.class)
class AlertJobKafkaITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    /** Event time an hour ago: well inside the allowed clock skew, independent of when the test runs. */
    private static final long T0 = (System.currentTimeMillis() / 60_000 - 60) * 60_000;

    private static JobClient start(EmbeddedKafka kafka, KafkaTopics topics, RuleSet rules) throws Exception {
        return start(kafka, topics, rules, Duration.ofSeconds(2));
    }

    private static JobClient start(EmbeddedKafka kafka, KafkaTopics topics, RuleSet rules, Duration idleness) throws Exception {
        Configuration conf = new Configuration();
        conf.setString("restart-strategy.type", "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        AlertJobConfig config = AlertJobConfig.defaults(kafka.bootstrapServers())
                .withTopics(topics.metrics, topics.incidents, topics.deadLetters)
                .withGroup("alert-" + topics.metrics, "tx-" + topics.metrics)
                .withTiming(Duration.ofSeconds(1), idleness, Duration.ofMillis(500));
        AlertJob.wire(env, config, rules);
        return env.executeAsync(AlertJob.NAME);
    }

    private static void sendCpu(KafkaTopics topics, String host, long fromMs, long toMs, double value) throws Exception {
        for (long t = fromMs; t < toMs; t += 10_000) {
            MetricEvent e = MetricEvent.of(T0 + t, host, "cpu_usage", value);
            topics.send(e.seriesKey(), EventJson.toBytes(e));
        }
    }

    private static List<Incident> parse(List<String> values) {
        return values.stream().map(v -> EventJson.read(v.getBytes(StandardCharsets.UTF_8), Incident.class)).toList();
    }

    @Test
    void aBreachFiresOnceADipDoesNotAndRecoveryResolves(EmbeddedKafka kafka) throws Exception {
        try (KafkaTopics topics = new KafkaTopics(kafka, "e2e")) {
            JobClient job = start(kafka, topics, new RuleSet(List.of(RuleSet.defaults().find("high_cpu_usage").orElseThrow())));
            try {
                // web-1: above 80 for 6 minutes, then back to normal for 3 minutes
                sendCpu(topics, "web-1", 0, 360_000, 92);
                sendCpu(topics, "web-1", 360_000, 540_000, 40);
                // web-2: above 80 too, but one sample dips at minute 3, and the breach ends before 5 more minutes
                sendCpu(topics, "web-2", 0, 180_000, 92);
                sendCpu(topics, "web-2", 180_000, 190_000, 70);
                sendCpu(topics, "web-2", 190_000, 360_000, 92);
                sendCpu(topics, "web-2", 360_000, 540_000, 40);

                List<Incident> incidents = parse(topics.readUntil(topics.incidents, v -> v.size() >= 2, Duration.ofSeconds(90)));
                // a few more checkpoints: nothing else may appear
                Thread.sleep(3_000);
                incidents = parse(topics.readCommitted(topics.incidents, Duration.ofSeconds(60)));

                assertThat(incidents).extracting(i -> i.labels().get("host"), Incident::status).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("web-1", IncidentStatus.FIRING),
                        org.assertj.core.groups.Tuple.tuple("web-1", IncidentStatus.RESOLVED));
                assertThat(incidents.get(0).startsAt().toEpochMilli()).isEqualTo(T0 + 300_000);
                assertThat(incidents.get(1).endsAt().toEpochMilli()).isEqualTo(T0 + 360_000);
            } finally {
                job.cancel().get();
            }
        }
    }

    @Test
    void badAndOutOfOrderEventsGoToTheDeadLetterTopicAndTheJobKeepsRunning(EmbeddedKafka kafka) throws Exception {
        RuleSet probe = RuleFiles.parse("rules: [{id: probe, metric: cpu_usage, op: '>=', threshold: 0, severity: info}]", "t");
        try (KafkaTopics topics = new KafkaTopics(kafka, "dlq")) {
            JobClient job = start(kafka, topics, probe);
            try {
                topics.send("x", "{\"timestamp\": 1, \"source\": ");
                topics.send("x", "{\"timestamp\": " + T0 + ", \"source\": \"h\", \"value\": 1}");
                topics.send("x", "{\"timestamp\": " + T0 + ", \"source\": \"h\", \"metric\": \"cpu_usage\", \"value\": NaN}");
                topics.send("x", "{\"timestamp\": " + T0 + ", \"source\": \"h\", \"metric\": \"cpu_usage\", \"value\": 1e999}");
                // a good series: its firing proves its samples were judged
                sendCpu(topics, "web-1", 0, 30_000, 5);
                topics.readUntil(topics.incidents, v -> !v.isEmpty(), Duration.ofSeconds(60));
                // now an event from ten minutes before: out of order within its series
                sendCpu(topics, "web-1", -600_000, -590_000, 5);
                // and the job still works: a negative value clears the probe and resolves it
                sendCpu(topics, "web-1", 30_000, 40_000, -1);
                sendCpu(topics, "web-1", 40_000, 60_000, -1);

                List<Incident> incidents = parse(topics.readUntil(topics.incidents, v -> v.size() >= 2, Duration.ofSeconds(60)));
                List<DeadLetter> letters = topics.readUntil(topics.deadLetters, v -> v.size() >= 5, Duration.ofSeconds(60))
                        .stream().map(v -> EventJson.read(v.getBytes(StandardCharsets.UTF_8), DeadLetter.class)).toList();

                assertThat(incidents).extracting(Incident::status).containsExactly(IncidentStatus.FIRING, IncidentStatus.RESOLVED);
                assertThat(letters).extracting(DeadLetter::reason).satisfiesExactlyInAnyOrder(
                        r -> assertThat(r).startsWith("malformed JSON").contains(topics.metrics + " partition"),
                        r -> assertThat(r).startsWith("missing required field 'metric'"),
                        r -> assertThat(r).startsWith("value is NaN"),
                        r -> assertThat(r).startsWith("value is infinite"),
                        r -> assertThat(r).startsWith("out-of-order event: event time").contains("host=\"web-1\""));
                assertThat(letters).allSatisfy(l -> assertThat(l.payload()).isNotEmpty());
            } finally {
                job.cancel().get();
            }
        }
    }

    @Test
    void aSeriesSilentFor30SecondsOfEventTimeDoesNotDelayALiveOne(EmbeddedKafka kafka) throws Exception {
        RuleSet rules = RuleFiles.parse("rules: [{id: hot, metric: cpu_usage, op: '>', threshold: 80, for: 20s, "
                + "severity: warning}]", "t");
        try (KafkaTopics topics = new KafkaTopics(kafka, "gap")) {
            // idleness far longer than the test: a watermark-driven job would wait for the quiet series all along
            JobClient job = start(kafka, topics, rules, Duration.ofMinutes(30));
            try {
                sendCpu(topics, "quiet", 0, 10_000, 50);           // then nothing for 30 s of event time and more
                sendCpu(topics, "live", 0, 40_000, 50);
                sendCpu(topics, "live", 40_000, 70_000, 95);        // held 20 s at 60 s

                List<Incident> incidents = parse(topics.readUntil(topics.incidents, v -> !v.isEmpty(), Duration.ofSeconds(60)));

                assertThat(incidents).singleElement().satisfies(i -> {
                    assertThat(i.labels()).containsEntry("host", "live");
                    assertThat(i.startsAt().toEpochMilli()).isEqualTo(T0 + 60_000);
                });
            } finally {
                job.cancel().get();
            }
        }
    }

    @Test
    void oneSampleFiftyMinutesAheadMovesNoOtherSeriesAlertingTime(EmbeddedKafka kafka) throws Exception {
        RuleSet rules = RuleFiles.parse("rules: [{id: hot, metric: cpu_usage, op: '>', threshold: 80, severity: warning},"
                + "{id: seen, metric: mem_usage, op: '>', threshold: 1000, severity: info, absent_for: 1m}]", "t");
        try (KafkaTopics topics = new KafkaTopics(kafka, "ahead")) {
            JobClient job = start(kafka, topics, rules, Duration.ofMinutes(30));
            try {
                long now = System.currentTimeMillis();
                MetricEvent steady = new MetricEvent(now, "db-1", "mem_usage", 10, java.util.Map.of());
                topics.send(steady.seriesKey(), EventJson.toBytes(steady));
                MetricEvent forged = new MetricEvent(now + 50 * 60_000, "forged", "cpu_usage", 10, java.util.Map.of());
                topics.send(forged.seriesKey(), EventJson.toBytes(forged));
                topics.send(forged.seriesKey() + "-other-partition", EventJson.toBytes(
                        new MetricEvent(now + 50 * 60_000, "forged-2", "cpu_usage", 10, java.util.Map.of())));
                MetricEvent live = new MetricEvent(now + 1_000, "web-1", "cpu_usage", 95, java.util.Map.of());
                topics.send(live.seriesKey(), EventJson.toBytes(live));

                List<Incident> incidents = parse(topics.readUntil(topics.incidents, v -> !v.isEmpty(), Duration.ofSeconds(60)));
                // a few more checkpoints: had event time jumped 50 minutes, db-1 would now be reported silent
                Thread.sleep(3_000);
                incidents = parse(topics.readCommitted(topics.incidents, Duration.ofSeconds(60)));

                assertThat(incidents).singleElement().satisfies(i -> {
                    assertThat(i.labels()).containsEntry("host", "web-1");
                    assertThat(i.status()).isEqualTo(IncidentStatus.FIRING);
                });
            } finally {
                job.cancel().get();
            }
        }
    }
}
