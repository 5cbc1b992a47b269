package io.hubwatch.loadtest.report;

import io.hubwatch.loadtest.run.RunResult;
import io.hubwatch.loadtest.run.RunResult.TimePoint;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The report's PNG charts, drawn headless with JFreeChart. */
final class Charts {

    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0xd62728),
            new Color(0x2ca02c), new Color(0x9467bd)};
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 480;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {
    }

    /** p50, p95, p99 per second over the run, log scale, phases shaded and named. */
    static void latency(RunResult r, Path file) throws IOException {
        XYSeries p50 = new XYSeries("p50");
        XYSeries p95 = new XYSeries("p95");
        XYSeries p99 = new XYSeries("p99");
        XYSeries ref = new XYSeries("reference p50");
        for (TimePoint p : r.timeline()) {
            if (p.p50() >= 0) {
                p50.add(p.t(), Math.max(0.01, p.p50()));
                p95.add(p.t(), Math.max(0.01, p.p95()));
                p99.add(p.t(), Math.max(0.01, p.p99()));
            }
            if (p.refP50() > 0) {
                ref.add(p.t(), p.refP50());
            }
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(p50);
        data.addSeries(p95);
        data.addSeries(p99);
        if (ref.getItemCount() > 0) {
            data.addSeries(ref);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(r.scenario() + ": latency from intended send time",
                "seconds since start", "milliseconds (log scale)", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = style(chart);
        plot.setRangeAxis(logAxis("milliseconds (log scale)"));
        phases(r, plot);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }

    /** Offered, sent and answered-OK rates per second, and errors. */
    static void rates(RunResult r, Path file) throws IOException {
        XYSeries offered = new XYSeries("offered");
        XYSeries sent = new XYSeries("sent");
        XYSeries ok = new XYSeries("answered OK");
        XYSeries errors = new XYSeries("errors");
        for (TimePoint p : r.timeline()) {
            offered.add(p.t(), p.offered());
            sent.add(p.t(), p.sent());
            ok.add(p.t(), p.ok());
            errors.add(p.t(), p.errors());
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(offered);
        data.addSeries(sent);
        data.addSeries(ok);
        data.addSeries(errors);
        JFreeChart chart = ChartFactory.createXYLineChart(r.scenario() + ": achieved versus offered rate",
                "seconds since start", "requests per second", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = style(chart);
        ((XYLineAndShapeRenderer) plot.getRenderer()).setSeriesStroke(0, new BasicStroke(2.5f, BasicStroke.CAP_ROUND,
                BasicStroke.JOIN_ROUND, 1, new float[] {8, 6}, 0));
        phases(r, plot);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }

    /** A ramp: p95 and p99 (left) and achieved rate (right) per offered step, the knee marked. */
    static void knee(RunResult r, RunResult.PhaseResult ramp, Path file) throws IOException {
        XYSeries p95 = new XYSeries("p95 ms");
        XYSeries p99 = new XYSeries("p99 ms");
        XYSeries achieved = new XYSeries("answered OK /s");
        XYSeries ideal = new XYSeries("offered /s");
        for (RunResult.StepResult s : ramp.steps()) {
            double okRate = 0;
            double worstP95 = 0;
            double worstP99 = 0;
            for (RunResult.TargetResult t : s.targets().values()) {
                if (!t.reference()) {
                    okRate += t.achievedRate();
                    worstP95 = Math.max(worstP95, t.latencyMs().p95());
                    worstP99 = Math.max(worstP99, t.latencyMs().p99());
                }
            }
            p95.add(s.rate(), Math.max(0.01, worstP95));
            p99.add(s.rate(), Math.max(0.01, worstP99));
            achieved.add(s.rate(), okRate);
            ideal.add(s.rate(), s.rate());
        }
        XYSeriesCollection latency = new XYSeriesCollection();
        latency.addSeries(p95);
        latency.addSeries(p99);
        JFreeChart chart = ChartFactory.createXYLineChart(r.scenario() + " / " + ramp.name() + ": the knee",
                "offered requests per second", "latency, ms (log scale)", latency, PlotOrientation.VERTICAL, true,
                false, false);
        XYPlot plot = style(chart);
        plot.setRangeAxis(logAxis("latency, ms (log scale)"));
        ((XYLineAndShapeRenderer) plot.getRenderer()).setDefaultShapesVisible(true);
        XYSeriesCollection rates = new XYSeriesCollection();
        rates.addSeries(achieved);
        rates.addSeries(ideal);
        plot.setDataset(1, rates);
        plot.setRangeAxis(1, new NumberAxis("requests per second"));
        plot.mapDatasetToRangeAxis(1, 1);
        XYLineAndShapeRenderer second = new XYLineAndShapeRenderer(true, true);
        second.setSeriesPaint(0, COLORS[3]);
        second.setSeriesPaint(1, Color.GRAY);
        second.setSeriesStroke(1, new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1,
                new float[] {6, 6}, 0));
        plot.setRenderer(1, second);
        RunResult.Knee knee = ramp.knee();
        if (knee != null && knee.rate() != null) {
            ValueMarker m = new ValueMarker(knee.rate(), new Color(0x2ca02c), new BasicStroke(2f));
            m.setLabel("knee " + Math.round(knee.rate()) + "/s");
            m.setLabelFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            m.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
            plot.addDomainMarker(m);
        }
        if (knee != null && knee.brokeAt() != null) {
            ValueMarker m = new ValueMarker(knee.brokeAt(), COLORS[2], new BasicStroke(1.5f));
            m.setLabel("broke " + Math.round(knee.brokeAt()) + "/s");
            m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            m.setLabelAnchor(RectangleAnchor.BOTTOM_RIGHT);
            m.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
            plot.addDomainMarker(m);
        }
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }

    /** A soak: each followed process's RSS and heap over the phase. */
    static void memory(RunResult r, RunResult.PhaseResult soak, Path file) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        soak.soak().processes().forEach((name, trend) -> {
            XYSeries rss = new XYSeries(name + " RSS");
            XYSeries heap = new XYSeries(name + " heap");
            for (double[] s : trend.samples()) {
                if (s[1] >= 0) {
                    rss.add(s[0], s[1]);
                }
                if (s[2] >= 0) {
                    heap.add(s[0], s[2]);
                }
            }
            data.addSeries(rss);
            data.addSeries(heap);
        });
        JFreeChart chart = ChartFactory.createXYLineChart(r.scenario() + " / " + soak.name() + ": memory over the soak",
                "seconds since the soak began", "MB", data, PlotOrientation.VERTICAL, true, false, false);
        style(chart);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }

    private static LogAxis logAxis(String label) {
        LogAxis axis = new LogAxis(label);
        axis.setSmallestValue(0.01);
        // one tick per power of ten: 0.1, 1, 10, 100 ms read at a glance; 316.23 does not
        axis.setAutoTickUnitSelection(false);
        axis.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1.0));
        axis.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.##"));
        return axis;
    }

    private static XYPlot style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < COLORS.length; i++) {
            renderer.setSeriesPaint(i, COLORS[i]);
            renderer.setSeriesStroke(i, new BasicStroke(1.8f));
        }
        plot.setRenderer(renderer);
        return plot;
    }

    /** Shades every other phase and writes its name at the top, so the chart reads phase by phase. */
    private static void phases(RunResult r, XYPlot plot) {
        List<TimePoint> t = r.timeline();
        int i = 0;
        int shade = 0;
        while (i < t.size()) {
            String name = t.get(i).phase();
            double start = i == 0 ? 0 : t.get(i - 1).t();
            int j = i;
            while (j < t.size() && t.get(j).phase().equals(name)) {
                j++;
            }
            double end = t.get(j - 1).t();
            if (name.isEmpty()) {
                // before the first phase: services starting, connections opening
                i = j;
                continue;
            }
            IntervalMarker m = new IntervalMarker(start, end, shade++ % 2 == 0 ? new Color(0xf3f6fa) : Color.WHITE);
            m.setLabel(name);
            m.setLabelFont(new Font(Font.SANS_SERIF, Font.ITALIC, 12));
            m.setLabelAnchor(RectangleAnchor.TOP);
            m.setLabelTextAnchor(TextAnchor.TOP_CENTER);
            plot.addDomainMarker(m, Layer.BACKGROUND);
            i = j;
        }
    }
}
