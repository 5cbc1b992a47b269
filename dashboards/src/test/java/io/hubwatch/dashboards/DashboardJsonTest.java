package io.hubwatch.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboards' structure, as Grafana's provisioning needs it: valid JSON, a uid equal to the file name, unique panel
 * ids, panels inside the 24-column grid, every query on the {@code $datasource} variable, and every query valid PromQL
 * (checked by Prometheus' own {@code promtool}, which {@code bin/services} installs with Debian's prometheus).
 */
class DashboardJsonTest {
    private static final Path DIR = Path.of("grafana");
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<Path> dashboards() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    @Test
    void theFiveViewsAreShipped() throws IOException {
        assertThat(dashboards()).extracting(p -> p.getFileName().toString()).containsExactly(
                "hubwatch-alerting.json", "hubwatch-business.json", "hubwatch-frontend.json", "hubwatch-health.json",
                "hubwatch-system.json");
    }

    @Test
    void everyDashboardIsWellFormedForProvisioning() throws IOException {
        Set<String> uids = new HashSet<>();
        for (Path file : dashboards()) {
            JsonNode d = JSON.readTree(file.toFile());
            String name = file.getFileName().toString();
            assertThat(d.path("uid").asText()).as(name).isEqualTo(name.replace(".json", ""));
            assertThat(uids.add(d.path("uid").asText())).as("unique uid " + name).isTrue();
            assertThat(d.path("title").asText()).as(name).startsWith("Hubwatch / ");
            assertThat(d.path("schemaVersion").asInt()).as(name).isGreaterThanOrEqualTo(36);
            assertThat(d.path("templating").path("list")).as(name + " datasource variable")
                    .anySatisfy(v -> {
                        assertThat(v.path("name").asText()).isEqualTo("datasource");
                        assertThat(v.path("query").asText()).isEqualTo("prometheus");
                    });
            Set<Integer> ids = new HashSet<>();
            assertThat(d.path("panels")).as(name).isNotEmpty();
            for (JsonNode p : d.path("panels")) {
                String panel = name + " / " + p.path("title").asText();
                assertThat(ids.add(p.path("id").asInt())).as("unique id " + panel).isTrue();
                assertThat(p.path("title").asText()).as(panel).isNotBlank();
                assertThat(p.path("description").asText()).as(panel + " description").isNotBlank();
                JsonNode g = p.path("gridPos");
                assertThat(g.path("x").asInt() + g.path("w").asInt()).as(panel + " fits 24 columns").isLessThanOrEqualTo(24);
                assertThat(g.path("h").asInt()).as(panel).isPositive();
                assertThat(p.path("datasource").path("uid").asText()).as(panel).isEqualTo("${datasource}");
                assertThat(p.path("targets")).as(panel).isNotEmpty();
                for (JsonNode t : p.path("targets")) {
                    assertThat(t.path("expr").asText()).as(panel).isNotBlank();
                    assertThat(t.path("datasource").path("uid").asText()).as(panel).isEqualTo("${datasource}");
                }
            }
        }
    }

    @Test
    void everyQueryIsValidPromQl() throws Exception {
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboards\n    rules:\n");
        List<String> exprs = new ArrayList<>();
        for (Path file : dashboards()) {
            for (JsonNode p : JSON.readTree(file.toFile()).path("panels")) {
                for (JsonNode t : p.path("targets")) {
                    exprs.add(t.path("expr").asText());
                    rules.append("      - record: dashboard:query").append(exprs.size()).append("\n        expr: ")
                            .append(JSON.writeValueAsString(t.path("expr").asText())).append('\n');
                }
            }
        }
        Path file = Files.createTempFile("dashboard-queries", ".yml");
        try {
            Files.writeString(file, rules);
            Path promtool = Path.of("/usr/bin/promtool");
            assertThat(promtool).as("promtool (Debian's prometheus; bin/services installs it)").isExecutable();
            Process check = new ProcessBuilder(promtool.toString(), "check", "rules", file.toString())
                    .redirectErrorStream(true).start();
            String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(check.exitValue()).as(out).isZero();
            assertThat(out).contains("SUCCESS: " + exprs.size() + " rules found");
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
