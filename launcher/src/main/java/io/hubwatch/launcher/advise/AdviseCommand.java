package io.hubwatch.launcher.advise;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubwatch.launcher.Hubwatch;
import io.hubwatch.launcher.UpState;
import io.hubwatch.loadtest.advise.AdviceReport;
import io.hubwatch.loadtest.advise.Advisor;
import io.hubwatch.loadtest.advise.HostProbe;
import io.hubwatch.loadtest.advise.Recommendation;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hubwatch advise}: one report (Markdown and HTML) of recommendations, each with its evidence and expected
 * gain, from the cache proxies' stats, advice and profile, a load-test report, Flink's metrics, the database advisor
 * (when this build has {@code db advise}) and this host's saturation.
 *
 * <pre>{@code
 * bin/hubwatch advise --proxy http://127.0.0.1:8080 --loadtest target/loadtest/seed-targets/report.json
 * bin/hubwatch advise --out target/advice            # the running 'up' only: Flink and the host
 * }</pre>
 */
@Command(name = "advise", mixinStandardHelpOptions = true,
        description = "Write DIR/advice.md and DIR/advice.html: recommendations with evidence and expected gain.")
public final class AdviseCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--proxy", paramLabel = "URL", description = "A cache proxy's base URL; repeatable")
    List<URI> proxies;

    @Option(names = "--proxy-token", paramLabel = "TOKEN",
            description = "Bearer token of the proxies' admin routes (default: .hubwatch/proxy-admin-token when present)")
    String proxyToken;

    @Option(names = "--flink-metrics", paramLabel = "URL",
            description = "Flink's Prometheus metrics (default: the running 'up''s flink-metrics)")
    URI flinkMetrics;

    @Option(names = "--loadtest", paramLabel = "FILE", description = "A report.json of 'hubwatch loadtest'")
    Path loadtest;

    @Option(names = "--no-host", description = "Do not sample this machine")
    boolean noHost;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/advice",
            description = "Report directory (default: ${DEFAULT-VALUE})")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @Override
    public Integer call() throws Exception {
        List<String> read = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Map<String, JsonNode> stats = new LinkedHashMap<>();
        Map<String, JsonNode> advice = new LinkedHashMap<>();
        Map<String, JsonNode> profile = new LinkedHashMap<>();
        if (proxyToken == null) {
            Path tokenFile = UpState.home().resolve(".hubwatch").resolve("proxy-admin-token");
            if (java.nio.file.Files.isReadable(tokenFile)) {
                proxyToken = java.nio.file.Files.readString(tokenFile).trim();
            }
        }
        for (URI p : proxies == null ? List.<URI>of() : proxies) {
            String name = p.getHost() + ":" + p.getPort();
            String base = p.toString().replaceAll("/+$", "");
            try {
                stats.put(name, JSON.readTree(get(base + "/_proxy/stats")));
                read.add("proxy " + name + " stats");
            } catch (IOException e) {
                skipped.add("proxy " + name + " (" + e.getMessage() + ")");
                continue;
            }
            try {
                advice.put(name, JSON.readTree(get(base + "/_proxy/advice")));
                read.add("its advice");
            } catch (IOException e) {
                skipped.add("proxy " + name + " advice (" + e.getMessage() + ")");
            }
            try {
                profile.put(name, JSON.readTree(get(base + "/_proxy/profile")));
                read.add("its profile");
            } catch (IOException e) {
                skipped.add("proxy " + name + " profile (" + e.getMessage() + ")");
            }
        }
        if (proxies == null || proxies.isEmpty()) {
            skipped.add("cache proxies (none given: --proxy URL)");
        }
        String flink = null;
        URI flinkUri = flinkMetrics != null ? flinkMetrics
                : UpState.running().map(s -> s.endpoints().get("flink-metrics")).map(URI::create).orElse(null);
        if (flinkUri == null) {
            skipped.add("Flink metrics (no --flink-metrics and no running 'up')");
        } else {
            try {
                flink = get(flinkUri.toString());
                read.add("Flink metrics " + flinkUri);
            } catch (IOException e) {
                skipped.add("Flink metrics at " + flinkUri + " (" + e.getMessage() + ")");
            }
        }
        JsonNode report = null;
        if (loadtest != null) {
            try {
                report = JSON.readTree(loadtest.toFile());
                read.add("load test " + loadtest);
            } catch (IOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--loadtest " + loadtest
                        + " is not a readable report.json: " + e.getMessage());
            }
        } else {
            skipped.add("load-test results (none given: --loadtest report.json)");
        }
        String database = database(read, skipped);
        Advisor.Host host = null;
        if (!noHost) {
            host = HostProbe.sample();
            read.add("this host");
        }
        List<Recommendation> recs = Advisor.advise(new Advisor.Inputs(stats, advice, profile, flink, host, report,
                database));
        AdviceReport.write(recs, read, skipped, out);
        PrintWriter o = spec.commandLine().getOut();
        recs.forEach(r -> o.printf("  [%d] %-11s %s%n", r.priority(), r.area(), r.title()));
        o.printf("hubwatch advise: %d recommendations in %s and %s%n", recs.size(), out.resolve("advice.md"),
                out.resolve("advice.html"));
        o.flush();
        return 0;
    }

    /** The database advisor's output when this build has {@code db advise} and it answers, else null (said why). */
    private String database(List<String> read, List<String> skipped) {
        CommandLine root = Hubwatch.commandLine();
        if (!root.getSubcommands().containsKey("db")
                || !root.getSubcommands().get("db").getSubcommands().containsKey("advise")) {
            skipped.add("database indexes (this build has no 'db advise')");
            return null;
        }
        StringWriter text = new StringWriter();
        root.setOut(new PrintWriter(text));
        root.setErr(new PrintWriter(text));
        int code = root.execute("db", "advise");
        if (code != 0) {
            skipped.add("database indexes ('db advise' exited " + code + ": "
                    + text.toString().lines().findFirst().orElse("") + ")");
            return null;
        }
        read.add("the database advisor");
        return text.toString();
    }

    private String get(String url) throws IOException {
        try {
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
            if (proxyToken != null && url.contains("/_proxy/")) {
                req.header("Authorization", "Bearer " + proxyToken);
            }
            HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("HTTP " + r.statusCode());
            }
            return r.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (IllegalArgumentException e) {
            throw new IOException("not a URL: " + url);
        }
    }
}
