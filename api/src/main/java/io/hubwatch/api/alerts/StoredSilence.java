package io.hubwatch.api.alerts;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A silence as stored. {@code expiredAt} is set when someone expired it before its end.
 *
 * @param matchers matcher texts such as {@code host="web-1"}
 */
public record StoredSilence(String id, List<String> matchers, Instant startsAt, Instant endsAt, String createdBy,
                            String comment, Instant createdAt, Instant expiredAt) {

    /** {@code pending} (not started), {@code active} or {@code expired}. */
    public String status(Instant now) {
        if (expiredAt != null || !now.isBefore(endsAt)) {
            return "expired";
        }
        return now.isBefore(startsAt) ? "pending" : "active";
    }

    public Map<String, Object> toJson(Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("matchers", matchers);
        m.put("startsAt", startsAt.toString());
        m.put("endsAt", endsAt.toString());
        m.put("createdBy", createdBy);
        m.put("comment", comment);
        m.put("createdAt", createdAt.toString());
        m.put("expiredAt", expiredAt == null ? null : expiredAt.toString());
        m.put("status", status(now));
        return m;
    }
}
