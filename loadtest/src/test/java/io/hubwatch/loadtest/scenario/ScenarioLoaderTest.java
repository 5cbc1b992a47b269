package io.hubwatch.loadtest.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A scenario is read once and checked up front; each problem names the file, the line and the field. */
class ScenarioLoaderTest {

    private static final String GOOD = """
            name: t
            services:
              upstream: {kind: reference-upstream, latency: "lognormal:20:0.5"}
              proxy: {kind: cache-proxy, upstream: upstream, config: {redis: none, event_loops: 1}}
            targets:
              proxy: {service: proxy}
              direct: {service: upstream, reference: true}
            users: {count: 10, prefix: u-}
            requests:
              - {target: proxy, path: "/a?k=${zipf:10}", weight: 3, headers: {X-User-Id: "${user}"}}
              - {target: direct, path: /a, method: post, body: "{}"}
            phases:
              - {name: warm, type: constant, rate: 10, duration: 2s, judged: false}
              - {name: stress, type: ramp, from: 100, step: 50, to: 300, step_duration: 5s, error_limit: 2%}
              - {name: long, type: soak, rate: 5, duration: 1m}
            slos: ["p95 < 200ms", "error_rate < 0.1%", {slo: "hit_rate > 80%", target: proxy}, "rss_slope < 50MB/h"]
            """;

    @Test
    void readsEveryPartOfAScenario() {
        Scenario s = ScenarioLoader.parse(GOOD, "t.yaml", Map.of());

        assertThat(s.services()).containsOnlyKeys("upstream", "proxy");
        assertThat(((Scenario.CacheProxy) s.services().get("proxy")).config()).containsEntry("event_loops", 1);
        assertThat(s.targets().get("proxy").stats()).isEqualTo("/_proxy/stats");
        assertThat(s.targets().get("direct").reference()).isTrue();
        assertThat(s.requests().get(1).method()).isEqualTo("POST");
        Scenario.Phase ramp = s.phases().get(1);
        assertThat(ramp.kind()).isEqualTo(Scenario.Kind.RAMP);
        assertThat(ramp.errorLimit()).isEqualTo(0.02);
        assertThat(ramp.duration()).hasSeconds(25);
        assertThat(s.slos()).extracting(Scenario.Slo::metric, Scenario.Slo::threshold)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("p95", 200.0),
                        org.assertj.core.groups.Tuple.tuple("error_rate", 0.001),
                        org.assertj.core.groups.Tuple.tuple("hit_rate", 0.8),
                        org.assertj.core.groups.Tuple.tuple("rss_slope", 50.0));
        assertThat(s.slos().get(2).target()).isEqualTo("proxy");
    }

    @Test
    void aBadValueIsNamedWithItsLineAndField() {
        assertThatThrownBy(() -> ScenarioLoader.parse(GOOD.replace("rate: 10,", "rate: fast,"), "t.yaml", Map.of()))
                .isInstanceOf(ScenarioException.class)
                .hasMessage("t.yaml:13: phases[0].rate: 'fast' is not a number");
        assertThatThrownBy(() -> ScenarioLoader.parse(GOOD.replace("type: soak", "type: spike"), "t.yaml", Map.of()))
                .hasMessageStartingWith("t.yaml:15: phases[2].type: 'spike' is not a phase type");
        assertThatThrownBy(() -> ScenarioLoader.parse(GOOD.replace("target: direct,", "target: nowhere,"), "t.yaml", Map.of()))
                .hasMessageStartingWith("t.yaml:11: requests[1].target: 'nowhere' is not a declared target");
        assertThatThrownBy(() -> ScenarioLoader.parse(GOOD.replace("p95 < 200ms", "p95 < soon"), "t.yaml", Map.of()))
                .hasMessageContaining("slos[0]: 'p95 < soon' is not an objective");
        assertThatThrownBy(() -> ScenarioLoader.parse(GOOD.replace("weight: 3,", "wieght: 3,"), "t.yaml", Map.of()))
                .hasMessageContaining("requests[0].wieght: unknown field");
        assertThatThrownBy(() -> ScenarioLoader.parse(GOOD.replace("redis: none,", "listen: x,"), "t.yaml", Map.of()))
                .hasMessageContaining("services.proxy.config.listen: is set by the load test");
        assertThatThrownBy(() -> ScenarioLoader.parse("phases: [", "t.yaml", Map.of()))
                .hasMessageStartingWith("t.yaml:1: not valid YAML");
    }

    @Test
    void variablesComeFromTheCallerAndAnUnknownOneIsNamed() {
        String yaml = "targets: {up: {url: \"${vars.up.ingest}\"}}\nrequests: [{path: /}]\n"
                + "phases: [{type: constant, rate: 1, duration: 1s}]\n";

        assertThat(ScenarioLoader.parse(yaml, "v.yaml", Map.of("up.ingest", "http://127.0.0.1:9")).targets()
                .get("up").url()).isEqualTo("http://127.0.0.1:9");
        assertThatThrownBy(() -> ScenarioLoader.parse(yaml, "v.yaml", Map.of()))
                .hasMessageStartingWith("v.yaml:1: ${vars.up.ingest} is not known here");
    }

    @Test
    void theShippedScenariosAreValid() throws Exception {
        Map<String, String> up = Map.of("up.ingest", "http://127.0.0.1:1", "up.ingest_key", "k");
        try (Stream<Path> files = Files.list(Path.of("..", "benchmarks", "scenarios"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".yaml")).peek(f -> ScenarioLoader.load(f, up)).count())
                    .isGreaterThanOrEqualTo(5);
        }
    }
}
