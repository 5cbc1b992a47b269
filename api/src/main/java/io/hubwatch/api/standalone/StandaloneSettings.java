package io.hubwatch.api.standalone;

import io.hubwatch.api.ApiConfig;
import io.hubwatch.storage.Database;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The alerts API's settings when it runs on its own ({@code hubwatch api}, a Kubernetes Deployment): each setting
 * from its command-line flag, else its environment variable, else the settings file, else its default. Secrets (the
 * database password, the API token) come from files or the environment only.
 *
 * <pre>{@code
 * ApiConfig config = StandaloneSettings.resolve(Map.of("jdbc-url", "jdbc:postgresql://db:5432/hubwatch"),
 *         System.getenv()).toApiConfig();
 * }</pre>
 *
 * @param sources where each setting came from ({@code flag}, {@code env HUBWATCH_...}, {@code file}, {@code default}),
 *                for the start-up log
 */
public record StandaloneSettings(String jdbcUrl, String jdbcUser, String jdbcPassword, String kafka, String host,
                                 int port, String token, Map<String, String> sources) {

    /** One setting: its flag name, environment variable, key in the settings file, and default (null: required). */
    public record Setting(String flag, String env, String fileKey, String fallback, boolean secret) {}

    public static final Setting JDBC_URL = new Setting("jdbc-url", "HUBWATCH_JDBC_URL", "jdbc.url", Database.DEFAULT_URL, false);
    public static final Setting JDBC_USER = new Setting("jdbc-user", "HUBWATCH_JDBC_USER", "jdbc.user", "postgres", false);
    public static final Setting JDBC_PASSWORD = new Setting("jdbc-password-file", "HUBWATCH_JDBC_PASSWORD", "jdbc.password", "", true);
    public static final Setting KAFKA = new Setting("kafka", "HUBWATCH_KAFKA", "kafka", null, false);
    public static final Setting HOST = new Setting("host", "HUBWATCH_API_HOST", "host", "127.0.0.1", false);
    public static final Setting PORT = new Setting("port", "HUBWATCH_API_PORT", "port", "8080", false);
    public static final Setting TOKEN = new Setting("token-file", "HUBWATCH_API_TOKEN", "token", null, true);
    /** Every setting, in usage order. */
    public static final List<Setting> ALL = List.of(JDBC_URL, JDBC_USER, JDBC_PASSWORD, KAFKA, HOST, PORT, TOKEN);

    /** The settings file: a Java properties file with the {@link Setting#fileKey()} keys. */
    public static final String CONFIG_FLAG = "config";

    /**
     * @param flags the command line's flags by name (without {@code --}); a secret's flag names a file to read
     * @param env   the environment
     * @throws IllegalArgumentException naming the setting and where its bad value came from
     */
    public static StandaloneSettings resolve(Map<String, String> flags, Map<String, String> env) {
        Properties file = new Properties();
        if (flags.get(CONFIG_FLAG) != null) {
            Path path = Path.of(flags.get(CONFIG_FLAG));
            try (Reader in = Files.newBufferedReader(path)) {
                file.load(in);
            } catch (IOException e) {
                throw new IllegalArgumentException("--config: cannot read " + path + ": " + e.getMessage());
            }
            for (String key : file.stringPropertyNames()) {
                if (ALL.stream().noneMatch(s -> s.fileKey().equals(key))) {
                    throw new IllegalArgumentException(path + ": unknown setting '" + key + "' (known: "
                            + String.join(", ", ALL.stream().map(Setting::fileKey).toList()) + ")");
                }
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        for (Setting s : ALL) {
            String value;
            String source;
            if (flags.get(s.flag()) != null) {
                value = s.secret() ? readSecret(s, Path.of(flags.get(s.flag()))) : flags.get(s.flag());
                source = "--" + s.flag();
            } else if (env.get(s.env()) != null) {
                value = env.get(s.env());
                source = "$" + s.env();
            } else if (file.getProperty(s.fileKey()) != null) {
                value = file.getProperty(s.fileKey());
                source = flags.get(CONFIG_FLAG) + " " + s.fileKey();
            } else {
                value = s.fallback();
                source = "default";
            }
            if (value == null) {
                throw new IllegalArgumentException("--" + s.flag() + " is required (or $" + s.env() + ", or '"
                        + s.fileKey() + "' in --config)");
            }
            values.put(s.flag(), value);
            sources.put(s.flag(), source);
        }
        int port;
        try {
            port = Integer.parseInt(values.get(PORT.flag()).trim());
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, was '" + values.get(PORT.flag()) + "' (from "
                    + sources.get(PORT.flag()) + ")");
        }
        if (!values.get(JDBC_URL.flag()).startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("jdbc-url must be jdbc:postgresql://host:5432/db, was '"
                    + values.get(JDBC_URL.flag()) + "' (from " + sources.get(JDBC_URL.flag()) + ")");
        }
        if (values.get(TOKEN.flag()).isBlank()) {
            throw new IllegalArgumentException("the API token is empty (from " + sources.get(TOKEN.flag()) + ")");
        }
        return new StandaloneSettings(values.get(JDBC_URL.flag()), values.get(JDBC_USER.flag()),
                values.get(JDBC_PASSWORD.flag()), values.get(KAFKA.flag()), values.get(HOST.flag()), port,
                values.get(TOKEN.flag()), Map.copyOf(sources));
    }

    private static String readSecret(Setting s, Path path) {
        try {
            return Files.readString(path).lines().findFirst().orElse("");
        } catch (IOException e) {
            throw new IllegalArgumentException("--" + s.flag() + ": cannot read " + path + ": " + e.getMessage());
        }
    }

    /** The API's configuration: these settings, default rules loaded on a first start. */
    public ApiConfig toApiConfig() {
        return ApiConfig.of(Database.of(jdbcUrl, jdbcUser, jdbcPassword), kafka, token).withListen(host, port);
    }

    /**
     * Starts the API with these settings: creates the database when it is missing and the user may (else it must
     * exist), applies the schema migrations, and listens.
     */
    public io.hubwatch.api.ApiServer start() throws Exception {
        Database db = Database.of(jdbcUrl, jdbcUser, jdbcPassword);
        try {
            db.ensureDatabase();
        } catch (java.sql.SQLException e) {
            // a managed database usually exists already and the user may not create databases: carry on
            org.slf4j.LoggerFactory.getLogger(StandaloneSettings.class)
                    .info("could not check or create database {}: {}", db.databaseName(), e.getMessage());
        }
        return io.hubwatch.api.ApiServer.start(toApiConfig());
    }

    /** Hides the secrets. */
    @Override
    public String toString() {
        return "StandaloneSettings[" + jdbcUrl + " as " + jdbcUser + ", kafka " + kafka + ", listen " + host + ":" + port
                + ", from " + sources + "]";
    }
}
