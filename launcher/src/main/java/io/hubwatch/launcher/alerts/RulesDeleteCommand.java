package io.hubwatch.launcher.alerts;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** {@code hubwatch rules delete ID}: deletes a rule from the running Hubwatch; its open incidents resolve. */
@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a rule from the running Hubwatch.")
public final class RulesDeleteCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "the rule id")
    String id;

    @Mixin
    ApiTarget api;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ApiTarget.Reply r = api.call("DELETE", "/api/v1/alerts/rules/" + URLEncoder.encode(id, StandardCharsets.UTF_8), null);
        if (r.failed(spec)) {
            return 1;
        }
        spec.commandLine().getOut().println("deleted " + id);
        return 0;
    }
}
