package io.hubwatch.notify.config;

import java.util.List;

/**
 * A routing file that cannot be used. The message lists every problem, each naming the route or receiver and the field,
 * e.g. {@code receiver 'ops': webhook_configs[0].url: 'ftp://x' is not an http(s) URL}.
 */
public class NotifierConfigException extends RuntimeException {
    private final List<String> problems;

    public NotifierConfigException(List<String> problems) {
        super(problems.size() == 1 ? problems.get(0)
                : problems.size() + " problems:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public NotifierConfigException(String problem) {
        this(List.of(problem));
    }

    /** Each problem on its own. */
    public List<String> problems() {
        return problems;
    }
}
