package io.hubwatch.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** What raised an incident: a threshold rule or the anomaly detector. */
public enum IncidentKind {
    THRESHOLD, ANOMALY;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static IncidentKind parse(String text) {
        for (IncidentKind k : values()) {
            if (k.wireName().equalsIgnoreCase(text)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown incident kind '" + text + "' (expected threshold or anomaly)");
    }
}
