package io.hubwatch.dbproxy;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The first classifier (regular expressions over a lower-cased copy), kept as the reference the allocation-free lexer
 * must agree with on text both understand (no dollar quotes, backslash escapes, or comment marks inside literals,
 * which this one mis-read).
 */
final class ReadClassifierReference {
    private static final Set<String> READ_STARTS = Set.of("select", "with", "values", "table", "show", "explain");
    private static final Pattern WRITES = Pattern.compile(
            "\\b(insert|update|delete|merge|into|for\\s+(no\\s+key\\s+)?update|for\\s+(key\\s+)?share|analy[sz]e"
                    + "|nextval|setval|currval|lastval|pg_advisory\\w*|pg_try_advisory\\w*|pg_notify|set_config|txid_current"
                    + "|pg_current_xact_id|pg_current_wal\\w*|pg_switch_wal|pg_create\\w*|pg_drop\\w*|pg_terminate_backend"
                    + "|pg_cancel_backend|pg_reload_conf|lo_\\w+|dblink\\w*|pg_stat_reset\\w*|pg_stat_statements_reset"
                    + "|hypopg\\w*)\\b");
    private static final Pattern STRING_LITERALS = Pattern.compile("'(?:[^']|'')*'");
    private static final Set<String> NO_DATA_CHANGE = Set.of("set", "reset", "begin", "start", "commit", "end", "rollback",
            "savepoint", "release", "deallocate", "discard");

    private ReadClassifierReference() {}

    static boolean isRead(String sql) {
        return sql != null && !sql.contains(ReadClassifier.PRIMARY_HINT) && onlyReads(sql);
    }

    static boolean mayWrite(String sql) {
        String s = stripComments(sql).strip().toLowerCase(Locale.ROOT);
        int end = 0;
        while (end < s.length() && Character.isLetter(s.charAt(end))) {
            end++;
        }
        return !(NO_DATA_CHANGE.contains(s.substring(0, end)) && s.indexOf(';') < 0 || s.isEmpty()) && !onlyReads(sql);
    }

    private static boolean onlyReads(String sql) {
        String s = STRING_LITERALS.matcher(stripComments(sql)).replaceAll("''").toLowerCase(Locale.ROOT).strip();
        for (String statement : s.split(";")) {
            String t = statement.strip();
            if (t.isEmpty()) {
                continue;
            }
            int end = 0;
            while (end < t.length() && Character.isLetter(t.charAt(end))) {
                end++;
            }
            if (!READ_STARTS.contains(t.substring(0, end)) || WRITES.matcher(t).find()) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    private static String stripComments(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        int i = 0;
        while (i < sql.length()) {
            if (sql.startsWith("--", i)) {
                int nl = sql.indexOf('\n', i);
                i = nl < 0 ? sql.length() : nl;
            } else if (sql.startsWith("/*", i)) {
                int close = sql.indexOf("*/", i + 2);
                i = close < 0 ? sql.length() : close + 2;
                out.append(' ');
            } else {
                out.append(sql.charAt(i++));
            }
        }
        return out.toString();
    }
}
