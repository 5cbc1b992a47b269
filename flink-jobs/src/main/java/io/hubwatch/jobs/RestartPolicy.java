package io.hubwatch.jobs;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;

/**
 * A bounded restart strategy for Hubwatch's jobs: a failing job is restarted with exponential backoff (1 s doubling to
 * 1 min), and after {@link #DEFAULT_ATTEMPTS} failures without {@link #DEFAULT_STABLE} of calm in between it stays
 * {@code FAILED}, which health reports as DOWN, instead of restarting forever. Bad records never count here: they go
 * to {@code dead-letter}; what remains is an unreachable broker or database, which a few minutes of retries cover.
 *
 * <pre>{@code
 * RestartPolicy.bounded().applyTo(env);   // keeps a restart strategy the environment already names
 * }</pre>
 *
 * @param attempts       failures before the job stays FAILED
 * @param initialBackoff wait before the first restart; doubles up to {@code maxBackoff}
 * @param stable         running this long without a failure starts the count again
 */
public record RestartPolicy(int attempts, Duration initialBackoff, Duration maxBackoff, Duration stable) {
    public static final int DEFAULT_ATTEMPTS = 8;
    public static final Duration DEFAULT_STABLE = Duration.ofMinutes(10);

    public RestartPolicy {
        JobArgs.require(attempts >= 1, "restart attempts must be at least 1, was " + attempts);
        JobArgs.require(!initialBackoff.isNegative() && !maxBackoff.minus(initialBackoff).isNegative(),
                "backoffs must satisfy 0 <= initial <= max, were " + initialBackoff + " and " + maxBackoff);
        JobArgs.require(stable.toMillis() > 0, "the stable time must be positive, was " + stable);
    }

    /** 8 attempts, 1 s doubling to 1 min, counting again after 10 minutes without a failure. */
    public static RestartPolicy bounded() {
        return new RestartPolicy(DEFAULT_ATTEMPTS, Duration.ofSeconds(1), Duration.ofMinutes(1), DEFAULT_STABLE);
    }

    /** The Flink configuration keys of this policy. */
    public Configuration toConfiguration() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, initialBackoff);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, maxBackoff);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, 2.0);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD, stable);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR, 0.1);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, attempts);
        return conf;
    }

    /** Sets this policy on {@code env}, unless its configuration already names a restart strategy. */
    public void applyTo(StreamExecutionEnvironment env) {
        if (env.getConfiguration().getOptional(RestartStrategyOptions.RESTART_STRATEGY).isEmpty()) {
            env.configure(toConfiguration());
        }
    }
}
