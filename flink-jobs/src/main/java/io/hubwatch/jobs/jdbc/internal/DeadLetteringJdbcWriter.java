package io.hubwatch.jobs.jdbc.internal;

import io.hubwatch.events.DeadLetter;
import io.hubwatch.jobs.jdbc.JdbcSettings;
import io.hubwatch.jobs.jdbc.JdbcTable;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes rows to PostgreSQL in batches and emits, as its output, a {@link DeadLetter} for every row the database
 * cannot take, so that a bad row can never fail the job and make it replay the same row forever.
 *
 * <ul>
 *   <li>Rows that fail {@link JdbcTable#check()} are dead-lettered without a round trip.</li>
 *   <li>A batch is written in one transaction. When PostgreSQL refuses it for its data (SQLState classes 22 data
 *       exception, 23 integrity constraint, 54 program limit such as an over-long index entry), it is rolled back and
 *       written row by row; each row it still refuses becomes a dead letter with the SQLState and message.</li>
 *   <li>Any other failure (connection lost, database shutting down, a missing table) is retried
 *       {@link JdbcSettings#maxRetries()} times on a new connection, then fails the task; the job's bounded restart
 *       strategy decides what follows, and health reports it.</li>
 *   <li>Buffered rows are written before each checkpoint barrier goes on ({@link #prepareSnapshotPreBarrier}) and at
 *       the end of input: at least once, which the idempotent upserts turn into exactly-once rows.</li>
 * </ul>
 */
public final class DeadLetteringJdbcWriter<T> extends AbstractStreamOperator<DeadLetter>
        implements OneInputStreamOperator<T, DeadLetter> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetteringJdbcWriter.class);
    private static final int MAX_PAYLOAD_CHARS = 10_000;

    private final JdbcTable<T> table;
    private final JdbcSettings settings;
    private final String sourceTopic;
    private final String stage;

    private transient List<T> buffer;
    private transient Connection connection;
    private transient boolean timerSet;
    private transient Counter written;
    private transient Counter refused;

    /**
     * @param sourceTopic the topic the rows were computed from, for the dead letters
     * @param stage       names the refusing stage in dead letters, e.g. {@code stats-job/metric_minute}
     */
    public DeadLetteringJdbcWriter(JdbcTable<T> table, JdbcSettings settings, String sourceTopic, String stage) {
        this.table = table;
        this.settings = settings;
        this.sourceTopic = sourceTopic;
        this.stage = stage;
    }

    @Override
    public void open() throws Exception {
        super.open();
        buffer = new ArrayList<>();
        written = getMetricGroup().counter("rowsWritten");
        refused = getMetricGroup().counter("rowsDeadLettered");
    }

    @Override
    public void processElement(StreamRecord<T> element) throws Exception {
        T row = element.getValue();
        List<String> problems;
        try {
            problems = table.check().apply(row);
        } catch (RuntimeException e) {
            problems = List.of("the row could not be checked: " + e);
        }
        if (!problems.isEmpty()) {
            deadLetter(row, String.join("; ", problems));
            return;
        }
        buffer.add(row);
        if (buffer.size() >= settings.batchSize()) {
            flush();
        } else if (!timerSet) {
            timerSet = true;
            long at = getProcessingTimeService().getCurrentProcessingTime() + settings.flushInterval().toMillis();
            getProcessingTimeService().registerTimer(at, time -> {
                timerSet = false;
                flush();
            });
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        closeConnection();
        super.close();
    }

    private void flush() throws Exception {
        if (buffer == null || buffer.isEmpty()) {
            return;
        }
        List<T> rows = new ArrayList<>(buffer);
        buffer.clear();
        for (int attempt = 0; ; attempt++) {
            try {
                writeBatch(rows);
                written.inc(rows.size());
                return;
            } catch (SQLException e) {
                rollbackQuietly();
                if (isRowProblem(e)) {
                    writeOneByOne(rows);
                    return;
                }
                closeConnection();
                if (attempt >= settings.maxRetries()) {
                    throw new SQLException("writing " + rows.size() + " rows to " + table.name() + " failed "
                            + (attempt + 1) + " times: " + e.getMessage(), e.getSQLState(), e);
                }
                LOG.warn("writing {} rows to {} failed (SQLState {}), retrying: {}", rows.size(), table.name(),
                        e.getSQLState(), e.getMessage());
                Thread.sleep(Math.min(5_000, 200L << attempt));
            }
        }
    }

    private void writeBatch(List<T> rows) throws SQLException {
        Connection c = connection();
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement(table.sql())) {
            for (T row : rows) {
                table.binder().accept(ps, row);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        c.commit();
    }

    /** Row by row, each in its own transaction: the rows PostgreSQL refuses become dead letters, the others are kept. */
    private void writeOneByOne(List<T> rows) throws Exception {
        Connection c = connection();
        c.setAutoCommit(true);
        for (T row : rows) {
            try (PreparedStatement ps = c.prepareStatement(table.sql())) {
                table.binder().accept(ps, row);
                ps.executeUpdate();
                written.inc();
            } catch (SQLException e) {
                if (!isRowProblem(e)) {
                    closeConnection();
                    throw e;
                }
                deadLetter(row, "PostgreSQL refused the row for table " + table.name() + " (SQLState " + e.getSQLState()
                        + "): " + firstLine(e.getMessage()));
            }
        }
    }

    /** Data exception (22), integrity constraint (23), program limit such as an index entry too large (54). */
    static boolean isRowProblem(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"));
    }

    private void deadLetter(T row, String reason) {
        refused.inc();
        String payload;
        try {
            payload = table.describe().apply(row);
        } catch (RuntimeException e) {
            payload = String.valueOf(row);
        }
        if (payload.length() > MAX_PAYLOAD_CHARS) {
            payload = payload.substring(0, MAX_PAYLOAD_CHARS) + "…(truncated)";
        }
        output.collect(new StreamRecord<>(new DeadLetter(sourceTopic, stage, reason, payload, Instant.now())));
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
        }
        return connection;
    }

    private void rollbackQuietly() {
        try {
            if (connection != null && !connection.isClosed() && !connection.getAutoCommit()) {
                connection.rollback();
            }
        } catch (SQLException e) {
            closeConnection();
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // the connection is gone either way
            }
            connection = null;
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
