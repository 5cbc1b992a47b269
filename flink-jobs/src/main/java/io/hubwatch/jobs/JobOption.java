package io.hubwatch.jobs;

import io.hubwatch.events.Durations;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * One command-line option of a Flink job, declared once: its name, how its text becomes a value, its default and its
 * help line. {@link JobArgs} parses against a list of these, prints them as usage, and refuses anything undeclared.
 *
 * <pre>{@code
 * static final JobOption<Duration> SILENCE =
 *         JobOption.duration("silence", Duration.ofMinutes(15), "a firing series silent this long resolves");
 * Duration silence = JobArgs.parse(args, env, List.of(SILENCE)).get(SILENCE);
 * }</pre>
 *
 * @param <T> the parsed value's type
 */
public final class JobOption<T> {
    private final String name;
    private final String valueName;
    private final Function<String, T> parser;
    private final T fallback;
    private final String help;
    private final boolean required;
    private final boolean flag;
    private final boolean repeatable;

    private JobOption(String name, String valueName, Function<String, T> parser, T fallback, String help,
                      boolean required, boolean flag, boolean repeatable) {
        this.name = Objects.requireNonNull(name);
        this.valueName = valueName;
        this.parser = parser;
        this.fallback = fallback;
        this.help = Objects.requireNonNull(help);
        this.required = required;
        this.flag = flag;
        this.repeatable = repeatable;
    }

    /** A text option; {@code fallback} may be null (then the option is simply absent). */
    public static JobOption<String> text(String name, String fallback, String help) {
        return new JobOption<>(name, "TEXT", s -> s, fallback, help, false, false, false);
    }

    /** A duration in the rule files' grammar ({@code 500ms}, {@code 30s}, {@code 1h30m}). */
    public static JobOption<Duration> duration(String name, Duration fallback, String help) {
        return new JobOption<>(name, "DURATION", Durations::parse, fallback, help, false, false, false);
    }

    /** A whole number. */
    public static JobOption<Integer> integer(String name, int fallback, String help) {
        return new JobOption<>(name, "N", s -> {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("must be a whole number");
            }
        }, fallback, help, false, false, false);
    }

    /** One of an enum's constants, written in lower case with dashes ({@code publish-time}). */
    public static <E extends Enum<E>> JobOption<E> choice(String name, Class<E> type, E fallback, String help) {
        return new JobOption<>(name, "CHOICE", s -> {
            for (E e : type.getEnumConstants()) {
                if (dashed(e).equals(s.trim().toLowerCase(java.util.Locale.ROOT))) {
                    return e;
                }
            }
            throw new IllegalArgumentException("must be one of " + java.util.Arrays.stream(type.getEnumConstants())
                    .map(JobOption::dashed).toList());
        }, fallback, help, false, false, false);
    }

    private static String dashed(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** A file path; absent by default. */
    public static JobOption<Path> file(String name, String help) {
        return new JobOption<>(name, "FILE", Path::of, null, help, false, false, false);
    }

    /** A switch without a value: true when given. */
    public static JobOption<Boolean> flag(String name, String help) {
        return new JobOption<>(name, null, s -> Boolean.TRUE, Boolean.FALSE, help, false, true, false);
    }

    /** A text option that may be given many times ({@link JobArgs#all}). */
    public static JobOption<String> repeatable(String name, String valueName, String help) {
        return new JobOption<>(name, valueName, s -> s, null, help, false, false, true);
    }

    /** The same option, but the job refuses to start without it. */
    public JobOption<T> required() {
        return new JobOption<>(name, valueName, parser, null, help, true, flag, repeatable);
    }

    /** The same option with another default (a job's own group id, say). */
    public JobOption<T> withDefault(T newFallback) {
        return new JobOption<>(name, valueName, parser, newFallback, help, required, flag, repeatable);
    }

    public String name() {
        return name;
    }

    public T fallback() {
        return fallback;
    }

    public boolean isRequired() {
        return required;
    }

    public boolean isFlag() {
        return flag;
    }

    public boolean isRepeatable() {
        return repeatable;
    }

    /** @throws IllegalArgumentException {@code --name: reason, was 'text'} */
    T parse(String text) {
        try {
            return parser.apply(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--" + name + ": " + e.getMessage() + ", was '" + text + "'");
        }
    }

    /** One usage line: {@code --name VALUE   help (default: x)}. */
    String usageLine() {
        String left = "--" + name + (valueName == null ? "" : " " + valueName);
        String tail = required ? " (required)"
                : fallback != null && !flag ? " (default: " + show(fallback) + ")"
                : repeatable ? " (repeatable)" : "";
        return String.format("  %-34s %s%s", left, help, tail);
    }

    private static String show(Object value) {
        return value instanceof Duration d ? Durations.format(d)
                : value instanceof Enum<?> e ? dashed(e) : String.valueOf(value);
    }
}
