package io.hubwatch.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

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

    /** The command line with Hubwatch's error handling: bad arguments print a one-line reason and usage, never a stack trace. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Hubwatch());
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
