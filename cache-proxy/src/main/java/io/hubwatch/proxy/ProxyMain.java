package io.hubwatch.proxy;

import io.hubwatch.proxy.config.ConfigException;
import io.hubwatch.proxy.config.ProxyConfig;
import io.hubwatch.proxy.config.ProxyConfigLoader;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the proxy without the launcher (benchmarks use it to keep the classpath small):
 * {@code java -cp ... io.hubwatch.proxy.ProxyMain --config proxy.yaml}. {@code bin/hubwatch proxy} is the way for
 * users.
 */
public final class ProxyMain {

    private ProxyMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ProxyConfig config;
        try {
            config = args.length == 2 && args[0].equals("--config") ? ProxyConfigLoader.load(Path.of(args[1]))
                    : args.length == 0 ? ProxyConfig.defaults() : null;
            if (config == null) {
                System.err.println("usage: ProxyMain [--config FILE]");
                System.exit(2);
            }
        } catch (ConfigException e) {
            System.err.println("hubwatch proxy: " + e.getMessage());
            System.exit(2);
            return;
        }
        ProxyServer server;
        try {
            server = ProxyServer.start(config);
        } catch (RuntimeException e) {
            System.err.println("hubwatch proxy: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stop.countDown();
        }, "proxy-shutdown"));
        System.out.println("hubwatch proxy listening on " + config.listenHost() + ":" + server.port()
                + " -> " + ProxyConfig.redacted(config.upstream()) + "; admin routes " + server.adminDescription());
        stop.await();
    }
}
