package io.hubwatch.dbproxy;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

import java.nio.charset.StandardCharsets;

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
 *
 * <p>One pass over the statement's UTF-8 bytes, as they arrive in a protocol frame, with no allocation: the proxy
 * classifies every statement of every client, and the earlier version (regular expressions over a lower-cased copy,
 * run twice per statement) was 40% of the proxy's CPU samples under {@code pgbench -S}. The lexer knows comments,
 * string literals (standard, {@code E'...'} with backslash escapes, and dollar-quoted) and statement separators; every
 * other word, quoted identifiers' included, is checked against the writing keywords and functions. A literal written
 * with backslash escapes while {@code standard_conforming_strings} is off may be mis-split; the worst outcome is a write
 * sent to a replica, which refuses it (replicas are read-only), never a write that is lost.
 */
public final class ReadClassifier {
    public static final String PRIMARY_HINT = "hubwatch:primary";

    /** {@link #classify} bit: every statement only reads and there is no primary hint; a replica may run it. */
    public static final int READ = 1;
    /** {@link #classify} bit: the text may change data (its commit moves the session's read-your-writes position). */
    public static final int MAY_WRITE = 2;
    /**
     * {@link #classify} bit: the text may leave state in the server session that outlives its transaction (a
     * {@code SET} without {@code LOCAL}, {@code RESET}, {@code DISCARD}, {@code DEALLOCATE}, {@code PREPARE},
     * {@code LISTEN}, {@code LOAD}, {@code DECLARE}, a temporary table, {@code set_config}, a session-level advisory
     * lock). In transaction pooling such a server connection must not serve another client afterwards.
     */
    public static final int SESSION = 4;

    private static final String[] SESSION_STARTS = {"reset", "discard", "deallocate", "prepare", "listen", "load",
            "declare"};
    private static final String[] SESSION_FUNCTIONS = {"set_config", "pg_advisory_lock", "pg_advisory_lock_shared",
            "pg_try_advisory_lock", "pg_try_advisory_lock_shared"};

    private static final byte[] HINT = PRIMARY_HINT.getBytes(StandardCharsets.US_ASCII);
    private static final String[] READ_STARTS = {"select", "with", "values", "table", "show", "explain"};
    private static final String[] NO_DATA_CHANGE = {"set", "reset", "begin", "start", "commit", "end", "rollback",
            "savepoint", "release", "deallocate", "discard"};
    /** A word that writes or needs the primary; a prefix matches any word that starts with it and is long enough. */
    private record Write(String word, boolean prefix, int minLength) {}

    /** The {@link Write}s by their first letter. */
    private static final Write[][] WRITES = new Write[26][];

    static {
        // a trailing '*' makes the word a prefix; "?*" a prefix that needs at least one more character
        String[] words = {"insert", "update", "delete", "merge", "into", "analyze", "analyse", "nextval", "setval",
                "currval", "lastval", "pg_advisory*", "pg_try_advisory*", "pg_notify", "set_config", "txid_current",
                "pg_current_xact_id", "pg_current_wal*", "pg_switch_wal", "pg_create*", "pg_drop*",
                "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf", "lo_?*", "dblink*", "pg_stat_reset*",
                "pg_stat_statements_reset", "hypopg*"};
        for (char c = 'a'; c <= 'z'; c++) {
            final char first = c;
            WRITES[c - 'a'] = java.util.Arrays.stream(words).filter(w -> w.charAt(0) == first).map(w -> {
                String fixed = w.replace("?", "").replace("*", "");
                return new Write(fixed, w.endsWith("*"), fixed.length() + (w.endsWith("?*") ? 1 : 0));
            }).toArray(Write[]::new);
        }
    }

    private ReadClassifier() {}

    public static boolean isRead(String sql) {
        return sql != null && (classify(sql) & READ) != 0;
    }

    /**
     * Whether the statement may change data, whatever its hint says: after such a statement commits, the session's
     * reads wait for replicas to replay it. Session settings and transaction control change no data themselves (a
     * commit's writes are its statements').
     */
    public static boolean mayWrite(String sql) {
        return sql == null || (classify(sql) & MAY_WRITE) != 0;
    }

    public static int classify(String sql) {
        byte[] bytes = sql.getBytes(StandardCharsets.UTF_8);
        return classify(bytes, 0, bytes.length);
    }

    /** {@link #READ} and {@link #MAY_WRITE} bits of the UTF-8 statement text in {@code buf[from, to)}. */
    public static int classify(ByteBuf buf, int from, int to) {
        if (buf.hasArray()) {
            return classify(buf.array(), buf.arrayOffset() + from, buf.arrayOffset() + to);
        }
        // a copy into a reused array: ByteBuf.getByte's bounds and reference-count checks per byte cost more
        int length = to - from;
        byte[] a = length <= MAX_SCRATCH ? SCRATCH.get() : new byte[length];
        if (a.length < length) {
            a = new byte[Math.max(length, 2 * a.length)];
            SCRATCH.set(a);
        }
        buf.getBytes(from, a, 0, length);
        return classify(a, 0, length);
    }

    private static final int MAX_SCRATCH = 64 * 1024;
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[1024];
        }
    };

    /**
     * {@link #READ}, {@link #MAY_WRITE} and {@link #SESSION} bits of the UTF-8 statement text in {@code b[from, to)}.
     * A read never changes the session (every statement that does is a write or session control here), so the
     * session scan runs only on what is not a read, and the hot path of reads is not slowed.
     */
    public static int classify(byte[] b, int from, int to) {
        int flags = readOrWrite(b, from, to);
        return (flags & READ) != 0 ? flags : flags | session(b, from, to);
    }

    private static int readOrWrite(byte[] b, int from, int to) {
        boolean content = false;      // anything but whitespace and comments
        boolean firstNoData = false;  // the text starts with SET, BEGIN, COMMIT, ...
        boolean semicolon = false;    // anywhere but in comments
        boolean allRead = true;
        boolean statementStart = true;
        int forState = 0;             // 1 after FOR, 2 after FOR KEY: a SHARE then is a locking clause
        int tagEnd;
        int i = from;
        while (i < to) {
            int c = b[i] & 0xff;
            int next = i + 1 < to ? b[i + 1] & 0xff : -1;
            if (c == '-' && next == '-') {
                int nl = indexOf(b, i, to, (byte) '\n');
                i = nl < 0 ? to : nl;
                continue;
            }
            if (c == '/' && next == '*') {
                i = endOfBlockComment(b, i + 2, to);
                continue;
            }
            if (whitespace(c)) {
                i++;
                continue;
            }
            if (!content) {
                content = true;
                firstNoData = letterRunIn(b, i, to, NO_DATA_CHANGE);
            }
            if (statementStart && c != ';') { // an empty statement is no statement
                statementStart = false;
                if (!letterRunIn(b, i, to, READ_STARTS)) {
                    allRead = false;
                }
            }
            if (!allRead && !firstNoData) {
                return MAY_WRITE; // nothing later can change the verdict
            }
            if (c == ';') {
                semicolon = true;
                statementStart = true;
                forState = 0;
                i++;
            } else if (c == '\'') {
                boolean escapes = i > from && (b[i - 1] | 0x20) == 'e' && (i - 1 == from || !wordByte(b[i - 2] & 0xff));
                int end = endOfLiteral(b, i + 1, to, escapes);
                semicolon |= indexOf(b, i, end, (byte) ';') >= 0;
                forState = 0;
                i = end;
            } else if (c == '$' && (i == from || !identifierByte(b[i - 1] & 0xff)) && (tagEnd = dollarTagEnd(b, i, to)) > 0) {
                int end = endOfDollarQuote(b, i, tagEnd, to);
                semicolon |= indexOf(b, i, end, (byte) ';') >= 0;
                forState = 0;
                i = end;
            } else if (wordByte(c)) {
                int start = i;
                while (i < to && wordByte(b[i] & 0xff)) {
                    i++;
                }
                if (writes(b, start, i)) {
                    allRead = false;
                } else if (is(b, start, i, "for")) {
                    forState = 1;
                    continue;
                } else if (forState == 1 && is(b, start, i, "key")) {
                    forState = 2;
                    continue;
                } else if (forState != 0 && is(b, start, i, "share")) {
                    allRead = false;
                }
                forState = 0;
            } else {
                forState = 0;
                i++;
            }
        }
        boolean read = content && allRead;
        int flags = read && !containsHint(b, from, to) ? READ : 0;
        boolean noDataChange = firstNoData && !semicolon || !content;
        return !noDataChange && !read ? flags | MAY_WRITE : flags;
    }

    /**
     * {@link #SESSION} if a statement of the text may leave session state behind, else 0. Words are compared whole, by
     * their place in their statement; comments and literals are skipped. A false alarm costs one server connection
     * (closed instead of pooled), a miss would hand one client's settings, locks or temporary tables to another, so
     * anything unclear counts (a lone {@code SET}, a comment between {@code SET} and {@code LOCAL}).
     */
    private static int session(byte[] b, int from, int to) {
        int word = 0;              // index of the next word in its statement
        boolean set = false;       // the statement began with SET: its next word decides
        boolean create = false;    // the statement began with CREATE: TEMP among its first words makes it session
        boolean afterInto = false; // the previous word was INTO (SELECT ... INTO TEMP t)
        int tagEnd;
        int i = from;
        while (i < to) {
            int c = b[i] & 0xff;
            int next = i + 1 < to ? b[i + 1] & 0xff : -1;
            if (c == '-' && next == '-') {
                int nl = indexOf(b, i, to, (byte) '\n');
                i = nl < 0 ? to : nl;
            } else if (c == '/' && next == '*') {
                i = endOfBlockComment(b, i + 2, to);
                if (set) {
                    return SESSION;
                }
            } else if (whitespace(c)) {
                i++;
            } else if (c == ';') {
                if (set) {
                    return SESSION;
                }
                word = 0;
                create = false;
                afterInto = false;
                i++;
            } else if (c == '\'') {
                boolean escapes = i > from && (b[i - 1] | 0x20) == 'e' && (i - 1 == from || !wordByte(b[i - 2] & 0xff));
                i = endOfLiteral(b, i + 1, to, escapes);
                word++;
                afterInto = false;
            } else if (c == '$' && (i == from || !identifierByte(b[i - 1] & 0xff)) && (tagEnd = dollarTagEnd(b, i, to)) > 0) {
                i = endOfDollarQuote(b, i, tagEnd, to);
                word++;
                afterInto = false;
            } else if (wordByte(c)) {
                int start = i;
                while (i < to && wordByte(b[i] & 0xff)) {
                    i++;
                }
                if (set) {
                    if (!is(b, start, i, "local") && !is(b, start, i, "transaction")) {
                        return SESSION;
                    }
                    set = false;
                } else if (word == 0) {
                    if (is(b, start, i, "set")) {
                        set = true;
                    } else if (is(b, start, i, "create")) {
                        create = true;
                    } else if (anyIs(b, start, i, SESSION_STARTS)) {
                        return SESSION;
                    }
                }
                boolean temp = is(b, start, i, "temp") || is(b, start, i, "temporary");
                if (temp && (afterInto || create && word <= 3) || anyIs(b, start, i, SESSION_FUNCTIONS)) {
                    return SESSION;
                }
                afterInto = is(b, start, i, "into");
                word++;
            } else {
                if (set) {
                    return SESSION;
                }
                i++;
            }
        }
        return set ? SESSION : 0;
    }

    private static boolean anyIs(byte[] b, int start, int end, String[] words) {
        for (String w : words) {
            if (is(b, start, end, w)) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] b, int from, int to, byte value) {
        for (int i = from; i < to; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private static boolean whitespace(int c) {
        return c == ' ' || c >= '\t' && c <= '\r' || c >= 0x1c && c <= 0x1f;
    }

    /** A byte of a word; as in PostgreSQL's lexer, every non-ASCII byte is part of an identifier. */
    private static boolean wordByte(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 0x80;
    }

    /** A byte of an identifier, whose later characters may also be '$' (then a '$' starts no dollar quote). */
    private static boolean identifierByte(int c) {
        return wordByte(c) || c == '$';
    }

    /** The run of letters at {@code i} (non-ASCII bytes count as letters) equals one of {@code words}. */
    private static boolean letterRunIn(byte[] b, int i, int to, String[] words) {
        int end = i;
        while (end < to) {
            int c = b[end] & 0xff;
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80)) {
                break;
            }
            end++;
        }
        for (String w : words) {
            if (is(b, i, end, w)) {
                return true;
            }
        }
        return false;
    }

    /** The bytes {@code [start, end)} are {@code word} (lower case ASCII), ignoring case. */
    private static boolean is(byte[] b, int start, int end, String word) {
        if (end - start != word.length()) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            char w = word.charAt(k);
            int c = b[start + k];
            if ((w >= 'a' && w <= 'z' ? c | 0x20 : c) != w) {
                return false;
            }
        }
        return true;
    }

    private static boolean writes(byte[] b, int start, int end) {
        int first = b[start] | 0x20;
        if (first < 'a' || first > 'z') {
            return false;
        }
        for (Write w : WRITES[first - 'a']) {
            if (w.prefix() ? end - start >= w.minLength() && is(b, start, start + w.word().length(), w.word())
                    : is(b, start, end, w.word())) {
                return true;
            }
        }
        return false;
    }

    private static int endOfBlockComment(byte[] b, int i, int to) {
        for (; i + 1 < to; i++) {
            if (b[i] == '*' && b[i + 1] == '/') {
                return i + 2;
            }
        }
        return to;
    }

    /** The index after the literal whose body starts at {@code i}; {@code ''} is a quote, {@code \x} too with escapes. */
    private static int endOfLiteral(byte[] b, int i, int to, boolean escapes) {
        while (i < to) {
            byte c = b[i];
            if (escapes && c == '\\') {
                i += 2;
            } else if (c == '\'') {
                if (i + 1 < to && b[i + 1] == '\'') {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return to;
    }

    /** For {@code $tag$} or {@code $$} at {@code i}: the index after its closing {@code $}; else -1 (e.g. {@code $1}). */
    private static int dollarTagEnd(byte[] b, int i, int to) {
        int j = i + 1;
        if (j < to && b[j] != '$') {
            int c = b[j] & 0xff;
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80)) {
                return -1;
            }
            while (j < to && wordByte(b[j] & 0xff)) {
                j++;
            }
        }
        return j < to && b[j] == '$' ? j + 1 : -1;
    }

    private static int endOfDollarQuote(byte[] b, int tagStart, int bodyStart, int to) {
        int tagLength = bodyStart - tagStart;
        for (int i = bodyStart; i + tagLength <= to; i++) {
            if (b[i] == '$' && equal(b, i, tagStart, tagLength)) {
                return i + tagLength;
            }
        }
        return to;
    }

    private static boolean containsHint(byte[] b, int from, int to) {
        for (int i = indexOf(b, from, to, (byte) 'h'); i >= 0 && i + HINT.length <= to; i = indexOf(b, i + 1, to, (byte) 'h')) {
            boolean match = true;
            for (int k = 1; k < HINT.length && match; k++) {
                match = b[i + k] == HINT[k];
            }
            if (match) {
                return true;
            }
        }
        return false;
    }

    private static boolean equal(byte[] b, int i, int j, int length) {
        for (int k = 0; k < length; k++) {
            if (b[i + k] != b[j + k]) {
                return false;
            }
        }
        return true;
    }
}
