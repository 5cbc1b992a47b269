package io.hubwatch.backtest;

import io.hubwatch.backtest.nab.NabTime;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * One NAB data file ({@code timestamp,value}) in row order. A value that is not a number is kept as NaN (the detector
 * skips it); a timestamp that cannot be read is an error naming the file and line.
 */
public record NabSeries(String name, List<String> timestampText, long[] timestamps, double[] values) {

    public int size() {
        return values.length;
    }

    public static NabSeries read(Path file, String name) throws IOException {
        List<String> ts = new ArrayList<>();
        List<Double> vs = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (header == null) {
                throw new IllegalArgumentException(name + ": empty file (expected header timestamp,value)");
            }
            String line;
            int lineNo = 1;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                int comma = line.indexOf(',');
                if (comma < 0) {
                    throw new IllegalArgumentException(name + " line " + lineNo + ": expected timestamp,value, got '" + line + "'");
                }
                String t = line.substring(0, comma).trim();
                try {
                    NabTime.parseMillis(t);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException(name + " line " + lineNo + ": cannot read timestamp '" + t + "'");
                }
                ts.add(t);
                double v;
                try {
                    v = Double.parseDouble(line.substring(comma + 1).trim());
                } catch (NumberFormatException e) {
                    v = Double.NaN;
                }
                vs.add(v);
            }
        }
        long[] millis = new long[ts.size()];
        double[] values = new double[ts.size()];
        for (int i = 0; i < millis.length; i++) {
            millis[i] = NabTime.parseMillis(ts.get(i));
            values[i] = vs.get(i);
        }
        return new NabSeries(name, List.copyOf(ts), millis, values);
    }
}
