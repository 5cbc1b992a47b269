package io.hubwatch.dbproxy.internal;

/** PostgreSQL's WAL positions ({@code 16/B374D848}) as comparable numbers. */
final class Lsn {
    private Lsn() {}

    static long parse(String text) {
        if (text == null) {
            return 0;
        }
        int slash = text.indexOf('/');
        return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    }
}
