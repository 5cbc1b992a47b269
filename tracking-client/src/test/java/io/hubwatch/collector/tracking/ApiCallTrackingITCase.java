package io.hubwatch.collector.tracking;

import io.hubwatch.collector.ingest.IngestConfig;
import io.hubwatch.collector.ingest.IngestGateway;
import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.events.ApiCallEvent;
import io.hubwatch.events.EventJson;
import io.hubwatch.testing.KafkaBrokerExtension;
import io.hubwatch.testing.TopicReader;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.kafka.clients.admin.NewTopic;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The tracking library: a real Jetty application with the filter, through a real gateway into Kafka. */
@ExtendWith(KafkaBrokerExtension.class)
class ApiCallTrackingITCase {
    private static final String KEY = "tracking-key-0123456789abcdef";

    /** An AI endpoint that says which model it used, and an order lookup that fails for order 13. */
    static final class HubServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (request.getRequestURI().startsWith("/v1/chat")) {
                request.setAttribute(ApiCallFilter.MODEL, "gpt-4o");
                request.setAttribute(ApiCallFilter.PROMPT_TOKENS, 120);
                request.setAttribute(ApiCallFilter.COMPLETION_TOKENS, 380);
                request.setAttribute(ApiCallFilter.COST, 0.004);
                response.setStatus(200);
            } else {
                response.setStatus(request.getRequestURI().endsWith("/13") ? 503 : 200);
            }
            response.getWriter().write("ok");
        }
    }

    private static List<ApiCallEvent> read(EmbeddedKafka kafka, String topic, int expected) {
        return TopicReader.readUntil(kafka.bootstrapServers(), topic, TopicReader.Isolation.UNCOMMITTED,
                r -> EventJson.read(r.value(), ApiCallEvent.class), read -> read.size() >= expected, Duration.ofSeconds(30));
    }

    @Test
    void everyRequestThroughTheFilterArrivesInKafkaWithEndpointStatusLatencyAndModel(EmbeddedKafka kafka) throws Exception {
        String topic = "api-calls-" + UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopics(List.of(new NewTopic(topic, 1, (short) 1)));
        IngestConfig config = IngestConfig.of(kafka.bootstrapServers(), Map.of(KEY, "hub"))
                .withTopics(topic, "web-vitals", "metrics", "dead-letter");
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        try (IngestGateway gateway = IngestGateway.start(config)) {
            ApiCallTracker tracker = ApiCallTracker.start(TrackerConfig.of(gateway.address(), KEY)
                    .withQueue(1000, 50, Duration.ofMillis(200)));
            ServletContextHandler context = new ServletContextHandler();
            context.addServlet(new ServletHolder(new HubServlet()), "/*");
            context.addFilter(new FilterHolder(new ApiCallFilter(tracker)), "/*", EnumSet.of(DispatcherType.REQUEST));
            jetty.setHandler(context);
            jetty.start();
            HttpClient http = HttpClient.newHttpClient();
            URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
            for (String path : List.of("/v1/chat/completions", "/orders/12", "/orders/13")) {
                http.send(HttpRequest.newBuilder(base.resolve(path)).header(ApiCallFilter.USER_HEADER, "u-7").build(),
                        HttpResponse.BodyHandlers.ofString());
            }
            tracker.close();

            List<ApiCallEvent> events = read(kafka, topic, 3);
            assertThat(tracker.stats()).isEqualTo(new TrackerStats(3, 3, 0, 0));
            assertThat(events).extracting(ApiCallEvent::endpoint, ApiCallEvent::status).containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple("/v1/chat/completions", 200),
                    org.assertj.core.groups.Tuple.tuple("/orders/{id}", 200),
                    org.assertj.core.groups.Tuple.tuple("/orders/{id}", 503));
            ApiCallEvent chat = events.stream().filter(e -> e.endpoint().startsWith("/v1/chat")).findFirst().orElseThrow();
            assertThat(chat.model()).isEqualTo("gpt-4o");
            assertThat(chat.promptTokens()).isEqualTo(120);
            assertThat(chat.completionTokens()).isEqualTo(380);
            assertThat(chat.cost()).isEqualTo(0.004);
            assertThat(chat.userId()).isEqualTo("u-7");
            assertThat(chat.method()).isEqualTo("GET");
            assertThat(events).allSatisfy(e -> assertThat(e.latencyMs()).isGreaterThan(0).isLessThan(10_000));
        } finally {
            jetty.stop();
        }
    }

    @Test
    void whenTheGatewayIsAwayAFullQueueDropsAndCountsInsteadOfBlocking() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ApiCallTracker tracker = ApiCallTracker.start(TrackerConfig.of(URI.create("http://127.0.0.1:" + closedPort), KEY)
                .withQueue(10, 5, Duration.ofSeconds(10)));
        int accepted = 0;
        for (int i = 0; i < 100; i++) {
            if (tracker.record(new ApiCallEvent(System.currentTimeMillis(), "/a", "GET", 200, 1, null, null, null, 0, 0, 0))) {
                accepted++;
            }
        }
        TrackerStats during = tracker.stats();
        tracker.close();
        TrackerStats after = tracker.stats();

        assertThat(during.recorded()).isEqualTo(100);
        assertThat(during.dropped()).isEqualTo(100 - accepted).isGreaterThanOrEqualTo(80);
        assertThat(after.sent()).isZero();
        assertThat(after.recorded()).isEqualTo(after.sent() + after.dropped() + after.failed());
    }
}
