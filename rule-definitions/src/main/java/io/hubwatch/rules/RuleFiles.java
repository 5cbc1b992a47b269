package io.hubwatch.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.hubwatch.events.Durations;
import io.hubwatch.events.Severity;
import io.hubwatch.events.WireText;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads rule files. Every problem is collected (not just the first) and named by rule and field, e.g.
 * {@code rule 'high_cpu' (rules[0]): field 'op': '=>' is not one of > < >= <= = !=}.
 *
 * <pre>{@code
 * try {
 *     RuleSet rules = RuleFiles.read(Path.of("rules.yaml"));
 * } catch (RuleFileException e) {
 *     e.problems().forEach(System.err::println);
 * }
 * }</pre>
 */
public final class RuleFiles {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern ID = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_.:-]*");
    private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TOP_LEVEL = Set.of("rules", "inhibit_rules", "anomaly");
    private static final List<String> RULE_FIELDS = List.of("id", "metric", "op", "threshold", "for", "severity",
            "matchers", "labels", "annotations", "keep_firing_for", "recovery_threshold", "absent_for");
    private static final List<String> INHIBIT_FIELDS = List.of("source_matchers", "target_matchers", "equal");
    private static final Set<String> REQUIRED = Set.of("id", "metric", "op", "threshold", "severity");

    private RuleFiles() {}

    public static RuleSet read(Path file) throws RuleFileException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new RuleFileException(file.toString(), List.of("file not found"));
        } catch (IOException e) {
            throw new RuleFileException(file.toString(), List.of("cannot read: " + e.getMessage()));
        }
        return parse(text, file.toString());
    }

    /**
     * @param source names the input in messages (a file name)
     */
    public static RuleSet parse(String yaml, String source) throws RuleFileException {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new RuleFileException(source, List.of("not valid YAML" + where + ": " + e.getOriginalMessage()));
        }
        List<String> problems = new ArrayList<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new RuleFileException(source, List.of("the file is empty; expected a top-level 'rules:' list"));
        }
        if (!root.isObject()) {
            throw new RuleFileException(source, List.of("expected a mapping with a top-level 'rules:' list"));
        }
        root.fieldNames().forEachRemaining(name -> {
            if (!TOP_LEVEL.contains(name)) {
                problems.add("unknown top-level field '" + name + "' (expected 'rules', 'inhibit_rules' or 'anomaly')");
            }
        });
        JsonNode list = root.get("rules");
        if (list == null || list.isNull()) {
            problems.add("missing top-level 'rules:' list");
            throw new RuleFileException(source, problems);
        }
        if (!list.isArray()) {
            problems.add("'rules' must be a list of rules");
            throw new RuleFileException(source, problems);
        }
        List<Rule> rules = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            Rule rule = parseRule(list.get(i), i, problems);
            if (rule != null) {
                if (!ids.add(rule.id())) {
                    problems.add("rule '" + rule.id() + "' (rules[" + i + "]): field 'id': duplicate id '" + rule.id() + "'");
                } else {
                    rules.add(rule);
                }
            }
        }
        List<InhibitRule> inhibitRules = new ArrayList<>();
        JsonNode inhibit = root.get("inhibit_rules");
        if (inhibit != null && !inhibit.isNull()) {
            if (!inhibit.isArray()) {
                problems.add("'inhibit_rules' must be a list");
            } else {
                for (int i = 0; i < inhibit.size(); i++) {
                    InhibitRule r = parseInhibitRule(inhibit.get(i), "inhibit_rules[" + i + "]", problems);
                    if (r != null) {
                        inhibitRules.add(r);
                    }
                }
            }
        }
        List<io.hubwatch.rules.anomaly.AnomalySettings> anomaly = new ArrayList<>();
        JsonNode anomalyNode = root.get("anomaly");
        if (anomalyNode != null && !anomalyNode.isNull()) {
            if (!anomalyNode.isArray()) {
                problems.add("'anomaly' must be a list of per-metric anomaly settings");
            } else {
                for (int i = 0; i < anomalyNode.size(); i++) {
                    try {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> item = YAML.convertValue(anomalyNode.get(i), Map.class);
                        anomaly.add(io.hubwatch.rules.anomaly.AnomalySettings.fromMap(item, "anomaly[" + i + "]"));
                    } catch (IllegalArgumentException e) {
                        problems.add(e.getMessage());
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new RuleFileException(source, problems);
        }
        return new RuleSet(rules, inhibitRules, anomaly);
    }

    /**
     * Parses one rule in the rule-file format (YAML or JSON, e.g. an API request body or an {@code alert-rules} record).
     *
     * @throws RuleFileException listing every problem, each naming the field
     */
    public static Rule parseRule(JsonNode node, String source) throws RuleFileException {
        List<String> problems = new ArrayList<>();
        Rule rule = parseRule(node, 0, problems);
        if (rule == null || !problems.isEmpty()) {
            throw new RuleFileException(source, problems.stream()
                    .map(p -> p.replaceFirst("^(rule '[^']*' )?\\(?rules\\[0]\\)?:? ?", ""))
                    .map(p -> p.isEmpty() ? "invalid rule" : p).toList());
        }
        return rule;
    }

    /** Parses one rule from JSON text. */
    public static Rule parseRule(String json, String source) throws RuleFileException {
        try {
            return parseRule(YAML.readTree(json), source);
        } catch (JsonProcessingException e) {
            throw new RuleFileException(source, List.of("not valid JSON or YAML: " + e.getOriginalMessage()));
        }
    }

    /** A rule in the rule-file format, the inverse of {@link #parseRule(JsonNode, String)}. */
    public static Map<String, Object> toMap(Rule rule) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", rule.id());
        m.put("metric", rule.metric());
        m.put("op", rule.op().symbol());
        m.put("threshold", rule.threshold());
        m.put("for", Durations.format(rule.forDuration()));
        m.put("severity", rule.severity().wireName());
        if (!rule.matchers().isEmpty()) {
            m.put("matchers", rule.matchers().stream().map(LabelMatcher::toString).toList());
        }
        if (!rule.labels().isEmpty()) {
            m.put("labels", rule.labels());
        }
        if (!rule.annotations().isEmpty()) {
            m.put("annotations", rule.annotations());
        }
        if (!rule.keepFiringFor().isZero()) {
            m.put("keep_firing_for", Durations.format(rule.keepFiringFor()));
        }
        if (rule.recoveryThreshold() != null) {
            m.put("recovery_threshold", rule.recoveryThreshold());
        }
        if (rule.absentFor() != null) {
            m.put("absent_for", Durations.format(rule.absentFor()));
        }
        return m;
    }

    /** A rule as JSON text in the rule-file format. */
    public static String toJson(Rule rule) {
        try {
            return new ObjectMapper().writeValueAsString(toMap(rule));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InhibitRule parseInhibitRule(JsonNode node, String where, List<String> problems) {
        if (node == null || !node.isObject()) {
            problems.add(where + ": expected a mapping with source_matchers, target_matchers, equal");
            return null;
        }
        int before = problems.size();
        node.fieldNames().forEachRemaining(name -> {
            if (!INHIBIT_FIELDS.contains(name)) {
                problems.add(where + ": unknown field '" + name + "' (known: " + String.join(", ", INHIBIT_FIELDS) + ")");
            }
        });
        List<LabelMatcher> source = matcherList(node, "source_matchers", where, problems, true);
        List<LabelMatcher> target = matcherList(node, "target_matchers", where, problems, true);
        List<String> equal = new ArrayList<>();
        JsonNode eq = node.get("equal");
        if (eq != null && !eq.isNull()) {
            if (!eq.isArray()) {
                problems.add(where + ": field 'equal': must be a list of label names");
            } else {
                eq.forEach(e -> {
                    if (!LABEL_NAME.matcher(e.asText()).matches()) {
                        problems.add(where + ": field 'equal': '" + e.asText() + "' is not a label name");
                    } else {
                        equal.add(e.asText());
                    }
                });
            }
        }
        return problems.size() > before ? null : new InhibitRule(source, target, equal);
    }

    private static List<LabelMatcher> matcherList(JsonNode node, String field, String where, List<String> problems,
                                                  boolean required) {
        List<LabelMatcher> out = new ArrayList<>();
        JsonNode ms = node.get(field);
        if (ms == null || ms.isNull()) {
            if (required) {
                problems.add(where + ": missing required field '" + field + "'");
            }
            return out;
        }
        if (!ms.isArray()) {
            problems.add(where + ": field '" + field + "': must be a list such as ['host=\"web-1\"', 'mount=~\"/data.*\"']");
            return out;
        }
        for (int i = 0; i < ms.size(); i++) {
            try {
                out.add(LabelMatcher.parse(ms.get(i).asText()));
            } catch (IllegalArgumentException e) {
                problems.add(where + ": field '" + field + "[" + i + "]': " + e.getMessage());
            }
        }
        return out;
    }

    private static Rule parseRule(JsonNode node, int index, List<String> problems) {
        String where = "rules[" + index + "]";
        if (node == null || !node.isObject()) {
            problems.add(where + ": expected a mapping with id, metric, op, threshold, for, severity");
            return null;
        }
        if (node.hasNonNull("id") && node.get("id").isTextual()) {
            where = "rule '" + node.get("id").asText() + "' (" + where + ")";
        }
        int before = problems.size();
        String w = where;
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!RULE_FIELDS.contains(name)) {
                problems.add(w + ": unknown field '" + name + "' (known: " + String.join(", ", RULE_FIELDS) + ")");
            }
        }
        for (String field : RULE_FIELDS) {
            if (REQUIRED.contains(field) && (!node.has(field) || node.get(field).isNull())) {
                problems.add(w + ": missing required field '" + field + "'");
            }
        }

        String id = text(node, "id", w, problems);
        if (id != null && !ID.matcher(id).matches()) {
            problems.add(w + ": field 'id': '" + id + "' must start with a letter or _ and use only letters, digits, _ . : -");
        }
        String metric = text(node, "metric", w, problems);
        if (metric != null && !METRIC.matcher(metric).matches()) {
            problems.add(w + ": field 'metric': '" + metric + "' is not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)");
        }
        Op op = null;
        String opText = text(node, "op", w, problems);
        if (opText != null) {
            op = Op.fromSymbol(opText.trim());
            if (op == null) {
                problems.add(w + ": field 'op': '" + opText + "' is not one of > < >= <= = !=");
            }
        }
        double threshold = Double.NaN;
        JsonNode t = node.get("threshold");
        if (t != null && !t.isNull()) {
            if (!t.isNumber()) {
                problems.add(w + ": field 'threshold': must be a number, was " + t);
            } else if (!Double.isFinite(t.asDouble())) {
                problems.add(w + ": field 'threshold': must be finite, was " + t.asText());
            } else {
                threshold = t.asDouble();
            }
        }
        Duration forDuration = optionalDuration(node, "for", w, problems);
        if (forDuration == null) {
            forDuration = Duration.ZERO;
        }
        Severity severity = null;
        String sev = text(node, "severity", w, problems);
        if (sev != null) {
            try {
                severity = Severity.parse(sev);
            } catch (IllegalArgumentException e) {
                problems.add(w + ": field 'severity': '" + sev + "' is not one of critical, warning, info");
            }
        }
        List<LabelMatcher> matchers = matcherList(node, "matchers", w, problems, false);
        Map<String, String> labels = stringMap(node, "labels", w, problems, true);
        Map<String, String> annotations = stringMap(node, "annotations", w, problems, false);
        Duration keepFiringFor = optionalDuration(node, "keep_firing_for", w, problems);
        Duration absentFor = optionalDuration(node, "absent_for", w, problems);
        if (absentFor != null && absentFor.isZero()) {
            problems.add(w + ": field 'absent_for': must be longer than 0s");
        }
        Double recovery = null;
        JsonNode rt = node.get("recovery_threshold");
        if (rt != null && !rt.isNull()) {
            if (!rt.isNumber() || !Double.isFinite(rt.asDouble())) {
                problems.add(w + ": field 'recovery_threshold': must be a finite number, was " + rt);
            } else if (op != null && !Double.isNaN(threshold)) {
                recovery = rt.asDouble();
                boolean ok = switch (op) {
                    case GT, GE -> recovery <= threshold;
                    case LT, LE -> recovery >= threshold;
                    case EQ, NE -> false;
                };
                if (!ok) {
                    problems.add(w + ": field 'recovery_threshold': " + rt.asText() + (op == Op.EQ || op == Op.NE
                            ? " cannot be used with op " + op.symbol()
                            : " must lie on the normal side of the threshold " + Templates.number(threshold)
                              + " (op " + op.symbol() + ")"));
                }
            }
        }
        if (problems.size() > before) {
            return null;
        }
        return new Rule(id, metric, op, threshold, forDuration, severity, matchers, labels, annotations,
                keepFiringFor, recovery, absentFor);
    }

    private static Duration optionalDuration(JsonNode node, String field, String where, List<String> problems) {
        JsonNode f = node.get(field);
        if (f == null || f.isNull()) {
            return null;
        }
        if (!f.isTextual()) {
            problems.add(where + ": field '" + field + "': must be a duration such as 30s or 5m, was " + f);
            return null;
        }
        if (f.asText().trim().startsWith("-")) {
            problems.add(where + ": field '" + field + "': must not be negative, was '" + f.asText() + "'");
            return null;
        }
        try {
            return Durations.parse(f.asText());
        } catch (IllegalArgumentException e) {
            problems.add(where + ": field '" + field + "': " + e.getMessage());
            return null;
        }
    }

    private static String text(JsonNode node, String field, String where, List<String> problems) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isValueNode() || v.asText().isBlank()) {
            problems.add(where + ": field '" + field + "': must be a non-empty text, was " + v);
            return null;
        }
        String bad = WireText.textProblem(field, v.asText(), WireText.MAX_TEXT_CHARS);
        if (bad != null) {
            problems.add(where + ": " + bad);
            return null;
        }
        return v.asText();
    }

    private static Map<String, String> stringMap(JsonNode node, String field, String where, List<String> problems,
                                                 boolean namesAreLabels) {
        JsonNode v = node.get(field);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isObject()) {
            problems.add(where + ": field '" + field + "': must be a mapping of names to texts, was " + v);
            return out;
        }
        v.fields().forEachRemaining(e -> {
            if (namesAreLabels && !LABEL_NAME.matcher(e.getKey()).matches()) {
                problems.add(where + ": field '" + field + "." + e.getKey() + "': not a valid label name");
            } else if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                problems.add(where + ": field '" + field + "." + e.getKey() + "': must be a text, was " + e.getValue());
            } else {
                // what the jobs would carry into incidents, PostgreSQL and notifications: the same text rules as events
                String name = field + "." + e.getKey();
                String bad = WireText.problem(field, e.getKey(), WireText.MAX_NAME_CHARS);
                if (bad == null) {
                    bad = namesAreLabels ? WireText.problem(name, e.getValue().asText(), WireText.MAX_LABEL_VALUE_CHARS)
                            : WireText.textProblem(name, e.getValue().asText(), WireText.MAX_TEXT_CHARS);
                }
                if (bad != null) {
                    problems.add(where + ": " + bad);
                } else {
                    out.put(e.getKey(), e.getValue().asText());
                }
            }
        });
        return out;
    }
}
