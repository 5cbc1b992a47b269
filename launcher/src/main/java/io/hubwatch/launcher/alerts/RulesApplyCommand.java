package io.hubwatch.launcher.alerts;

import io.hubwatch.rules.Rule;
import io.hubwatch.rules.RuleFileException;
import io.hubwatch.rules.RuleFiles;
import io.hubwatch.rules.RuleSet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code hubwatch rules apply FILE}: creates or replaces every rule of a rule file through the alerts API of the
 * running {@code up}; the alert job picks each change up within seconds. Rules not in the file are left alone.
 *
 * <pre>{@code
 * bin/hubwatch rules apply my-rules.yaml
 * }</pre>
 */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = "Create or replace every rule of a rule file in the running Hubwatch (exit 1 if any failed).")
public final class RulesApplyCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "a rule file (YAML with a top-level 'rules:' list)")
    Path file;

    @Mixin
    ApiTarget api;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RuleSet rules;
        try {
            rules = RuleFiles.read(file);
        } catch (RuleFileException e) {
            e.problems().forEach(p -> err.println(file + ": " + p));
            err.println("nothing applied");
            return 1;
        }
        if (!rules.inhibitRules().isEmpty()) {
            err.println(file + ": inhibit_rules are not applied through the API; only the rules are");
        }
        int failed = 0;
        for (Rule rule : rules.rules()) {
            ApiTarget.Reply r = api.call("PUT", "/api/v1/alerts/rules/" + URLEncoder.encode(rule.id(), StandardCharsets.UTF_8),
                    RuleFiles.toJson(rule));
            if (r.status() == 201) {
                out.println("created " + rule.id() + ": " + rule.describe());
            } else if (r.ok()) {
                out.println("updated " + rule.id() + " (version " + r.body().path("version").asInt() + "): " + rule.describe());
            } else {
                failed++;
                err.println(rule.id() + ": " + r.error());
            }
        }
        out.println((rules.rules().size() - failed) + " of " + rules.rules().size() + " rule(s) applied");
        return failed == 0 ? 0 : 1;
    }
}
