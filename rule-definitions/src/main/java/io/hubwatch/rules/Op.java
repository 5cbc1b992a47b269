package io.hubwatch.rules;

/** A comparison of a sample value with a rule's threshold. */
public enum Op {
    GT(">"), LT("<"), GE(">="), LE("<="), EQ("="), NE("!=");

    private final String symbol;

    Op(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    /** Whether {@code value OP threshold} holds. */
    public boolean test(double value, double threshold) {
        return switch (this) {
            case GT -> value > threshold;
            case LT -> value < threshold;
            case GE -> value >= threshold;
            case LE -> value <= threshold;
            case EQ -> value == threshold;
            case NE -> value != threshold;
        };
    }

    /** The operator for a symbol, or null if there is none. {@code ==} is accepted as {@code =}. */
    public static Op fromSymbol(String symbol) {
        if ("==".equals(symbol)) {
            return EQ;
        }
        for (Op op : values()) {
            if (op.symbol.equals(symbol)) {
                return op;
            }
        }
        return null;
    }
}
