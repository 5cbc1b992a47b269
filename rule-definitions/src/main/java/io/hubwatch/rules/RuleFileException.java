package io.hubwatch.rules;

import java.util.List;

/** A rule file that cannot be used; {@link #problems()} lists every problem found, each naming the rule and field. */
public class RuleFileException extends Exception {
    private final List<String> problems;

    public RuleFileException(String source, List<String> problems) {
        super(source + ": " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
