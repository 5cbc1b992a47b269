package io.hubwatch.jobs.alerting;

import io.hubwatch.rules.RuleFiles;
import io.hubwatch.rules.RuleSet;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The alert job in a JVM of its own, so that a test can kill it with SIGKILL. Prints {@code RUNNING} once the job runs.
 *
 * <pre>
 * java -cp ... AlertJobProcess BOOTSTRAP METRICS INCIDENTS DEAD_LETTERS GROUP CHECKPOINT_DIR RULE_YAML [RESTORE_PATH]
 * </pre>
 */
public final class AlertJobProcess {
    private AlertJobProcess() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        Configuration conf = new Configuration();
        conf.setString("restart-strategy.type", "none");
        conf.setString("execution.checkpointing.storage", "filesystem");
        conf.setString("execution.checkpointing.dir", Path.of(args[5]).toUri().toString());
        conf.setString("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        if (args.length > 7) {
            conf.setString("execution.state-recovery.path", Path.of(args[7]).toUri().toString());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        AlertJobConfig config = AlertJobConfig.defaults(bootstrap) // the defaults' checkpoint interval: what up runs
                .withTopics(args[1], args[2], args[3])
                .withControlTopics("alert-rules-" + args[1], "alert-silences-" + args[1])
                .withGroup(args[4], "tx-" + args[4]);
        RuleSet rules = RuleFiles.parse("rules: [" + args[6] + "]", "test");
        AlertJob.wire(env, config, rules);
        JobClient job = env.executeAsync(AlertJob.NAME);
        while (job.getJobStatus().get(10, TimeUnit.SECONDS) != JobStatus.RUNNING) {
            Thread.sleep(100);
        }
        System.out.println("RUNNING");
        System.out.flush();
        job.getJobExecutionResult().get();
    }
}
