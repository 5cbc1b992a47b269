package io.hubwatch.loadtest.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubwatch.loadtest.run.internal.LoadEngine;
import io.hubwatch.loadtest.run.internal.Services;
import io.hubwatch.loadtest.scenario.Scenario;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a scenario: starts its services, runs its phases against its targets, stops the services and judges the
 * objectives. Writing the report is {@link io.hubwatch.loadtest.report.Reports}' job.
 *
 * <pre>{@code
 * Scenario s = ScenarioLoader.load(Path.of("benchmarks/scenarios/ci-quick.yaml"), Map.of());
 * RunResult r = LoadTest.run(s, Path.of("."), Path.of("target/run/logs"), System.err);
 * System.exit(r.passed() ? 0 : 1);
 * }</pre>
 */
public final class LoadTest {

    private LoadTest() {
    }

    /**
     * @param home     where started commands run and relative pid files resolve
     * @param logs     where started commands' output goes
     * @param progress where the progress line goes
     */
    public static RunResult run(Scenario scenario, Path home, Path logs, PrintStream progress) {
        String startedAt = Instant.now().toString();
        Map<String, Object> machine = machine();
        try (Services services = Services.start(scenario, home, logs, progress)) {
            Map<String, URI> urls = new LinkedHashMap<>();
            for (Scenario.Target t : scenario.targets().values()) {
                urls.put(t.name(), URI.create(t.service() != null ? services.url(t.service()) : t.url()));
            }
            List<RunResult.PhaseResult> phases = new ArrayList<>();
            List<RunResult.TimePoint> timeline;
            try (LoadEngine engine = new LoadEngine(scenario, urls, services.values(), ref -> pid(ref, services, home),
                    progress)) {
                engine.touch();
                for (Scenario.Phase phase : scenario.phases()) {
                    phases.add(engine.run(phase));
                }
                timeline = engine.timeline();
            }
            machine.put("load_average_end", loadAverage());
            List<RunResult.SloResult> slos = Judge.judge(scenario, phases);
            boolean passed = slos.stream().allMatch(RunResult.SloResult::held);
            List<String> notes = new ArrayList<>();
            if (slos.isEmpty()) {
                notes.add("no objective judged any phase");
            }
            return new RunResult(scenario.name(), scenario.description(), startedAt, machine, phases, slos, timeline,
                    passed, notes);
        }
    }

    private static Long pid(Scenario.ProcessRef ref, Services services, Path home) {
        switch (ref.how()) {
            case "self":
                return ProcessHandle.current().pid();
            case "pid":
                return Long.parseLong(ref.value());
            case "service": {
                Long pid = services.pid(ref.value());
                return pid != null ? pid : ProcessHandle.current().pid();
            }
            default: {
                Path file = home.resolve(ref.value());
                try {
                    String text = Files.readString(file).trim();
                    long pid = text.startsWith("{") ? new ObjectMapper().readTree(text).path("pid").asLong()
                            : Long.parseLong(text);
                    return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) ? pid : null;
                } catch (IOException | NumberFormatException e) {
                    return null;
                }
            }
        }
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("java", System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        m.put("load_average_start", loadAverage());
        return m;
    }

    private static double loadAverage() {
        return Math.round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() * 100)
                / 100.0;
    }
}
