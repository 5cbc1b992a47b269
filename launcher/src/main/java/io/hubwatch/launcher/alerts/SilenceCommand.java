package io.hubwatch.launcher.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubwatch.rules.LabelMatcher;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code hubwatch silence}: mute matching alerts for a while, through the running Hubwatch's API.
 *
 * <pre>{@code
 * bin/hubwatch silence add --match host=web-1 --match 'alertname=~high_.*' --for 2h --comment "kernel upgrade"
 * bin/hubwatch silence list
 * bin/hubwatch silence expire s-4f0c...
 * }</pre>
 */
@Command(name = "silence", mixinStandardHelpOptions = true, description = "Add, list and expire silences.",
        subcommands = {SilenceCommand.Add.class, SilenceCommand.ListSilences.class, SilenceCommand.Expire.class})
public final class SilenceCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Silence the alerts matching every --match.")
    static final class Add implements Callable<Integer> {
        @Option(names = "--match", required = true, paramLabel = "MATCHER",
                description = "label matcher: K=V, K!=V, K=~REGEX or K!~REGEX (repeatable; all must match)")
        List<String> matchers;

        @Option(names = "--for", required = true, paramLabel = "DURATION", description = "how long, e.g. 30m, 2h")
        String duration;

        @Option(names = "--comment", required = true, paramLabel = "TEXT", description = "why")
        String comment;

        @Option(names = "--author", paramLabel = "NAME", description = "who (default: $USER)")
        String author;

        @Mixin
        ApiTarget api;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            for (String m : matchers) {
                try {
                    LabelMatcher.parse(m);
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--match: " + e.getMessage());
                }
            }
            String who = author != null && !author.isBlank() ? author
                    : System.getenv().getOrDefault("USER", System.getProperty("user.name", "unknown"));
            ObjectNode body = JSON.createObjectNode();
            body.putArray("matchers").addAll(matchers.stream().map(JSON.getNodeFactory()::textNode).toList());
            body.put("duration", duration).put("createdBy", who).put("comment", comment);
            ApiTarget.Reply r = api.call("POST", "/api/v1/alerts/silences", body.toString());
            if (r.failed(spec)) {
                return 1;
            }
            spec.commandLine().getOut().println(r.body().path("id").asText() + " silences " + matchers + " until "
                    + r.body().path("endsAt").asText());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List silences that are active or pending.")
    static final class ListSilences implements Callable<Integer> {
        @Option(names = "--all", description = "Also the expired ones")
        boolean all;

        @Mixin
        ApiTarget api;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ApiTarget.Reply r = api.call("GET", "/api/v1/alerts/silences" + (all ? "?all=true" : ""), null);
            if (r.failed(spec)) {
                return 1;
            }
            PrintWriter out = spec.commandLine().getOut();
            for (JsonNode s : r.body().path("silences")) {
                out.printf("%-40s %-8s until %-24s by %-12s %s  # %s%n", s.path("id").asText(), s.path("status").asText(),
                        s.path("endsAt").asText(), s.path("createdBy").asText(), s.path("matchers"), s.path("comment").asText());
            }
            out.println(r.body().path("silences").size() + " silence(s)");
            return 0;
        }
    }

    @Command(name = "expire", mixinStandardHelpOptions = true, description = "End a silence now.")
    static final class Expire implements Callable<Integer> {
        @Parameters(paramLabel = "ID", description = "the silence id")
        String id;

        @Mixin
        ApiTarget api;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ApiTarget.Reply r = api.call("DELETE", "/api/v1/alerts/silences/" + URLEncoder.encode(id, StandardCharsets.UTF_8), null);
            if (r.failed(spec)) {
                return 1;
            }
            spec.commandLine().getOut().println("expired " + id);
            return 0;
        }
    }
}
