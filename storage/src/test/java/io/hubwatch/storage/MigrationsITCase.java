package io.hubwatch.storage;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** Against the real PostgreSQL on 127.0.0.1:5432, in a database of this test's own. */
class MigrationsITCase {
    private static final Database DB = Database.defaults().withDatabaseName("hubwatch_it_migrations");

    @BeforeAll
    static void freshDatabase() throws Exception {
        try (Connection c = Database.defaults().withDatabaseName("postgres").connect(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DB.databaseName() + " WITH (FORCE)");
        }
        DB.ensureDatabase();
    }

    @Test
    void everyMigrationIsAppliedOnceAndOnlyOnce() throws Exception {
        try (Connection c = DB.connect()) {
            assertThat(Migrations.apply(c)).containsExactlyElementsOf(
                    Migrations.available().stream().map(Migrations.Migration::version).toList());
            assertThat(Migrations.apply(c)).as("second run").isEmpty();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM schema_migrations")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(Migrations.available().size());
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT to_regclass('incidents') IS NOT NULL")) {
                rs.next();
                assertThat(rs.getBoolean(1)).isTrue();
            }
        }
    }
}
