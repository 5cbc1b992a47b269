package io.hubwatch.launcher.notify;

import io.hubwatch.notify.TestSend;
import io.hubwatch.notify.config.NotifierConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code hubwatch notify}: notification tools. {@code notify test} sends a test message through named receivers of a
 * routing file, directly (no Kafka needed), and prints per receiver {@code delivered} or the error.
 *
 * <pre>{@code
 * bin/hubwatch notify test --config alertmanager.yml --channel ops-webhook --channel team-email
 * }</pre>
 */
@Command(name = "notify", mixinStandardHelpOptions = true, description = "Notification tools.",
        subcommands = NotifyCommand.Test.class)
public final class NotifyCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code hubwatch notify test}. */
    @Command(name = "test", mixinStandardHelpOptions = true,
            description = "Send a test notification through the named receivers; exit 0 only if all were delivered.")
    public static final class Test implements Callable<Integer> {

        @Option(names = "--config", required = true, paramLabel = "FILE", description = "Routing file (Alertmanager format)")
        Path config;

        @Option(names = "--channel", required = true, paramLabel = "NAME", description = "Receiver name (repeatable)")
        List<String> channels;

        @Option(names = "--message", paramLabel = "TEXT", defaultValue = "Test notification from Hubwatch",
                description = "Text of the test alert (default: ${DEFAULT-VALUE})")
        String message;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            NotifierConfig cfg = RoutingFile.load(spec.commandLine(), config);
            Map<String, String> result;
            try (TestSend send = TestSend.standalone(cfg)) {
                result = send.send(message, channels);
            }
            PrintWriter out = spec.commandLine().getOut();
            result.forEach((name, outcome) -> out.println(name + ": " + outcome));
            out.flush();
            return result.values().stream().allMatch(TestSend.DELIVERED::equals) ? 0 : 1;
        }
    }
}
