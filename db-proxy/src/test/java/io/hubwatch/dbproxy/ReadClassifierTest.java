package io.hubwatch.dbproxy;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Random;

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

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT $$insert into t$$",
            "SELECT $body$ DELETE FROM t; $body$ AS text",
            "SELECT '--' AS dashes",
            "SELECT E'it\\'s; delete' AS escaped",
            "SELECT 1;; SELECT 2",
            "SELECT \u00e9insert, stra\u00dfe FROM t",
            "SELECT * FROM t WHERE v = $1 AND w = $2"})
    void literalsTheFirstClassifierMisreadAreReads(String sql) {
        assertThat(ReadClassifier.isRead(sql)).as(sql).isTrue();
        assertThat(ReadClassifier.mayWrite(sql)).as(sql).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT '--'; DELETE FROM t",
            "SELECT '/*'; DELETE FROM t; SELECT '*/'",
            "SELECT $$'$$; DELETE FROM t; SELECT $$'$$",
            "SELECT E'\\''; DELETE FROM t; SELECT ''",
            "SELECT a$$b FROM t; DELETE FROM t; SELECT $$b",
            "SELECT * FROM t FOR /* why */ KEY -- not\n SHARE",
            "SELECT \"insert\" FROM t",
            "SELECT lo_import\u00e9(1)"})
    void writesWhereTheFirstClassifierLookedAwayGoToThePrimary(String sql) {
        assertThat(ReadClassifier.isRead(sql)).as(sql).isFalse();
        assertThat(ReadClassifier.mayWrite(sql)).as(sql).isTrue();
    }

    @Test
    void classifiesTheBytesOfAProtocolFrameInPlace() {
        byte[] frame = "Q\0\0\0\0SELECT 1 FOR SHARE\0".getBytes(StandardCharsets.UTF_8);
        assertThat(ReadClassifier.classify(Unpooled.wrappedBuffer(frame), 5, 13)).isEqualTo(ReadClassifier.READ);
        assertThat(ReadClassifier.classify(Unpooled.wrappedBuffer(frame), 5, frame.length - 1)).isEqualTo(ReadClassifier.MAY_WRITE);
    }

    /**
     * Random statements from the words that matter: the lexer agrees with the regular expressions it replaced. (ASCII
     * only: next to non-ASCII letters the lexer reads a write function's prefix where the expression saw none.)
     */
    @Test
    void agreesWithTheReferenceClassifier() {
        String[] tokens = {"select", "SELECT", "with", "values", "table", "show", "explain", "set", "begin", "commit",
                "reset", "insert", "update", "DELETE", "into", "for", "key", "no", "share", "FOR", "Share", "nextval(",
                "pg_advisory_lock(", "pg_advisory", "lo_", "lo_import", "dblink_exec", "hypopg_create_index", "analyze",
                "analyse", "merge", "x", "users", "\"insert\"", "'insert into'", "'it''s'", "';'", ";", "(", ")", "$1",
                "/* c */", "/* insert */", "-- c\n", "-- into", "\n", "\t", "1", "users_insert", "insert1", "_insert",
                "pg_stat_reset", "pg_stat_resets", "txid_current", "txid_current_snapshot", "hubwatch:primary",
                "set_config", "currval", "*", ",", "=", "end", "rollback", "savepoint", "E", "e'x'"};
        Random random = new Random(13);
        for (int n = 0; n < 50_000; n++) {
            StringBuilder sql = new StringBuilder();
            for (int k = 1 + random.nextInt(8); k > 0; k--) {
                sql.append(tokens[random.nextInt(tokens.length)]).append(random.nextInt(4) == 0 ? "" : " ");
            }
            String s = sql.toString();
            assertThat(ReadClassifier.isRead(s)).as("isRead(%s)", s).isEqualTo(ReadClassifierReference.isRead(s));
            assertThat(ReadClassifier.mayWrite(s)).as("mayWrite(%s)", s).isEqualTo(ReadClassifierReference.mayWrite(s));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SET search_path = elsewhere",
            "set statement_timeout = 1",
            "SET SESSION AUTHORIZATION other",
            "SET ROLE other",
            "SET TIME ZONE 'UTC'",
            "SET /* x */ LOCAL work_mem = '1MB'",
            "BEGIN; SET search_path = x; COMMIT",
            "INSERT INTO t VALUES (1); SET search_path = x",
            "RESET ALL",
            "DISCARD ALL",
            "DEALLOCATE ALL",
            "PREPARE p AS SELECT 1",
            "LISTEN channel",
            "LOAD 'auto_explain'",
            "DECLARE c CURSOR WITH HOLD FOR SELECT 1",
            "CREATE TEMP TABLE x (i int)",
            "create temporary table x (i int)",
            "CREATE GLOBAL TEMPORARY TABLE x (i int)",
            "CREATE OR REPLACE TEMP VIEW v AS SELECT 1",
            "SELECT * INTO TEMP x FROM t",
            "SELECT set_config('search_path', 'x', false)",
            "SELECT pg_advisory_lock(42)",
            "SELECT pg_try_advisory_lock_shared(1, 2)"})
    void statementsThatLeaveSessionStateAreMarked(String sql) {
        assertThat(ReadClassifier.classify(sql) & ReadClassifier.SESSION).as(sql).isEqualTo(ReadClassifier.SESSION);
        assertThat(ReadClassifier.isRead(sql)).as(sql).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT * FROM t WHERE id = $1",
            "SELECT temp FROM readings",
            "SET LOCAL statement_timeout = 1",
            "set transaction isolation level serializable",
            "BEGIN; SET LOCAL search_path = x; COMMIT",
            "UPDATE t SET v = 1",
            "INSERT INTO t (v) VALUES ('SET search_path = x')",
            "INSERT INTO t VALUES (1) ON CONFLICT (id) DO UPDATE SET v = 2",
            "SELECT pg_advisory_xact_lock(42)",
            "CREATE TABLE t2 (i int)",
            "DELETE FROM t; -- SET search_path = x",
            "COMMIT"})
    void statementsWhoseEffectsEndWithTheTransactionAreNotMarked(String sql) {
        assertThat(ReadClassifier.classify(sql) & ReadClassifier.SESSION).as(sql).isZero();
    }
}
