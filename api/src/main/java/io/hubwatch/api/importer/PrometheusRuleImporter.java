package io.hubwatch.api.importer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.hubwatch.api.importer.internal.ThresholdExpression;
import io.hubwatch.rules.LabelMatcher;
import io.hubwatch.rules.Rule;
import io.hubwatch.rules.RuleFileException;
import io.hubwatch.rules.RuleFiles;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Converts a Prometheus alerting-rules file ({@code groups[].rules[]} with {@code alert}, {@code expr}, {@code for},
 * {@code keep_firing_for}, {@code labels}, {@code annotations}) into a Hubwatch rule file. Every alert whose
 * {@code expr} is {@code metric{matchers} OP number} (or {@code number OP metric}) converts; every other one is listed
 * with the reason. The {@code severity} label becomes the rule's severity (default warning); annotations are kept
 * as written ({@code {{ $labels.x }}} and {@code {{ $value }}} work in Hubwatch too); recording rules are skipped.
 *
 * <pre>{@code
 * PrometheusRuleImporter.Result r = PrometheusRuleImporter.convert(Files.readString(file), file.toString());
 * System.out.print(r.ruleFileYaml());
 * r.refused().forEach(System.err::println);   // group 'node', alert 'HighLoad': not converted: uses the function 'rate'
 * }</pre>
 */
public final class PrometheusRuleImporter {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));
    private static final Pattern ID_CHARS = Pattern.compile("[^a-zA-Z0-9_.:-]");
    private static final Pattern HUBWATCH_PLACEHOLDER =
            Pattern.compile("\\{\\{\\s*(\\$labels\\.)?\\$?[a-zA-Z_][a-zA-Z0-9_]*\\s*}}");
    private static final Set<String> RULE_FIELDS = Set.of("alert", "record", "expr", "for", "keep_firing_for", "labels",
            "annotations");

    private PrometheusRuleImporter() {}

    /** An alert that was not converted. */
    public record Refusal(String group, String alert, String reason) {
        @Override
        public String toString() {
            return "group '" + group + "', alert '" + alert + "': not converted: " + reason;
        }
    }

    /**
     * @param rules   the converted rules, in file order
     * @param refused the alerts not converted, each with its reason
     * @param notes   conversions worth knowing about (a renamed id, a severity that was mapped, a template Hubwatch
     *                does not render)
     */
    public record Result(List<Rule> rules, List<Refusal> refused, List<String> notes, int recordingRulesSkipped) {
        /** The converted rules as a Hubwatch rule file. */
        public String ruleFileYaml() {
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("rules", rules.stream().map(RuleFiles::toMap).toList());
            try {
                return YAML.writeValueAsString(file);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The input is not a Prometheus rules file at all (not YAML, no {@code groups}). */
    public static final class ImportException extends Exception {
        public ImportException(String message) {
            super(message);
        }
    }

    public static Result convert(String yaml, String source) throws ImportException {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new ImportException(source + ": not valid YAML" + where + ": " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject() || !root.has("groups") || !root.get("groups").isArray()) {
            throw new ImportException(source + ": expected a Prometheus rules file with a top-level 'groups:' list");
        }
        List<Rule> rules = new ArrayList<>();
        List<Refusal> refused = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int recording = 0;
        JsonNode groups = root.get("groups");
        for (int g = 0; g < groups.size(); g++) {
            JsonNode group = groups.get(g);
            String groupName = group.path("name").asText("groups[" + g + "]");
            JsonNode list = group.get("rules");
            if (list == null || !list.isArray()) {
                continue;
            }
            for (int r = 0; r < list.size(); r++) {
                JsonNode node = list.get(r);
                if (node.has("record")) {
                    recording++;
                    continue;
                }
                String alert = node.path("alert").asText("rules[" + r + "]");
                try {
                    rules.add(convertOne(node, alert, groupName, ids, notes));
                } catch (ThresholdExpression.UnsupportedException e) {
                    refused.add(new Refusal(groupName, alert, e.getMessage()));
                }
            }
        }
        return new Result(rules, refused, notes, recording);
    }

    private static Rule convertOne(JsonNode node, String alert, String group, Set<String> ids, List<String> notes)
            throws ThresholdExpression.UnsupportedException {
        List<String> unknown = new ArrayList<>();
        node.fieldNames().forEachRemaining(f -> {
            if (!RULE_FIELDS.contains(f)) {
                unknown.add(f);
            }
        });
        if (!unknown.isEmpty()) {
            throw new ThresholdExpression.UnsupportedException("has fields Hubwatch does not know: " + unknown);
        }
        if (!node.hasNonNull("alert")) {
            throw new ThresholdExpression.UnsupportedException("has neither 'alert' nor 'record'");
        }
        if (!node.hasNonNull("expr")) {
            throw new ThresholdExpression.UnsupportedException("has no 'expr'");
        }
        String expr = node.get("expr").asText();
        ThresholdExpression e;
        try {
            e = ThresholdExpression.parse(expr);
        } catch (ThresholdExpression.UnsupportedException ex) {
            throw new ThresholdExpression.UnsupportedException("expr '" + oneLine(expr) + "' " + ex.getMessage());
        }
        Map<String, Object> rule = new LinkedHashMap<>();
        String where = "group '" + group + "', alert '" + alert + "'";
        rule.put("id", uniqueId(alert, node.path("labels").path("severity").asText(""), ids, notes, where));
        rule.put("metric", e.metric());
        rule.put("op", e.op().symbol());
        rule.put("threshold", e.threshold());
        if (node.hasNonNull("for")) {
            rule.put("for", node.get("for").asText());
        }
        if (node.hasNonNull("keep_firing_for")) {
            rule.put("keep_firing_for", node.get("keep_firing_for").asText());
        }
        if (!e.matchers().isEmpty()) {
            rule.put("matchers", e.matchers().stream().map(LabelMatcher::text).toList());
        }
        Map<String, String> labels = new LinkedHashMap<>();
        String severity = "warning";
        JsonNode labelNode = node.get("labels");
        if (labelNode != null && labelNode.isObject()) {
            for (var it = labelNode.fields(); it.hasNext(); ) {
                var f = it.next();
                if (f.getKey().equals("severity")) {
                    severity = severity(f.getValue().asText(), notes, where);
                } else {
                    labels.put(f.getKey(), f.getValue().asText());
                }
            }
        }
        rule.put("severity", severity);
        if (!labels.isEmpty()) {
            rule.put("labels", labels);
        }
        JsonNode annotationNode = node.get("annotations");
        if (annotationNode != null && annotationNode.isObject()) {
            Map<String, String> annotations = new LinkedHashMap<>();
            annotationNode.fields().forEachRemaining(f -> {
                String text = f.getValue().asText();
                String rest = HUBWATCH_PLACEHOLDER.matcher(text).replaceAll("");
                int open = rest.indexOf("{{");
                if (open >= 0) {
                    int close = rest.indexOf("}}", open);
                    String part = close < 0 ? rest.substring(open) : rest.substring(open, close + 2);
                    notes.add(where + ": annotation '" + f.getKey() + "' uses " + part + ", which Hubwatch does not "
                            + "render (only {{ $labels.x }}, {{ $value }}, {{ $threshold }}); kept as written");
                }
                annotations.put(f.getKey(), text);
            });
            if (!annotations.isEmpty()) {
                rule.put("annotations", annotations);
            }
        }
        try {
            return RuleFiles.parseRule(YAML.valueToTree(rule), where);
        } catch (RuleFileException ex) {
            throw new ThresholdExpression.UnsupportedException(String.join("; ", ex.problems()));
        }
    }

    private static String severity(String value, List<String> notes, String where) {
        String v = value.toLowerCase(Locale.ROOT).trim();
        String mapped = switch (v) {
            case "critical", "warning", "info" -> v;
            case "page", "error", "high", "major", "emergency", "alert", "fatal" -> "critical";
            case "warn", "medium", "minor" -> "warning";
            case "low", "none", "notice", "informational", "debug" -> "info";
            default -> "warning";
        };
        if (!mapped.equals(v)) {
            notes.add(where + ": severity '" + value + "' mapped to " + mapped);
        }
        return mapped;
    }

    private static String uniqueId(String alert, String severity, Set<String> ids, List<String> notes, String where) {
        String id = ID_CHARS.matcher(alert).replaceAll("_");
        if (id.isEmpty() || !Character.isLetter(id.charAt(0)) && id.charAt(0) != '_') {
            id = "_" + id;
        }
        String base = id;
        if (!ids.add(id)) {
            id = base + (severity.isBlank() ? "" : "_" + ID_CHARS.matcher(severity.toLowerCase(Locale.ROOT)).replaceAll("_"));
            for (int n = 2; !ids.add(id); n++) {
                id = base + "_" + n;
            }
        }
        if (!id.equals(alert)) {
            notes.add(where + ": rule id is '" + id + "'" + (base.equals(alert) ? " (the alert name is used more than once)" : ""));
        }
        return id;
    }

    private static String oneLine(String s) {
        String t = s.trim().replaceAll("\\s+", " ");
        return t.length() > 120 ? t.substring(0, 117) + "..." : t;
    }
}
