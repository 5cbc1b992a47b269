package io.hubwatch.dbproxy.advise;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Index advice that proves itself: reads the heaviest statements from {@code pg_stat_statements}, plans each as the
 * server would for any arguments (a generic plan), turns the sequential scans it finds into candidate indexes
 * (equality columns first, then one range or sort column, boolean filters as a partial predicate), and keeps a
 * candidate only when HypoPG's hypothetical index lowers the planner's cost. Also names unused and duplicate indexes
 * and sequential scans on large tables.
 *
 * <pre>{@code
 * try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
 *     IndexAdvisor.Advice advice = IndexAdvisor.advise(c, 20);
 *     System.out.print(advice.report());
 *     advice.suggestions().forEach(s -> System.out.println(s.createStatement()));
 * }
 * }</pre>
 */
public final class IndexAdvisor {
    /** A cost must fall at least this much for an index to be worth its writes and space. */
    private static final double MIN_GAIN = 0.5;
    private static final Pattern COMPARISON = Pattern.compile("\\(*\"?([a-z_][a-z0-9_]*)\"?\\s*(=|<=|>=|<|>|~~)\\s*");
    private static final Pattern WORD = Pattern.compile("(NOT\\s+)?\\b\"?([a-z_][a-z0-9_]*)\"?\\b");

    /** One verified index. */
    public record Suggestion(String table, List<String> columns, String predicate, double costBefore, double costAfter,
                             double shareOfTime, List<String> statements) {
        public String createStatement() {
            String name = "idx_" + table + "_" + String.join("_", columns.stream().map(c -> c.replace(" DESC", "").replace("\"", "")).toList())
                    + (predicate == null ? "" : "_partial");
            return "CREATE INDEX CONCURRENTLY " + name + " ON " + table + " (" + String.join(", ", columns) + ")"
                    + (predicate == null ? "" : " WHERE " + predicate) + ";";
        }
    }

    /** Everything the advisor found. */
    public record Advice(List<Suggestion> suggestions, List<String> unusedIndexes, List<String> duplicateIndexes,
                         List<String> largeSeqScans) {
        public String report() {
            StringBuilder out = new StringBuilder();
            if (suggestions.isEmpty()) {
                out.append("No index would lower the cost of the heaviest statements.\n");
            }
            for (Suggestion s : suggestions) {
                out.append(String.format(Locale.ROOT, "-- %s: cost %.0f -> %.0f (%.0fx), %.1f%% of statement time%n",
                        s.table(), s.costBefore(), s.costAfter(), s.costBefore() / Math.max(s.costAfter(), 0.01), 100 * s.shareOfTime()));
                s.statements().forEach(q -> out.append("--   ").append(q.replaceAll("\\s+", " ")).append('\n'));
                out.append(s.createStatement()).append('\n');
            }
            unusedIndexes.forEach(i -> out.append("-- unused index: ").append(i).append('\n'));
            duplicateIndexes.forEach(i -> out.append("-- duplicate index: ").append(i).append('\n'));
            largeSeqScans.forEach(t -> out.append("-- sequential scans on a large table: ").append(t).append('\n'));
            return out.toString();
        }
    }

    private record Candidate(String table, List<String> columns, String predicate) {}

    private IndexAdvisor() {}

    /** Advice for the connection's database from its {@code top} heaviest statements. */
    public static Advice advise(Connection c, int top) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            s.execute("CREATE EXTENSION IF NOT EXISTS hypopg");
        }
        double totalTime = 0;
        List<String> queries = new ArrayList<>();
        List<Double> times = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT query, total_exec_time, sum(total_exec_time) OVER () FROM pg_stat_statements "
                        + "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                        + "AND query ~* '^\\s*(select|with|update|delete)\\s' AND query !~* 'pg_stat_statements|hypopg|pg_catalog' "
                        + "ORDER BY total_exec_time DESC LIMIT " + top)) {
            while (rs.next()) {
                queries.add(rs.getString(1));
                times.add(rs.getDouble(2));
                totalTime = rs.getDouble(3);
            }
        }
        Map<Candidate, Suggestion> found = new LinkedHashMap<>();
        for (int i = 0; i < queries.size(); i++) {
            String q = queries.get(i);
            JsonNode plan = genericPlan(c, q);
            if (plan == null) {
                continue;
            }
            double before = plan.path("Total Cost").asDouble();
            for (Candidate cand : candidates(c, plan)) {
                Double after = hypotheticalCost(c, cand, q);
                if (after == null || after > before * MIN_GAIN) {
                    continue;
                }
                double share = totalTime == 0 ? 0 : times.get(i) / totalTime;
                Suggestion prev = found.get(cand);
                List<String> stmts = new ArrayList<>(prev == null ? List.of() : prev.statements());
                stmts.add(q);
                found.put(cand, new Suggestion(cand.table(), cand.columns(), cand.predicate(),
                        before + (prev == null ? 0 : prev.costBefore()), after + (prev == null ? 0 : prev.costAfter()),
                        share + (prev == null ? 0 : prev.shareOfTime()), stmts));
            }
        }
        List<Suggestion> suggestions = new ArrayList<>(found.values());
        suggestions.sort((a, b) -> Double.compare(b.shareOfTime(), a.shareOfTime()));
        return new Advice(suggestions, list(c, UNUSED), list(c, DUPLICATES), list(c, LARGE_SEQ_SCANS));
    }

    /** The plan the server would use for any arguments, or null when the statement cannot be prepared alone. */
    static JsonNode genericPlan(Connection c, String query) {
        int params = 0;
        Matcher m = Pattern.compile("\\$(\\d+)").matcher(query);
        while (m.find()) {
            params = Math.max(params, Integer.parseInt(m.group(1)));
        }
        try (Statement s = c.createStatement()) {
            s.execute("SET plan_cache_mode = force_generic_plan");
            s.execute("PREPARE hubwatch_advise AS " + query);
            try {
                String args = params == 0 ? "" : "(" + String.join(", ", java.util.Collections.nCopies(params, "NULL")) + ")";
                try (ResultSet rs = s.executeQuery("EXPLAIN (FORMAT JSON) EXECUTE hubwatch_advise" + args)) {
                    rs.next();
                    return new ObjectMapper().readTree(rs.getString(1)).get(0).get("Plan");
                }
            } finally {
                s.execute("DEALLOCATE hubwatch_advise");
                s.execute("RESET plan_cache_mode");
            }
        } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }

    private static Double hypotheticalCost(Connection c, Candidate cand, String query) throws SQLException {
        String ddl = "CREATE INDEX ON " + cand.table() + " (" + String.join(", ", cand.columns()) + ")"
                + (cand.predicate() == null ? "" : " WHERE " + cand.predicate());
        try (Statement s = c.createStatement()) {
            s.execute("SELECT * FROM hypopg_create_index('" + ddl.replace("'", "''") + "')");
            try {
                JsonNode plan = genericPlan(c, query);
                return plan == null ? null : plan.path("Total Cost").asDouble();
            } finally {
                s.execute("SELECT hypopg_reset()");
            }
        }
    }

    /** Candidate indexes from the sequential scans of a plan, with the sort above each scan. */
    static List<Candidate> candidates(Connection c, JsonNode plan) throws SQLException {
        List<Candidate> out = new ArrayList<>();
        walk(c, plan, null, out);
        return out;
    }

    private static void walk(Connection c, JsonNode node, JsonNode sortAbove, List<Candidate> out) throws SQLException {
        String type = node.path("Node Type").asText();
        JsonNode sort = type.equals("Sort") || type.equals("Incremental Sort") ? node.path("Sort Key") : sortAbove;
        if (type.endsWith("Seq Scan") && node.has("Relation Name")) {
            Candidate cand = fromScan(c, node.get("Relation Name").asText(), node.path("Filter").asText(""), sort);
            if (cand != null && !out.contains(cand)) {
                out.add(cand);
            }
        }
        for (JsonNode child : node.path("Plans")) {
            // a sort still orders the rows of a scan below a Gather or a Limit, not below a join or an aggregate
            boolean passesOrder = type.equals("Sort") || type.equals("Limit") || type.startsWith("Gather")
                    || type.equals("Incremental Sort");
            walk(c, child, passesOrder ? sort : null, out);
        }
    }

    private static Candidate fromScan(Connection c, String table, String filter, JsonNode sort) throws SQLException {
        Map<String, String> columns = columns(c, table);
        List<String> equality = new ArrayList<>();
        String range = null;
        Matcher m = COMPARISON.matcher(filter);
        Set<String> compared = new LinkedHashSet<>();
        while (m.find()) {
            String col = m.group(1);
            if (!columns.containsKey(col)) {
                continue;
            }
            compared.add(col);
            if (m.group(2).equals("=")) {
                if (!equality.contains(col)) {
                    equality.add(col);
                }
            } else if (range == null && !m.group(2).equals("~~")) {
                range = col;
            }
        }
        String predicate = null;
        Matcher w = WORD.matcher(filter.replaceAll("\\$\\d+", ""));
        while (w.find()) {
            String col = w.group(2);
            if ("boolean".equals(columns.get(col)) && !compared.contains(col)) {
                predicate = (w.group(1) != null ? "NOT " : "") + col;
                break;
            }
        }
        List<String> index = new ArrayList<>(equality);
        if (range != null) {
            index.remove(range);
            index.add(range);
        } else if (sort != null && !index.isEmpty()) {
            for (JsonNode key : sort) {
                String k = key.asText().replaceAll("^.*\\.", "").replace("\"", "");
                String col = k.split(" ")[0];
                if (columns.containsKey(col) && !index.contains(col)) {
                    index.add(k.toUpperCase(Locale.ROOT).endsWith(" DESC") ? quote(col) + " DESC" : quote(col));
                }
            }
        }
        if (index.isEmpty()) {
            return null;
        }
        return new Candidate(table, index.stream().map(x -> x.contains(" ") ? x : quote(x)).toList(), predicate);
    }

    private static String quote(String col) {
        return col.equals("timestamp") || col.equals("user") || col.equals("order") ? "\"" + col + "\"" : col;
    }

    private static Map<String, String> columns(Connection c, String table) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (var ps = c.prepareStatement("SELECT column_name, data_type FROM information_schema.columns "
                + "WHERE table_schema = current_schema() AND table_name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    private static final String UNUSED = "SELECT s.relname || '.' || s.indexrelname || ' (' || pg_size_pretty(pg_relation_size(s.indexrelid)) || ')' "
            + "FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid "
            + "WHERE s.idx_scan = 0 AND NOT i.indisunique AND NOT i.indisprimary AND s.relname NOT LIKE '%schema_history' ORDER BY pg_relation_size(s.indexrelid) DESC";
    private static final String DUPLICATES = "SELECT a.indexrelid::regclass || ' is covered by ' || b.indexrelid::regclass "
            + "FROM pg_index a JOIN pg_index b ON a.indrelid = b.indrelid AND a.indexrelid <> b.indexrelid "
            + "AND (b.indkey::text || ' ') LIKE (a.indkey::text || ' %') AND a.indpred IS NULL AND b.indpred IS NULL "
            + "AND NOT a.indisunique JOIN pg_class t ON t.oid = a.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
            + "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')";
    private static final String LARGE_SEQ_SCANS = "SELECT relname || ': ' || seq_scan || ' scans read ' || seq_tup_read || ' rows (' "
            + "|| n_live_tup || ' live)' FROM pg_stat_user_tables WHERE seq_scan > 0 AND n_live_tup > 10000 "
            + "AND seq_tup_read > 10 * n_live_tup ORDER BY seq_tup_read DESC LIMIT 10";

    private static List<String> list(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
