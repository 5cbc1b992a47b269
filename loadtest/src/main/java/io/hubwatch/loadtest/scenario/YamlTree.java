package io.hubwatch.loadtest.scenario;

import io.hubwatch.events.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One node of a YAML document that knows where it is (file, line, dotted field path), so that every problem message
 * says what is wrong and where. Reads scalars as text and converts them with messages naming the accepted forms.
 */
final class YamlTree {

    private final String file;
    private final String path;
    private final Node node;

    private YamlTree(String file, String path, Node node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    static YamlTree parse(String text, String file) {
        try {
            Node root = new Yaml(new LoaderOptions()).compose(new java.io.StringReader(text));
            if (root == null) {
                throw new ScenarioException(file + ": the scenario is empty");
            }
            return new YamlTree(file, "", root);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new ScenarioException(file + ":" + line + ": not valid YAML: " + e.getProblem());
        } catch (org.yaml.snakeyaml.error.YAMLException e) {
            throw new ScenarioException(file + ": not valid YAML: " + e.getMessage());
        }
    }

    String where() {
        return file + ":" + (node.getStartMark().getLine() + 1) + ": " + (path.isEmpty() ? "(top level)" : path);
    }

    ScenarioException bad(String reason) {
        return new ScenarioException(where() + ": " + reason);
    }

    boolean isMapping() {
        return node instanceof MappingNode;
    }

    boolean isSequence() {
        return node instanceof SequenceNode;
    }

    boolean isScalar() {
        return node instanceof ScalarNode;
    }

    /** The entries of a mapping, in file order; fails naming the field when this is not a mapping. */
    Map<String, YamlTree> mapping() {
        if (!(node instanceof MappingNode m)) {
            throw bad("expected a mapping (key: value lines)");
        }
        Map<String, YamlTree> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                throw bad("keys must be plain text");
            }
            String key = k.getValue();
            out.put(key, new YamlTree(file, path.isEmpty() ? key : path + "." + key, t.getValueNode()));
        }
        return out;
    }

    /** A mapping whose keys must all be in {@code known}; an unknown key is reported with the accepted ones. */
    Map<String, YamlTree> mapping(Set<String> known) {
        Map<String, YamlTree> m = mapping();
        for (var e : m.entrySet()) {
            if (!known.contains(e.getKey())) {
                throw e.getValue().bad("unknown field; expected one of " + new java.util.TreeSet<>(known));
            }
        }
        return m;
    }

    List<YamlTree> sequence() {
        if (!(node instanceof SequenceNode s)) {
            throw bad("expected a list");
        }
        List<YamlTree> out = new ArrayList<>();
        for (int i = 0; i < s.getValue().size(); i++) {
            out.add(new YamlTree(file, path + "[" + i + "]", s.getValue().get(i)));
        }
        return out;
    }

    String text() {
        if (!(node instanceof ScalarNode s)) {
            throw bad("expected a single value, not a " + (isMapping() ? "mapping" : "list"));
        }
        return s.getValue();
    }

    double number() {
        try {
            return Double.parseDouble(text().replace("_", ""));
        } catch (NumberFormatException e) {
            throw bad("'" + text() + "' is not a number");
        }
    }

    double positive() {
        double v = number();
        if (!(v > 0)) {
            throw bad("must be positive, was " + text());
        }
        return v;
    }

    int integer() {
        double v = number();
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
            throw bad("'" + text() + "' is not a whole number");
        }
        return (int) v;
    }

    boolean bool() {
        return switch (text().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw bad("'" + text() + "' is not true or false");
        };
    }

    Duration duration() {
        try {
            Duration d = Durations.parse(text());
            if (d.isZero() || d.isNegative()) {
                throw bad("must be longer than zero, was " + text());
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
    }

    /** The subtree as plain Java values (maps, lists, strings), for parts handed to another reader. */
    Object plain() {
        if (node instanceof ScalarNode s) {
            Tag tag = s.getTag();
            try {
                if (Tag.INT.equals(tag)) {
                    long v = Long.parseLong(s.getValue().replace("_", ""));
                    // not a ?: expression: it would widen the Integer back to a Long
                    if (v == (int) v) {
                        return Integer.valueOf((int) v);
                    }
                    return Long.valueOf(v);
                }
                if (Tag.FLOAT.equals(tag)) {
                    return Double.parseDouble(s.getValue().replace("_", ""));
                }
            } catch (NumberFormatException e) {
                return s.getValue();
            }
            if (Tag.BOOL.equals(tag)) {
                return bool();
            }
            return Tag.NULL.equals(tag) ? null : s.getValue();
        }
        if (node instanceof SequenceNode) {
            List<Object> out = new ArrayList<>();
            for (YamlTree t : sequence()) {
                out.add(t.plain());
            }
            return out;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        mapping().forEach((k, v) -> out.put(k, v.plain()));
        return out;
    }
}
