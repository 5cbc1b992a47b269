package io.hubwatch.storage;

import org.flywaydb.core.api.MigrationVersion;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.List;

/**
 * The monitored AI API hub's own tables ({@code users}, {@code api_keys}, {@code sessions}, {@code usage_records},
 * {@code performance_metrics}) and, as a separate migration built {@code CONCURRENTLY} (so it runs outside a
 * transaction and does not block writers), their five indexes. Kept apart from Hubwatch's schema ({@code db/hub}, its
 * own history table {@code hub_schema_history}) so that the database demo can load the tables without the indexes
 * and let the index advisor find them.
 *
 * <pre>{@code
 * HubSchema.apply(dataSource);          // tables and indexes
 * HubSchema.applyTablesOnly(dataSource); // the demo: tables only; apply() later adds the indexes
 * }</pre>
 */
public final class HubSchema {
    static final String LOCATION = "classpath:db/hub";
    static final String TABLE = "hub_schema_history";
    /** The last migration with tables only; the index migration follows it. */
    static final String TABLES_VERSION = "30";

    private HubSchema() {}

    public static List<Integer> apply(DataSource dataSource) throws SQLException {
        return Migrations.versions(Migrations.migrate(Migrations.flyway(dataSource, LOCATION, TABLE).load()));
    }

    public static List<Integer> applyTablesOnly(DataSource dataSource) throws SQLException {
        return Migrations.versions(Migrations.migrate(Migrations.flyway(dataSource, LOCATION, TABLE)
                .target(MigrationVersion.fromVersion(TABLES_VERSION)).load()));
    }
}
