package io.hubwatch.launcher.stack;

import io.hubwatch.events.EventJson;
import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.events.MetricEvent;
import io.hubwatch.rules.RuleFiles;
import io.hubwatch.storage.Database;
import io.hubwatch.testing.FreshDatabase;
import io.hubwatch.testing.ListeningSockets;
import io.hubwatch.testing.TopicReader;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code up}'s composition root with every part real: what listens where (checked with the operating system), and an
 * episode that stays one episode across a stop and a start.
 */
class LocalStackITCase {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    private static String previousHome;

    @BeforeAll
    static void home(@TempDir Path tokens) {
        // the API token file follows the hubwatch home; keep it out of the checkout
        previousHome = System.getProperty("hubwatch.home");
        System.setProperty("hubwatch.home", tokens.toString());
    }

    @AfterAll
    static void restoreHome() {
        if (previousHome == null) {
            System.clearProperty("hubwatch.home");
        } else {
            System.setProperty("hubwatch.home", previousHome);
        }
    }

    private static UpSettings settings(Path home, String rulesYaml) throws Exception {
        Path rules = home.resolve("rules.yaml");
        Files.writeString(rules, rulesYaml);
        return UpSettings.defaults(home)
                .withDatabase(Database.of(DB.jdbcUrl(), DB.user(), DB.password()))
                .withRules(RuleFiles.read(rules), rules)
                .withAgentInterval(Duration.ofSeconds(1));
    }

    @Test
    void everyListenerIsOnLoopbackAndTheReadyLineNamesEveryUserFacingOne(@TempDir Path home) throws Exception {
        StringWriter log = new StringWriter();
        try (LocalStack stack = LocalStack.start(settings(home, "rules: []\n"), new PrintWriter(log, true))) {
            List<InetSocketAddress> listening = ListeningSockets.ofThisProcess();
            assertThat(listening).as("what this JVM listens on (as /proc/net/tcp* says)")
                    .isNotEmpty()
                    .allMatch(ListeningSockets::isLoopbackOnly, "bound to loopback");
            String ready = stack.readyLine();
            assertThat(ready).doesNotContain("0.0.0.0").doesNotContain("[::]")
                    .contains("kafka=127.0.0.1:", "api=http://127.0.0.1:", "ingest=http://127.0.0.1:",
                            "flink-rest=http://127.0.0.1:", "agent-health=http://127.0.0.1:");
            for (String address : ready.split(" ")) {
                int colon = address.lastIndexOf(':');
                if (colon > 0 && address.contains("127.0.0.1")) {
                    int port = Integer.parseInt(address.substring(colon + 1).replaceAll("/.*", ""));
                    assertThat(listening).as(address + " is really listening").anyMatch(a -> a.getPort() == port);
                }
            }
            assertThat(stack.warnings()).isEmpty();
        }
    }

    @Test
    void anEpisodeOpenAtStopContinuesAfterTheRestartAsOneRowAndOneFiring(@TempDir Path home) throws Exception {
        UpSettings settings = settings(home,
                "rules:\n  - {id: kiln_hot, metric: kiln_temp, op: '>', threshold: 50, for: 0s, severity: warning}\n");
        AtomicReference<Double> value = new AtomicReference<>(90.0);
        StringWriter log = new StringWriter();
        LocalStack first = LocalStack.start(settings, new PrintWriter(log, true));
        String kafka = first.kafka();
        try (Sampler sampler = new Sampler(kafka, value)) {
            try {
                await("the firing row").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .until(() -> rows("kiln_hot"), r -> r.contains("firing"));
            } finally {
                first.close();
            }
            assertThat(log.toString()).doesNotContain("restoring from");
            Path jobState = home.resolve(".hubwatch/flink/hubwatch-alert-job/savepoints");
            assertThat(Files.list(jobState).toList()).as("a savepoint taken on stop").hasSize(1);

            try (LocalStack second = LocalStack.start(settings, new PrintWriter(log, true))) {
                assertThat(second.kafka()).as("Kafka comes back where it was").isEqualTo(kafka);
                assertThat(log.toString()).contains("hubwatch-alert-job: restoring from");
                long samplesAfterRestart = sampler.sent() + 6;
                await().atMost(Duration.ofSeconds(30)).until(() -> sampler.sent() >= samplesAfterRestart);
                value.set(10.0);
                await("the same row, resolved").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .until(() -> rows("kiln_hot"), r -> r.equals(List.of("resolved")));
                assertThat(firings(second.kafka(), "kiln_hot")).as("firing messages on the incidents topic").isEqualTo(1);
            }
        }
    }

    @Test
    void aNotificationWaitingInGroupWaitAtStopIsSentOnceAfterTheRestart(@TempDir Path home) throws Exception {
        List<String> hooks = java.util.Collections.synchronizedList(new ArrayList<>());
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            hooks.add(new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        Path routing = home.resolve("routing.yml");
        // a group_wait far longer than the stop: the firing is read, waits, and the stop comes before it is due
        Files.writeString(routing, """
                hubwatch: { allow_loopback: true }
                route: { receiver: ops, group_by: [alertname], group_wait: 20s, group_interval: 5m }
                receivers:
                  - name: ops
                    webhook_configs: [{ url: 'http://127.0.0.1:%d/hook', send_resolved: false }]
                """.formatted(receiver.getAddress().getPort()));
        UpSettings settings = settings(home,
                "rules:\n  - {id: kiln_waits, metric: kiln_temp, op: '>', threshold: 50, for: 0s, severity: warning}\n")
                .withRouting(io.hubwatch.notify.config.NotifierConfig.load(routing));
        StringWriter log = new StringWriter();
        try (Sampler sampler = new Sampler(LocalStack.start(settings, new PrintWriter(log, true)), new AtomicReference<>(90.0))) {
            try {
                await("the firing row").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .until(() -> rows("kiln_waits"), r -> r.contains("firing"));
            } finally {
                sampler.stack.close();
            }
            assertThat(hooks).as("nothing sent before group_wait ends").isEmpty();

            try (LocalStack second = LocalStack.start(settings, new PrintWriter(log, true))) {
                await("the notification, after the restart").atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(500)).until(() -> !hooks.isEmpty());
                Thread.sleep(3_000); // a duplicate would follow at once: same group, same flush
                assertThat(hooks).singleElement().satisfies(b -> assertThat(b).contains("kiln_waits", "\"firing\""));
            }
        } finally {
            receiver.stop(0);
        }
    }

    /** The statuses of the rule's rows in the incidents table, oldest first. */
    private static List<String> rows(String rule) throws Exception {
        List<String> statuses = new ArrayList<>();
        try (Connection c = Database.of(DB.jdbcUrl(), DB.user(), DB.password()).connect();
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT status FROM incidents WHERE rule_id = '" + rule + "' ORDER BY starts_at")) {
            while (r.next()) {
                statuses.add(r.getString(1));
            }
        } catch (java.sql.SQLException e) {
            // the table appears with the API's migrations
        }
        return statuses;
    }

    private static long firings(String kafka, String rule) {
        return TopicReader.readToEnd(kafka, "incidents", r -> EventJson.read(r.value(), Incident.class),
                        Duration.ofSeconds(60)).stream()
                .filter(i -> i.ruleId().equals(rule) && i.status() == IncidentStatus.FIRING).count();
    }

    /** Sends the current value of {@code kiln_temp} every 250 ms, stamped now, until closed; rides out broker restarts. */
    private static final class Sampler implements AutoCloseable {
        private final KafkaProducer<String, byte[]> producer;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile long sent;

        /** The stack this sampler feeds, when it was given one. */
        LocalStack stack;

        Sampler(LocalStack stack, AtomicReference<Double> value) {
            this(stack.kafka(), value);
            this.stack = stack;
        }

        Sampler(String kafka, AtomicReference<Double> value) {
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000),
                    new StringSerializer(), new ByteArraySerializer());
            thread = new Thread(() -> {
                while (running) {
                    MetricEvent sample = MetricEvent.of(System.currentTimeMillis(), "kiln-1", "kiln_temp", value.get());
                    producer.send(new ProducerRecord<>("metrics", "kiln-1|kiln_temp", EventJson.toBytes(sample)),
                            (metadata, error) -> {
                                if (error == null) {
                                    sent++;
                                }
                            });
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "kiln-sampler");
            thread.start();
        }

        long sent() {
            return sent;
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(5_000);
            producer.close(Duration.ofSeconds(5));
        }
    }
}
