package io.hubwatch.loadtest.run.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubwatch.loadtest.run.Judge;
import io.hubwatch.loadtest.run.RunResult;
import io.hubwatch.loadtest.run.RunResult.PhaseResult;
import io.hubwatch.loadtest.run.RunResult.StepResult;
import io.hubwatch.loadtest.run.RunResult.TargetResult;
import io.hubwatch.loadtest.run.RunResult.TimePoint;
import io.hubwatch.loadtest.scenario.Scenario;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The open-model load generator: each request is due at a fixed time given by the rate and is sent then, whatever
 * the earlier ones did; its latency runs from that intended time (as wrk2 measures it), so a stalled target shows
 * every second of the stall in the percentiles instead of hiding it behind a slowed-down client.
 *
 * <p>One thread schedules; Vert.x sends and records on its event loops; a ticker adds a point to the timeline every
 * second and prints the progress line.
 */
public final class LoadEngine implements AutoCloseable {

    private static final long MAX_MICROS = 3_600_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Scenario scenario;
    private final Map<String, URI> targetUrls;
    private final Vertx vertx;
    private final HttpClient client;
    private final java.net.http.HttpClient statsClient = java.net.http.HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Compiled> mix = new ArrayList<>();
    private final double[] cumulative;
    private final Map<String, Double> targetShare = new LinkedHashMap<>();
    private final SplittableRandom random;
    private final long timeoutNanos;
    private final Function<Scenario.ProcessRef, Long> pidOf;
    private final Map<String, String> fixed;

    private final Recorder judgedInterval = new Recorder(1, MAX_MICROS, 2);
    private final Recorder referenceInterval = new Recorder(1, MAX_MICROS, 2);
    private final LongAdder sentTick = new LongAdder();
    private final LongAdder okTick = new LongAdder();
    private final LongAdder errorTick = new LongAdder();
    private final AtomicLong inFlight = new AtomicLong();
    private final List<TimePoint> timeline = Collections.synchronizedList(new ArrayList<>());
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "loadtest-ticker"));
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "loadtest-sampler"));
    private final PrintStream progress;
    private final io.vertx.core.Context[] contexts;
    private int nextContext;
    private final boolean tty;
    private final long runStart;
    private long seq;
    private volatile String phaseName = "";
    private volatile double phaseRate;
    private volatile long phaseStart;
    private volatile double phaseSeconds;

    private record Compiled(Scenario.Request request, boolean reference, String host, int port, String basePath,
                            HttpMethod method, Template path, Map<String, Template> headers, Template body) {
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * @param targetUrls base URL of every target
     * @param fixed      values templates may use (service URLs, keys)
     * @param pidOf      the pid of a process to follow in a soak, or null when it cannot be found
     */
    public LoadEngine(Scenario scenario, Map<String, URI> targetUrls, Map<String, String> fixed,
                      Function<Scenario.ProcessRef, Long> pidOf, PrintStream progress) {
        this.scenario = scenario;
        this.targetUrls = targetUrls;
        this.pidOf = pidOf;
        this.fixed = fixed;
        this.progress = progress;
        this.tty = System.console() != null;
        this.random = new SplittableRandom(scenario.settings().seed());
        this.timeoutNanos = scenario.settings().timeout().toNanos();
        double total = 0;
        cumulative = new double[scenario.requests().size()];
        for (int i = 0; i < scenario.requests().size(); i++) {
            Scenario.Request r = scenario.requests().get(i);
            URI base = targetUrls.get(r.target());
            Map<String, Template> headers = new LinkedHashMap<>();
            r.headers().forEach((k, v) -> headers.put(k, compile(v, fixed, r, "headers." + k)));
            mix.add(new Compiled(r, scenario.targets().get(r.target()).reference(), base.getHost(),
                    base.getPort() > 0 ? base.getPort() : 80, base.getRawPath() == null ? "" : base.getRawPath(),
                    HttpMethod.valueOf(r.method()), compile(r.path(), fixed, r, "path"), headers,
                    r.body() == null ? null : compile(r.body(), fixed, r, "body")));
            total += r.weight();
            cumulative[i] = total;
            targetShare.merge(r.target(), r.weight(), Double::sum);
        }
        for (var e : targetShare.entrySet()) {
            e.setValue(e.getValue() / total);
        }
        int loops = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setWorkerPoolSize(1)
                .setBlockedThreadCheckInterval(10_000));
        int connectTimeout = (int) Math.min(Integer.MAX_VALUE, scenario.settings().timeout().toMillis());
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                        .setConnectTimeout(connectTimeout).setPipelining(false),
                new PoolOptions().setHttp1MaxSize(scenario.settings().connections()).setMaxWaitQueueSize(-1));
        // requests are issued on the event loops' own contexts, never from the scheduler thread: each event loop
        // then owns its connections, and the scheduler only hands work over
        this.contexts = new io.vertx.core.Context[loops];
        for (int i = 0; i < loops; i++) {
            contexts[i] = vertx.getOrCreateContext();
        }
        this.runStart = System.nanoTime();
        ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    private static Template compile(String text, Map<String, String> fixed, Scenario.Request r, String field) {
        try {
            return Template.compile(text, fixed);
        } catch (IllegalArgumentException e) {
            throw new io.hubwatch.loadtest.scenario.ScenarioException("request '" + r.name() + "' " + field + ": "
                    + e.getMessage());
        }
    }

    /**
     * Sends each kind of request once, one after the other, unmeasured: connections, class loading and the first
     * compilation happen here and not in the first second of the first phase.
     */
    public void touch() {
        Template.Draw draw = new Template.Draw(new SplittableRandom(1), scenario.users().prefix() + 0, 0);
        for (Compiled c : mix) {
            RequestOptions options = new RequestOptions().setMethod(c.method()).setHost(c.host()).setPort(c.port())
                    .setURI(c.basePath() + c.path().expand(draw));
            c.headers().forEach((k, v) -> options.putHeader(k, v.expand(draw)));
            Buffer body = c.body() == null ? null : Buffer.buffer(c.body().expand(draw));
            try {
                // body() inside send's callback, not chained from this thread: see HttpPoster (a response whose end
                // Vert.x 5.0.7 had processed before body() was asked for never completed)
                client.request(options).compose(req -> (body == null ? req.send() : req.send(body))
                        .compose(resp -> resp.body())).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                progress.println("loadtest: request '" + c.request().name() + "' failed before the run: " + e.getMessage());
            }
        }
    }

    public List<TimePoint> timeline() {
        synchronized (timeline) {
            return new ArrayList<>(timeline);
        }
    }

    /** Runs one phase and returns its figures (waiting for its last answers, at most the request timeout). */
    public PhaseResult run(Scenario.Phase phase) {
        phaseName = phase.name();
        phaseStart = System.nanoTime();
        phaseSeconds = phase.duration().toNanos() / 1e9;
        return switch (phase.kind()) {
            case RAMP -> ramp(phase);
            case SOAK -> soak(phase);
            default -> constant(phase);
        };
    }

    private PhaseResult constant(Scenario.Phase phase) {
        Map<String, TargetStats> stats = newStats();
        Map<String, long[]> hitsBefore = hits();
        long start = System.nanoTime();
        phaseRate = phase.rate();
        schedule(phase.rate(), start, start + phase.duration().toNanos(), stats);
        phaseRate = 0; // draining: nothing more is offered
        drain(stats);
        Map<String, TargetResult> targets = results(stats, phase.rate(), phase.duration().toNanos() / 1e9,
                hitsBefore, hits());
        return new PhaseResult(phase.name(), phase.kind().name().toLowerCase(java.util.Locale.ROOT), phase.rate(),
                phase.duration().toNanos() / 1e9, phase.judged(), targets, List.of(), null, null);
    }

    private PhaseResult soak(Scenario.Phase phase) {
        Map<String, ProcessProbe> probes = new LinkedHashMap<>();
        for (Scenario.ProcessRef ref : scenario.processes().values()) {
            Long pid = pidOf.apply(ref);
            if (pid == null) {
                progress.println("loadtest: process '" + ref.name() + "' not found (" + ref.how() + " " + ref.value()
                        + "); its memory is not followed");
            } else {
                probes.put(ref.name(), new ProcessProbe(pid));
            }
        }
        Map<String, List<double[]>> samples = new LinkedHashMap<>();
        probes.keySet().forEach(k -> samples.put(k, Collections.synchronizedList(new ArrayList<>())));
        long soakStart = System.nanoTime();
        Runnable sample = () -> probes.forEach((name, probe) -> samples.get(name).add(new double[] {
                (System.nanoTime() - soakStart) / 1e9, probe.rssMb(), probe.heapMb()}));
        long every = phase.sampleEvery().toMillis();
        var task = sampler.scheduleAtFixedRate(sample, 0, every, TimeUnit.MILLISECONDS);
        PhaseResult p;
        try {
            p = constant(phase);
        } finally {
            task.cancel(false);
        }
        sample.run();
        double phaseStartS = (soakStart - runStart) / 1e9;
        List<TimePoint> points = timeline().stream().filter(tp -> tp.phase().equals(phase.name()) && tp.p95() >= 0).toList();
        double[] t = points.stream().mapToDouble(tp -> tp.t() - phaseStartS).toArray();
        double[] p95 = points.stream().mapToDouble(TimePoint::p95).toArray();
        Map<String, RunResult.ProcessTrend> trends = new LinkedHashMap<>();
        samples.forEach((name, list) -> {
            List<double[]> s = new ArrayList<>(list);
            double[] ts = s.stream().mapToDouble(a -> a[0]).toArray();
            double[] rss = s.stream().mapToDouble(a -> a[1]).toArray();
            double[] heap = s.stream().mapToDouble(a -> a[2]).toArray();
            trends.put(name, new RunResult.ProcessTrend(probes.get(name).pid(), r1(Judge.slopePerHour(ts, rss)),
                    r1(Judge.slopePerHour(ts, heap)), r1(first(rss)), r1(last(rss)), r1(first(heap)), r1(last(heap)),
                    s));
        });
        RunResult.Soak soak = new RunResult.Soak(r1(Judge.slopePerHour(t, p95)), r1(average(p95, true)), r1(average(p95, false)),
                trends);
        return new PhaseResult(p.name(), p.kind(), p.offeredRate(), p.seconds(), p.judged(), p.targets(), p.steps(),
                null, soak);
    }

    private static double first(double[] a) {
        return a.length == 0 ? 0 : a[0];
    }

    private static double last(double[] a) {
        return a.length == 0 ? 0 : a[a.length - 1];
    }

    /** Mean of the first (or last) tenth of the points: where the soak began and ended, less noisy than one point. */
    private static double average(double[] a, boolean head) {
        if (a.length == 0) {
            return 0;
        }
        int n = Math.max(1, a.length / 10);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += head ? a[i] : a[a.length - 1 - i];
        }
        return sum / n;
    }

    private static double r1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private PhaseResult ramp(Scenario.Phase phase) {
        record Step(double rate, Map<String, TargetStats> stats, Map<String, long[]> before, Map<String, long[]> after) {
        }
        List<Step> steps = new ArrayList<>();
        long t = System.nanoTime();
        double stepSeconds = phase.stepDuration().toNanos() / 1e9;
        for (double rate = phase.rate(); rate <= phase.maxRate() + 1e-9; rate += phase.step()) {
            if (brokenSoFar(steps.stream().map(s -> s.stats).toList(), steps.stream().map(Step::rate).toList(),
                    stepSeconds, phase.errorLimit())) {
                break;
            }
            phaseRate = rate;
            Map<String, TargetStats> stats = newStats();
            Map<String, long[]> before = hits();
            long end = t + phase.stepDuration().toNanos();
            schedule(rate, t, end, stats);
            t = end;
            steps.add(new Step(rate, stats, before, hits()));
        }
        phaseRate = 0;
        steps.forEach(s -> drain(s.stats));
        List<StepResult> results = new ArrayList<>();
        for (Step s : steps) {
            Map<String, TargetResult> targets = results(s.stats, s.rate, stepSeconds, s.before, s.after);
            String broke = Judge.broken(scenario.slos(), targets, phase.errorLimit());
            results.add(new StepResult(s.rate, targets, broke == null, broke));
        }
        RunResult.Knee knee = Judge.knee(results);
        Map<String, TargetResult> overall = results.isEmpty() ? Map.of() : results.get(results.size() - 1).targets();
        double seconds = steps.size() * stepSeconds;
        return new PhaseResult(phase.name(), "ramp", phase.rate(), seconds, phase.judged(), overall, results, knee, null);
    }

    /** True once a completed step broke and every step before it is complete (the knee is then known). */
    private boolean brokenSoFar(List<Map<String, TargetStats>> steps, List<Double> rates, double stepSeconds,
                                double errorLimit) {
        for (int i = 0; i < steps.size(); i++) {
            Map<String, TargetStats> s = steps.get(i);
            if (!s.values().stream().allMatch(TargetStats::complete)) {
                return false;
            }
            if (Judge.broken(scenario.slos(), results(s, rates.get(i), stepSeconds, Map.of(), Map.of()), errorLimit) != null) {
                return true;
            }
        }
        return false;
    }

    private Map<String, TargetStats> newStats() {
        Map<String, TargetStats> m = new LinkedHashMap<>();
        scenario.targets().keySet().forEach(k -> m.put(k, new TargetStats()));
        return m;
    }

    private Map<String, TargetResult> results(Map<String, TargetStats> stats, double rate, double seconds,
                                              Map<String, long[]> before, Map<String, long[]> after) {
        Map<String, TargetResult> out = new LinkedHashMap<>();
        stats.forEach((name, s) -> {
            if (!targetShare.containsKey(name)) {
                return;
            }
            long[] b = before.get(name);
            long[] a = after.get(name);
            Double hitRate = b == null || a == null || a[1] - b[1] <= 0 ? null
                    : Math.round(10000.0 * (a[0] - b[0]) / (a[1] - b[1])) / 10000.0;
            out.put(name, s.result(scenario.targets().get(name).reference(), rate * targetShare.get(name), seconds,
                    hitRate));
        });
        return out;
    }

    /** Hits and lookups of every target with proxy stats: {hits, lookups}. */
    private Map<String, long[]> hits() {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (Scenario.Target t : scenario.targets().values()) {
            if (t.stats() == null) {
                continue;
            }
            String url = t.stats().startsWith("http") ? t.stats() : targetUrls.get(t.name()).toString() + t.stats();
            try {
                String token = t.statsToken() != null ? t.statsToken()
                        : t.service() == null ? null : fixed.get("services." + t.service() + ".admin_token");
                HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
                if (token != null) {
                    req.header("Authorization", "Bearer " + token);
                }
                HttpResponse<String> r = statsClient.send(req.build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    progress.println("loadtest: the proxy stats at " + url + " answered " + r.statusCode()
                            + (r.statusCode() == 401 ? " (set stats_token on the target)" : ""));
                    continue;
                }
                long[] hl = hitsAndLookups(JSON.readTree(r.body()));
                if (hl != null) {
                    out.put(t.name(), hl);
                }
            } catch (Exception e) {
                progress.println("loadtest: cannot read the proxy stats at " + url + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** From the proxy's {@code /_proxy/stats}: hits (L1, L2, stale) and lookups (hits and misses) over its endpoints. */
    static long[] hitsAndLookups(JsonNode stats) {
        JsonNode eps = stats.path("endpoints");
        if (!eps.isObject()) {
            return null;
        }
        long hits = 0;
        long misses = 0;
        for (JsonNode e : eps) {
            hits += e.path("hits_l1").asLong() + e.path("hits_l2").asLong() + e.path("stale_served").asLong();
            misses += e.path("misses").asLong();
        }
        return new long[] {hits, hits + misses};
    }

    private void drain(Map<String, TargetStats> stats) {
        long deadline = System.nanoTime() + timeoutNanos + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < deadline && !stats.values().stream().allMatch(TargetStats::complete)) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** Sends at {@code rate} from {@code start} until {@code end}, each request at its due time. */
    private void schedule(double rate, long start, long end, Map<String, TargetStats> stats) {
        double interval = 1e9 / rate;
        for (long i = 0; ; i++) {
            long intended = start + Math.round(i * interval);
            if (intended >= end) {
                return;
            }
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) {
                // park coarsely while far, finely when close: an accurate schedule without a spinning core
                LockSupport.parkNanos(wait > 2_000_000 ? wait - 1_000_000 : wait);
            }
            send(pick(), intended, stats);
        }
    }

    private Compiled pick() {
        double u = random.nextDouble() * cumulative[cumulative.length - 1];
        int i = java.util.Arrays.binarySearch(cumulative, u);
        return mix.get(Math.min(mix.size() - 1, i >= 0 ? i + 1 : -i - 1));
    }

    private void send(Compiled c, long intended, Map<String, TargetStats> stats) {
        TargetStats ts = stats.get(c.request().target());
        ts.sent();
        sentTick.increment();
        inFlight.incrementAndGet();
        Scenario.Users users = scenario.users();
        Template.Draw draw = new Template.Draw(random, users.prefix() + random.nextInt(users.count()), seq++);
        RequestOptions options = new RequestOptions().setMethod(c.method()).setHost(c.host()).setPort(c.port())
                .setURI(c.basePath() + c.path().expand(draw));
        c.headers().forEach((k, v) -> options.putHeader(k, v.expand(draw)));
        Buffer body = c.body() == null ? null : Buffer.buffer(c.body().expand(draw));
        if (body != null && !c.request().headers().keySet().stream().anyMatch(h -> h.equalsIgnoreCase("content-type"))) {
            options.putHeader("Content-Type", "application/json");
        }
        io.vertx.core.Context context = contexts[nextContext++ % contexts.length];
        context.runOnContext(v -> issue(c, intended, ts, options, body));
    }

    private void issue(Compiled c, long intended, TargetStats ts, RequestOptions options, Buffer body) {
        AtomicBoolean finished = new AtomicBoolean();
        AtomicReference<HttpClientRequest> sentRequest = new AtomicReference<>();
        long remainingMs = Math.max(1, (timeoutNanos - (System.nanoTime() - intended)) / 1_000_000);
        long timer = vertx.setTimer(remainingMs, id -> {
            finish(finished, ts, c, intended, "timeout", false, -1);
            // give the connection back: a timed-out request must not hold a pool slot for the rest of the run
            HttpClientRequest req = sentRequest.get();
            if (req != null) {
                req.reset();
            }
        });
        // waiting for a pooled connection counts against the timeout too: a request that timed out in the pool's
        // queue must leave it, or overload turns into a livelock where every connection serves requests already
        // given up on (seen: 1,000/s against 1,024 connections, 0 answered in time for a minute)
        options.setConnectTimeout(remainingMs);
        client.request(options)
                .compose(req -> {
                    if (finished.get()) {
                        req.reset();
                        return io.vertx.core.Future.failedFuture("timed out before it was sent");
                    }
                    sentRequest.set(req);
                    return body == null ? req.send() : req.send(body);
                })
                .compose(resp -> resp.body().map(b -> resp.statusCode()))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        int status = ar.result();
                        finish(finished, ts, c, intended, String.valueOf(status), status < 400, timer);
                    } else {
                        finish(finished, ts, c, intended, failure(ar.cause()), false, timer);
                    }
                });
    }

    private static String failure(Throwable t) {
        String s = String.valueOf(t);
        if (s.contains("onnect")) {
            return "connect";
        }
        return s.toLowerCase(java.util.Locale.ROOT).contains("timeout") ? "timeout" : "io";
    }

    private void finish(AtomicBoolean finished, TargetStats ts, Compiled c, long intended, String status, boolean ok,
                        long timer) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        long micros = (System.nanoTime() - intended) / 1000;
        ts.record(micros, status, ok);
        (c.reference() ? referenceInterval : judgedInterval).recordValue(Math.max(1, Math.min(MAX_MICROS, micros)));
        (ok ? okTick : errorTick).increment();
        inFlight.decrementAndGet();
    }

    private void tick() {
        try {
            Histogram h = judgedInterval.getIntervalHistogram();
            Histogram ref = referenceInterval.getIntervalHistogram();
            double t = Math.round((System.nanoTime() - runStart) / 1e8) / 10.0;
            TimePoint p = new TimePoint(t, phaseName, phaseRate, sentTick.sumThenReset(), okTick.sumThenReset(),
                    errorTick.sumThenReset(), pct(h, 50), pct(h, 95), pct(h, 99),
                    h.getTotalCount() == 0 ? -1 : TargetStats.ms(h.getMaxValue()),
                    ref.getTotalCount() == 0 ? -1 : pct(ref, 50));
            timeline.add(p);
            if (phaseName.isEmpty()) {
                return;
            }
            long elapsed = Math.round((System.nanoTime() - phaseStart) / 1e9);
            String line = String.format(java.util.Locale.ROOT,
                    "loadtest: [%s %d/%ds] offered %.0f/s sent %.0f/s ok %.0f/s errors %.0f/s p50 %.1f ms p95 %.1f ms "
                            + "p99 %.1f ms in flight %d",
                    phaseName, elapsed, Math.round(phaseSeconds), p.offered(), p.sent(), p.ok(), p.errors(), p.p50(),
                    p.p95(), p.p99(), inFlight.get());
            if (tty) {
                progress.print("\r" + line + "   ");
                progress.flush();
            } else if (timeline.size() % 10 == 0) {
                progress.println(line);
            }
        } catch (RuntimeException e) {
            // a lost progress line must not stop the ticker
        }
    }

    /** A percentile in ms, or -1 when nothing completed in the interval. */
    private static double pct(Histogram h, double p) {
        return h.getTotalCount() == 0 ? -1 : TargetStats.ms(h.getValueAtPercentile(p));
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        sampler.shutdownNow();
        if (tty) {
            progress.println();
        }
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS)
                .exceptionally(e -> null).join();
    }
}
