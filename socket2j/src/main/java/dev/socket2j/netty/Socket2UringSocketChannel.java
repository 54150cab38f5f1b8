package dev.socket2j.netty;

import dev.socket2j.Domain;
import dev.socket2j.Socket;
import dev.socket2j.TcpInfo;
import dev.socket2j.Type;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A TCP connection on {@link Socket2UringIoHandler}: Netty's {@link SocketChannel}, usable wherever
 * {@code NioSocketChannel} or {@code IoUringSocketChannel} is, with the same options as
 * {@link Socket2SocketChannel} (Netty's, the epoll names, every {@link Socket2ChannelOption}).
 * {@link #socket()} gives the core socket for any call the config does not cover.
 *
 * <p>{@code FileRegion} writes go through a staging buffer and {@code IORING_OP_SEND} (see {@link UringStreamChannel}).
 * Not supported on this engine (yet): {@code TCP_FASTOPEN_CONNECT} and {@code spliceTo} (which
 * {@link Socket2SocketChannel} has).
 */
public final class Socket2UringSocketChannel extends UringStreamChannel implements SocketChannel {
    private final Socket2UringSocketChannelConfig config;

    /** A new dual-stack (IPv6, accepting IPv4-mapped peers) socket where IPv6 exists, else IPv4. */
    public Socket2UringSocketChannel() { this(Sockets.preferredFamily()); }

    /**
     * A new socket of the given family.
     *
     * @throws ChannelException if socket(2) fails (EMFILE, EAFNOSUPPORT without IPv6, ...)
     */
    public Socket2UringSocketChannel(SocketProtocolFamily family) {
        this(null, newStream(family), family == SocketProtocolFamily.INET6, false);
    }

    /** A new socket of the given family (Netty's older enum). */
    @SuppressWarnings("deprecation")
    public Socket2UringSocketChannel(InternetProtocolFamily family) { this(family.toSocketProtocolFamily()); }

    /** Adopts an open TCP socket descriptor (connected or not); it is made blocking, and the channel owns it. */
    public Socket2UringSocketChannel(int fd) {
        this(null, blocking(Socket.fromFd(fd)), Sockets.isIpv6(fd), Sockets.isConnected(fd));
    }

    Socket2UringSocketChannel(Channel parent, Socket socket, boolean ipv6, boolean active) {
        super(parent, socket, ipv6, active);
        this.config = new Socket2UringSocketChannelConfig(this);
    }

    /** A blocking stream socket: io_uring waits for readiness itself. */
    static Socket newStream(SocketProtocolFamily family) {
        Domain d = switch (family) {
            case INET -> Domain.IPV4;
            case INET6 -> Domain.IPV6;
            default -> throw new IllegalArgumentException("not an IP family: " + family);
        };
        try {
            return Socket.open(d, Type.STREAM);
        } catch (IOException e) {
            throw new ChannelException("cannot open a " + family + " stream socket", e);
        }
    }

    @Override public Socket2UringSocketChannelConfig config() { return config; }

    @Override public ServerSocketChannel parent() { return (ServerSocketChannel) super.parent(); }

    @Override public InetSocketAddress localAddress() { return (InetSocketAddress) super.localAddress(); }

    @Override public InetSocketAddress remoteAddress() { return (InetSocketAddress) super.remoteAddress(); }

    @Override boolean allowHalfClosure() { return config.isAllowHalfClosure(); }

    @Override int sendZcThreshold() { return config.sendZcThreshold; }

    /**
     * {@code TCP_INFO} of this connection now (RTT, congestion window, retransmits, ...).
     *
     * @throws ChannelException with the errno if the kernel refuses (e.g. {@code EBADF} once closed)
     */
    public TcpInfo tcpInfo() {
        try {
            return socket().tcpInfo();
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    @Override
    protected AbstractUnsafe newUnsafe() { return new StreamUnsafe(); }
}
