package io.hubwatch.launcher.api;

import io.hubwatch.api.ApiServer;
import io.hubwatch.api.standalone.StandaloneSettings;
import io.hubwatch.launcher.StopSignals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code hubwatch api}: the alerts API on its own, without {@code up}. Each setting from its flag, else its
 * environment variable, else {@code --config FILE}, else its default; the schema is migrated at start.
 *
 * <pre>{@code
 * HUBWATCH_API_TOKEN=... bin/hubwatch api --jdbc-url jdbc:postgresql://db:5432/hubwatch --jdbc-user hubwatch \
 *     --jdbc-password-file /run/secrets/pg --kafka kafka:9092 --host 0.0.0.0 --port 8080
 * }</pre>
 */
@Command(name = "api", description = "Run the alerts API on its own (database settings from flags, environment or a file).")
public final class ApiCommand implements Runnable {
    @Option(names = "--config", description = "a properties file: jdbc.url, jdbc.user, jdbc.password, kafka, host, port, token")
    String config;
    @Option(names = "--jdbc-url", description = "PostgreSQL (or $HUBWATCH_JDBC_URL; default jdbc:postgresql://127.0.0.1:5432/hubwatch)")
    String jdbcUrl;
    @Option(names = "--jdbc-user", description = "PostgreSQL user (or $HUBWATCH_JDBC_USER; default postgres)")
    String jdbcUser;
    @Option(names = "--jdbc-password-file", description = "file holding the password (or $HUBWATCH_JDBC_PASSWORD)")
    String jdbcPasswordFile;
    @Option(names = "--kafka", description = "Kafka bootstrap servers (or $HUBWATCH_KAFKA); required")
    String kafka;
    @Option(names = "--host", description = "listen address (or $HUBWATCH_API_HOST; default 127.0.0.1)")
    String host;
    @Option(names = "--port", description = "listen port (or $HUBWATCH_API_PORT; default 8080)")
    String port;
    @Option(names = "--token-file", description = "file holding the bearer token (or $HUBWATCH_API_TOKEN); required")
    String tokenFile;

    @Override
    public void run() {
        Map<String, String> flags = new HashMap<>();
        put(flags, StandaloneSettings.CONFIG_FLAG, config);
        put(flags, StandaloneSettings.JDBC_URL.flag(), jdbcUrl);
        put(flags, StandaloneSettings.JDBC_USER.flag(), jdbcUser);
        put(flags, StandaloneSettings.JDBC_PASSWORD.flag(), jdbcPasswordFile);
        put(flags, StandaloneSettings.KAFKA.flag(), kafka);
        put(flags, StandaloneSettings.HOST.flag(), host);
        put(flags, StandaloneSettings.PORT.flag(), port);
        put(flags, StandaloneSettings.TOKEN.flag(), tokenFile);
        StandaloneSettings settings = StandaloneSettings.resolve(flags, System.getenv());
        StopSignals stop = StopSignals.install(Duration.ofSeconds(10));
        try (ApiServer api = settings.start()) {
            System.out.println("READY api=" + api.address() + " (" + settings + ")");
            stop.awaitStop();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("the API could not start: " + e.getMessage(), e);
        } finally {
            stop.finished();
        }
    }

    private static void put(Map<String, String> flags, String name, String value) {
        if (value != null) {
            flags.put(name, value);
        }
    }
}
