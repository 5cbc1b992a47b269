package io.hubwatch.jobs;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A job's command line parsed against its declared {@link JobOption}s. Parsing refuses what a cluster operator would
 * otherwise only discover later: an undeclared option (a typo silently ignored), a missing required one, a value that
 * does not parse, a stray argument. Every message names the option and the value, and ends with the usage.
 *
 * <pre>{@code
 * JobArgs a = JobArgs.parse(args, System.getenv(), "alert job", List.of(SharedOptions.KAFKA, MAX_FOR));
 * Duration maxFor = a.get(MAX_FOR);
 * KafkaSettings kafka = a.kafka();
 * }</pre>
 *
 * <p>Syntax: {@code --name value} or {@code --name=value}; flags take no value. {@code --help} fails with the usage.
 */
public final class JobArgs {
    /** The environment variable a JDBC password may come from (never from the command line). */
    public static final String JDBC_PASSWORD_ENV = "HUBWATCH_JDBC_PASSWORD";

    private final Map<String, JobOption<?>> declared;
    private final Map<String, List<String>> given;
    private final Map<String, String> env;
    private final String usage;

    private JobArgs(Map<String, JobOption<?>> declared, Map<String, List<String>> given, Map<String, String> env,
                    String usage) {
        this.declared = declared;
        this.given = given;
        this.env = env;
        this.usage = usage;
    }

    /**
     * @param job     the job's name for the usage text
     * @param options every option the job accepts
     * @throws IllegalArgumentException naming the bad option or value, followed by the usage
     */
    public static JobArgs parse(String[] args, Map<String, String> env, String job, List<JobOption<?>> options) {
        Map<String, JobOption<?>> declared = new LinkedHashMap<>();
        for (JobOption<?> o : options) {
            if (declared.put(o.name(), o) != null) {
                throw new IllegalStateException("option --" + o.name() + " declared twice");
            }
        }
        String usage = usage(job, options);
        Map<String, List<String>> given = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String token = args[i];
            if (!token.startsWith("--") || token.length() == 2) {
                throw problem("unexpected argument '" + token + "' (options are --name value)", usage);
            }
            String name = token.substring(2);
            String inline = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (name.equals("help")) {
                throw new IllegalArgumentException(usage);
            }
            JobOption<?> option = declared.get(name);
            if (option == null) {
                throw problem(refusal(name), usage);
            }
            String value;
            if (option.isFlag()) {
                if (inline != null) {
                    throw problem("--" + name + " takes no value, was '" + inline + "'", usage);
                }
                value = "true";
            } else if (inline != null) {
                value = inline;
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw problem("--" + name + " needs a value", usage);
            }
            List<String> values = given.computeIfAbsent(name, n -> new ArrayList<>());
            if (!values.isEmpty() && !option.isRepeatable()) {
                throw problem("--" + name + " given twice ('" + values.get(0) + "' and '" + value + "')", usage);
            }
            values.add(value);
        }
        for (JobOption<?> o : options) {
            if (o.isRequired() && !given.containsKey(o.name())) {
                throw problem("--" + o.name() + " is required: " + o.usageLine().trim(), usage);
            }
        }
        JobArgs parsed = new JobArgs(declared, given, env, usage);
        for (JobOption<?> o : options) {
            if (!o.isRepeatable()) {
                parsed.get(o); // every value is checked now, not when a job first reads it
            }
        }
        return parsed;
    }

    private static String refusal(String name) {
        if (name.equals("jdbc-password")) {
            return "--jdbc-password is not accepted: a password on the command line shows in process lists and the "
                    + "Flink web UI; use --jdbc-password-file FILE or the " + JDBC_PASSWORD_ENV + " environment variable";
        }
        return "unknown option --" + name;
    }

    private static IllegalArgumentException problem(String message, String usage) {
        return new IllegalArgumentException(message + "\n" + usage);
    }

    /** The option's value, or its default when it was not given. */
    public <T> T get(JobOption<T> option) {
        check(option);
        List<String> values = given.get(option.name());
        if (values == null) {
            return option.fallback();
        }
        try {
            return option.parse(values.get(values.size() - 1));
        } catch (IllegalArgumentException e) {
            throw problem(e.getMessage(), usage);
        }
    }

    /** Whether the option was given at all. */
    public boolean has(JobOption<?> option) {
        check(option);
        return given.containsKey(option.name());
    }

    /** Every value of a repeatable option, in order. */
    public List<String> all(JobOption<String> option) {
        check(option);
        return List.copyOf(given.getOrDefault(option.name(), List.of()));
    }

    /**
     * The brokers ({@link SharedOptions#KAFKA}) and extra client properties: those of {@link
     * SharedOptions#KAFKA_PROPERTIES}' file, overridden by each {@link SharedOptions#KAFKA_PROPERTY} {@code key=value}.
     */
    public KafkaSettings kafka() {
        Properties extra = new Properties();
        if (has(SharedOptions.KAFKA_PROPERTIES)) {
            Path file = get(SharedOptions.KAFKA_PROPERTIES);
            try (Reader in = Files.newBufferedReader(file)) {
                extra.load(in);
            } catch (IOException | IllegalArgumentException e) {
                throw problem("--" + SharedOptions.KAFKA_PROPERTIES.name() + ": cannot read " + file + ": " + e, usage);
            }
        }
        for (String pair : all(SharedOptions.KAFKA_PROPERTY)) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw problem("--" + SharedOptions.KAFKA_PROPERTY.name() + " must be key=value, was '" + pair + "'", usage);
            }
            extra.setProperty(pair.substring(0, eq).trim(), pair.substring(eq + 1));
        }
        try {
            return new KafkaSettings(get(SharedOptions.KAFKA), extra);
        } catch (IllegalArgumentException e) {
            throw problem(e.getMessage(), usage);
        }
    }

    /**
     * A secret from the file option (first line, without the line end) if given, else from the environment variable,
     * else the fallback. Never from the command line itself.
     */
    public String secret(JobOption<Path> file, String envVariable, String fallback) {
        if (has(file)) {
            Path path = get(file);
            try {
                return Files.readString(path).lines().findFirst().orElse("");
            } catch (IOException e) {
                throw problem("--" + file.name() + ": cannot read " + path + ": " + e.getMessage(), usage);
            }
        }
        String fromEnv = env.get(envVariable);
        return fromEnv != null ? fromEnv : fallback;
    }

    /** The usage text: one line per option with its help and default. */
    public static String usage(String job, List<JobOption<?>> options) {
        StringBuilder out = new StringBuilder("Usage: hubwatch ").append(job).append(" [options]\n");
        for (JobOption<?> o : options) {
            out.append(o.usageLine()).append('\n');
        }
        return out.toString();
    }

    private void check(JobOption<?> option) {
        if (declared.get(option.name()) == null) {
            throw new IllegalStateException("--" + option.name() + " is read but was not declared");
        }
    }

    /** @throws IllegalArgumentException with the message when the check fails */
    public static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
