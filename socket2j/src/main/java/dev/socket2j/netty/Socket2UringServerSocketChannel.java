package dev.socket2j.netty;

import dev.socket2j.SockOpt;
import dev.socket2j.Socket;
import dev.socket2j.SocketKind;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A listening TCP socket on {@link Socket2UringIoHandler}: Netty's {@link ServerSocketChannel}. Accepted connections
 * are {@link Socket2UringSocketChannel}s; how it accepts (multishot {@code IORING_OP_ACCEPT}, back-off on
 * {@code EMFILE}) is {@link UringServerChannel}'s.
 */
public final class Socket2UringServerSocketChannel extends UringServerChannel implements ServerSocketChannel {
    private final Socket2ServerSocketChannelConfig config;

    /** A new dual-stack socket where IPv6 exists, else IPv4. */
    public Socket2UringServerSocketChannel() { this(Sockets.preferredFamily()); }

    /**
     * A new socket of the given family.
     *
     * @throws io.netty.channel.ChannelException if socket(2) fails
     */
    public Socket2UringServerSocketChannel(SocketProtocolFamily family) {
        this(Socket2UringSocketChannel.newStream(family), family == SocketProtocolFamily.INET6);
    }

    /** A new socket of the given family (Netty's older enum). */
    @SuppressWarnings("deprecation")
    public Socket2UringServerSocketChannel(InternetProtocolFamily family) { this(family.toSocketProtocolFamily()); }

    /** Adopts an open TCP socket descriptor (made blocking); if it already listens, the channel is active at once. */
    public Socket2UringServerSocketChannel(int fd) {
        this(blocking(Socket.fromFd(fd)), Sockets.isIpv6(fd));
        try {
            if (socket.getOption(SockOpt.SO_ACCEPTCONN)) {
                active = true;
                resetCachedAddresses();
            }
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    private Socket2UringServerSocketChannel(Socket socket, boolean ipv6) {
        super(socket, ipv6 ? SocketKind.TCP_V6 : SocketKind.TCP_V4);
        this.config = new Socket2ServerSocketChannelConfig(this);
    }

    @Override public Socket2ServerSocketChannelConfig config() { return config; }

    @Override public InetSocketAddress localAddress() { return (InetSocketAddress) super.localAddress(); }

    @Override public InetSocketAddress remoteAddress() { return null; }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        super.doBind(localAddress);
        int tfo = config.getTcpFastOpen();
        if (tfo > 0) socket.setOption(SockOpt.TCP_FASTOPEN, tfo);
        socket.listen(config.getBacklog());
        active = true;
    }

    @Override
    Channel newChild(Socket child) { return new Socket2UringSocketChannel(this, child, ipv6, true); }
}
