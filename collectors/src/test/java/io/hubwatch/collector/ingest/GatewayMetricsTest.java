package io.hubwatch.collector.ingest;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /metrics}: the gateway's counters and the JVM's, in Prometheus' text format, no broker needed. */
class GatewayMetricsTest {

    @Test
    void metricsShowRequestsAndRefusalsBesideTheJvm() throws Exception {
        // no broker at this address: /metrics and refusals before the body is read need none
        IngestConfig config = IngestConfig.of("127.0.0.1:1", Map.of("key-0123456789abcdef", "server")).withAddress("127.0.0.1", 0);
        try (IngestGateway gateway = IngestGateway.start(config)) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI base = gateway.address();
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(base.resolve("/v1/metrics"))
                    .header("Authorization", "Bearer wrong").POST(HttpRequest.BodyPublishers.ofString("[]")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(401);

            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
            assertThat(metrics.body())
                    .contains("# HELP hubwatch_ingest_requests_total")
                    .contains("hubwatch_ingest_refused_requests_total{reason=\"unauthorized\"} 1.0")
                    .contains("hubwatch_ingest_events_total{outcome=\"accepted\"} 0.0")
                    .contains("jvm_memory_used_bytes{");
        }
    }
}
