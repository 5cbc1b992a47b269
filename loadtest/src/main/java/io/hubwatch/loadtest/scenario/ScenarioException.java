package io.hubwatch.loadtest.scenario;

/**
 * A scenario that cannot run: the message names the file, the line and the field, and says what is accepted, e.g.
 * {@code seed.yaml:14: phases[1].rate: 'fast' is not a number of requests per second}.
 */
public final class ScenarioException extends RuntimeException {

    public ScenarioException(String message) {
        super(message);
    }
}
