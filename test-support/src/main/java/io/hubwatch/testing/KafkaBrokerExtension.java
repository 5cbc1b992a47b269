package io.hubwatch.testing;

import io.hubwatch.embedded.EmbeddedKafka;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one real in-JVM Kafka broker for the whole test run (shared by every test class in the JVM, closed when the
 * run ends) and injects it as an {@link EmbeddedKafka} parameter. Tests use unique topic or group names, or the
 * shared Hubwatch topics with their own keys, so they do not see each other's data.
 *
 * <pre>{@code
 * @ExtendWith(KafkaBrokerExtension.class)
 * class CollectorITCase {
 *     @Test void publishes(EmbeddedKafka kafka) { ... kafka.bootstrapServers() ... }
 * }
 * }</pre>
 *
 * <p>A test that stops the broker must start it again before it returns.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

    /** Closes the broker when the root store is closed, at the end of the run. */
    private record Holder(EmbeddedKafka kafka) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            kafka.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        broker(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == EmbeddedKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return broker(extensionContext);
    }

    /** The run's broker, started on first use. */
    public static EmbeddedKafka broker(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent("broker", key -> {
                    EmbeddedKafka kafka = EmbeddedKafka.start();
                    kafka.createTopics(EmbeddedKafka.hubwatchTopics(2));
                    return new Holder(kafka);
                }, Holder.class)
                .kafka();
    }
}
