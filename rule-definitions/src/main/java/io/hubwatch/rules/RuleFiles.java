package io.hubwatch.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.hubwatch.events.Severity;

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
    private static final Set<String> TOP_LEVEL = Set.of("rules");
    private static final List<String> RULE_FIELDS =
            List.of("id", "metric", "op", "threshold", "for", "severity", "matchers", "labels", "annotations");
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
                problems.add("unknown top-level field '" + name + "' (expected 'rules')");
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
        if (!problems.isEmpty()) {
            throw new RuleFileException(source, problems);
        }
        return new RuleSet(rules);
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
        Duration forDuration = Duration.ZERO;
        JsonNode f = node.get("for");
        if (f != null && !f.isNull()) {
            String ft = f.asText();
            if (!f.isTextual()) {
                problems.add(w + ": field 'for': must be a duration such as 30s or 5m, was " + f);
            } else if (ft.trim().startsWith("-")) {
                problems.add(w + ": field 'for': must not be negative, was '" + ft + "'");
            } else {
                try {
                    forDuration = Durations.parse(ft);
                } catch (IllegalArgumentException e) {
                    problems.add(w + ": field 'for': " + e.getMessage());
                }
            }
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
        List<LabelMatcher> matchers = new ArrayList<>();
        JsonNode ms = node.get("matchers");
        if (ms != null && !ms.isNull()) {
            if (!ms.isArray()) {
                problems.add(w + ": field 'matchers': must be a list such as ['host=\"web-1\"', 'mount=~\"/data.*\"']");
            } else {
                for (int i = 0; i < ms.size(); i++) {
                    try {
                        matchers.add(LabelMatcher.parse(ms.get(i).asText()));
                    } catch (IllegalArgumentException e) {
                        problems.add(w + ": field 'matchers[" + i + "]': " + e.getMessage());
                    }
                }
            }
        }
        Map<String, String> labels = stringMap(node, "labels", w, problems, true);
        Map<String, String> annotations = stringMap(node, "annotations", w, problems, false);
        if (problems.size() > before) {
            return null;
        }
        return new Rule(id, metric, op, threshold, forDuration, severity, matchers, labels, annotations);
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
                out.put(e.getKey(), e.getValue().asText());
            }
        });
        return out;
    }
}
