package io.hubwatch.launcher.alerts;

import io.hubwatch.api.importer.PrometheusRuleImporter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code hubwatch rules import FILE}: converts a Prometheus alerting-rules file into a Hubwatch rule file (stdout, or
 * {@code --out}); each alert it cannot convert is named on stderr with the reason. Exit 0: all converted; 1: some
 * were not (the converted ones are still written); 2: the file is unreadable.
 *
 * <pre>{@code
 * bin/hubwatch rules import prometheus/alerts.yml --out hubwatch-rules.yaml
 * bin/hubwatch rules apply hubwatch-rules.yaml
 * }</pre>
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Convert a Prometheus alerting-rules file into a Hubwatch rule file.")
public final class RulesImportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "a Prometheus rules file (groups[].rules[])")
    Path file;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the Hubwatch rule file here instead of stdout")
    Path outFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        PrometheusRuleImporter.Result result;
        try {
            result = PrometheusRuleImporter.convert(Files.readString(file), file.toString());
        } catch (NoSuchFileException e) {
            err.println(file + ": file not found");
            return 2;
        } catch (PrometheusRuleImporter.ImportException e) {
            err.println(e.getMessage());
            return 2;
        }
        String yaml = "# converted from " + file.getFileName() + " by 'hubwatch rules import'\n" + result.ruleFileYaml();
        if (outFile == null) {
            spec.commandLine().getOut().print(yaml);
            spec.commandLine().getOut().flush();
        } else {
            Files.writeString(outFile, yaml);
        }
        result.notes().forEach(n -> err.println("note: " + n));
        result.refused().forEach(err::println);
        int total = result.rules().size() + result.refused().size();
        err.println("converted " + result.rules().size() + " of " + total + " alert(s)"
                + (result.recordingRulesSkipped() > 0 ? "; skipped " + result.recordingRulesSkipped() + " recording rule(s)" : "")
                + (outFile == null ? "" : "; wrote " + outFile));
        return result.refused().isEmpty() ? 0 : 1;
    }
}
