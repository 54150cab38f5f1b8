package dev.socket2j.netty;

import dev.socket2j.Domain;
import dev.socket2j.SockOpt;
import dev.socket2j.Socket;
import dev.socket2j.TcpInfo;
import dev.socket2j.Type;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A TCP connection on {@link Socket2UringIoHandler}: Netty's {@link SocketChannel}, usable wherever
 * {@code NioSocketChannel} or {@code IoUringSocketChannel} is, with the same options as
 * {@link Socket2SocketChannel} (Netty's, the epoll names, every {@link Socket2ChannelOption}).
 * {@link #socket()} gives the core socket for any call the config does not cover.
 *
 * <p>{@code FileRegion} writes go through a staging buffer and {@code IORING_OP_SEND} (see {@link UringStreamChannel}).
 *
 * <p>With {@code ChannelOption.TCP_FASTOPEN_CONNECT}, data written (even unflushed) before {@code connect} is sent
 * in the SYN when the kernel has a cookie for the server (RFC 7413); without one the connect is an ordinary one
 * that asks for a cookie, and the data follows the handshake.
 */
public final class Socket2UringSocketChannel extends UringStreamChannel implements SocketChannel {
    private final Socket2UringSocketChannelConfig config;
    /** A Fast Open connect is under way: its completion flushes what was queued before it (event loop only). */
    private boolean fastOpenFlush;

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

    /**
     * With {@code TCP_FASTOPEN_CONNECT} configured and data queued (flushed or not), sets the socket option of that
     * name (Linux 4.11) before {@code IORING_OP_CONNECT}: where the kernel holds a cookie for the server the connect
     * completes at once without a SYN, and the first send carries the SYN with the data; without a cookie it is an
     * ordinary connect that asks for one. With nothing queued the connect is an ordinary one, since a deferred
     * connect would send no SYN at all until the first write (a server that speaks first would wait forever).
     */
    @Override
    void startConnect(SocketAddress remoteAddress, SocketAddress localAddress) throws Exception {
        if (config.isTcpFastOpenConnect() && Sockets.FASTOPEN_CLIENT && remote == null) {
            ChannelOutboundBuffer out = unsafe().outboundBuffer();
            if (out != null) {
                out.addFlush();
                if (out.current() instanceof ByteBuf first && first.isReadable()) {
                    socket.setOption(SockOpt.TCP_FASTOPEN_CONNECT, true);
                    fastOpenFlush = true;
                }
            }
        }
        super.startConnect(remoteAddress, localAddress);
    }

    @Override
    void activated() {
        super.activated();
        if (fastOpenFlush) {
            fastOpenFlush = false;
            ((UringSocketUnsafe) unsafe()).flushQueued();
        }
    }

    @Override
    protected AbstractUnsafe newUnsafe() { return new UringSocketUnsafe(); }

    private final class UringSocketUnsafe extends StreamUnsafe {
        /** Writes what a Fast Open connect flushed: the first send is the one that carries the SYN. */
        void flushQueued() { flush0(); }
    }
}
