package io.hubwatch.proxy.config;

/** A bad proxy configuration; the message names the file, the field and the bad value. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
