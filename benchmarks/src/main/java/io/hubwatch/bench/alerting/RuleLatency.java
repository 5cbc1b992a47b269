package io.hubwatch.bench.alerting;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.jobs.alerting.AlertJob;
import io.hubwatch.jobs.alerting.AlertJobConfig;
import io.hubwatch.rules.RuleFiles;
import org.HdrHistogram.Histogram;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Rule-to-incident latency: from the sample that completes a rule's {@code for} to the committed incident on the
 * {@code incidents} topic, with N live series.
 *
 * <p>Every series is sampled every {@code intervalMs} with event time = wall time; each breaches the rule
 * ({@code cpu_usage > 80 for 10s}) for 30 s of every 60 s cycle, phases spread over the cycle, so incidents keep
 * coming. The latency of a firing incident is the time it is read minus its {@code startsAt} (the completing sample's
 * event time = when it was produced). It includes the exactly-once commit, which happens on checkpoints; the
 * out-of-orderness only delays timers, not firing. Both default to the job's defaults, which are {@code up}'s.
 *
 * <pre>{@code
 * benchmarks/rule-latency.sh [series=10000] [intervalMs=5000] [seconds=120] [outOfOrdernessMs] [checkpointMs]
 * }</pre>
 */
public final class RuleLatency {

    public static void main(String[] args) throws Exception {
        int series = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        long intervalMs = args.length > 1 ? Long.parseLong(args[1]) : 5_000;
        long seconds = args.length > 2 ? Long.parseLong(args[2]) : 120;
        // up's settings by default: the job's own defaults
        AlertJobConfig defaults = AlertJobConfig.defaults("unused:9092");
        long oooMs = args.length > 3 ? Long.parseLong(args[3]) : defaults.outOfOrderness().toMillis();
        long checkpointMs = args.length > 4 ? Long.parseLong(args[4]) : defaults.checkpointInterval().toMillis();

        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(List.of(new NewTopic("metrics", 2, (short) 1), new NewTopic("incidents", 2, (short) 1),
                    new NewTopic("dead-letter", 1, (short) 1), new NewTopic("alert-rules", 1, (short) 1),
                    new NewTopic("alert-silences", 1, (short) 1)));
            Configuration conf = new Configuration();
            conf.setString("restart-strategy.type", "none");
            conf.setString("execution.checkpointing.storage", "filesystem");
            conf.setString("execution.checkpointing.dir",
                    Files.createTempDirectory("hubwatch-bench-checkpoints").toUri().toString());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
            var rules = RuleFiles.parse("rules: [{id: hot, metric: cpu_usage, op: '>', threshold: 80, for: 10s, "
                    + "severity: warning}]", "bench");
            AlertJobConfig base = AlertJobConfig.defaults(kafka.bootstrapServers())
                    .withTiming(Duration.ofMillis(oooMs), Duration.ofSeconds(10), Duration.ofMillis(checkpointMs));
            // every series breaches and recovers once a minute, which flap control would (rightly) hold back: this
            // benchmark measures detection latency, so flap control is off here
            AlertJobConfig config = new AlertJobConfig(base.kafka(), null, false, base.metricsTopic(),
                    base.incidentsTopic(), base.deadLetterTopic(), base.rulesTopic(), base.silencesTopic(),
                    base.anomalyIncidentsTopic(), base.groupId(),
                    base.transactionalIdPrefix(), base.outOfOrderness(), base.idleness(), base.checkpointInterval(),
                    base.maxFutureSkew(), base.maxFor(),
                    new io.hubwatch.jobs.alerting.internal.FlapControl(1_000_000, Duration.ofMinutes(10)),
                    null, "postgres", "");
            AlertJob.wire(env, config, rules);
            JobClient job = env.executeAsync("rule-latency");
            // the clock starts once the job runs: deploying it takes a minute on a busy machine
            while (job.getJobStatus().get() != org.apache.flink.api.common.JobStatus.RUNNING) {
                Thread.sleep(100);
            }

            Histogram latency = new Histogram(3_600_000L, 3);
            long end = System.currentTimeMillis() + seconds * 1_000;
            long warmupEnd = System.currentTimeMillis() + 60_000; // the first minute warms up JIT and fills the runs
            Thread feeder = new Thread(() -> feed(kafka.bootstrapServers(), series, intervalMs, end), "feeder");
            feeder.start();
            long fired = 0;
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "latency-reader",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of("incidents"));
                while (System.currentTimeMillis() < end + 15_000) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        long now = System.currentTimeMillis();
                        Incident i = EventJson.read(r.value(), Incident.class);
                        if (Boolean.getBoolean("bench.trace") && (r.offset() % 150 == 0)) {
                            System.out.printf("TRACE lag=%d now=%d status=%s startsAt=%d activeAt=%s endsAt=%s host=%s%n", now - i.startsAt().toEpochMilli(), now,
                                    i.status(), i.startsAt().toEpochMilli(), i.annotations().get("active_at"), i.endsAt(),
                                    i.labels().get("host"));
                        }
                        if (i.status() == IncidentStatus.FIRING && i.startsAt().toEpochMilli() > warmupEnd) {
                            latency.recordValue(Math.max(0, now - i.startsAt().toEpochMilli()));
                            fired++;
                        }
                    }
                }
            }
            feeder.join();
            job.cancel().get();
            System.out.printf("RESULT series=%d interval_ms=%d events_per_second=%.0f out_of_orderness_ms=%d "
                            + "checkpoint_ms=%d firing_incidents=%d p50_ms=%d p99_ms=%d max_ms=%d%n",
                    series, intervalMs, series * 1000.0 / intervalMs, oooMs, checkpointMs, fired,
                    latency.getValueAtPercentile(50), latency.getValueAtPercentile(99), latency.getMaxValue());
        }
        System.exit(0);
    }

    private static void feed(String bootstrap, int series, long intervalMs, long end) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new ByteArraySerializer(), new ByteArraySerializer())) {
            byte[][] keys = new byte[series][];
            for (int i = 0; i < series; i++) {
                keys[i] = ("cpu_usage{host=\"h" + i + "\"}").getBytes(StandardCharsets.UTF_8);
            }
            long next = System.currentTimeMillis();
            while (next < end) {
                long sleep = next - System.currentTimeMillis();
                if (sleep > 0) {
                    Thread.sleep(sleep);
                }
                // spread each round over the interval, in slices of 100 ms
                int slices = (int) Math.max(1, intervalMs / 100);
                for (int s = 0; s < slices; s++) {
                    long sliceStart = next + s * (intervalMs / slices);
                    long wait = sliceStart - System.currentTimeMillis();
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                    for (int i = s; i < series; i += slices) {
                        long now = System.currentTimeMillis();
                        long phase = (now / 1_000 + i * 7L) % 60; // seconds into this series' 60 s cycle
                        double v = phase < 30 ? 95 : 20;
                        MetricEvent e = MetricEvent.of(now, "h" + i, "cpu_usage", v);
                        producer.send(new ProducerRecord<>("metrics", keys[i], EventJson.toBytes(e)));
                    }
                }
                next += intervalMs;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
