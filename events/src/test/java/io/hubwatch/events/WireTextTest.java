package io.hubwatch.events;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Strings that no consumer downstream can take (NUL, control characters, over-long values) are refused by field. */
class WireTextTest {
    private static final long NOW = 1_764_124_800_000L;

    private static MetricEvent sample(Map<String, String> labels) {
        return new MetricEvent(NOW, "web-1", "queue_depth", 1, labels);
    }

    @Test
    void aNulInALabelValueIsRefusedNamingTheLabel() {
        assertThat(sample(Map.of("queue", "a\u0000b")).problems()).containsExactly(
                "field 'labels.queue' contains a NUL character (U+0000) at character 1 "
                        + "(control characters and unpaired surrogates are refused)");
    }

    @Test
    void aTenKilobyteLabelValueIsRefusedWithItsLengthAndTheLimit() {
        assertThat(sample(Map.of("path", "x".repeat(10 * 1024))).problems()).containsExactly(
                "field 'labels.path' is 10240 characters long; the limit is 1024");
    }

    @Test
    void lineBreaksOtherControlCharactersAndUnpairedSurrogatesAreRefused() {
        assertThat(sample(Map.of("a", "x\r\nBcc: evil@example.com")).problems()).singleElement()
                .asString().contains("field 'labels.a' contains the control character U+000D at character 1");
        assertThat(sample(Map.of("a", "tab\there")).problems()).singleElement().asString().contains("U+0009");
        assertThat(sample(Map.of("a", "c1\u0085")).problems()).singleElement().asString().contains("U+0085");
        assertThat(sample(Map.of("a", "ls\u2028")).problems()).singleElement().asString().contains("U+2028");
        assertThat(sample(Map.of("a", "half\ud83d")).problems()).singleElement().asString()
                .contains("an unpaired surrogate U+D83D");
    }

    @Test
    void textInAnyScriptAndEmojiArePlainValues() {
        assertThat(sample(Map.of("city", "Zürich", "team", "東京", "mood", "🔥")).problems()).isEmpty();
    }

    @Test
    void labelNamesFollowPrometheusAndTheirNumberAndTheSeriesLengthAreBounded() {
        assertThat(sample(Map.of("bad name", "v")).problems()).containsExactly(
                "field 'labels': 'bad name' is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*)");
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 33; i++) {
            many.put("l" + i, "v");
        }
        assertThat(sample(many).problems()).containsExactly("field 'labels' has 33 labels; the limit is 32");
        Map<String, String> wide = Map.of("a", "x".repeat(1000), "b", "y".repeat(1000), "c", "z".repeat(1000));
        assertThat(sample(wide).problems()).singleElement().asString()
                .startsWith("the series (metric and labels) is ").endsWith("bytes long in UTF-8; the limit is 2048");
    }

    @Test
    void theMetricsParserRefusesWhatTheEventRefuses() {
        String json = "{\"timestamp\":" + NOW + ",\"source\":\"web-1\",\"metric\":\"m\",\"value\":1,"
                + "\"labels\":{\"q\":\"a\\u0000b\"}}";
        assertThatThrownBy(() -> EventJson.parseMetric(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("field 'labels.q' contains a NUL");
    }

    @Test
    void apiCallsAndWebVitalsBoundEveryStringAndNumber() {
        ApiCallEvent call = new ApiCallEvent(NOW, "/v1/chat", "POST", 200, 1e300, "u\u0000", "s", "m".repeat(300),
                Long.MAX_VALUE, 0, 1e300);
        assertThat(call.problems()).hasSize(5).anySatisfy(p -> assertThat(p).startsWith("field 'latencyMs'"))
                .anySatisfy(p -> assertThat(p).startsWith("field 'promptTokens'"))
                .anySatisfy(p -> assertThat(p).startsWith("field 'cost'"))
                .anySatisfy(p -> assertThat(p).startsWith("field 'userId' contains a NUL"))
                .anySatisfy(p -> assertThat(p).isEqualTo("field 'model' is 300 characters long; the limit is 256"));
        WebVitalEvent vital = new WebVitalEvent(NOW, "/cart\n", "FETCH", 3, null, "/api", "get\u0000", 200);
        assertThat(vital.problems()).hasSize(2).anySatisfy(p -> assertThat(p).startsWith("field 'page' contains"))
                .anySatisfy(p -> assertThat(p).startsWith("field 'method' contains a NUL"));
        assertThat(new ApiCallEvent(Long.MAX_VALUE, "/a", "GET", 200, 1, null, null, null, 0, 0, 0).problems())
                .singleElement().asString().startsWith("field 'timestamp' must be a positive epoch-millisecond time");
    }

    @Test
    void prometheusNamesAreCheckedAsTheirRegexWouldForEveryShortString() {
        java.util.regex.Pattern label = java.util.regex.Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
        java.util.regex.Pattern metric = java.util.regex.Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
        String alphabet = "aZ_:09-. é\u0000";
        java.util.List<String> names = new java.util.ArrayList<>(java.util.List.of(""));
        for (int length = 1; length <= 3; length++) {
            java.util.List<String> longer = new java.util.ArrayList<>();
            for (String prefix : names) {
                if (prefix.length() == length - 1) {
                    for (char c : alphabet.toCharArray()) {
                        longer.add(prefix + c);
                    }
                }
            }
            names.addAll(longer);
        }
        for (String name : names) {
            assertThat(WireText.isPrometheusName(name, false)).as("label name '%s'", name).isEqualTo(label.matcher(name).matches());
            assertThat(WireText.isPrometheusName(name, true)).as("metric name '%s'", name).isEqualTo(metric.matcher(name).matches());
        }
    }

    @Test
    void aSeriesKeyIsMeasuredWithoutBuildingIt() {
        // names, values and sources with escapes, two- and three-byte characters, surrogate pairs, unpaired surrogates,
        // a host label beside the source (which then is not added) and none at all
        String[] parts = {"", "a", "web-1", "\\", "\"", "ü", "€", "\uD83D\uDE00", "\uD83D", "\uDE00x", "h{=}\\\"", "host"};
        java.util.Random random = new java.util.Random(11);
        for (int i = 0; i < 5_000; i++) {
            Map<String, String> labels = new HashMap<>();
            int n = random.nextInt(4);
            for (int k = 0; k < n; k++) {
                labels.put(parts[random.nextInt(parts.length)] + k, parts[random.nextInt(parts.length)]);
            }
            if (random.nextInt(4) == 0) {
                labels.put("host", parts[random.nextInt(parts.length)]);
            }
            String source = random.nextInt(5) == 0 ? null : parts[random.nextInt(parts.length)] + "s";
            MetricEvent e = new MetricEvent(1, source, "m" + parts[random.nextInt(3)], 1, labels);
            assertThat(e.seriesKeyUtf8Length()).as(e.seriesKey())
                    .isEqualTo(e.seriesKey().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        }
    }
}
