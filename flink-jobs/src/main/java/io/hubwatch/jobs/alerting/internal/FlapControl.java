package io.hubwatch.jobs.alerting.internal;

import java.io.Serializable;
import java.time.Duration;

/**
 * When a (rule, series) changes state more than {@code maxChanges} times within {@code window} it is flapping: its
 * further changes are not emitted until it has been stable for a whole window, and then only the state it settled in
 * (if that differs from what was last emitted). So a flapping series gives at most one firing and one resolved.
 */
public record FlapControl(int maxChanges, Duration window) implements Serializable {

    public FlapControl {
        if (maxChanges < 1) {
            throw new IllegalArgumentException("flap control needs at least 1 change, was " + maxChanges);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("flap window must be positive, was " + window);
        }
    }

    public static FlapControl defaults() {
        return new FlapControl(2, Duration.ofMinutes(10));
    }
}
