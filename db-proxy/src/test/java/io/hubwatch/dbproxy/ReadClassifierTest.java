package io.hubwatch.dbproxy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class ReadClassifierTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT * FROM users WHERE id = $1",
            "  select 1",
            "-- a comment\\nSELECT count(*) FROM usage_records",
            "WITH recent AS (SELECT * FROM sessions) SELECT count(*) FROM recent",
            "SHOW server_version",
            "VALUES (1), (2)",
            "SELECT 'insert into x' AS text_that_looks_like_a_write",
            "SELECT 1; SELECT 2",
            "EXPLAIN SELECT 1"})
    void readsMayGoToAReplica(String sql) {
        assertThat(ReadClassifier.isRead(sql.replace("\\n", "\n"))).isTrue();
        assertThat(ReadClassifier.mayWrite(sql.replace("\\n", "\n"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "INSERT INTO t VALUES (1)",
            "UPDATE t SET v = 1",
            "DELETE FROM t",
            "SELECT * FROM t WHERE id = 1 FOR UPDATE",
            "SELECT * FROM t FOR NO KEY UPDATE",
            "SELECT * FROM t FOR SHARE",
            "SELECT * INTO t2 FROM t",
            "WITH gone AS (DELETE FROM t RETURNING *) SELECT * FROM gone",
            "SELECT nextval('s')",
            "SELECT pg_advisory_lock(1)",
            "SELECT pg_current_wal_lsn()",
            "SELECT 1; INSERT INTO t VALUES (1)",
            "EXPLAIN ANALYZE DELETE FROM t",
            "CREATE TABLE t (i int)",
            "CALL do_something()"})
    void writesGoToThePrimary(String sql) {
        assertThat(ReadClassifier.isRead(sql)).isFalse();
        assertThat(ReadClassifier.mayWrite(sql)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/* hubwatch:primary */ SELECT 1", "SELECT 1 -- hubwatch:primary"})
    void theHintForcesThePrimaryButIsNoWrite(String sql) {
        assertThat(ReadClassifier.isRead(sql)).isFalse();
        assertThat(ReadClassifier.mayWrite(sql)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"BEGIN", "SET application_name = 'x'", "COMMIT", "RESET ALL"})
    void sessionAndTransactionControlAreNeitherReadsNorWrites(String sql) {
        assertThat(ReadClassifier.isRead(sql)).isFalse();
        assertThat(ReadClassifier.mayWrite(sql)).isFalse();
    }
}
