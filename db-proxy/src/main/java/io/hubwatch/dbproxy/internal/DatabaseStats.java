package io.hubwatch.dbproxy.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/** One reading of the primary's statistics for the configured database. */
record DatabaseStats(String database, long commits, long rollbacks, long blocksHit, long blocksRead, long deadTuples,
                     long sizeBytes, Map<String, Long> connectionsByState) {

    static DatabaseStats read(Connection c, String database) throws SQLException {
        Map<String, Long> states = new LinkedHashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(state, 'unknown'), count(*) FROM pg_stat_activity "
                     + "WHERE datname = current_database() AND backend_type = 'client backend' GROUP BY 1")) {
            while (rs.next()) {
                states.put(rs.getString(1), rs.getLong(2));
            }
        }
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT xact_commit, xact_rollback, blks_hit, blks_read, "
                     + "(SELECT coalesce(sum(n_dead_tup), 0) FROM pg_stat_user_tables), pg_database_size(datname) "
                     + "FROM pg_stat_database WHERE datname = current_database()")) {
            rs.next();
            return new DatabaseStats(database, rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                    rs.getLong(6), states);
        }
    }

    double cacheHitRatio() {
        long total = blocksHit + blocksRead;
        return total == 0 ? 1.0 : (double) blocksHit / total;
    }
}
