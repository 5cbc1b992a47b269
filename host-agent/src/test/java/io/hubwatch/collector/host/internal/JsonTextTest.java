package io.hubwatch.collector.host.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.MetricEvent;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JsonTextTest {

    @Test
    void aMetricEventIsWrittenByteForByteAsTheSharedMapperWritesIt() {
        List<MetricEvent> events = List.of(
                MetricEvent.of(1_764_547_200_000L, "web-1", "cpu_usage", 12.5),
                MetricEvent.of(1L, "h", "process_count", 312),
                MetricEvent.of(1_764_547_200_123L, "web-1", "network_rx_bytes_per_s", 1.23456789E10),
                MetricEvent.of(1_764_547_200_123L, "web-1", "load_average_1m", 0.0001),
                MetricEvent.of(1_764_547_200_123L, "web-1", "x", -0.0),
                new MetricEvent(1_764_547_200_000L, "hôst \"quoted\" \\ back", "disk_usage", 99.99,
                        Map.of("mount", "/var/lib/dïsk", "z", "tab\there", "a", "new\nline", "c", "ctl\u0001")),
                new MetricEvent(1_764_547_200_000L, "web-1", "network_tx_bytes_per_s", 5e-324,
                        Map.of("interface", "eth0")));
        for (MetricEvent e : events) {
            assertThat(new String(JsonText.metricEvent(e), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(new String(EventJson.toBytes(e), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void healthObjectsParseBackWithTheirValues() throws Exception {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("reachable", true);
        inner.put("bootstrapServers", "127.0.0.1:9092");
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("status", "UP");
        health.put("samples", 42L);
        health.put("kafka", inner);
        health.put("lastError", null);
        health.put("message", "Kafka not available: \"x\"\n");

        JsonNode back = EventJson.mapper().readTree(JsonText.object(health));

        assertThat(back.get("status").asText()).isEqualTo("UP");
        assertThat(back.get("samples").asLong()).isEqualTo(42);
        assertThat(back.get("kafka").get("reachable").asBoolean()).isTrue();
        assertThat(back.get("kafka").get("bootstrapServers").asText()).isEqualTo("127.0.0.1:9092");
        assertThat(back.get("lastError").isNull()).isTrue();
        assertThat(back.get("message").asText()).isEqualTo("Kafka not available: \"x\"\n");
        assertThat(JsonText.object(health)).startsWith("{\"status\":\"UP\",\"samples\":42,\"kafka\":{");
    }
}
