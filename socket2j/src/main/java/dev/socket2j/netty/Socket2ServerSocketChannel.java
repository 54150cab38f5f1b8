package dev.socket2j.netty;

import dev.socket2j.SockAddr;
import dev.socket2j.Socket;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A listening TCP socket on socket2j's epoll loop: Netty's {@link ServerSocketChannel}. Accepted connections are
 * {@link Socket2SocketChannel}s, made non-blocking and close-on-exec by {@code accept4(2)} itself.
 *
 * <p>When the process or system runs out of descriptors ({@code EMFILE}/{@code ENFILE}), the channel reports the
 * error once and backs off instead of spinning (see {@link AbstractSocket2ServerChannel}).
 */
public final class Socket2ServerSocketChannel extends AbstractSocket2ServerChannel implements ServerSocketChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);

    private final Socket2ServerSocketChannelConfig config;

    /** A new dual-stack socket where IPv6 exists, else IPv4. */
    public Socket2ServerSocketChannel() { this(Sockets.preferredFamily()); }

    /**
     * A new socket of the given family.
     *
     * @throws io.netty.channel.ChannelException if socket(2) fails (EMFILE, EAFNOSUPPORT without IPv6, ...)
     */
    public Socket2ServerSocketChannel(SocketProtocolFamily family) {
        this(Sockets.newStream(family), family == SocketProtocolFamily.INET6);
    }

    /** A new socket of the given family (Netty's older enum). */
    @SuppressWarnings("deprecation")
    public Socket2ServerSocketChannel(InternetProtocolFamily family) { this(family.toSocketProtocolFamily()); }

    /** Adopts an open TCP socket descriptor; if it already listens, the channel is active at once. */
    public Socket2ServerSocketChannel(int fd) {
        this(nonBlocking(Socket.fromFd(fd)), Sockets.isIpv6(fd));
        try {
            if (socket.getOption(dev.socket2j.SockOpt.SO_ACCEPTCONN)) {
                active = true;
                resetCachedAddresses();
            }
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    private Socket2ServerSocketChannel(Socket socket, boolean ipv6) {
        super(socket, ipv6);
        this.config = new Socket2ServerSocketChannelConfig(this);
    }

    @Override public Socket2ServerSocketChannelConfig config() { return config; }

    @Override public ChannelMetadata metadata() { return METADATA; }

    @Override public InetSocketAddress localAddress() { return (InetSocketAddress) super.localAddress(); }

    @Override public InetSocketAddress remoteAddress() { return null; }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        super.doBind(localAddress);
        int tfo = config.getTcpFastOpen();
        if (tfo > 0) socket.setOption(dev.socket2j.SockOpt.TCP_FASTOPEN, tfo);
        socket.listen(config.getBacklog());
        active = true;
    }

    @Override
    Channel newChild(Socket child, SockAddr peer) {
        Socket2SocketChannel ch = new Socket2SocketChannel(this, child, ipv6, true);
        ch.acceptedFrom(peer);
        return ch;
    }
}
