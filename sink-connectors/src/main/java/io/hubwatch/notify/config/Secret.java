package io.hubwatch.notify.config;

import java.util.Objects;

/**
 * A value that must never reach a log line or an API response (SMTP password, Slack URL, webhook token). Its
 * {@link #toString()} is {@code <secret>}; only the sending code calls {@link #reveal()}.
 *
 * <pre>{@code
 * Secret password = Secret.of(System.getenv("SMTP_PASSWORD"));
 * transport.connect(user, password.reveal());
 * }</pre>
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value);
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The plain value, for the one place that sends it. */
    public String reveal() {
        return value;
    }

    /** Replaces every occurrence of this secret in {@code text} with {@code <secret>}, for error messages from libraries. */
    public String redact(String text) {
        if (text == null || value.isEmpty()) {
            return text;
        }
        return text.replace(value, "<secret>");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "<secret>";
    }
}
