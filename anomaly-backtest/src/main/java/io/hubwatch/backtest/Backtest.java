package io.hubwatch.backtest;

import io.hubwatch.jobs.anomaly.detector.DetectorConfig;
import io.hubwatch.jobs.anomaly.detector.SeriesDetector;
import io.hubwatch.backtest.nab.NabFile;
import io.hubwatch.backtest.nab.NabLabels;
import io.hubwatch.backtest.nab.NabProfile;
import io.hubwatch.backtest.nab.NabResult;
import io.hubwatch.backtest.nab.NabScorer;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Runs the anomaly detector over NAB-format CSVs and, given label windows, scores the output with {@link NabScorer}.
 *
 * <p>Each file gets a fresh {@link SeriesDetector} with the same {@link DetectorConfig} (one configuration for every
 * file) and is fed row by row in file order, so a row's score depends only on that row and the rows before it. The
 * output has one {@code timestamp,anomaly_score} row per input row, in input order.
 *
 * <pre>{@code
 * BacktestReport r = Backtest.run(Path.of("data"), Path.of("/tmp/out"), Optional.of(Path.of("windows.json")),
 *         DetectorConfig.defaults());
 * }</pre>
 */
public final class Backtest {
    private Backtest() {}

    /** The outcome: scores per file (by path relative to the data folder) and, with labels, one result per profile. */
    public record BacktestReport(Map<String, double[]> scores, long rows, List<NabResult> nab) {}

    public static BacktestReport run(Path data, Path out, Optional<Path> windows, DetectorConfig cfg) throws IOException {
        if (!Files.isDirectory(data)) {
            throw new IllegalArgumentException("--data " + data + " is not a folder");
        }
        List<String> names = csvFiles(data);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("--data " + data + " holds no .csv file");
        }
        Map<String, NabSeries> series = new TreeMap<>();
        for (String name : names) {
            series.put(name, NabSeries.read(data.resolve(name), name));
        }
        Map<String, double[]> scores = new TreeMap<>();
        series.values().parallelStream().forEach(s -> {
            double[] sc = detect(s, cfg);
            synchronized (scores) {
                scores.put(s.name(), sc);
            }
        });
        long rows = 0;
        for (NabSeries s : series.values()) {
            rows += s.size();
            if (out != null) {
                write(out.resolve(s.name()), s, scores.get(s.name()));
            }
        }
        List<NabResult> results = new ArrayList<>();
        if (windows.isPresent()) {
            Map<String, List<String[]>> labels = NabLabels.read(windows.get());
            List<NabFile> files = new ArrayList<>();
            Map<String, double[]> labelled = new LinkedHashMap<>();
            for (NabSeries s : series.values()) {
                List<String[]> w = labels.get(s.name());
                if (w != null) {
                    files.add(new NabFile(s.name(), s.timestampText(), w));
                    labelled.put(s.name(), scores.get(s.name()));
                }
            }
            if (files.isEmpty()) {
                throw new IllegalArgumentException("--windows " + windows.get() + " lists none of the files under " + data);
            }
            NabScorer scorer = new NabScorer(files);
            for (NabProfile p : NabProfile.STANDARD_PROFILES) {
                results.add(scorer.score(labelled, p));
            }
        }
        return new BacktestReport(scores, rows, results);
    }

    /** The detector's published score for every row of one series, in row order. */
    public static double[] detect(NabSeries s, DetectorConfig cfg) {
        SeriesDetector d = new SeriesDetector(cfg);
        double[] out = new double[s.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = d.observe(s.timestamps()[i], s.values()[i]).anomalyScore();
        }
        return out;
    }

    static List<String> csvFiles(Path data) throws IOException {
        try (Stream<Path> walk = Files.walk(data)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".csv") && !p.getFileName().toString().startsWith("."))
                    .map(p -> data.relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        }
    }

    private static void write(Path file, NabSeries s, double[] scores) {
        try {
            Files.createDirectories(file.getParent());
            try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                w.write("timestamp,anomaly_score\n");
                for (int i = 0; i < scores.length; i++) {
                    w.write(s.timestampText().get(i));
                    w.write(',');
                    w.write(String.format(Locale.ROOT, "%.17g", scores[i]));
                    w.write('\n');
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** For quick runs: {@code Backtest DATA OUT [WINDOWS]}. The launcher's {@code backtest} is the user-facing command. */
    public static void main(String[] args) throws IOException {
        long t0 = System.nanoTime();
        BacktestReport r = run(Path.of(args[0]), args.length > 1 ? Path.of(args[1]) : null,
                args.length > 2 ? Optional.of(Path.of(args[2])) : Optional.empty(), DetectorConfig.defaults());
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "%d files, %d rows in %.1f s%n", r.scores().size(), r.rows(), secs);
        for (NabResult n : r.nab()) {
            System.out.printf(Locale.ROOT, "%-20s score %6.2f  threshold %.6g  hit %d  missed %d  fp %d%n",
                    n.profile().name(), n.score(), n.threshold(), n.detectedWindows(), n.missedWindows(), n.falsePositives());
        }
    }
}
