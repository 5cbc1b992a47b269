package io.hubwatch.loadtest.advise;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Writes the advice as {@code advice.md} and {@code advice.html} (one self-contained page), most urgent first.
 *
 * <pre>{@code
 * AdviceReport.write(Advisor.advise(inputs), List.of("proxy: http://127.0.0.1:8080"), List.of("database: not configured"), dir);
 * }</pre>
 */
public final class AdviceReport {

    private AdviceReport() {
    }

    /**
     * @param read    the sources that were read
     * @param skipped the sources that were not, each with why
     */
    public static void write(List<Recommendation> advice, List<String> read, List<String> skipped, Path dir)
            throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("advice.md"), markdown(advice, read, skipped));
        Files.writeString(dir.resolve("advice.html"), html(advice, read, skipped));
    }

    static String markdown(List<Recommendation> advice, List<String> read, List<String> skipped) {
        StringBuilder md = new StringBuilder("# Hubwatch performance advice\n\n");
        md.append("Generated ").append(Instant.now()).append(". ").append(advice.size())
                .append(" recommendations, most urgent first (priority 1: act now, 3: worth knowing).\n\n");
        md.append("Read: ").append(read.isEmpty() ? "nothing" : String.join("; ", read)).append(".\n\n");
        if (!skipped.isEmpty()) {
            md.append("Not looked at: ").append(String.join("; ", skipped)).append(".\n\n");
        }
        int n = 0;
        for (Recommendation r : advice) {
            md.append("## ").append(++n).append(". ").append(r.title()).append("\n\n");
            md.append("*").append(r.area()).append(", priority ").append(r.priority()).append("*\n\n");
            md.append("**Evidence**\n\n");
            r.evidence().forEach(e -> md.append("- ").append(e).append("\n"));
            md.append("\n**Do**: ").append(r.action()).append("\n\n**Expected gain**: ").append(r.gain()).append("\n\n");
        }
        return md.toString();
    }

    static String html(List<Recommendation> advice, List<String> read, List<String> skipped) {
        StringBuilder h = new StringBuilder("""
                <!doctype html><html><head><meta charset="utf-8"><title>Hubwatch performance advice</title>
                <style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
                .r{border-left:6px solid #999;padding:.5rem 1rem;margin:1rem 0;background:#fafafa}
                .p1{border-color:#d62728}.p2{border-color:#ff7f0e}.p3{border-color:#2ca02c}
                .meta{color:#666;font-size:.9rem}pre,code{background:#eee;padding:.1rem .3rem;white-space:pre-wrap}</style>
                </head><body><h1>Hubwatch performance advice</h1>
                """);
        h.append("<p class=meta>Generated ").append(Instant.now()).append(". Read: ")
                .append(esc(read.isEmpty() ? "nothing" : String.join("; ", read))).append(".");
        if (!skipped.isEmpty()) {
            h.append(" Not looked at: ").append(esc(String.join("; ", skipped))).append(".");
        }
        h.append("</p>\n");
        int n = 0;
        for (Recommendation r : advice) {
            h.append("<div class=\"r p").append(r.priority()).append("\"><h2>").append(++n).append(". ")
                    .append(esc(r.title())).append("</h2><p class=meta>").append(esc(r.area())).append(", priority ")
                    .append(r.priority()).append("</p><p><b>Evidence</b></p><ul>");
            r.evidence().forEach(e -> h.append("<li>").append(esc(e).replace("\n", "<br>")).append("</li>"));
            h.append("</ul><p><b>Do</b>: ").append(esc(r.action())).append("</p><p><b>Expected gain</b>: ")
                    .append(esc(r.gain())).append("</p></div>\n");
        }
        return h.append("</body></html>\n").toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
