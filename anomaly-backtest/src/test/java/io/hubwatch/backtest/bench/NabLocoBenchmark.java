package io.hubwatch.backtest.bench;

import io.hubwatch.backtest.Backtest;
import io.hubwatch.backtest.NabSeries;
import io.hubwatch.jobs.anomaly.detector.DetectorConfig;
import io.hubwatch.backtest.nab.NabFile;
import io.hubwatch.backtest.nab.NabLabels;
import io.hubwatch.backtest.nab.NabProfile;
import io.hubwatch.backtest.nab.NabResult;
import io.hubwatch.backtest.nab.NabScorer;
import io.hubwatch.backtest.nab.NabTime;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Benchmark (run by hand, not a test): leave-one-category-out cross-validation of the anomaly detector's settings on
 * a NAB slice. For each category: every candidate configuration is scored on the other categories (NAB standard
 * profile, threshold optimised there), the best is kept, and the held-out category is scored with that configuration
 * and that threshold, fixed, as a user would run it on data never seen. Also: the in-sample choice (all categories),
 * and false alarms on quiet series cut from the slice outside its label windows (per 10,000 samples).
 *
 * <p>The candidates are few on purpose (alarm level and score averaging); everything else is the detector's one
 * default. It writes, per fold, the chosen configuration's output and the thresholds as JSON, so an independent
 * scorer can re-score the held-out category with the same fixed threshold.
 *
 * <pre>{@code
 * benchmarks/anomaly-nab-loco.sh NAB_DATA NAB_WINDOWS OUT    # see the script
 * }</pre>
 */
public final class NabLocoBenchmark {
    /** Quiet stretches shorter than this are not used (the detector needs a few hundred samples to start). */
    private static final int MIN_QUIET = 1000;

    record Candidate(String name, DetectorConfig cfg) {}

    record Run(Candidate candidate, Map<String, double[]> scores, Map<String, double[]> quiet) {}

    public static void main(String[] args) throws IOException {
        Path data = Path.of(args[0]);
        Path windowsFile = Path.of(args[1]);
        Path out = Path.of(args[2]);
        Map<String, List<String[]>> labels = NabLabels.read(windowsFile);
        Map<String, NabSeries> series = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(data)) {
            for (Path p : walk.filter(f -> f.toString().endsWith(".csv")).sorted().toList()) {
                String name = data.relativize(p).toString().replace('\\', '/');
                if (labels.containsKey(name)) {
                    series.put(name, NabSeries.read(p, name));
                }
            }
        }
        Map<String, NabFile> files = new LinkedHashMap<>();
        series.forEach((name, s) -> files.put(name, new NabFile(name, s.timestampText(), labels.get(name))));
        Set<String> categories = new TreeSet<>();
        series.keySet().forEach(n -> categories.add(category(n)));
        Map<String, NabSeries> quiet = quietSeries(series, labels);
        long quietRows = quiet.values().stream().mapToLong(NabSeries::size).sum();

        List<Run> runs = new ArrayList<>();
        for (Candidate c : candidates()) {
            long t0 = System.nanoTime();
            runs.add(new Run(c, detect(series, c.cfg()), detect(quiet, c.cfg())));
            System.err.printf(Locale.ROOT, "ran %-16s in %.1f s%n", c.name(), (System.nanoTime() - t0) / 1e9);
        }

        StringBuilder report = new StringBuilder();
        report.append(String.format(Locale.ROOT, "base configuration: %s%n", base()));
        report.append(String.format(Locale.ROOT, "%d files in %d categories, %d candidates; %d quiet series (%d rows)%n%n",
                series.size(), categories.size(), runs.size(), quiet.size(), quietRows));
        report.append("| held out | chosen on the others | threshold | score on the others | held-out standard | "
                + "held-out low-FP | held-out low-FN | held-out windows hit | held-out FP rows | quiet false alarms / 10k |\n");
        report.append("|---|---|---|---|---|---|---|---|---|---|\n");
        double sum = 0;
        for (String held : categories) {
            List<NabFile> train = files.values().stream().filter(f -> !category(f.name()).equals(held)).toList();
            List<NabFile> test = files.values().stream().filter(f -> category(f.name()).equals(held)).toList();
            Run best = null;
            NabResult bestResult = null;
            for (Run r : runs) {
                NabResult res = new NabScorer(train).score(r.scores(), NabProfile.STANDARD);
                if (bestResult == null || res.score() > bestResult.score() + 1e-9) {
                    best = r;
                    bestResult = res;
                }
            }
            Map<String, Double> thresholds = new LinkedHashMap<>();
            Map<String, NabResult> heldOut = new LinkedHashMap<>();
            for (NabProfile p : NabProfile.STANDARD_PROFILES) {
                double t = new NabScorer(train).score(best.scores(), p).threshold();
                thresholds.put(p.name(), t);
                heldOut.put(p.name(), new NabScorer(test).scoreAt(best.scores(), p, t));
            }
            NabResult std = heldOut.get(NabProfile.STANDARD.name());
            sum += std.score();
            report.append(String.format(Locale.ROOT, "| %s | %s | %.6f | %.2f | **%.2f** | %.2f | %.2f | %d / %d | %d | %.2f |%n",
                    held, best.candidate().name(), bestResult.threshold(), bestResult.score(), std.score(),
                    heldOut.get(NabProfile.REWARD_LOW_FP.name()).score(), heldOut.get(NabProfile.REWARD_LOW_FN.name()).score(),
                    std.detectedWindows(), std.detectedWindows() + std.missedWindows(), std.falsePositives(),
                    falseAlarms(best.quiet(), bestResult.threshold(), quietRows)));
            Path fold = out.resolve("fold-" + held);
            write(fold, series, best.scores(), test.stream().map(NabFile::name).toList());
            writeThresholds(fold.resolve("thresholds.json"), thresholds);
        }
        report.append(String.format(Locale.ROOT, "%nLeave-one-category-out mean standard score: **%.2f**%n%n",
                sum / categories.size()));

        report.append("| candidate | in-sample standard | low-FP | low-FN | threshold | windows hit | FP rows | quiet false alarms / 10k |\n");
        report.append("|---|---|---|---|---|---|---|---|\n");
        NabScorer all = new NabScorer(new ArrayList<>(files.values()));
        Run bestAll = null;
        double bestAllScore = Double.NEGATIVE_INFINITY;
        for (Run r : runs) {
            NabResult std = all.score(r.scores(), NabProfile.STANDARD);
            report.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.6f | %d | %d | %.2f |%n",
                    r.candidate().name(), std.score(), all.score(r.scores(), NabProfile.REWARD_LOW_FP).score(),
                    all.score(r.scores(), NabProfile.REWARD_LOW_FN).score(), std.threshold(), std.detectedWindows(),
                    std.falsePositives(), falseAlarms(r.quiet(), std.threshold(), quietRows)));
            if (std.score() > bestAllScore + 1e-9) {
                bestAll = r;
                bestAllScore = std.score();
            }
        }
        report.append(String.format(Locale.ROOT, "%nIn-sample choice: %s, standard %.2f%n", bestAll.candidate().name(), bestAllScore));
        write(out.resolve("in-sample"), series, bestAll.scores(), new ArrayList<>(series.keySet()));
        Files.writeString(out.resolve("loco.md"), report.toString());
        System.out.print(report);
    }

    /**
     * The candidates: the alarm level (sensitivity 0.5, 0.3, 0.15: a tail probability of 5e-3, 2e-3, 1e-3 per sample)
     * crossed with how many raw scores are averaged before the likelihood (2, 4, 8).
     */
    static List<Candidate> candidates() {
        DetectorConfig base = base();
        List<Candidate> list = new ArrayList<>();
        for (double s : new double[]{0.5, 0.3, 0.15}) {
            for (int k : new int[]{2, 4, 8}) {
                list.add(new Candidate(String.format(Locale.ROOT, "sens %.2f avg %d", s, k),
                        base.withSensitivity(s).withScoreAverage(k)));
            }
        }
        return list;
    }

    /**
     * The defaults, or, to try another forest before changing them, {@code -Dloco.forest=TREES,PER_RETRAIN,SUBSAMPLE,INTERVAL}
     * (as {@link DetectorConfig#withForest}).
     */
    static DetectorConfig base() {
        String forest = System.getProperty("loco.forest");
        if (forest == null || forest.isBlank()) {
            return DetectorConfig.defaults();
        }
        String[] f = forest.split(",");
        if (f.length != 4) {
            throw new IllegalArgumentException("loco.forest: expected TREES,PER_RETRAIN,SUBSAMPLE,INTERVAL, got " + forest);
        }
        return DetectorConfig.defaults().withForest(Integer.parseInt(f[0].trim()), Integer.parseInt(f[1].trim()),
                Integer.parseInt(f[2].trim()), Integer.parseInt(f[3].trim()));
    }

    private static Map<String, double[]> detect(Map<String, NabSeries> series, DetectorConfig cfg) {
        Map<String, double[]> scores = new TreeMap<>();
        series.values().parallelStream().forEach(s -> {
            double[] sc = Backtest.detect(s, cfg);
            synchronized (scores) {
                scores.put(s.name(), sc);
            }
        });
        return scores;
    }

    /** Per file, the longest run of rows outside every label window, when it is long enough. */
    static Map<String, NabSeries> quietSeries(Map<String, NabSeries> series, Map<String, List<String[]>> labels) {
        Map<String, NabSeries> quiet = new TreeMap<>();
        for (NabSeries s : series.values()) {
            boolean[] inWindow = new boolean[s.size()];
            for (String[] w : labels.get(s.name())) {
                long lo = NabTime.parseMillis(w[0]);
                long hi = NabTime.parseMillis(w[1]);
                for (int i = 0; i < s.size(); i++) {
                    inWindow[i] |= s.timestamps()[i] >= lo && s.timestamps()[i] <= hi;
                }
            }
            int bestStart = 0;
            int bestLen = 0;
            for (int i = 0; i < s.size(); ) {
                int j = i;
                while (j < s.size() && !inWindow[j]) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j + 1;
            }
            if (bestLen >= MIN_QUIET) {
                String name = "quiet/" + s.name();
                quiet.put(name, new NabSeries(name, s.timestampText().subList(bestStart, bestStart + bestLen),
                        java.util.Arrays.copyOfRange(s.timestamps(), bestStart, bestStart + bestLen),
                        java.util.Arrays.copyOfRange(s.values(), bestStart, bestStart + bestLen)));
            }
        }
        return quiet;
    }

    /** Rows scored at or above the threshold on the quiet series, per 10,000 rows. */
    private static double falseAlarms(Map<String, double[]> scores, double threshold, long rows) {
        long n = 0;
        for (double[] s : scores.values()) {
            for (double v : s) {
                if (v >= threshold) {
                    n++;
                }
            }
        }
        return rows == 0 ? Double.NaN : 1e4 * n / rows;
    }

    private static String category(String name) {
        int slash = name.indexOf('/');
        return slash < 0 ? "" : name.substring(0, slash);
    }

    private static void write(Path dir, Map<String, NabSeries> series, Map<String, double[]> scores, List<String> names)
            throws IOException {
        for (String name : names) {
            Path file = dir.resolve(name);
            Files.createDirectories(file.getParent());
            NabSeries s = series.get(name);
            double[] sc = scores.get(name);
            try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                w.write("timestamp,anomaly_score\n");
                for (int i = 0; i < sc.length; i++) {
                    w.write(s.timestampText().get(i) + "," + String.format(Locale.ROOT, "%.17g", sc[i]) + "\n");
                }
            }
        }
    }

    private static void writeThresholds(Path file, Map<String, Double> thresholds) throws IOException {
        StringBuilder json = new StringBuilder("{");
        thresholds.forEach((p, t) -> json.append(json.length() > 1 ? ", " : "").append('"').append(p).append("\": ")
                .append(String.format(Locale.ROOT, "%.17g", t)));
        Files.writeString(file, json.append("}\n").toString());
    }
}
