package io.hubwatch.dbproxy;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides whether a statement only reads, so that a replica may run it. Safe by default: anything not recognised as a
 * plain read is a write. A read is a {@code SELECT} (or {@code WITH ... SELECT}, {@code VALUES}, {@code TABLE},
 * {@code SHOW}, {@code EXPLAIN} without {@code ANALYZE}) with no locking clause ({@code FOR UPDATE/SHARE}), no
 * {@code SELECT INTO}, no data-modifying {@code WITH}, and no function known to write or to need the primary
 * ({@code nextval}, advisory locks, {@code pg_current_wal_lsn}, ...). A {@code /* hubwatch:primary *}{@code /} comment
 * forces the primary.
 *
 * <pre>{@code
 * ReadClassifier.isRead("SELECT * FROM users WHERE id = $1");            // true
 * ReadClassifier.isRead("SELECT * FROM users WHERE id = 1 FOR UPDATE");  // false
 * ReadClassifier.isRead("/* hubwatch:primary *" + "/ SELECT 1");          // false
 * }</pre>
 */
public final class ReadClassifier {
    public static final String PRIMARY_HINT = "hubwatch:primary";

    private static final Set<String> READ_STARTS = Set.of("select", "with", "values", "table", "show", "explain");
    private static final Pattern WRITES = Pattern.compile(
            "\\b(insert|update|delete|merge|into|for\\s+(no\\s+key\\s+)?update|for\\s+(key\\s+)?share|analy[sz]e"
                    + "|nextval|setval|currval|lastval|pg_advisory\\w*|pg_try_advisory\\w*|pg_notify|set_config|txid_current"
                    + "|pg_current_xact_id|pg_current_wal\\w*|pg_switch_wal|pg_create\\w*|pg_drop\\w*|pg_terminate_backend"
                    + "|pg_cancel_backend|pg_reload_conf|lo_\\w+|dblink\\w*|pg_stat_reset\\w*|pg_stat_statements_reset"
                    + "|hypopg\\w*)\\b");
    private static final Pattern STRING_LITERALS = Pattern.compile("'(?:[^']|'')*'");

    private ReadClassifier() {}

    public static boolean isRead(String sql) {
        return sql != null && !sql.contains(PRIMARY_HINT) && onlyReads(sql);
    }

    /**
     * Whether the statement may change data, whatever its hint says: after such a statement commits, the session's
     * reads wait for replicas to replay it.
     */
    public static boolean mayWrite(String sql) {
        if (sql == null) {
            return true;
        }
        String s = stripComments(sql).strip().toLowerCase(Locale.ROOT);
        int end = 0;
        while (end < s.length() && Character.isLetter(s.charAt(end))) {
            end++;
        }
        // session settings and transaction control change no data themselves (a commit's writes are its statements')
        return !(NO_DATA_CHANGE.contains(s.substring(0, end)) && s.indexOf(';') < 0 || s.isEmpty()) && !onlyReads(sql);
    }

    private static final Set<String> NO_DATA_CHANGE = Set.of("set", "reset", "begin", "start", "commit", "end", "rollback",
            "savepoint", "release", "deallocate", "discard");

    private static boolean onlyReads(String sql) {
        String s = STRING_LITERALS.matcher(stripComments(sql)).replaceAll("''").toLowerCase(Locale.ROOT).strip();
        // several statements in one query string: each must be a read
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
