package io.hubwatch.dbproxy.internal;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Netty's native epoll transport where it loads (Linux x86-64), else NIO. Under {@code pgbench -S} the proxy's event
 * loop spends most of its time in socket calls; NIO adds a selector, locks and buffer copies around each of them that
 * the epoll transport does not (see docs/decisions.md, db section, for the measured difference).
 */
public final class Transport {
    /** Whether the native transport is in use. */
    public static final boolean EPOLL = Epoll.isAvailable();

    private Transport() {}

    public static IoHandlerFactory ioHandler() {
        return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    public static Class<? extends ServerChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    static Class<? extends Channel> socketChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
