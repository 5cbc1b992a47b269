package io.hubwatch.jobs.jdbc;

import io.hubwatch.events.DeadLetter;
import io.hubwatch.jobs.jdbc.internal.DeadLetteringJdbcWriter;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Writes a stream of rows to PostgreSQL so that no row can put the job in a restart loop: rows the table would refuse
 * (checked first) and rows PostgreSQL does refuse for their data come out as {@link DeadLetter}s, to be sent to the
 * {@code dead-letter} topic; only a database that cannot be reached fails the job. At least once, written before
 * each checkpoint completes; use idempotent upserts.
 *
 * <pre>{@code
 * DataStream<DeadLetter> refused = JdbcRows.write(rows, table, JdbcSettings.of(url, user, password),
 *         Topics.METRICS, "stats-job/metric_minute", "series-rollups");
 * refused.union(otherDeadLetters).sinkTo(deadLetterSink);
 * }</pre>
 */
public final class JdbcRows {
    private JdbcRows() {}

    /**
     * @param uid a stable operator id (the writer buffers rows between checkpoints, so it is part of the job's graph)
     */
    public static <T> SingleOutputStreamOperator<DeadLetter> write(DataStream<T> rows, JdbcTable<T> table,
                                                                 JdbcSettings settings, String sourceTopic, String stage,
                                                                 String uid) {
        return rows.transform(table.name() + " to PostgreSQL", TypeInformation.of(DeadLetter.class),
                        new DeadLetteringJdbcWriter<>(table, settings, sourceTopic, stage))
                .uid(uid);
    }
}
