package io.hubwatch.jobs.alerting;

/**
 * One record of the compacted {@code alert-silences} topic: a silence id and the silence as JSON, or null when it was
 * deleted. A POJO for Flink's POJO serializer.
 */
public class SilenceChange {
    public String id;
    public String json;

    public SilenceChange() {}

    public SilenceChange(String id, String json) {
        this.id = id;
        this.json = json;
    }

    public static SilenceChange upsert(io.hubwatch.rules.Silence silence) {
        return new SilenceChange(silence.id(), io.hubwatch.events.EventJson.toJson(silence));
    }

    public static SilenceChange delete(String id) {
        return new SilenceChange(id, null);
    }
}
