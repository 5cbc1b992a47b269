package io.hubwatch.launcher.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubwatch.rules.Rule;
import io.hubwatch.rules.RuleFileException;
import io.hubwatch.rules.RuleFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code hubwatch rules list}: the rules the running Hubwatch evaluates, one per line ({@code --json}: as the API
 * returns them).
 */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the rules of the running Hubwatch.")
public final class RulesListCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print the API's JSON")
    boolean json;

    @Mixin
    ApiTarget api;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ApiTarget.Reply r = api.call("GET", "/api/v1/alerts/rules", null);
        if (r.failed(spec)) {
            return 1;
        }
        if (json) {
            out.println(r.body().toPrettyString());
            return 0;
        }
        for (JsonNode stored : r.body().path("rules")) {
            try {
                Rule rule = RuleFiles.parseRule(stored.get("rule"), "API");
                out.printf("%-28s %-48s %-8s v%d%n", rule.id(), rule.describe(), rule.severity().wireName(),
                        stored.path("version").asInt());
            } catch (RuleFileException e) {
                out.println(stored.path("rule").path("id").asText() + "  (unreadable: " + e.getMessage() + ")");
            }
        }
        out.println(r.body().path("rules").size() + " rule(s)");
        return 0;
    }
}
