package io.hubwatch.launcher;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every duration option of {@code bin/hubwatch} reads the one grammar of every duration Hubwatch reads ({@code 500ms},
 * {@code 1m30s}, {@code 7d}) and refuses anything else the same way: the option named, the text quoted, exit 2, before
 * anything starts.
 */
class DurationOptionsTest {

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("durationOptions")
    void readsTheSharedGrammar(String command, String option) {
        CommandLine.ParseResult parsed = Hubwatch.commandLine().parseArgs(args(command, option, "1m30s"));

        CommandLine.ParseResult sub = parsed.subcommand();
        while (sub.hasSubcommand()) {
            sub = sub.subcommand();
        }
        assertThat(sub.<Duration>matchedOptionValue(option, null)).isEqualTo(Duration.ofSeconds(90));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("durationOptions")
    void refusesAnythingElseNamingTheOptionAndTheText(String command, String option) {
        for (String bad : List.of("PT10S", "10 minutes", "10x")) {
            StringWriter err = new StringWriter();
            CommandLine cli = Hubwatch.commandLine();
            cli.setErr(new PrintWriter(err, true));
            cli.setOut(new PrintWriter(new StringWriter(), true));

            int code = cli.execute(args(command, option, bad));

            assertThat(code).as(bad).isEqualTo(2);
            assertThat(err.toString()).as(bad)
                    .contains("Invalid value for option '" + option + "': '" + bad + "' is not a duration");
        }
    }

    /** Each command (with what it requires before its options are read) and its duration option. */
    static Stream<Arguments> durationOptions() {
        return Stream.of(
                Arguments.of("up", "--interval"),
                Arguments.of("agent --kafka k:9092", "--interval"),
                Arguments.of("incidents", "--timeout"),
                Arguments.of("load api-calls", "--duration"),
                Arguments.of("ingest", "--max-future-skew"));
    }

    private static String[] args(String command, String option, String value) {
        List<String> args = new ArrayList<>(Arrays.asList(command.strip().split(" +")));
        args.add(option);
        args.add(value);
        return args.toArray(String[]::new);
    }
}
