package io.hubwatch.rules;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The rules of one rule file, in file order, with unique ids.
 *
 * <pre>{@code
 * RuleSet rules = RuleFiles.read(Path.of("rules.yaml"));   // or RuleSet.defaults()
 * }</pre>
 */
public record RuleSet(List<Rule> rules, List<InhibitRule> inhibitRules,
                      List<io.hubwatch.rules.anomaly.AnomalySettings> anomalySettings) implements Serializable {

    public static final String DEFAULT_RESOURCE = "/default-rules.yaml";

    public RuleSet {
        rules = List.copyOf(rules);
        inhibitRules = inhibitRules == null ? List.of() : List.copyOf(inhibitRules);
        anomalySettings = anomalySettings == null ? List.of() : List.copyOf(anomalySettings);
    }

    /** Rules and inhibition rules, no anomaly settings. */
    public RuleSet(List<Rule> rules, List<InhibitRule> inhibitRules) {
        this(rules, inhibitRules, List.of());
    }

    /** Rules without inhibition rules. */
    public RuleSet(List<Rule> rules) {
        this(rules, List.of(), List.of());
    }

    /** The six default rules shipped in {@code default-rules.yaml}. */
    public static RuleSet defaults() {
        try (InputStream in = RuleSet.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("default-rules.yaml is missing from the classpath");
            }
            return RuleFiles.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "default-rules.yaml");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuleFileException e) {
            throw new IllegalStateException("the shipped default rules are invalid: " + e.getMessage(), e);
        }
    }

    public Optional<Rule> find(String id) {
        return rules.stream().filter(r -> r.id().equals(id)).findFirst();
    }
}
