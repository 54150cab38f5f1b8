package dev.socket2j.netty;

import dev.socket2j.OsError;
import dev.socket2j.Socket;
import dev.socket2j.internal.C;
import dev.socket2j.internal.Errno;
import dev.socket2j.internal.Sys;
import dev.socket2j.TcpInfo;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A TCP connection on socket2j's epoll loop: Netty's {@link SocketChannel}, usable wherever {@code NioSocketChannel}
 * or {@code EpollSocketChannel} is. {@link #socket()} gives the core socket for any call the config does not cover.
 *
 * <p>With {@code ChannelOption.TCP_FASTOPEN_CONNECT}, data written (even unflushed) before {@code connect} is sent
 * in the SYN through {@code sendto(MSG_FASTOPEN)} when the kernel has a cookie for the server (RFC 7413); without
 * one the call falls back to an ordinary connect and the data follows it.
 */
public final class Socket2SocketChannel extends AbstractSocket2StreamChannel implements SocketChannel {
    private final Socket2SocketChannelConfig config;

    /** A new dual-stack (IPv6, accepting IPv4-mapped peers) socket where IPv6 exists, else IPv4. */
    public Socket2SocketChannel() { this(Sockets.preferredFamily()); }

    /**
     * A new socket of the given family.
     *
     * @throws io.netty.channel.ChannelException if socket(2) fails (EMFILE, EAFNOSUPPORT without IPv6, ...)
     */
    public Socket2SocketChannel(SocketProtocolFamily family) {
        this(null, Sockets.newStream(family), family == SocketProtocolFamily.INET6, false);
    }

    /** A new socket of the given family (Netty's older enum). */
    @SuppressWarnings("deprecation")
    public Socket2SocketChannel(InternetProtocolFamily family) { this(family.toSocketProtocolFamily()); }

    /** Adopts an open TCP socket descriptor (connected or not); the channel will own and close it. */
    public Socket2SocketChannel(int fd) {
        this(null, nonBlocking(Socket.fromFd(fd)), Sockets.isIpv6(fd), Sockets.isConnected(fd));
    }

    Socket2SocketChannel(Channel parent, Socket socket, boolean ipv6, boolean active) {
        super(parent, socket, ipv6, active);
        this.config = new Socket2SocketChannelConfig(this);
    }

    @Override public Socket2SocketChannelConfig config() { return config; }

    @Override public ServerSocketChannel parent() { return (ServerSocketChannel) super.parent(); }

    @Override public InetSocketAddress localAddress() { return (InetSocketAddress) super.localAddress(); }

    @Override public InetSocketAddress remoteAddress() { return (InetSocketAddress) super.remoteAddress(); }

    @Override boolean allowHalfClosure() { return config.isAllowHalfClosure(); }

    /**
     * {@code TCP_INFO} of this connection now (RTT, congestion window, retransmits, bytes acked, ...), as
     * {@code EpollSocketChannel.tcpInfo()} gives it; fields this kernel does not fill are absent.
     *
     * @throws ChannelException with the errno if the kernel refuses, or caused by a
     *     {@code ClosedChannelException} once the channel is closed
     */
    public TcpInfo tcpInfo() {
        try {
            return socket.tcpInfo();
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    @Override
    boolean doConnect0(SocketAddress remoteAddress) throws Exception {
        if (config.isTcpFastOpenConnect() && Sockets.FASTOPEN_CLIENT) {
            ChannelOutboundBuffer out = unsafe().outboundBuffer();
            out.addFlush();
            if (out.current() instanceof ByteBuf first && first.nioBufferCount() == 1 && first.isReadable()) {
                long n = sendFastOpen(first, remoteAddress);
                if (n > 0) {
                    out.removeBytes(n);
                    return true;
                }
                if (n < 0) return false;  // no cookie: the SYN is out, EPOLLOUT finishes the connect
            }
        }
        return super.doConnect0(remoteAddress);
    }

    /** sendto(MSG_FASTOPEN): bytes queued with the SYN, or -1 if it became an ordinary connect in progress. */
    private long sendFastOpen(ByteBuf buf, SocketAddress remoteAddress) throws IOException {
        LoopScratch s = scratch();
        int len = Addresses.toKernel(remoteAddress, ipv6).copyTo(s.addr);
        MemorySegment data = MemorySegment.ofBuffer(buf.internalNioBuffer(buf.readerIndex(), buf.readableBytes()));
        long n = Sys.sendtoNb(s.capture, fd, data, data.byteSize(), C.MSG_FASTOPEN | C.MSG_NOSIGNAL, s.addr, len);
        if (n >= 0) return n;
        int errno = errno(s);
        if (errno == Errno.EINPROGRESS || errno == Errno.EAGAIN) {
            setFlag(C.EPOLLOUT);
            return -1;
        }
        throw OsError.ofConnect("sendto(2)", errno);
    }

    @Override
    protected AbstractUnsafe newUnsafe() { return new StreamUnsafe() {}; }

}
