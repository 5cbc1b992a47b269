package io.hubwatch.api.importer.internal;

import com.google.re2j.PatternSyntaxException;
import io.hubwatch.rules.LabelMatcher;
import io.hubwatch.rules.Op;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The one PromQL shape a Hubwatch rule can express: {@code metric{matchers} OP number} (or {@code number OP metric},
 * flipped). Anything else is refused with the reason, e.g. "uses function 'rate'".
 *
 * <pre>{@code
 * ThresholdExpression e = ThresholdExpression.parse("node_load1{job=\"node\"} > 4");
 * }</pre>
 */
public record ThresholdExpression(String metric, List<LabelMatcher> matchers, Op op, double threshold) {

    /** The expression cannot become a Hubwatch rule; the message says why. */
    public static final class UnsupportedException extends Exception {
        public UnsupportedException(String reason) {
            super(reason, null, false, false);
        }
    }

    private static final Set<String> AGGREGATIONS = Set.of("sum", "avg", "min", "max", "count", "stddev", "stdvar",
            "topk", "bottomk", "quantile", "count_values", "group", "limitk", "limit_ratio", "by", "without");
    private static final Set<String> SET_OPS = Set.of("and", "or", "unless");
    private static final Set<String> MATCHING = Set.of("on", "ignoring", "group_left", "group_right");
    private static final Set<String> COMPARISONS = Set.of("==", "!=", ">", "<", ">=", "<=");
    private static final Set<String> ARITHMETIC = Set.of("+", "-", "*", "/", "%", "^");

    private enum Kind { IDENT, NUMBER, STRING, PUNCT, OP }

    private record Token(Kind kind, String text, String value) {}

    public static ThresholdExpression parse(String expr) throws UnsupportedException {
        if (expr == null || expr.isBlank()) {
            throw new UnsupportedException("the expression is empty");
        }
        List<Token> tokens = tokenize(expr);
        refuseUnsupportedFeatures(tokens);
        tokens = stripParens(tokens);
        int depth = 0;
        List<Integer> comparisons = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.text().equals("(") || t.text().equals("{")) {
                depth++;
            } else if (t.text().equals(")") || t.text().equals("}")) {
                depth--;
            } else if (depth == 0 && t.kind() == Kind.OP && COMPARISONS.contains(t.text())) {
                comparisons.add(i);
            }
        }
        if (comparisons.isEmpty()) {
            throw new UnsupportedException("has no comparison with a number (Hubwatch rules are 'metric OP number'; "
                    + "a bare series alerts whenever it exists)");
        }
        if (comparisons.size() > 1) {
            throw new UnsupportedException("chains several comparisons");
        }
        int at = comparisons.get(0);
        List<Token> left = stripParens(tokens.subList(0, at));
        List<Token> right = stripParens(tokens.subList(at + 1, tokens.size()));
        Op op = Op.fromSymbol(tokens.get(at).text());
        Double leftNumber = number(left);
        Double rightNumber = number(right);
        if (leftNumber != null && rightNumber != null) {
            throw new UnsupportedException("compares two numbers");
        }
        if (leftNumber == null && rightNumber == null) {
            throw new UnsupportedException("compares two series; Hubwatch rules compare one series with a number");
        }
        if (leftNumber != null) {
            Selector s = selector(right);
            return new ThresholdExpression(s.metric(), s.matchers(), flip(op), leftNumber);
        }
        Selector s = selector(left);
        return new ThresholdExpression(s.metric(), s.matchers(), op, rightNumber);
    }

    private record Selector(String metric, List<LabelMatcher> matchers) {}

    private static Op flip(Op op) {
        return switch (op) {
            case GT -> Op.LT;
            case LT -> Op.GT;
            case GE -> Op.LE;
            case LE -> Op.GE;
            case EQ, NE -> op;
        };
    }

    private static void refuseUnsupportedFeatures(List<Token> tokens) throws UnsupportedException {
        int braces = 0;
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.text().equals("{")) {
                braces++;
                continue;
            }
            if (t.text().equals("}")) {
                braces--;
                continue;
            }
            if (braces > 0) {
                continue; // label names inside a selector may be called 'offset' or 'on'
            }
            if (t.text().equals("[")) {
                throw new UnsupportedException("uses a range vector or subquery ([...]); Hubwatch rules compare single samples");
            }
            if (t.kind() == Kind.IDENT) {
                String word = t.text();
                boolean call = i + 1 < tokens.size() && tokens.get(i + 1).text().equals("(");
                String next = i + 1 < tokens.size() ? tokens.get(i + 1).text() : "";
                if (AGGREGATIONS.contains(word) && (call || next.equals("by") || next.equals("without")
                        || word.equals("by") || word.equals("without"))) {
                    throw new UnsupportedException("uses the aggregation '" + word + "'");
                }
                if (call) {
                    throw new UnsupportedException("uses the function '" + word + "'");
                }
                if (word.equals("offset")) {
                    throw new UnsupportedException("uses the offset modifier");
                }
                if (SET_OPS.contains(word)) {
                    throw new UnsupportedException("combines series with '" + word + "'");
                }
                if (MATCHING.contains(word)) {
                    throw new UnsupportedException("uses vector matching ('" + word + "')");
                }
                if (word.equals("bool")) {
                    throw new UnsupportedException("uses the bool modifier (its result is 0 or 1 and never filters)");
                }
            }
            if (t.text().equals("@")) {
                throw new UnsupportedException("uses the @ modifier");
            }
            if (t.kind() == Kind.OP && ARITHMETIC.contains(t.text())) {
                boolean unarySign = (t.text().equals("-") || t.text().equals("+"))
                        && (i == 0 || tokens.get(i - 1).kind() == Kind.OP || tokens.get(i - 1).text().equals("("))
                        && i + 1 < tokens.size() && tokens.get(i + 1).kind() == Kind.NUMBER;
                if (!unarySign) {
                    throw new UnsupportedException("uses arithmetic ('" + t.text() + "')");
                }
            }
        }
    }

    private static List<Token> stripParens(List<Token> tokens) throws UnsupportedException {
        List<Token> t = tokens;
        while (t.size() >= 2 && t.get(0).text().equals("(") && t.get(t.size() - 1).text().equals(")") && closesAtEnd(t)) {
            t = t.subList(1, t.size() - 1);
        }
        return t;
    }

    private static boolean closesAtEnd(List<Token> t) {
        int depth = 0;
        for (int i = 0; i < t.size(); i++) {
            if (t.get(i).text().equals("(")) {
                depth++;
            } else if (t.get(i).text().equals(")")) {
                depth--;
                if (depth == 0 && i < t.size() - 1) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Double number(List<Token> t) throws UnsupportedException {
        double sign = 1;
        int i = 0;
        if (t.size() == 2 && t.get(0).kind() == Kind.OP && (t.get(0).text().equals("-") || t.get(0).text().equals("+"))) {
            sign = t.get(0).text().equals("-") ? -1 : 1;
            i = 1;
        }
        if (t.size() != i + 1 || t.get(i).kind() != Kind.NUMBER) {
            return null;
        }
        String text = t.get(i).text();
        double v;
        try {
            v = text.toLowerCase().startsWith("0x") ? Long.parseLong(text.substring(2), 16) : Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new UnsupportedException("'" + text + "' is not a number Hubwatch can use");
        }
        if (!Double.isFinite(v)) {
            throw new UnsupportedException("compares with " + text + ", which is not a finite number");
        }
        return sign * v;
    }

    private static Selector selector(List<Token> t) throws UnsupportedException {
        if (t.isEmpty()) {
            throw new UnsupportedException("a side of the comparison is empty");
        }
        int i = 0;
        String metric = null;
        if (t.get(0).kind() == Kind.IDENT) {
            metric = t.get(0).text();
            i = 1;
        }
        List<LabelMatcher> matchers = new ArrayList<>();
        if (i < t.size()) {
            if (!t.get(i).text().equals("{") || !t.get(t.size() - 1).text().equals("}")) {
                throw new UnsupportedException("is not of the form metric{matchers} OP number (near '" + t.get(i).text() + "')");
            }
            int j = i + 1;
            while (j < t.size() - 1) {
                if (j + 2 >= t.size() - 0 || t.get(j).kind() != Kind.IDENT || t.get(j + 1).kind() != Kind.OP
                        || t.get(j + 2).kind() != Kind.STRING) {
                    throw new UnsupportedException("has a label matcher Hubwatch cannot read (near '" + t.get(j).text() + "')");
                }
                String name = t.get(j).text();
                String opText = t.get(j + 1).text();
                LabelMatcher.Type type = switch (opText) {
                    case "=" -> LabelMatcher.Type.EQ;
                    case "!=" -> LabelMatcher.Type.NE;
                    case "=~" -> LabelMatcher.Type.RE;
                    case "!~" -> LabelMatcher.Type.NRE;
                    default -> throw new UnsupportedException("has an unknown matcher operator '" + opText + "'");
                };
                String value = t.get(j + 2).value();
                if (name.equals("__name__")) {
                    if (type != LabelMatcher.Type.EQ) {
                        throw new UnsupportedException("selects metrics by '__name__" + opText + "'; Hubwatch rules watch one metric");
                    }
                    if (metric != null && !metric.equals(value)) {
                        throw new UnsupportedException("names two metrics ('" + metric + "' and __name__=\"" + value + "\")");
                    }
                    metric = value;
                } else {
                    try {
                        matchers.add(new LabelMatcher(name, type, value));
                    } catch (PatternSyntaxException e) {
                        throw new UnsupportedException("matcher " + name + opText + "\"" + value + "\" has an invalid regex: "
                                + e.getDescription());
                    }
                }
                j += 3;
                if (j < t.size() - 1) {
                    if (!t.get(j).text().equals(",")) {
                        throw new UnsupportedException("has a label matcher Hubwatch cannot read (near '" + t.get(j).text() + "')");
                    }
                    j++;
                }
            }
        }
        if (metric == null) {
            throw new UnsupportedException("does not name a metric");
        }
        return new Selector(metric, matchers);
    }

    private static List<Token> tokenize(String s) throws UnsupportedException {
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#') {
                while (i < s.length() && s.charAt(i) != '\n') {
                    i++;
                }
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int start = i;
                while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == ':')) {
                    i++;
                }
                String word = s.substring(start, i);
                boolean number = word.equalsIgnoreCase("inf") || word.equalsIgnoreCase("nan");
                out.add(new Token(number ? Kind.NUMBER : Kind.IDENT, word, word));
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
                int start = i;
                if (c == '0' && i + 1 < s.length() && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')) {
                    i += 2;
                    while (i < s.length() && Character.digit(s.charAt(i), 16) >= 0) {
                        i++;
                    }
                } else {
                    while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                        i++;
                    }
                    if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                        i++;
                        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                            i++;
                        }
                        while (i < s.length() && Character.isDigit(s.charAt(i))) {
                            i++;
                        }
                    }
                    while (i < s.length() && Character.isLetter(s.charAt(i))) {
                        i++; // a duration such as 5m: refused later with the feature that uses it (offset, [...])
                    }
                }
                out.add(new Token(Kind.NUMBER, s.substring(start, i), s.substring(start, i)));
            } else if (c == '"' || c == '\'' || c == '`') {
                StringBuilder value = new StringBuilder();
                int start = i++;
                boolean closed = false;
                while (i < s.length()) {
                    char d = s.charAt(i++);
                    if (d == c) {
                        closed = true;
                        break;
                    }
                    if (d == '\\' && c != '`' && i < s.length()) {
                        char e = s.charAt(i++);
                        value.append(switch (e) {
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            default -> e; // \\ \" \' and, in regexes, \. stay as the escaped character's meaning
                        });
                        if (e != '\\' && e != '"' && e != '\'' && e != 'n' && e != 't') {
                            value.insert(value.length() - 1, '\\');
                        }
                    } else {
                        value.append(d);
                    }
                }
                if (!closed) {
                    throw new UnsupportedException("has an unterminated string");
                }
                out.add(new Token(Kind.STRING, s.substring(start, i), value.toString()));
            } else if ("{}()[],".indexOf(c) >= 0) {
                out.add(new Token(Kind.PUNCT, String.valueOf(c), null));
                i++;
            } else {
                String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
                if (Set.of("==", "!=", "<=", ">=", "=~", "!~").contains(two)) {
                    out.add(new Token(Kind.OP, two, null));
                    i += 2;
                } else if ("<>=+-*/%^@".indexOf(c) >= 0) {
                    out.add(new Token(Kind.OP, String.valueOf(c), null));
                    i++;
                } else {
                    throw new UnsupportedException("has an unexpected character '" + c + "'");
                }
            }
        }
        return out;
    }
}
