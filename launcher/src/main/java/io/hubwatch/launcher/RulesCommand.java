package io.hubwatch.launcher;

import io.hubwatch.rules.Rule;
import io.hubwatch.rules.RuleFileException;
import io.hubwatch.rules.RuleFiles;
import io.hubwatch.rules.RuleSet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code hubwatch rules}: work with rule files.
 *
 * <pre>{@code
 * bin/hubwatch rules check my-rules.yaml     # prints each problem, or OK; exit 1 when there are problems
 * }</pre>
 */
@Command(name = "rules", mixinStandardHelpOptions = true, description = "Work with alert rule files.",
        subcommands = {RulesCommand.Check.class, io.hubwatch.launcher.alerts.RulesApplyCommand.class, io.hubwatch.launcher.alerts.RulesListCommand.class, io.hubwatch.launcher.alerts.RulesDeleteCommand.class, io.hubwatch.launcher.alerts.RulesImportCommand.class})
public final class RulesCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate a rule file: print each problem, or OK and the rules it holds.")
    static final class Check implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "the rule file (YAML with a top-level 'rules:' list)")
        Path file;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                RuleSet rules = RuleFiles.read(file);
                out.println("OK: " + rules.rules().size() + " rule(s) in " + file);
                for (Rule r : rules.rules()) {
                    out.println("  " + r.id() + ": " + r.describe() + " [" + r.severity().wireName() + "]");
                }
                return 0;
            } catch (RuleFileException e) {
                for (String problem : e.problems()) {
                    out.println(file + ": " + problem);
                }
                return 1;
            }
        }
    }
}
