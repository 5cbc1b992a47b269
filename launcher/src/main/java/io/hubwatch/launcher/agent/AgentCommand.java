package io.hubwatch.launcher.agent;

import io.hubwatch.collector.host.AgentStats;
import io.hubwatch.collector.host.HostAgent;
import io.hubwatch.collector.host.HostAgentConfig;
import io.hubwatch.events.Durations;
import io.hubwatch.launcher.StopSignals;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code hubwatch agent}: runs the host agent in the foreground until SIGTERM or Ctrl-C, then flushes and exits 0.
 *
 * <pre>{@code
 * bin/hubwatch agent --kafka localhost:9092 --interval 5s --http-port 9464
 * curl -s localhost:9464/health
 * bin/hubwatch agent --kafka kafka:9092 --http-host 0.0.0.0 --http-port 9464 --source "$NODE_NAME"   # in a pod
 * }</pre>
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Publish this machine's CPU, memory, disk, network, load and process metrics to Kafka until stopped.")
public final class AgentCommand implements Callable<Integer> {

    @Option(names = "--kafka", required = true, paramLabel = "BOOTSTRAP",
            description = "Kafka bootstrap servers, host:port[,host:port...]")
    String kafka;

    @Option(names = "--interval", defaultValue = "10s", paramLabel = "DURATION",
            description = "How often to sample, at least 1s (default: ${DEFAULT-VALUE}); e.g. 1s, 30s, 1m")
    Duration interval;

    @Option(names = "--source", paramLabel = "NAME",
            description = "Host name put in every event (default: this machine's name)")
    String source;

    @Option(names = "--http-port", defaultValue = "0", paramLabel = "N",
            description = "Port for /health and /metrics; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int httpPort;

    @Option(names = "--http-host", defaultValue = HostAgentConfig.DEFAULT_HTTP_HOST, paramLabel = "ADDRESS",
            description = "Address for /health and /metrics; 0.0.0.0 to let Prometheus or a kubelet reach it "
                    + "(default: ${DEFAULT-VALUE})")
    String httpHost;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        HostAgentConfig config;
        try {
            config = new HostAgentConfig(kafka, interval, source, httpHost, httpPort,
                    HostAgentConfig.DEFAULT_BUFFER_CAPACITY, null);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        StopSignals signals = StopSignals.install(HostAgent.CLOSE_TIMEOUT.plusSeconds(1));
        try (HostAgent agent = HostAgent.start(config)) {
            out.printf("hubwatch agent: sampling %s every %s, publishing to %s (topic %s)%n", config.source(),
                    Durations.format(config.interval()), config.bootstrapServers(), config.topic());
            out.printf("hubwatch agent: health at %s/health, metrics at %s/metrics; stop with Ctrl-C%n",
                    agent.httpAddress(), agent.httpAddress());
            out.flush();
            signals.awaitStop();
            out.println("hubwatch agent: stopping, delivering what is buffered...");
            out.flush();
            agent.close();
            AgentStats stats = agent.stats();
            out.printf("hubwatch agent: stopped; samples taken: %d, events published: %d, dropped: %d%s%n",
                    stats.samples(), stats.published(), stats.dropped(),
                    stats.lastError() == null ? "" : " (last problem: " + stats.lastError() + ")");
            out.flush();
        } finally {
            signals.finished();
        }
        return 0;
    }
}
