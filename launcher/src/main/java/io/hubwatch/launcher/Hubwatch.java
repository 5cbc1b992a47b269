package io.hubwatch.launcher;

import io.hubwatch.events.Durations;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.time.Duration;

/**
 * {@code bin/hubwatch}: the one launcher. Each subcommand is a small class in this module; the logic it runs lives in
 * the feature modules.
 *
 * <pre>{@code
 * bin/hubwatch up --rules my-rules.yaml
 * bin/hubwatch incidents --max 1 --timeout 90s
 * bin/hubwatch rules check my-rules.yaml
 * }</pre>
 */
@Command(name = "hubwatch", mixinStandardHelpOptions = true, version = "hubwatch 0.1.0",
        description = "Monitoring and optimization for AI API hubs.",
        subcommands = {
                // one line per subcommand; keep the list sorted by name
                io.hubwatch.launcher.advise.AdviseCommand.class,
                io.hubwatch.launcher.agent.AgentCommand.class,
                io.hubwatch.launcher.api.ApiCommand.class,
                io.hubwatch.launcher.backtest.BacktestCommand.class,
                io.hubwatch.launcher.cluster.ClusterCommand.class,
                io.hubwatch.launcher.db.DbCommand.class,
                io.hubwatch.launcher.db.DbProxyCommand.class,
                IncidentsCommand.class,
                io.hubwatch.launcher.ingest.IngestCommand.class,
                io.hubwatch.launcher.ingest.LoadCommand.class,
                io.hubwatch.launcher.loadtest.LoadtestCommand.class,
                io.hubwatch.launcher.notify.NotifierCommand.class,
                io.hubwatch.launcher.notify.NotifyCommand.class,
                io.hubwatch.launcher.proxy.ProxyCommand.class,
                RulesCommand.class,
                io.hubwatch.launcher.alerts.SilenceCommand.class,
                UpCommand.class,
        })
public final class Hubwatch implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * {@code 10s}, {@code 1m30s}, {@code 500ms}: picocli prints the reason of a bad one after the option's name, e.g.
     * {@code Invalid value for option '--interval': '10x' is not a duration ...}.
     */
    static Duration duration(String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    /** The command line with Hubwatch's error handling: bad arguments print a one-line reason and usage, never a stack trace. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Hubwatch());
        // every duration option, in every subcommand, in the grammar of every other duration (Durations); picocli's
        // own converter would read ISO-8601 (PT10S) here and 10s nowhere
        cli.registerConverter(Duration.class, Hubwatch::duration);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("hubwatch: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return 1;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
