package io.hubwatch.backtest.nab;

import java.util.List;

/**
 * A NAB cost matrix: the reward for a detected window, the cost of a false-positive row and of a missed window.
 *
 * <pre>{@code
 * for (NabProfile p : NabProfile.STANDARD_PROFILES) { ... }
 * }</pre>
 */
public record NabProfile(String name, double tpWeight, double fpWeight, double fnWeight) {
    public static final NabProfile STANDARD = new NabProfile("standard", 1.0, 0.11, 1.0);
    public static final NabProfile REWARD_LOW_FP = new NabProfile("reward_low_FP_rate", 1.0, 0.22, 1.0);
    public static final NabProfile REWARD_LOW_FN = new NabProfile("reward_low_FN_rate", 1.0, 0.11, 2.0);
    public static final List<NabProfile> STANDARD_PROFILES = List.of(STANDARD, REWARD_LOW_FP, REWARD_LOW_FN);
}
