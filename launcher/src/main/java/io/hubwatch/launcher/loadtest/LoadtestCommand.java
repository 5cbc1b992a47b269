package io.hubwatch.launcher.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubwatch.launcher.UpState;
import io.hubwatch.launcher.alerts.ApiTokenFile;
import io.hubwatch.launcher.ingest.IngestKeys;
import io.hubwatch.loadtest.gate.Gate;
import io.hubwatch.loadtest.report.Reports;
import io.hubwatch.loadtest.run.LoadTest;
import io.hubwatch.loadtest.run.RunResult;
import io.hubwatch.loadtest.scenario.Scenario;
import io.hubwatch.loadtest.scenario.ScenarioException;
import io.hubwatch.loadtest.scenario.ScenarioLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hubwatch loadtest}: runs a YAML scenario (open model: constant, ramp and soak phases) and writes a report
 * with charts; {@code loadtest compare} is the regression gate between two {@code report.json}.
 *
 * <pre>{@code
 * bin/hubwatch loadtest --scenario benchmarks/scenarios/seed-targets.yaml --out target/loadtest/seed
 * bin/hubwatch loadtest compare benchmarks/baselines/ci-quick.json target/loadtest/ci/report.json
 * }</pre>
 *
 * Exit status: 0 every objective held (compare: no regression), 1 one did not, 2 the scenario (or a report) is bad.
 */
@Command(name = "loadtest", mixinStandardHelpOptions = true, subcommands = LoadtestCommand.Compare.class,
        description = "Run a load-test scenario and write DIR/report.md, DIR/report.json and charts. "
                + "Exit 0: all objectives held; 1: one did not; 2: bad scenario.")
public final class LoadtestCommand implements Callable<Integer> {

    @Option(names = "--scenario", paramLabel = "FILE", description = "Scenario YAML (see benchmarks/scenarios/)")
    Path scenario;

    @Option(names = "--out", paramLabel = "DIR", description = "Report directory (default: target/loadtest/<scenario name>)")
    Path out;

    @Option(names = "--check", description = "Only read and check the scenario; run nothing")
    boolean check;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (scenario == null) {
            err.println("hubwatch loadtest: --scenario FILE is required (or use 'loadtest compare')");
            return 2;
        }
        Scenario s;
        try {
            s = ScenarioLoader.load(scenario, variables());
        } catch (ScenarioException e) {
            err.println("hubwatch loadtest: bad scenario: " + e.getMessage());
            return 2;
        }
        PrintWriter stdout = spec.commandLine().getOut();
        if (check) {
            stdout.printf("hubwatch loadtest: %s is a valid scenario: %d services, %d targets, %d requests, %d phases, "
                    + "%d objectives%n", scenario, s.services().size(), s.targets().size(), s.requests().size(),
                    s.phases().size(), s.slos().size());
            stdout.flush();
            return 0;
        }
        Path dir = out != null ? out : UpState.home().resolve("target").resolve("loadtest").resolve(s.name());
        RunResult r;
        try {
            r = LoadTest.run(s, UpState.home(), dir.resolve("logs"), new PrintStream(System.err, true));
        } catch (ScenarioException e) {
            err.println("hubwatch loadtest: bad scenario: " + e.getMessage());
            return 2;
        } catch (IllegalStateException e) {
            err.println("hubwatch loadtest: could not run: " + e.getMessage());
            return 1;
        }
        try {
            Reports.write(r, dir);
        } catch (IOException e) {
            err.println("hubwatch loadtest: could not write the report in " + dir + ": " + e.getMessage());
            return 1;
        }
        summary(r, stdout);
        stdout.printf("hubwatch loadtest: %s; report in %s%n", r.passed() ? "all objectives held" : "an objective did not hold",
                dir.resolve("report.md"));
        stdout.flush();
        return r.passed() ? 0 : 1;
    }

    private static void summary(RunResult r, PrintWriter out) {
        for (RunResult.PhaseResult p : r.phases()) {
            if (p.knee() != null) {
                out.printf("  %-12s knee %s%s%n", p.name(), p.knee().rate() == null ? "below the first step"
                        : Math.round(p.knee().rate()) + "/s", p.knee().brokeAt() == null ? ""
                        : " (broke at " + Math.round(p.knee().brokeAt()) + "/s: " + p.knee().reason() + ")");
                continue;
            }
            p.targets().forEach((name, t) -> out.printf(java.util.Locale.ROOT,
                    "  %-12s %-10s %7.0f/s OK of %5.0f/s  p50 %7.2f ms  p95 %7.2f ms  p99 %7.2f ms  errors %.2f%%%s%n",
                    p.name(), name, t.achievedRate(), t.offeredRate(), t.latencyMs().p50(), t.latencyMs().p95(),
                    t.latencyMs().p99(), t.errorRate() * 100,
                    t.hitRate() == null ? "" : String.format(java.util.Locale.ROOT, "  hit rate %.1f%%", t.hitRate() * 100)));
        }
        for (RunResult.SloResult s : r.slos()) {
            if (!s.held()) {
                out.printf("  NOT HELD: %s in %s%s (measured %s)%n", s.slo(), s.phase(),
                        s.target() == null ? "" : " on " + s.target(), s.value());
            }
        }
    }

    /** {@code ${vars.up.*}}: the running {@code up}'s endpoints, Kafka address, pid, ingest key and API token. */
    static Map<String, String> variables() {
        Map<String, String> vars = new LinkedHashMap<>();
        UpState.running().ifPresent(up -> {
            vars.put("up.pid", String.valueOf(up.pid()));
            vars.put("up.kafka", up.kafka());
            up.endpoints().forEach((k, v) -> vars.put("up." + k, v));
            try {
                vars.put("up.ingest_key", IngestKeys.read(IngestKeys.file()));
            } catch (IOException | RuntimeException e) {
                // no ingest key: scenarios using it get a message naming the variable
            }
            try {
                vars.put("up.api_token", ApiTokenFile.read());
            } catch (IOException | RuntimeException e) {
                // no API token: as above
            }
        });
        return vars;
    }

    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = "The regression gate: exit 1 when a figure of RUN regressed beyond its noise against BASELINE "
                    + "(latencies as ratios to the reference target of the same run), 2 when they cannot be compared.")
    static final class Compare implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "BASELINE", description = "Baseline report.json (benchmarks/baselines/)")
        Path baseline;

        @Parameters(index = "1", paramLabel = "RUN", description = "The run's report.json")
        Path run;

        @Option(names = "--tolerance", paramLabel = "NAME=VALUE",
                description = "Change a tolerance, e.g. p95=0.3 (30 %), p95_floor_ms=5, error_rate=0.01; repeatable")
        List<String> tolerances;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Gate.Tolerances tol = Gate.Tolerances.defaults();
            JsonNode b;
            JsonNode r;
            try {
                for (String t : tolerances == null ? List.<String>of() : tolerances) {
                    String[] kv = t.split("=", 2);
                    if (kv.length != 2) {
                        throw new IllegalArgumentException("--tolerance '" + t + "' is not NAME=VALUE");
                    }
                    tol = tol.with(kv[0].trim(), Double.parseDouble(kv[1].trim()));
                }
                b = read(baseline);
                r = read(run);
            } catch (IllegalArgumentException | IOException e) {
                err.println("hubwatch loadtest compare: " + e.getMessage());
                return 2;
            }
            Gate.Verdict v = Gate.compare(b, r, tol);
            v.figures().forEach(f -> out.println(f.line()));
            v.problems().forEach(p -> out.println("cannot compare: " + p));
            long failed = v.figures().stream().filter(Gate.Figure::regressed).count();
            out.printf("hubwatch loadtest compare: %s (%d of %d figures regressed)%n",
                    !v.comparable() ? "not comparable" : v.passed() ? "no regression" : "REGRESSION", failed,
                    v.figures().size());
            out.flush();
            return !v.comparable() ? 2 : v.passed() ? 0 : 1;
        }

        private static JsonNode read(Path file) throws IOException {
            if (!Files.isRegularFile(file)) {
                throw new IOException(file + " does not exist");
            }
            try {
                return Reports.JSON.readTree(file.toFile());
            } catch (IOException e) {
                throw new IOException(file + " is not a report.json: " + e.getMessage());
            }
        }
    }
}
