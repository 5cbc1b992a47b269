package io.hubwatch.launcher.backtest;

import io.hubwatch.backtest.Backtest;
import io.hubwatch.jobs.anomaly.detector.DetectorConfig;
import io.hubwatch.backtest.nab.NabResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code hubwatch backtest}: runs the anomaly job's detector over NAB-format CSVs and, given NAB's label windows,
 * prints the NAB scores from Hubwatch's own scorer.
 *
 * <pre>{@code
 * bin/hubwatch backtest --data ../shared/benchmarks/nab-dev/data --out /tmp/nab-out \
 *     --windows ../shared/benchmarks/nab-dev/labels/windows.json
 * }</pre>
 */
@Command(name = "backtest", mixinStandardHelpOptions = true,
        description = "Score NAB-format CSVs (timestamp,value) with the anomaly detector; with --windows, print NAB scores.")
public final class BacktestCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Folder of CSV files (searched recursively)")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Where to write timestamp,anomaly_score CSVs, at the same relative paths")
    Path out;

    @Option(names = "--windows", paramLabel = "FILE", description = "NAB label windows JSON: also print the NAB scores")
    Path windows;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "Random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (windows != null && !Files.isRegularFile(windows)) {
            err.println("hubwatch backtest: --windows " + windows + " is not a file");
            return 2;
        }
        long t0 = System.nanoTime();
        Backtest.BacktestReport report;
        try {
            report = Backtest.run(data, out, Optional.ofNullable(windows), DetectorConfig.defaults().withSeed(seed));
        } catch (IllegalArgumentException e) {
            err.println("hubwatch backtest: " + e.getMessage());
            return 2;
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        o.printf(Locale.ROOT, "scored %d files, %d rows in %.1f s; results under %s%n",
                report.scores().size(), report.rows(), secs, out);
        if (!report.nab().isEmpty()) {
            o.printf(Locale.ROOT, "%-20s %10s %10s %6s %7s %8s%n", "profile", "threshold", "NAB score", "hit", "missed", "FP rows");
            for (NabResult r : report.nab()) {
                o.printf(Locale.ROOT, "%-20s %10s %10.2f %6d %7d %8d%n", r.profile().name(),
                        Double.isInfinite(r.threshold()) ? "none" : String.format(Locale.ROOT, "%.6g", r.threshold()),
                        r.score(), r.detectedWindows(), r.missedWindows(), r.falsePositives());
            }
        }
        o.flush();
        return 0;
    }
}
