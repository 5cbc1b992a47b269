package io.hubwatch.dbproxy.internal;

import io.hubwatch.dbproxy.DbProxyConfig.ClientTls;
import io.hubwatch.dbproxy.DbProxyConfig.ServerTls;
import io.hubwatch.dbproxy.DbProxyConfig.Tls;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import javax.net.ssl.SSLException;

/** The proxy's TLS: its server side towards clients, its client side towards PostgreSQL servers. */
final class TlsContexts {
    /** For clients' connections, or null when TLS to clients is off. */
    final SslContext clients;
    /** For connections to servers, or null when TLS to servers is off. */
    final SslContext servers;
    final ServerTls serverMode;
    final ClientTls clientMode;

    TlsContexts(Tls tls) {
        clientMode = tls.clients();
        serverMode = tls.servers();
        if (tls.clients() == ClientTls.DISABLE) {
            clients = null;
        } else {
            try {
                clients = SslContextBuilder.forServer(tls.certFile().toFile(), tls.keyFile().toFile()).build();
            } catch (SSLException | IllegalArgumentException e) {
                throw new IllegalArgumentException("postgres.tls_cert_file " + tls.certFile() + " and tls_key_file "
                        + tls.keyFile() + ": " + e.getMessage() + " (a PEM certificate chain and an unencrypted PKCS#8 PEM key)");
            }
        }
        if (tls.servers() == ServerTls.DISABLE) {
            servers = null;
        } else {
            SslContextBuilder b = SslContextBuilder.forClient();
            if (tls.servers() == ServerTls.VERIFY_CA || tls.servers() == ServerTls.VERIFY_FULL) {
                b.trustManager(tls.serverCaFile().toFile());
            } else {
                b.trustManager(InsecureTrustManagerFactory.INSTANCE); // prefer and require encrypt, as libpq's do, and trust anyone
            }
            b.endpointIdentificationAlgorithm(tls.servers() == ServerTls.VERIFY_FULL ? "HTTPS" : null);
            try {
                servers = b.build();
            } catch (SSLException | IllegalArgumentException e) {
                throw new IllegalArgumentException("postgres.server_tls_ca_file " + tls.serverCaFile() + ": " + e.getMessage());
            }
        }
    }

    /** A handler for a connection to {@code host:port} (its name is what verify-full checks). */
    SslHandler serverHandler(ByteBufAllocator alloc, String host, int port) {
        return servers.newHandler(alloc, host, port);
    }
}
