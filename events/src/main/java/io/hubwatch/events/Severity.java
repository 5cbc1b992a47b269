package io.hubwatch.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** How urgent an incident is; serialized in lower case ({@code "critical"}). */
public enum Severity {
    CRITICAL, WARNING, INFO;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code critical|warning|info}, in any case. */
    @JsonCreator
    public static Severity parse(String text) {
        for (Severity s : values()) {
            if (s.wireName().equalsIgnoreCase(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown severity '" + text + "' (expected critical, warning or info)");
    }
}
