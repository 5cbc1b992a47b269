package io.hubwatch.launcher.proxy;

import io.hubwatch.dbproxy.DbProxy;
import io.hubwatch.dbproxy.DbProxyConfig;
import io.hubwatch.launcher.db.DbProxyCommand;
import io.hubwatch.proxy.ProxyServer;
import io.hubwatch.proxy.config.ConfigException;
import io.hubwatch.proxy.config.ProxyConfig;
import io.hubwatch.proxy.config.ProxyConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hubwatch proxy}: runs the cache proxy in front of the hub's HTTP API until Ctrl-C or SIGTERM; on stop it
 * records the hottest keys and flushes buffered Redis writes.
 *
 * <pre>{@code
 * bin/hubwatch proxy --config proxy.yaml   # with a postgres: section, the PostgreSQL proxy runs beside it
 * bin/hubwatch proxy                      # defaults: 127.0.0.1:8080 -> http://127.0.0.1:9000, Redis 127.0.0.1:6379
 * }</pre>
 */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = "Run the cache proxy: L1 in-process + L2 Redis response cache in front of the hub's HTTP API.")
public final class ProxyCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "Proxy YAML (listen, upstream, redis, user_header, endpoints)")
    Path config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        ProxyConfig cfg;
        try {
            cfg = config == null ? ProxyConfig.defaults() : ProxyConfigLoader.load(config);
        } catch (ConfigException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        DbProxyConfig pg = config == null ? null : DbProxyCommand.load(spec, config);
        ProxyServer server = ProxyServer.start(cfg);
        PrintWriter out = spec.commandLine().getOut();
        DbProxy dbProxy = null;
        if (pg != null) {
            try {
                dbProxy = DbProxy.start(pg);
            } catch (java.io.IOException e) {
                server.close();
                throw new CommandLine.ParameterException(spec.commandLine(), "postgres.listen: " + e.getMessage());
            }
            out.println(DbProxyCommand.describe(pg, dbProxy));
        }
        DbProxy startedDbProxy = dbProxy;
        // no secret on this line: the Redis URI without its password, the admin token only by where it is
        out.printf("cache proxy on http://%s:%d -> %s (L2: %s); admin routes (stats, metrics, advice, profile, purge)"
                        + " %s (Ctrl-C to stop)%n", cfg.listenHost(), server.port(),
                ProxyConfig.redacted(cfg.upstream()), ProxyConfig.redacted(cfg.redis()), server.adminDescription());
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            if (startedDbProxy != null) {
                startedDbProxy.close();
            }
            stopped.countDown();
        }, "proxy-stop"));
        stopped.await();
        return 0;
    }
}
