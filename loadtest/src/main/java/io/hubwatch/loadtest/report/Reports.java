package io.hubwatch.loadtest.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hubwatch.loadtest.run.RunResult;
import io.hubwatch.loadtest.run.RunResult.PhaseResult;
import io.hubwatch.loadtest.run.RunResult.TargetResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a run's report into a directory: {@code report.json} (every figure), {@code report.md} (tables and the
 * charts linked) and the PNG charts ({@code latency.png}, {@code rates.png}, {@code knee-PHASE.png} per ramp,
 * {@code memory-PHASE.png} per soak).
 *
 * <pre>{@code
 * List<Path> written = Reports.write(result, Path.of("target/loadtest"));
 * }</pre>
 */
public final class Reports {

    /** The JSON form of reports: snake_case fields, indented. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private Reports() {
    }

    public static List<Path> write(RunResult r, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        Path json = dir.resolve("report.json");
        JSON.writeValue(json.toFile(), r);
        written.add(json);
        List<String[]> charts = new ArrayList<>();
        if (!r.timeline().isEmpty()) {
            Charts.latency(r, dir.resolve("latency.png"));
            charts.add(new String[] {"Latency percentiles over time", "latency.png"});
            Charts.rates(r, dir.resolve("rates.png"));
            charts.add(new String[] {"Achieved versus offered rate", "rates.png"});
        }
        for (PhaseResult p : r.phases()) {
            if (!p.steps().isEmpty()) {
                String f = "knee-" + slug(p.name()) + ".png";
                Charts.knee(r, p, dir.resolve(f));
                charts.add(new String[] {"The knee of " + p.name(), f});
            }
            if (p.soak() != null && !p.soak().processes().isEmpty()) {
                String f = "memory-" + slug(p.name()) + ".png";
                Charts.memory(r, p, dir.resolve(f));
                charts.add(new String[] {"Memory over " + p.name(), f});
            }
        }
        charts.forEach(c -> written.add(dir.resolve(c[1])));
        Path md = dir.resolve("report.md");
        Files.writeString(md, markdown(r, charts));
        written.add(md);
        return written;
    }

    static String slug(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    static String markdown(RunResult r, List<String[]> charts) {
        StringBuilder md = new StringBuilder();
        md.append("# Load test: ").append(r.scenario()).append("\n\n");
        if (!r.description().isBlank()) {
            md.append(r.description().trim()).append("\n\n");
        }
        long held = r.slos().stream().filter(RunResult.SloResult::held).count();
        md.append("**").append(r.passed() ? "PASSED" : "FAILED").append("**: ").append(held).append(" of ")
                .append(r.slos().size()).append(" objectives held.\n\n");
        md.append("- started: ").append(r.startedAt()).append("\n");
        md.append("- machine: ").append(r.machine().get("cores")).append(" cores, ").append(r.machine().get("os"))
                .append(", Java ").append(r.machine().get("java")).append("; load average ")
                .append(r.machine().get("load_average_start")).append(" at the start, ")
                .append(r.machine().get("load_average_end")).append(" at the end\n");
        md.append("- latency is measured from each request's intended send time (open model, no coordinated omission)\n");
        r.notes().forEach(n -> md.append("- note: ").append(n).append("\n"));
        md.append("\n## Objectives\n\n| objective | phase | target | measured | held |\n|---|---|---|---:|---|\n");
        for (RunResult.SloResult s : r.slos()) {
            md.append("| `").append(s.slo()).append("` | ").append(s.phase()).append(" | ")
                    .append(s.target() == null ? "" : s.target()).append(" | ").append(value(s)).append(" | ")
                    .append(s.held() ? "yes" : "**no**").append(" |\n");
        }
        md.append("\n## Phases\n");
        for (PhaseResult p : r.phases()) {
            md.append("\n### ").append(p.name()).append(" (").append(p.kind());
            if (p.kind().equals("ramp")) {
                md.append(", ").append(p.steps().size()).append(" steps from ").append(num(p.offeredRate())).append("/s");
            } else {
                md.append(", ").append(num(p.offeredRate())).append("/s for ").append(num(p.seconds())).append(" s");
            }
            md.append(p.judged() ? "" : ", not judged").append(")\n\n");
            if (p.kind().equals("ramp")) {
                ramp(md, p);
            } else {
                targets(md, p);
            }
            if (p.soak() != null) {
                soak(md, p);
            }
        }
        if (!charts.isEmpty()) {
            md.append("\n## Charts\n");
            for (String[] c : charts) {
                md.append("\n### ").append(c[0]).append("\n\n![").append(c[0]).append("](").append(c[1]).append(")\n");
            }
        }
        return md.toString();
    }

    private static void targets(StringBuilder md, PhaseResult p) {
        md.append("| target | sent | OK/s (offered) | achieved | errors | p50 ms | p90 ms | p95 ms | p99 ms | p99.9 ms | max ms "
                + "| hit rate |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        p.targets().forEach((name, t) -> md.append("| ").append(name).append(t.reference() ? " (reference)" : "")
                .append(" | ").append(t.sent()).append(" | ").append(num(t.achievedRate())).append(" (")
                .append(num(t.offeredRate())).append(") | ").append(pct(t.achieved())).append(" | ")
                .append(errors(t)).append(" | ").append(num(t.latencyMs().p50())).append(" | ")
                .append(num(t.latencyMs().p90())).append(" | ").append(num(t.latencyMs().p95())).append(" | ")
                .append(num(t.latencyMs().p99())).append(" | ").append(num(t.latencyMs().p999())).append(" | ")
                .append(num(t.latencyMs().max())).append(" | ").append(t.hitRate() == null ? "" : pct(t.hitRate()))
                .append(" |\n"));
    }

    private static String errors(TargetResult t) {
        if (t.errors() == 0) {
            return "0";
        }
        StringBuilder s = new StringBuilder(pct(t.errorRate()) + " (");
        t.statuses().forEach((k, v) -> {
            if (!k.startsWith("2") && !k.startsWith("3")) {
                s.append(k).append(": ").append(v).append(", ");
            }
        });
        return s.substring(0, s.length() - 2) + ")";
    }

    private static void ramp(StringBuilder md, PhaseResult p) {
        RunResult.Knee k = p.knee();
        md.append("**Knee: ").append(k.rate() == null ? "below the first step" : num(k.rate()) + " requests/s")
                .append("**");
        if (k.brokeAt() != null) {
            md.append("; broke at ").append(num(k.brokeAt())).append("/s: ").append(k.reason());
        } else {
            md.append(" (").append(k.reason()).append(")");
        }
        md.append("\n\n| offered/s | target | OK/s | achieved | errors | p50 ms | p95 ms | p99 ms | held |\n"
                + "|---:|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (RunResult.StepResult s : p.steps()) {
            s.targets().forEach((name, t) -> md.append("| ").append(num(s.rate())).append(" | ").append(name)
                    .append(t.reference() ? " (reference)" : "").append(" | ").append(num(t.achievedRate()))
                    .append(" | ").append(pct(t.achieved())).append(" | ").append(errors(t)).append(" | ")
                    .append(num(t.latencyMs().p50())).append(" | ").append(num(t.latencyMs().p95())).append(" | ")
                    .append(num(t.latencyMs().p99())).append(" | ").append(s.held() ? "yes" : "**no**: " + s.broke())
                    .append(" |\n"));
        }
    }

    private static void soak(StringBuilder md, PhaseResult p) {
        RunResult.Soak s = p.soak();
        md.append("\nTrend of p95 latency: ").append(signed(s.latencyP95SlopeMsPerHour())).append(" ms per hour (")
                .append(num(s.latencyP95StartMs())).append(" ms in the first tenth, ").append(num(s.latencyP95EndMs()))
                .append(" ms in the last).\n\n");
        if (!s.processes().isEmpty()) {
            md.append("| process | pid | RSS MB start → end | RSS slope MB/h | heap MB start → end | heap slope MB/h |\n"
                    + "|---|---:|---:|---:|---:|---:|\n");
            s.processes().forEach((name, t) -> md.append("| ").append(name).append(" | ").append(t.pid()).append(" | ")
                    .append(num(t.rssStartMb())).append(" → ").append(num(t.rssEndMb())).append(" | ")
                    .append(signed(t.rssSlopeMbPerHour())).append(" | ").append(num(t.heapStartMb())).append(" → ")
                    .append(num(t.heapEndMb())).append(" | ").append(signed(t.heapSlopeMbPerHour())).append(" |\n"));
        }
    }

    private static String value(RunResult.SloResult s) {
        String slo = s.slo();
        if (slo.startsWith("error_rate") || slo.startsWith("hit_rate") || slo.startsWith("achieved")) {
            return pct(s.value());
        }
        if (slo.startsWith("knee")) {
            return num(s.value()) + "/s";
        }
        if (slo.contains("_slope")) {
            return signed(s.value()) + (slo.startsWith("latency") ? " ms/h" : " MB/h");
        }
        return num(s.value()) + " ms";
    }

    static String pct(double v) {
        return num(v * 100) + "%";
    }

    static String signed(double v) {
        return (v > 0 ? "+" : "") + num(v);
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e12) {
            return String.valueOf((long) v);
        }
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 0.1 ? "%.2f" : "%.3f", v);
    }
}
