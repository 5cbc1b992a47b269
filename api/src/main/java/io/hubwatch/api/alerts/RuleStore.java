package io.hubwatch.api.alerts;

import io.hubwatch.events.Topics;
import io.hubwatch.rules.Rule;
import io.hubwatch.rules.RuleFileException;
import io.hubwatch.rules.RuleFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Alert rules in PostgreSQL (the source of truth), each change also published to {@code alert-rules} (key = id, value =
 * the rule-file JSON, tombstone on delete). A change is published inside its database transaction and committed only
 * after Kafka acknowledged it, so a confirmed change is in both; {@link #republishAll()} on start repairs the rare
 * case of a publish whose commit then failed. All SQL is parameterized.
 *
 * <pre>{@code
 * RuleStore rules = new RuleStore(pool, publisher);
 * rules.create(rule);                  // AlreadyExistsException on a duplicate id
 * rules.delete("high_cpu_usage");      // false when there was none
 * }</pre>
 */
public final class RuleStore {
    private static final Logger LOG = LoggerFactory.getLogger(RuleStore.class);
    static final String DEFAULTS_LOADED = "default_rules_loaded";

    private final DataSource pool;
    private final ChangePublisher publisher;

    /** A rule with this id exists already. */
    public static final class AlreadyExistsException extends Exception {
        public AlreadyExistsException(String id) {
            super("a rule with id '" + id + "' exists already");
        }
    }

    /** The outcome of a put: the stored rule, and whether it was new. */
    public record PutResult(StoredRule stored, boolean created) {}

    public RuleStore(DataSource pool, ChangePublisher publisher) {
        this.pool = pool;
        this.publisher = publisher;
    }

    public List<StoredRule> list() throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT id, definition::text, version, created_at, updated_at FROM rules ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            List<StoredRule> out = new ArrayList<>();
            while (rs.next()) {
                read(rs).ifPresent(out::add);
            }
            return out;
        }
    }

    public Optional<StoredRule> get(String id) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT id, definition::text, version, created_at, updated_at FROM rules WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read(rs) : Optional.empty();
            }
        }
    }

    public StoredRule create(Rule rule) throws SQLException, AlreadyExistsException, ChangePublisher.PublishException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO rules (id, definition) VALUES (?, CAST(? AS jsonb)) ON CONFLICT (id) DO NOTHING "
                            + "RETURNING id, definition::text, version, created_at, updated_at")) {
                ps.setString(1, rule.id());
                ps.setString(2, RuleFiles.toJson(rule));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        c.rollback();
                        throw new AlreadyExistsException(rule.id());
                    }
                    StoredRule stored = new StoredRule(rule, rs.getInt(3), rs.getTimestamp(4).toInstant(), rs.getTimestamp(5).toInstant());
                    publisher.publish(Topics.ALERT_RULES, rule.id(), RuleFiles.toJson(rule));
                    c.commit();
                    return stored;
                }
            } catch (SQLException | ChangePublisher.PublishException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Creates or replaces the rule with this id. */
    public PutResult put(Rule rule) throws SQLException, ChangePublisher.PublishException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            // the row lock taken by the upsert keeps publish order = commit order for concurrent changes of one rule
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO rules (id, definition) VALUES (?, CAST(? AS jsonb)) ON CONFLICT (id) DO UPDATE "
                            + "SET definition = EXCLUDED.definition, version = rules.version + 1, updated_at = now() "
                            + "RETURNING version, created_at, updated_at")) {
                ps.setString(1, rule.id());
                ps.setString(2, RuleFiles.toJson(rule));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    StoredRule stored = new StoredRule(rule, rs.getInt(1), rs.getTimestamp(2).toInstant(), rs.getTimestamp(3).toInstant());
                    publisher.publish(Topics.ALERT_RULES, rule.id(), RuleFiles.toJson(rule));
                    c.commit();
                    return new PutResult(stored, stored.version() == 1);
                }
            } catch (SQLException | ChangePublisher.PublishException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Deletes the rule and publishes its tombstone; false when there was no such rule. */
    public boolean delete(String id) throws SQLException, ChangePublisher.PublishException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM rules WHERE id = ?")) {
                ps.setString(1, id);
                if (ps.executeUpdate() == 0) {
                    c.rollback();
                    return false;
                }
                publisher.publish(Topics.ALERT_RULES, id, null);
                c.commit();
                return true;
            } catch (SQLException | ChangePublisher.PublishException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Inserts these rules unless defaults were loaded into this database before (recorded in {@code settings}), so a
     * default the operator deleted stays deleted. Rules whose id exists are left alone. Not published here:
     * {@link #republishAll()} follows on start.
     *
     * @return how many rules were inserted (0 on every start after the first)
     */
    public int loadDefaultsOnce(List<Rule> defaults) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement mark = c.prepareStatement(
                    "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING");
                 PreparedStatement insert = c.prepareStatement(
                         "INSERT INTO rules (id, definition) VALUES (?, CAST(? AS jsonb)) ON CONFLICT (id) DO NOTHING")) {
                mark.setString(1, DEFAULTS_LOADED);
                mark.setString(2, java.time.Instant.now().toString());
                if (mark.executeUpdate() == 0) {
                    c.rollback();
                    return 0;
                }
                int inserted = 0;
                for (Rule r : defaults) {
                    insert.setString(1, r.id());
                    insert.setString(2, RuleFiles.toJson(r));
                    inserted += insert.executeUpdate();
                }
                c.commit();
                return inserted;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Publishes every stored rule, and a tombstone for every id still live on the topic but not stored, so a fresh or
     * diverged topic converges to the database.
     *
     * @return the number of records published
     */
    public int republishAll() throws SQLException, ChangePublisher.PublishException {
        List<StoredRule> rules = list();
        Set<String> stale = publisher.liveKeys(Topics.ALERT_RULES, Duration.ofSeconds(15));
        int n = 0;
        for (StoredRule r : rules) {
            publisher.publish(Topics.ALERT_RULES, r.rule().id(), RuleFiles.toJson(r.rule()));
            stale.remove(r.rule().id());
            n++;
        }
        for (String id : stale) {
            publisher.publish(Topics.ALERT_RULES, id, null);
            n++;
        }
        return n;
    }

    private static Optional<StoredRule> read(ResultSet rs) throws SQLException {
        String id = rs.getString(1);
        try {
            Rule rule = RuleFiles.parseRule(rs.getString(2), "rules table, id '" + id + "'");
            return Optional.of(new StoredRule(rule, rs.getInt(3), rs.getTimestamp(4).toInstant(), rs.getTimestamp(5).toInstant()));
        } catch (RuleFileException e) {
            LOG.warn("stored rule '{}' is no longer valid and is skipped: {}", id, e.getMessage());
            return Optional.empty();
        }
    }
}
