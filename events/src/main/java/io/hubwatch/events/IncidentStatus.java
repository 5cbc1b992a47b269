package io.hubwatch.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** The state an incident message reports: the episode started firing, or it resolved. */
public enum IncidentStatus {
    FIRING, RESOLVED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static IncidentStatus parse(String text) {
        for (IncidentStatus s : values()) {
            if (s.wireName().equalsIgnoreCase(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown incident status '" + text + "' (expected firing or resolved)");
    }
}
