package dev.socket2j.vertx;

import dev.socket2j.netty.Socket2ChannelOption;
import dev.socket2j.netty.Socket2DatagramChannel;
import dev.socket2j.netty.Socket2DomainSocketChannel;
import dev.socket2j.netty.Socket2IoHandler;
import dev.socket2j.netty.Socket2ServerDomainSocketChannel;
import dev.socket2j.netty.Socket2ServerSocketChannel;
import dev.socket2j.netty.Socket2SocketChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.unix.DomainSocketAddress;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.NetServerOptions;

import java.net.SocketAddress;

/**
 * A Vert.x 5 transport on socket2j: event loops driven by {@link Socket2IoHandler} and socket2j's channels for TCP,
 * UDP and Unix domain sockets, with the socket options Vert.x's epoll transport sets (SO_REUSEPORT, TCP_FASTOPEN,
 * TCP_QUICKACK, TCP_CORK, TCP_USER_TIMEOUT). Vert.x 5 looks for native transports by name only (epoll, io_uring,
 * kqueue), so it is chosen with one builder call:
 * <pre>{@code
 * Vertx vertx = Vertx.builder().withTransport(Socket2Transport.INSTANCE).build();
 * }</pre>
 * No JNI library is loaded; {@code vertx.isNativeTransportEnabled()} reports {@code true} (Vert.x says so for every
 * transport but NIO), and Unix domain socket addresses ({@code SocketAddress.domainSocketAddress(path)}) work.
 */
public final class Socket2Transport implements io.vertx.core.transport.Transport {

    /** The transport to pass to {@code VertxBuilder.withTransport}. */
    public static final Socket2Transport INSTANCE = new Socket2Transport();

    private static final Implementation IMPLEMENTATION = new Implementation();

    private Socket2Transport() {}

    /** {@code "socket2j"}. */
    @Override public String name() { return "socket2j"; }

    /** Always {@code true} on Linux: socket2j calls the kernel through the FFM API, with no library to load. */
    @Override public boolean available() { return true; }

    @Override public Throwable unavailabilityCause() { return null; }

    @Override public io.vertx.core.spi.transport.Transport implementation() { return IMPLEMENTATION; }

    @Override public String toString() { return name(); }

    /** What Vert.x calls to make loops, channels and to configure bootstraps. */
    static final class Implementation implements io.vertx.core.spi.transport.Transport {
        /** The Fast Open queue length a server gets with {@code setTcpFastOpen(true)}, as on epoll. */
        private static final int FAST_OPEN_QUEUE = 256;

        @Override public boolean supportsDomainSockets() { return true; }

        @Override
        public SocketAddress convert(io.vertx.core.net.SocketAddress address) {
            if (address.isDomainSocket()) return new DomainSocketAddress(address.path());
            return io.vertx.core.spi.transport.Transport.super.convert(address);
        }

        @Override
        public io.vertx.core.net.SocketAddress convert(SocketAddress address) {
            if (address instanceof DomainSocketAddress d) return io.vertx.core.net.SocketAddress.domainSocketAddress(d.path());
            return io.vertx.core.spi.transport.Transport.super.convert(address);
        }

        @Override public IoHandlerFactory ioHandlerFactory() { return Socket2IoHandler.newFactory(); }

        @Override public DatagramChannel datagramChannel() { return new Socket2DatagramChannel(); }

        @Override
        public DatagramChannel datagramChannel(InternetProtocolFamily family) {
            return family == null ? new Socket2DatagramChannel() : new Socket2DatagramChannel(family);
        }

        @Override
        public ChannelFactory<? extends Channel> channelFactory(boolean domainSocket) {
            return domainSocket ? Socket2DomainSocketChannel::new : Socket2SocketChannel::new;
        }

        @Override
        public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
            return domainSocket ? Socket2ServerDomainSocketChannel::new : Socket2ServerSocketChannel::new;
        }

        @Override
        public void configure(DatagramChannel channel, DatagramSocketOptions options) {
            channel.config().setOption(Socket2ChannelOption.SO_REUSEPORT, options.isReusePort());
            io.vertx.core.spi.transport.Transport.super.configure(channel, options);
        }

        @Override
        public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
            if (!domainSocket) {
                bootstrap.option(Socket2ChannelOption.SO_REUSEPORT, options.isReusePort());
                if (options.isTcpFastOpen()) bootstrap.option(ChannelOption.TCP_FASTOPEN, FAST_OPEN_QUEUE);
                bootstrap.childOption(Socket2ChannelOption.TCP_QUICKACK, options.isTcpQuickAck());
                bootstrap.childOption(Socket2ChannelOption.TCP_CORK, options.isTcpCork());
            }
            io.vertx.core.spi.transport.Transport.super.configure(options, domainSocket, bootstrap);
        }

        @Override
        public void configure(ClientOptionsBase options, int connectTimeout, boolean domainSocket, Bootstrap bootstrap) {
            if (!domainSocket) {
                if (options.isTcpFastOpen()) bootstrap.option(ChannelOption.TCP_FASTOPEN_CONNECT, true);
                bootstrap.option(Socket2ChannelOption.TCP_USER_TIMEOUT, options.getTcpUserTimeout());
                bootstrap.option(Socket2ChannelOption.TCP_QUICKACK, options.isTcpQuickAck());
                bootstrap.option(Socket2ChannelOption.TCP_CORK, options.isTcpCork());
            }
            io.vertx.core.spi.transport.Transport.super.configure(options, connectTimeout, domainSocket, bootstrap);
        }
    }
}
