package io.hubwatch.api.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.hubwatch.events.EventJson;
import io.hubwatch.events.Topics;
import io.hubwatch.rules.LabelMatcher;
import io.hubwatch.rules.Silence;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Silences in PostgreSQL, each change also published to {@code alert-silences}: key = id, value = the {@link Silence}
 * as JSON ({@code {"id":..,"matchers":["host=\"web-1\""],"startsAt":"2026-..Z","endsAt":..,"createdBy":..,"comment":..}});
 * expiring one publishes a tombstone. Published inside the transaction, committed after Kafka's acknowledgement.
 *
 * <pre>{@code
 * StoredSilence s = silences.create(new Silence("ignored", matchers, now, now.plus(Duration.ofHours(2)), "alice", "deploy"));
 * silences.expire(s.id());
 * }</pre>
 */
public final class SilenceStore {
    private static final String COLUMNS = "id, matchers::text, starts_at, ends_at, created_by, comment, created_at, expired_at";

    private final DataSource pool;
    private final ChangePublisher publisher;

    public SilenceStore(DataSource pool, ChangePublisher publisher) {
        this.pool = pool;
        this.publisher = publisher;
    }

    /** Stores a silence under a new id (the draft's id is ignored) and publishes it. */
    public StoredSilence create(Silence draft) throws SQLException, ChangePublisher.PublishException {
        Silence silence = new Silence("s-" + UUID.randomUUID(), draft.matchers(), draft.startsAt(), draft.endsAt(),
                draft.createdBy(), draft.comment());
        List<String> matchers = silence.matchers().stream().map(LabelMatcher::text).toList();
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO silences (id, matchers, starts_at, ends_at, "
                    + "created_by, comment) VALUES (?, CAST(? AS jsonb), ?, ?, ?, ?) RETURNING " + COLUMNS)) {
                ps.setString(1, silence.id());
                ps.setString(2, EventJson.toJson(matchers));
                ps.setTimestamp(3, Timestamp.from(silence.startsAt()));
                ps.setTimestamp(4, Timestamp.from(silence.endsAt()));
                ps.setString(5, silence.createdBy());
                ps.setString(6, silence.comment());
                StoredSilence stored;
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    stored = read(rs);
                }
                publisher.publish(Topics.ALERT_SILENCES, silence.id(), EventJson.toJson(silence));
                c.commit();
                return stored;
            } catch (SQLException | ChangePublisher.PublishException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** @param includeExpired also the expired ones (newest end first either way) */
    public List<StoredSilence> list(boolean includeExpired) throws SQLException {
        String where = includeExpired ? "" : " WHERE expired_at IS NULL AND ends_at > now()";
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM silences" + where
                     + " ORDER BY ends_at DESC, id");
             ResultSet rs = ps.executeQuery()) {
            List<StoredSilence> out = new ArrayList<>();
            while (rs.next()) {
                out.add(read(rs));
            }
            return out;
        }
    }

    public Optional<StoredSilence> get(String id) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM silences WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /**
     * Ends a silence now (kept in the table for the record) and publishes its tombstone. Expiring an expired silence
     * changes nothing.
     *
     * @return the silence after expiry; empty when there is no such id
     */
    public Optional<StoredSilence> expire(String id) throws SQLException, ChangePublisher.PublishException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("UPDATE silences SET expired_at = now(), "
                    + "ends_at = GREATEST(starts_at, LEAST(ends_at, now())) WHERE id = ? AND expired_at IS NULL "
                    + "RETURNING " + COLUMNS)) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        c.rollback();
                        return get(id);
                    }
                    StoredSilence stored = read(rs);
                    publisher.publish(Topics.ALERT_SILENCES, id, null);
                    c.commit();
                    return Optional.of(stored);
                }
            } catch (SQLException | ChangePublisher.PublishException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Publishes every silence not yet over, and tombstones for everything else still live on the topic. */
    public int republishAll() throws SQLException, ChangePublisher.PublishException {
        Set<String> stale = publisher.liveKeys(Topics.ALERT_SILENCES, Duration.ofSeconds(15));
        int n = 0;
        for (StoredSilence s : list(false)) {
            Silence silence = new Silence(s.id(), s.matchers().stream().map(LabelMatcher::parse).toList(),
                    s.startsAt(), s.endsAt(), s.createdBy(), s.comment());
            publisher.publish(Topics.ALERT_SILENCES, s.id(), EventJson.toJson(silence));
            stale.remove(s.id());
            n++;
        }
        for (String id : stale) {
            publisher.publish(Topics.ALERT_SILENCES, id, null);
            n++;
        }
        return n;
    }

    private static StoredSilence read(ResultSet rs) throws SQLException {
        List<String> matchers;
        try {
            matchers = EventJson.mapper().readValue(rs.getString(2), new TypeReference<List<String>>() {});
        } catch (JsonProcessingException e) {
            throw new SQLException("silence " + rs.getString(1) + " has unreadable matchers", e);
        }
        Timestamp expired = rs.getTimestamp(8);
        return new StoredSilence(rs.getString(1), matchers, rs.getTimestamp(3).toInstant(), rs.getTimestamp(4).toInstant(),
                rs.getString(5), rs.getString(6), rs.getTimestamp(7).toInstant(), expired == null ? null : expired.toInstant());
    }
}
