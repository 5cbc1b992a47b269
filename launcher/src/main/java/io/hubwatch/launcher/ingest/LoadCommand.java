package io.hubwatch.launcher.ingest;

import io.hubwatch.collector.load.ApiCallLoad;
import io.hubwatch.collector.load.LatencyDistribution;
import io.hubwatch.events.Durations;
import io.hubwatch.launcher.UpState;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code hubwatch load api-calls}: a realistic API-call workload against the ingest gateway.
 *
 * <pre>{@code
 * bin/hubwatch load api-calls --rate 500 --duration 3m --error-rate 7 --latency-ms lognormal:300:0.8
 * }</pre>
 */
@Command(name = "load", mixinStandardHelpOptions = true, description = "Generate load against Hubwatch.",
        subcommands = LoadCommand.ApiCalls.class)
public final class LoadCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "api-calls", mixinStandardHelpOptions = true,
            description = "Send API-call events (4 endpoints, 3 models, 200 users) to the ingest gateway at a fixed rate.")
    static final class ApiCalls implements Callable<Integer> {
        @Option(names = "--rate", defaultValue = "100", paramLabel = "N", description = "Events per second (default: ${DEFAULT-VALUE})")
        double rate;

        @Option(names = "--duration", defaultValue = "1m", paramLabel = "D", description = "How long, e.g. 30s, 3m (default: ${DEFAULT-VALUE})")
        Duration duration;

        @Option(names = "--error-rate", defaultValue = "1", paramLabel = "P", description = "Percent of calls failing with 5xx (default: ${DEFAULT-VALUE})")
        double errorRate;

        @Option(names = "--latency-ms", defaultValue = "lognormal:300:0.8", paramLabel = "DIST",
                description = "lognormal:MEDIAN:SIGMA, uniform:MIN:MAX, exp:MEAN, fixed:MS (default: ${DEFAULT-VALUE}); "
                        + "scaled per endpoint (chat 1x, embeddings 0.2x, images 4x, models 0.05x)")
        String latency;

        @Option(names = "--gateway", paramLabel = "URL", description = "Gateway base URL (default: the running 'up')")
        URI gateway;

        @Option(names = "--key", paramLabel = "KEY", description = "Ingest key (default: .hubwatch/ingest-key)")
        String key;

        @Option(names = "--batch", defaultValue = "0", paramLabel = "N", description = "Events per request (default: rate/10, 10..500)")
        int batch;

        @Option(names = "--concurrency", defaultValue = "32", paramLabel = "N", description = "Requests in flight at most (default: ${DEFAULT-VALUE})")
        int concurrency;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            ApiCallLoad.Spec load;
            try {
                URI target = gateway != null ? gateway : UpState.running().map(s -> s.endpoints().get("ingest"))
                        .map(URI::create).orElseThrow(() -> new IllegalArgumentException(
                                "no --gateway given and no running 'hubwatch up' with an ingest gateway found"));
                String ingestKey = key != null ? key : IngestKeys.read(IngestKeys.file());
                int batchSize = batch > 0 ? batch : (int) Math.max(10, Math.min(500, rate / 10));
                load = new ApiCallLoad.Spec(target, ingestKey, rate, duration, errorRate, LatencyDistribution.parse(latency),
                        batchSize, concurrency);
            } catch (IllegalArgumentException | IOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("hubwatch load: %.0f API calls/s for %s to %s, %.1f%% server errors, latency %s, batches of %d%n",
                    load.ratePerSecond(), Durations.format(load.duration()), load.gateway(), load.errorRate(),
                    load.latency(), load.batchSize());
            out.flush();
            ApiCallLoad.Result r = ApiCallLoad.run(load, out);
            out.printf("hubwatch load: done in %.1fs: %d events due, %d accepted (%.0f/s), %d rejected, %d rate-limited, "
                            + "%d failed, %d not sent (behind)%n", r.elapsed().toMillis() / 1000.0, r.generated(), r.accepted(),
                    r.acceptedPerSecond(), r.rejected(), r.rateLimited(), r.failed(), r.behind());
            out.flush();
            return r.accepted() > 0 && r.failed() == 0 ? 0 : 1;
        }
    }
}
