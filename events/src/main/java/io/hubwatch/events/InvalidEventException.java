package io.hubwatch.events;

/** Thrown by {@link EventJson} when input is not a valid event; the message says what and where. */
public class InvalidEventException extends Exception {
    public InvalidEventException(String message) {
        super(message);
    }
}
