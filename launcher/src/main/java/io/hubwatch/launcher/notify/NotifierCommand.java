package io.hubwatch.launcher.notify;

import io.hubwatch.notify.Notifier;
import io.hubwatch.notify.config.NotifierConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code hubwatch notifier}: runs the notifier alone, for a cluster: consumes incidents, routes, groups and delivers
 * as the Alertmanager-format routing file says, until Ctrl-C or SIGTERM.
 *
 * <pre>{@code
 * bin/hubwatch notifier --config alertmanager.yml --kafka kafka-1:9092,kafka-2:9092
 * }</pre>
 */
@Command(name = "notifier", mixinStandardHelpOptions = true,
        description = "Run the notifier: incidents from Kafka to email, Slack and webhooks (Alertmanager-format routing file).")
public final class NotifierCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "Routing file (Alertmanager format)")
    Path config;

    @Option(names = "--kafka", required = true, paramLabel = "BOOTSTRAP", description = "Kafka bootstrap servers")
    String kafka;

    @Option(names = "--metrics-port", paramLabel = "PORT", description = "Port for /metrics (default: hubwatch.http.port of the file, else a free port)")
    Integer metricsPort;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        NotifierConfig cfg = RoutingFile.load(spec.commandLine(), config);
        if (metricsPort != null) {
            if (metricsPort < 0 || metricsPort > 65535) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--metrics-port must be 0-65535, was " + metricsPort);
            }
            cfg = cfg.withHttp(cfg.httpHost(), metricsPort);
        }
        Notifier notifier = Notifier.start(cfg, kafka);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("notifier running: %d receivers, consuming %s as group %s; metrics at http://%s:%d/metrics (Ctrl-C to stop)%n",
                cfg.receivers().size(), cfg.incidentsTopic(), cfg.groupId(), notifier.httpAddress().getHostString(),
                notifier.httpAddress().getPort());
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // undelivered incidents stay uncommitted and are sent by the next notifier of the group
            notifier.close();
            stopped.countDown();
        }, "notifier-stop"));
        stopped.await();
        return 0;
    }
}
