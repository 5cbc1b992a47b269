package io.hubwatch.jobs;

import io.hubwatch.rules.Durations;
import org.apache.flink.util.ParameterTool;

import java.time.Duration;

/**
 * Command-line helpers shared by the jobs' config records: every bad value is reported with the option's name.
 *
 * <pre>{@code
 * Duration every = JobArgs.duration(params, "checkpoint-interval", Duration.ofSeconds(10));
 * JobArgs.require(every.toMillis() >= 100, "--checkpoint-interval must be at least 100ms, was " + every);
 * }</pre>
 */
public final class JobArgs {
    private JobArgs() {}

    /** The duration option {@code --name} (e.g. {@code 30s}, {@code 5m}), or the fallback when it is absent. */
    public static Duration duration(ParameterTool p, String name, Duration fallback) {
        if (!p.has(name)) {
            return fallback;
        }
        try {
            return Durations.parse(p.get(name));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + name + ": " + e.getMessage());
        }
    }

    /** @throws IllegalArgumentException with the message when the check fails */
    public static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
