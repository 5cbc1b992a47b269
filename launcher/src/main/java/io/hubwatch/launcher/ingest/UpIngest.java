package io.hubwatch.launcher.ingest;

import io.hubwatch.collector.ingest.IngestConfig;
import io.hubwatch.collector.ingest.IngestGateway;
import io.hubwatch.jobs.stats.BusinessStatsJob;
import io.hubwatch.jobs.stats.StatsJobConfig;
import io.hubwatch.launcher.UpState;
import io.hubwatch.storage.Database;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What {@code up} runs for issue 6: the ingest gateway (key in {@code .hubwatch/ingest-key}, port from
 * {@code HUBWATCH_INGEST_PORT} or any free one) and the business statistics job on its own local MiniCluster, writing
 * rollups to PostgreSQL when {@code db} is given.
 *
 * <pre>{@code
 * UpIngest ingest = UpIngest.start(bootstrap, Database.defaults(), out);
 * endpoints.put("ingest", ingest.url());
 * }</pre>
 */
public final class UpIngest implements AutoCloseable {
    private final IngestGateway gateway;
    private final JobClient statsJob;

    private UpIngest(IngestGateway gateway, JobClient statsJob) {
        this.gateway = gateway;
        this.statsJob = statsJob;
    }

    public static UpIngest start(String bootstrap, Database db, PrintWriter out) throws Exception {
        String key = IngestKeys.loadOrCreate(IngestKeys.file());
        int port = Integer.parseInt(System.getenv().getOrDefault("HUBWATCH_INGEST_PORT", "0"));
        String beaconKey = IngestKeys.loadOrCreate(IngestKeys.beaconFile());
        IngestGateway gateway = IngestGateway.start(IngestConfig.of(bootstrap, Map.of(key, "local"))
                .withBeaconKeys(Map.of(beaconKey, "local pages")).withAddress("127.0.0.1", port));
        try {
            out.println("starting the business statistics job" + (db == null ? " (no PostgreSQL: no rollups)" : "") + "...");
            out.flush();
            StatsJobConfig config = StatsJobConfig.defaults(bootstrap);
            if (db != null) {
                config = config.withDatabase(db.jdbcUrl(), db.user(), db.password());
                BusinessStatsJob.prepareDatabase(config);
            }
            Configuration conf = new Configuration();
            conf.setString("execution.checkpointing.storage", "filesystem");
            conf.setString("execution.checkpointing.dir",
                    UpState.home().resolve(".hubwatch").resolve("checkpoints").toUri().toString());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
            BusinessStatsJob.wire(env, config);
            JobClient job = env.executeAsync(BusinessStatsJob.NAME);
            awaitRunning(job);
            return new UpIngest(gateway, job);
        } catch (Exception e) {
            gateway.close();
            throw e;
        }
    }

    private static void awaitRunning(JobClient job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
            if (status == JobStatus.RUNNING) {
                return;
            }
            if (status.isGloballyTerminalState()) {
                throw new IllegalStateException("the statistics job stopped while starting: " + status);
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the statistics job did not start within 60 s");
    }

    /** The statistics job's status for the health endpoint, e.g. {@code RUNNING}. */
    public String statsJobStatus() {
        try {
            return statsJob.getJobStatus().get(2, TimeUnit.SECONDS).name();
        } catch (Exception e) {
            return "unknown (" + e.getClass().getSimpleName() + ")";
        }
    }

    /** The gateway's base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return gateway.address().toString();
    }

    @Override
    public void close() throws Exception {
        try {
            gateway.close();
        } finally {
            statsJob.cancel().get(20, TimeUnit.SECONDS);
        }
    }
}
