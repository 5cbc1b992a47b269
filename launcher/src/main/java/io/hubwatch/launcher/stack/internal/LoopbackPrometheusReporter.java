package io.hubwatch.launcher.stack.internal;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.util.Properties;

/**
 * Flink's Prometheus reporter serving {@code /metrics} on one address instead of every interface: Flink's own
 * {@code PrometheusReporter} binds {@code new InetSocketAddress(port)} (the wildcard) and has no host option.
 * Configured as {@code metrics.reporter.prom.factory.class} with {@code host} and {@code port}.
 *
 * <pre>{@code
 * conf.setString("metrics.reporter.prom.factory.class", LoopbackPrometheusReporter.Factory.class.getName());
 * conf.setString("metrics.reporter.prom.host", "127.0.0.1");
 * conf.setString("metrics.reporter.prom.port", "9249");
 * }</pre>
 */
public final class LoopbackPrometheusReporter extends AbstractPrometheusReporter {
    private final HTTPServer server;

    LoopbackPrometheusReporter(String host, int port) {
        try {
            server = new HTTPServer(new InetSocketAddress(host, port), registryOf(this));
        } catch (IOException e) {
            throw new UncheckedIOException("could not serve Flink's metrics on " + host + ":" + port, e);
        }
    }

    /** The collectors live in the parent's registry, which it keeps to itself (package-private). */
    private static CollectorRegistry registryOf(AbstractPrometheusReporter reporter) {
        try {
            Field field = AbstractPrometheusReporter.class.getDeclaredField("registry");
            field.setAccessible(true);
            return (CollectorRegistry) field.get(reporter);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this Flink version's Prometheus reporter has no registry field", e);
        }
    }

    @Override
    public void close() {
        server.stop();
        super.close();
    }

    /** Creates the reporter from {@code host} (default 127.0.0.1) and {@code port} (required). */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            String host = properties.getProperty("host", "127.0.0.1");
            String port = properties.getProperty("port");
            if (port == null || !port.matches("\\d{1,5}")) {
                throw new IllegalArgumentException("metrics.reporter.<name>.port must be a port number, was " + port);
            }
            return new LoopbackPrometheusReporter(host, Integer.parseInt(port));
        }
    }
}
