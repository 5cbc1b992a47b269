package io.hubwatch.loadtest.scenario;

import io.hubwatch.collector.load.LatencyDistribution;
import io.hubwatch.loadtest.scenario.Scenario.Phase;
import io.hubwatch.loadtest.scenario.Scenario.Request;
import io.hubwatch.loadtest.scenario.Scenario.Service;
import io.hubwatch.loadtest.scenario.Scenario.Slo;
import io.hubwatch.loadtest.scenario.Scenario.Target;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and checks a scenario file; every problem is a {@link ScenarioException} naming file, line and field.
 *
 * <pre>{@code
 * name: ci-quick
 * services:
 *   upstream: {kind: reference-upstream, latency: lognormal:20:0.5}
 *   proxy:    {kind: cache-proxy, upstream: upstream, config: {redis: none, endpoints: {/api/v1/models: {ttl: 60s}}}}
 * targets:
 *   proxy:  {service: proxy}
 *   direct: {service: upstream, reference: true}
 * users: {count: 100}
 * requests:
 *   - {target: proxy,  path: /api/v1/models?page=${zipf:50}, weight: 9}
 *   - {target: direct, path: /ref, weight: 1}
 * phases:
 *   - {name: warm-up, type: constant, rate: 200, duration: 3s, judged: false}
 *   - {name: steady,  type: constant, rate: 500, duration: 10s}
 * slos: ["p95 < 200ms", "error_rate < 0.1%", "hit_rate > 80%"]
 * }</pre>
 *
 * Texts may use {@code ${vars.NAME}} for values the caller passes (e.g. the endpoints of a running {@code up}).
 */
public final class ScenarioLoader {

    private static final Set<String> TOP = Set.of("name", "description", "settings", "services", "targets", "users",
            "requests", "phases", "slos", "processes");
    private static final Set<String> METRICS = Set.of("p50", "p90", "p95", "p99", "p999", "max", "mean", "error_rate",
            "hit_rate", "achieved", "latency_slope", "rss_slope", "heap_slope");
    private static final Pattern VAR = Pattern.compile("\\$\\{vars\\.([A-Za-z0-9_.-]+)}");
    private static final Pattern SLO = Pattern.compile("\\s*([a-z0-9_]+)\\s*(<=|>=|<|>)\\s*([0-9.]+)\\s*([a-zA-Z%/]*)\\s*");

    private ScenarioLoader() {
    }

    public static Scenario load(Path file, Map<String, String> vars) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ScenarioException(file + ": cannot read the scenario: " + e.getMessage());
        }
        return parse(text, file.toString(), vars);
    }

    public static Scenario parse(String text, String file, Map<String, String> vars) {
        YamlTree root = YamlTree.parse(substitute(text, file, vars), file);
        Map<String, YamlTree> top = root.mapping(TOP);
        String name = top.containsKey("name") ? top.get("name").text() : fileStem(file);
        String description = top.containsKey("description") ? top.get("description").text() : "";
        Scenario.Settings settings = settings(top.get("settings"));
        Map<String, Service> services = services(top.get("services"));
        Map<String, Target> targets = targets(required(root, top, "targets"), services);
        Scenario.Users users = users(top.get("users"));
        List<Request> requests = requests(required(root, top, "requests"), targets);
        List<Phase> phases = phases(required(root, top, "phases"));
        List<Slo> slos = slos(top.get("slos"), targets);
        Map<String, Scenario.ProcessRef> processes = processes(top.get("processes"), services);
        return new Scenario(name, description, services, targets, requests, users, phases, slos, processes, settings);
    }

    private static String fileStem(String file) {
        String n = Path.of(file).getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    private static String substitute(String text, String file, Map<String, String> vars) {
        StringBuilder out = new StringBuilder();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = VAR.matcher(lines[i]);
            StringBuilder line = new StringBuilder();
            while (m.find()) {
                String value = vars.get(m.group(1));
                if (value == null) {
                    throw new ScenarioException(file + ":" + (i + 1) + ": ${vars." + m.group(1) + "} is not known here; "
                            + (vars.isEmpty() ? "no variables are set (is 'hubwatch up' running?)"
                            : "known: " + new java.util.TreeSet<>(vars.keySet())));
                }
                m.appendReplacement(line, Matcher.quoteReplacement(value));
            }
            m.appendTail(line);
            out.append(line);
            if (i < lines.length - 1) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    private static YamlTree required(YamlTree parent, Map<String, YamlTree> m, String key) {
        YamlTree t = m.get(key);
        if (t == null) {
            throw parent.bad("the field '" + key + "' is missing");
        }
        return t;
    }

    private static Scenario.Settings settings(YamlTree t) {
        Duration timeout = Duration.ofSeconds(10);
        int connections = 1024;
        long seed = 42;
        if (t != null) {
            Map<String, YamlTree> m = t.mapping(Set.of("timeout", "connections", "seed"));
            if (m.containsKey("timeout")) {
                timeout = m.get("timeout").duration();
            }
            if (m.containsKey("connections")) {
                connections = m.get("connections").integer();
                if (connections < 1) {
                    throw m.get("connections").bad("must be at least 1");
                }
            }
            if (m.containsKey("seed")) {
                seed = m.get("seed").integer();
            }
        }
        return new Scenario.Settings(timeout, connections, seed);
    }

    private static Map<String, Service> services(YamlTree t) {
        Map<String, Service> out = new LinkedHashMap<>();
        if (t == null) {
            return out;
        }
        for (var e : t.mapping().entrySet()) {
            String name = e.getKey();
            Map<String, YamlTree> m = e.getValue().mapping();
            YamlTree kindNode = required(e.getValue(), m, "kind");
            Service s = switch (kindNode.text()) {
                case "reference-upstream" -> {
                    e.getValue().mapping(Set.of("kind", "latency", "body_bytes", "cache_control", "error_rate"));
                    LatencyDistribution latency = LatencyDistribution.parse("fixed:0");
                    if (m.containsKey("latency")) {
                        try {
                            latency = LatencyDistribution.parse(m.get("latency").text());
                        } catch (IllegalArgumentException ex) {
                            throw m.get("latency").bad(ex.getMessage());
                        }
                    }
                    int body = m.containsKey("body_bytes") ? m.get("body_bytes").integer() : 1700;
                    String cc = m.containsKey("cache_control") ? m.get("cache_control").text() : "public, max-age=300";
                    double err = m.containsKey("error_rate") ? fraction(m.get("error_rate")) : 0;
                    yield new Scenario.ReferenceUpstream(name, latency, body, cc, err);
                }
                case "cache-proxy" -> {
                    e.getValue().mapping(Set.of("kind", "upstream", "config"));
                    YamlTree up = required(e.getValue(), m, "upstream");
                    if (!out.containsKey(up.text())) {
                        throw up.bad("'" + up.text() + "' is not a service declared above it; declared: " + out.keySet());
                    }
                    @SuppressWarnings("unchecked")
                    Map<String, Object> config = m.containsKey("config")
                            ? (Map<String, Object>) checkedMapping(m.get("config")).plain() : Map.of();
                    for (String owned : List.of("listen", "upstream")) {
                        if (config.containsKey(owned)) {
                            throw m.get("config").mapping().get(owned).bad("is set by the load test (a free port and "
                                    + "the named upstream service); remove it");
                        }
                    }
                    yield new Scenario.CacheProxy(name, up.text(), config);
                }
                case "ingest-gateway" -> {
                    e.getValue().mapping(Set.of("kind", "kafka", "events_per_second"));
                    String kafka = m.containsKey("kafka") ? m.get("kafka").text() : "embedded";
                    double eps = m.containsKey("events_per_second") ? m.get("events_per_second").positive() : 1_000_000;
                    yield new Scenario.IngestGateway(name, kafka, eps);
                }
                case "command" -> {
                    e.getValue().mapping(Set.of("kind", "command", "url", "ready", "start_timeout"));
                    YamlTree cmd = required(e.getValue(), m, "command");
                    List<String> command = new ArrayList<>();
                    if (cmd.isSequence()) {
                        cmd.sequence().forEach(c -> command.add(c.text()));
                    } else {
                        command.addAll(List.of(cmd.text().trim().split("\\s+")));
                    }
                    String url = url(required(e.getValue(), m, "url"));
                    String ready = m.containsKey("ready") ? url(m.get("ready")) : url;
                    Duration timeout = m.containsKey("start_timeout") ? m.get("start_timeout").duration()
                            : Duration.ofSeconds(120);
                    yield new Scenario.Command(name, command, url, ready, timeout);
                }
                default -> throw kindNode.bad("'" + kindNode.text() + "' is not a service kind; expected one of "
                        + "[reference-upstream, cache-proxy, ingest-gateway, command]");
            };
            out.put(name, s);
        }
        return out;
    }

    private static YamlTree checkedMapping(YamlTree t) {
        t.mapping();
        return t;
    }

    private static String url(YamlTree t) {
        try {
            URI u = URI.create(t.text());
            if (!"http".equals(u.getScheme()) || u.getHost() == null) {
                throw t.bad("'" + t.text() + "' is not an http:// URL with a host");
            }
            return t.text().replaceAll("/+$", "");
        } catch (IllegalArgumentException e) {
            throw t.bad("'" + t.text() + "' is not a URL");
        }
    }

    private static Map<String, Target> targets(YamlTree t, Map<String, Service> services) {
        Map<String, Target> out = new LinkedHashMap<>();
        for (var e : t.mapping().entrySet()) {
            Map<String, YamlTree> m = e.getValue().mapping(Set.of("service", "url", "reference", "stats", "stats_token"));
            if (m.containsKey("service") == m.containsKey("url")) {
                throw e.getValue().bad("give exactly one of 'service' (a started service) or 'url'");
            }
            String service = null;
            String url = null;
            String stats = m.containsKey("stats") ? m.get("stats").text() : null;
            if (m.containsKey("service")) {
                service = m.get("service").text();
                Service s = services.get(service);
                if (s == null) {
                    throw m.get("service").bad("'" + service + "' is not a declared service; declared: " + services.keySet());
                }
                if (stats == null && s instanceof Scenario.CacheProxy) {
                    stats = "/_proxy/stats";
                }
            } else {
                url = url(m.get("url"));
            }
            boolean reference = m.containsKey("reference") && m.get("reference").bool();
            String token = m.containsKey("stats_token") ? m.get("stats_token").text() : null;
            out.put(e.getKey(), new Target(e.getKey(), service, url, reference, stats, token));
        }
        if (out.isEmpty()) {
            throw t.bad("at least one target is needed");
        }
        return out;
    }

    private static Scenario.Users users(YamlTree t) {
        if (t == null) {
            return new Scenario.Users(100, "user-");
        }
        Map<String, YamlTree> m = t.mapping(Set.of("count", "prefix"));
        int count = m.containsKey("count") ? m.get("count").integer() : 100;
        if (count < 1) {
            throw m.get("count").bad("must be at least 1");
        }
        return new Scenario.Users(count, m.containsKey("prefix") ? m.get("prefix").text() : "user-");
    }

    private static List<Request> requests(YamlTree t, Map<String, Target> targets) {
        List<Request> out = new ArrayList<>();
        for (YamlTree r : t.sequence()) {
            Map<String, YamlTree> m = r.mapping(Set.of("name", "target", "method", "path", "headers", "body", "weight"));
            String target;
            if (m.containsKey("target")) {
                target = m.get("target").text();
                if (!targets.containsKey(target)) {
                    throw m.get("target").bad("'" + target + "' is not a declared target; declared: " + targets.keySet());
                }
            } else if (targets.size() == 1) {
                target = targets.keySet().iterator().next();
            } else {
                throw r.bad("the field 'target' is missing (there are several targets: " + targets.keySet() + ")");
            }
            String path = required(r, m, "path").text();
            if (!path.startsWith("/")) {
                throw m.get("path").bad("'" + path + "' must start with /");
            }
            String method = m.containsKey("method") ? m.get("method").text().toUpperCase(Locale.ROOT) : "GET";
            if (!Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD").contains(method)) {
                throw m.get("method").bad("'" + method + "' is not one of GET, POST, PUT, DELETE, PATCH, HEAD");
            }
            Map<String, String> headers = new LinkedHashMap<>();
            if (m.containsKey("headers")) {
                m.get("headers").mapping().forEach((k, v) -> headers.put(k, v.text()));
            }
            double weight = m.containsKey("weight") ? m.get("weight").positive() : 1;
            String body = m.containsKey("body") ? m.get("body").text() : null;
            String name = m.containsKey("name") ? m.get("name").text() : method + " " + path;
            out.add(new Request(name, target, method, path, headers, body, weight));
        }
        if (out.isEmpty()) {
            throw t.bad("at least one request is needed");
        }
        return out;
    }

    private static List<Phase> phases(YamlTree t) {
        List<Phase> out = new ArrayList<>();
        Set<String> names = new java.util.HashSet<>();
        for (YamlTree p : t.sequence()) {
            Map<String, YamlTree> m = p.mapping();
            YamlTree type = required(p, m, "type");
            String name = m.containsKey("name") ? m.get("name").text() : type.text() + "-" + (out.size() + 1);
            if (!names.add(name)) {
                throw p.bad("a phase named '" + name + "' exists already; names must be unique");
            }
            boolean judged = !m.containsKey("judged") || m.get("judged").bool();
            Phase phase = switch (type.text()) {
                case "constant" -> {
                    p.mapping(Set.of("name", "type", "rate", "duration", "judged"));
                    yield new Phase(name, Scenario.Kind.CONSTANT, required(p, m, "rate").positive(),
                            required(p, m, "duration").duration(), judged, 0, 0, null, 0, null, 0);
                }
                case "soak" -> {
                    p.mapping(Set.of("name", "type", "rate", "duration", "judged", "sample_every"));
                    Duration every = m.containsKey("sample_every") ? m.get("sample_every").duration() : Duration.ofSeconds(30);
                    yield new Phase(name, Scenario.Kind.SOAK, required(p, m, "rate").positive(),
                            required(p, m, "duration").duration(), judged, 0, 0, null, 0, every, 0);
                }
                case "ramp" -> {
                    p.mapping(Set.of("name", "type", "from", "step", "to", "step_duration", "error_limit", "min_knee",
                            "judged"));
                    double from = required(p, m, "from").positive();
                    double step = required(p, m, "step").positive();
                    double to = required(p, m, "to").positive();
                    if (to < from) {
                        throw m.get("to").bad("must be at least 'from' (" + from + ")");
                    }
                    Duration stepDuration = m.containsKey("step_duration") ? m.get("step_duration").duration()
                            : Duration.ofSeconds(10);
                    double errorLimit = m.containsKey("error_limit") ? fraction(m.get("error_limit")) : 0.01;
                    double minKnee = m.containsKey("min_knee") ? m.get("min_knee").positive() : 0;
                    int steps = (int) Math.floor((to - from) / step) + 1;
                    yield new Phase(name, Scenario.Kind.RAMP, from, stepDuration.multipliedBy(steps), judged, step, to,
                            stepDuration, errorLimit, null, minKnee);
                }
                default -> throw type.bad("'" + type.text() + "' is not a phase type; expected constant, ramp or soak");
            };
            out.add(phase);
        }
        if (out.isEmpty()) {
            throw t.bad("at least one phase is needed");
        }
        return out;
    }

    private static double fraction(YamlTree t) {
        String s = t.text().trim();
        double v;
        try {
            v = s.endsWith("%") ? Double.parseDouble(s.substring(0, s.length() - 1)) / 100 : Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw t.bad("'" + s + "' is not a fraction (0.01) or a percentage (1%)");
        }
        if (v < 0 || v > 1) {
            throw t.bad("'" + s + "' is not between 0 and 100%");
        }
        return v;
    }

    private static List<Slo> slos(YamlTree t, Map<String, Target> targets) {
        List<Slo> out = new ArrayList<>();
        if (t == null) {
            return out;
        }
        for (YamlTree s : t.sequence()) {
            YamlTree textNode = s;
            String target = null;
            if (s.isMapping()) {
                Map<String, YamlTree> m = s.mapping(Set.of("slo", "target"));
                textNode = required(s, m, "slo");
                if (m.containsKey("target")) {
                    target = m.get("target").text();
                    if (!targets.containsKey(target)) {
                        throw m.get("target").bad("'" + target + "' is not a declared target; declared: " + targets.keySet());
                    }
                }
            }
            out.add(slo(textNode, target));
        }
        return out;
    }

    /** Parses {@code p95 < 200ms}; public for the command line's {@code --slo}. */
    public static Slo slo(String text) {
        return slo(YamlTree.parse("slo: \"" + text.replace("\"", "") + "\"", "--slo").mapping().get("slo"), null);
    }

    private static Slo slo(YamlTree t, String target) {
        String text = t.text();
        Matcher m = SLO.matcher(text);
        if (!m.matches()) {
            throw t.bad("'" + text + "' is not an objective; write METRIC OP VALUE, e.g. 'p95 < 200ms', "
                    + "'error_rate < 0.1%', 'hit_rate > 80%', 'rss_slope < 50MB/h'");
        }
        String metric = m.group(1);
        if (!METRICS.contains(metric)) {
            throw t.bad("'" + metric + "' is not a metric; expected one of " + new java.util.TreeSet<>(METRICS));
        }
        double value = Double.parseDouble(m.group(3));
        String unit = m.group(4);
        double threshold = switch (metric) {
            case "error_rate", "hit_rate", "achieved" -> switch (unit) {
                case "%" -> value / 100;
                case "" -> value;
                default -> throw t.bad("'" + unit + "' is not a unit of a rate; use % or a fraction");
            };
            case "latency_slope" -> switch (unit) {
                case "ms/h" -> value;
                case "s/h" -> value * 1000;
                default -> throw t.bad("a latency slope is in ms/h or s/h, e.g. 'latency_slope < 20ms/h'");
            };
            case "rss_slope", "heap_slope" -> switch (unit) {
                case "MB/h" -> value;
                case "GB/h" -> value * 1024;
                case "KB/h" -> value / 1024;
                default -> throw t.bad("a memory slope is in KB/h, MB/h or GB/h, e.g. 'rss_slope < 50MB/h'");
            };
            default -> switch (unit) {
                case "ms", "" -> value;
                case "s" -> value * 1000;
                case "us" -> value / 1000;
                default -> throw t.bad("'" + unit + "' is not a unit of time; use us, ms or s");
            };
        };
        return new Slo(text.trim(), metric, m.group(2), threshold, target);
    }

    private static Map<String, Scenario.ProcessRef> processes(YamlTree t, Map<String, Service> services) {
        Map<String, Scenario.ProcessRef> out = new LinkedHashMap<>();
        if (t == null) {
            return out;
        }
        for (var e : t.mapping().entrySet()) {
            YamlTree v = e.getValue();
            if (v.isScalar()) {
                if (!v.text().equals("self")) {
                    throw v.bad("'" + v.text() + "' is not a process; use self, {pid: N}, {pid_file: FILE} or {service: NAME}");
                }
                out.put(e.getKey(), new Scenario.ProcessRef(e.getKey(), "self", ""));
                continue;
            }
            Map<String, YamlTree> m = v.mapping(Set.of("pid", "pid_file", "service"));
            if (m.size() != 1) {
                throw v.bad("give exactly one of pid, pid_file or service");
            }
            var only = m.entrySet().iterator().next();
            if (only.getKey().equals("service")) {
                Service s = services.get(only.getValue().text());
                if (s == null) {
                    throw only.getValue().bad("'" + only.getValue().text() + "' is not a declared service");
                }
            }
            if (only.getKey().equals("pid")) {
                only.getValue().integer();
            }
            out.put(e.getKey(), new Scenario.ProcessRef(e.getKey(), only.getKey(), only.getValue().text()));
        }
        return out;
    }
}
