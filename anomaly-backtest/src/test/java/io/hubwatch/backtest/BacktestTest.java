package io.hubwatch.backtest;

import io.hubwatch.jobs.anomaly.detector.DetectorConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BacktestTest {

    private static List<String> rows(int n) {
        List<String> lines = new ArrayList<>();
        lines.add("timestamp,value");
        for (int i = 0; i < n; i++) {
            int minute = i * 5;
            String ts = String.format("2014-04-%02d %02d:%02d:00", 1 + minute / 1440, (minute / 60) % 24, minute % 60);
            if (i == 700) {
                ts = lines.get(lines.size() - 1).split(",")[0];   // a repeated timestamp
            }
            if (i == 900) {
                ts = lines.get(lines.size() - 3).split(",")[0];   // a step back in time
            }
            double v = 20 + 5 * Math.sin(2 * Math.PI * i / 288) + (i == 1000 ? 40 : 0) + ((i * 7919) % 13) / 13.0;
            lines.add(ts + "," + v);
        }
        return lines;
    }

    @Test
    void everyInputRowGetsOneOutputRowInInputOrderEvenWhereTimestampsRepeatOrStepBack(@TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("data/cat");
        Files.createDirectories(data);
        List<String> input = rows(1200);
        Files.write(data.resolve("s.csv"), input);
        Backtest.run(tmp.resolve("data"), tmp.resolve("out"), Optional.empty(), DetectorConfig.defaults());
        List<String> output = Files.readAllLines(tmp.resolve("out/cat/s.csv"));
        assertThat(output).hasSameSizeAs(input);
        assertThat(output.get(0)).isEqualTo("timestamp,anomaly_score");
        for (int i = 1; i < input.size(); i++) {
            assertThat(output.get(i).split(",")[0]).isEqualTo(input.get(i).split(",")[0]);
            assertThat(Double.parseDouble(output.get(i).split(",")[1])).isBetween(0.0, 1.0);
        }
    }

    @Test
    void aRowsScoreDependsOnlyOnThatRowAndTheRowsBeforeIt(@TempDir Path tmp) throws IOException {
        List<String> all = rows(1200);
        Path full = tmp.resolve("full.csv");
        Path prefix = tmp.resolve("prefix.csv");
        Files.write(full, all);
        Files.write(prefix, all.subList(0, 1001));
        double[] a = Backtest.detect(NabSeries.read(full, "full.csv"), DetectorConfig.defaults());
        double[] b = Backtest.detect(NabSeries.read(prefix, "prefix.csv"), DetectorConfig.defaults());
        assertThat(Arrays.copyOf(a, b.length)).containsExactly(b);
    }

    @Test
    void theSameSeedGivesTheSameScores(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("s.csv");
        Files.write(file, rows(1200));
        NabSeries s = NabSeries.read(file, "s.csv");
        assertThat(Backtest.detect(s, DetectorConfig.defaults())).containsExactly(Backtest.detect(s, DetectorConfig.defaults()));
    }

    @Test
    void anUnreadableTimestampIsAnErrorNamingFileAndLine(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("bad.csv");
        Files.write(file, List.of("timestamp,value", "2014-04-01 00:00:00,1", "yesterday,2"));
        assertThatThrownBy(() -> NabSeries.read(file, "bad.csv")).hasMessageContaining("bad.csv line 3").hasMessageContaining("yesterday");
    }

    @Test
    void aValueThatIsNotANumberIsScoredZeroInsteadOfFailing(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("nan.csv");
        List<String> lines = rows(400);
        lines.set(300, lines.get(300).split(",")[0] + ",n/a");
        Files.write(file, lines);
        double[] s = Backtest.detect(NabSeries.read(file, "nan.csv"), DetectorConfig.defaults());
        assertThat(s).hasSize(400);
        assertThat(s[299]).isZero();
    }

    @Test
    void aMissingDataFolderIsNamed(@TempDir Path tmp) {
        assertThatThrownBy(() -> Backtest.run(tmp.resolve("nope"), tmp, Optional.empty(), DetectorConfig.defaults()))
                .hasMessageContaining("--data").hasMessageContaining("nope");
    }
}
