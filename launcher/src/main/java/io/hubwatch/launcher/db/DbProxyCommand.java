package io.hubwatch.launcher.db;

import io.hubwatch.dbproxy.DbProxy;
import io.hubwatch.dbproxy.DbProxyConfig;
import io.hubwatch.launcher.StopSignals;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code hubwatch db-proxy}: runs the PostgreSQL routing proxy alone, from the {@code postgres:} section of a file.
 *
 * <pre>{@code
 * bin/hubwatch db-proxy --config proxy.yaml
 * }</pre>
 */
@Command(name = "db-proxy", mixinStandardHelpOptions = true,
        description = "Run the PostgreSQL routing proxy: pooling, read/write splitting, read-your-writes, replica failover.")
public final class DbProxyCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", required = true,
            description = "YAML with a postgres: section (listen, primary, replicas, pool_mode, pool_size, auth, users_file, "
                    + "max_replica_lag, query_wait_timeout, admin_listen, tls, tls_cert_file, tls_key_file, server_tls, "
                    + "server_tls_ca_file, metrics_kafka, metrics_interval)")
    Path config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DbProxyConfig cfg = load(spec, config);
        if (cfg == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), config + " has no postgres: section");
        }
        StopSignals signals = StopSignals.install(Duration.ofSeconds(5));
        try (DbProxy proxy = DbProxy.start(cfg)) {
            PrintWriter out = spec.commandLine().getOut();
            out.println(describe(cfg, proxy));
            out.flush();
            signals.awaitStop();
        }
        signals.finished();
        return 0;
    }

    /** The postgres: section of {@code file}, or null; a bad section is a usage error naming file and field. */
    public static DbProxyConfig load(CommandLine.Model.CommandSpec spec, Path file) {
        try {
            return DbProxyConfig.load(file);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    public static String describe(DbProxyConfig cfg, DbProxy proxy) {
        return String.format("postgres proxy on %s:%d -> primary %s, %d replica(s), %s pooling, pool_size %d%s (Ctrl-C to stop)",
                cfg.listenHost(), proxy.port(), cfg.primary().address(), cfg.replicas().size(),
                cfg.poolMode().name().toLowerCase(), cfg.poolSize(),
                proxy.adminPort() < 0 ? "" : "; metrics on http://" + cfg.adminListen().replaceAll(":\\d+$", "") + ":" + proxy.adminPort() + "/metrics");
    }
}
