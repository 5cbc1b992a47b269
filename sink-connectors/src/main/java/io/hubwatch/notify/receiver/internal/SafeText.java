package io.hubwatch.notify.receiver.internal;

/**
 * Makes alert text (labels, summaries, titles: anything that came from metrics or rules) safe where it is embedded.
 *
 * <pre>{@code
 * att.put("text", SafeText.slack(summary));               // "<!channel>" arrives as text, pings nobody
 * message.setSubject(SafeText.headerValue(title), "UTF-8"); // "x\r\nBcc: evil@example.com" stays one header
 * }</pre>
 */
public final class SafeText {
    private SafeText() {}

    /**
     * Slack's escaping for message text: {@code &}, {@code <} and {@code >} become {@code &amp;}, {@code &lt;} and
     * {@code &gt;}, the only three characters Slack requires escaping; so alert text cannot form links, user or
     * channel mentions ({@code <!channel>}) or break the links the notifier adds itself.
     */
    public static String slack(String text) {
        if (text == null) {
            return null;
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /**
     * A value for one mail header line: every CR, LF and other control character becomes a space, so the value cannot
     * be folded into a second header (header injection) or end the header block.
     */
    public static String headerValue(String value) {
        if (value == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            out.append(c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029 ? ' ' : c);
        }
        return out.toString();
    }
}
