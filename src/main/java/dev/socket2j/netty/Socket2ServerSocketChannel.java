package dev.socket2j.netty;

import dev.socket2j.Socket;
import dev.socket2j.internal.C;
import dev.socket2j.internal.Errno;
import dev.socket2j.internal.Errors;
import dev.socket2j.internal.Sys;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A listening TCP socket on socket2j's epoll loop: Netty's {@link ServerSocketChannel}. Accepted connections are
 * {@link Socket2SocketChannel}s, made non-blocking and close-on-exec by {@code accept4(2)} itself.
 *
 * <p>When the process or system runs out of descriptors ({@code EMFILE}/{@code ENFILE}), the channel reports the
 * error once, stops asking epoll for readiness and retries after a back-off (10 ms doubling to 1 s), so a full
 * descriptor table never turns into a busy loop.
 */
public final class Socket2ServerSocketChannel extends AbstractSocket2Channel implements ServerSocketChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
    private static final long MIN_BACKOFF_MS = 10, MAX_BACKOFF_MS = 1000;

    private final Socket2ServerSocketChannelConfig config;
    private long backoffMs;

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
        } catch (java.io.IOException e) {
            throw new io.netty.channel.ChannelException(e);
        }
    }

    private Socket2ServerSocketChannel(Socket socket, boolean ipv6) {
        super(null, socket, ipv6, false, 0);
        this.config = new Socket2ServerSocketChannelConfig(this);
    }

    @Override public Socket2ServerSocketChannelConfig config() { return config; }

    @Override public ChannelMetadata metadata() { return METADATA; }

    @Override public InetSocketAddress localAddress() { return (InetSocketAddress) super.localAddress(); }

    @Override public InetSocketAddress remoteAddress() { return null; }

    @Override protected SocketAddress remoteAddress0() { return null; }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        super.doBind(localAddress);
        int tfo = config.getTcpFastOpen();
        if (tfo > 0) socket.setOption(dev.socket2j.SockOpt.TCP_FASTOPEN, tfo);
        socket.listen(config.getBacklog());
        active = true;
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) { throw new UnsupportedOperationException(); }

    @Override
    protected Object filterOutboundMessage(Object msg) { throw new UnsupportedOperationException(); }

    @Override
    protected AbstractUnsafe newUnsafe() { return new ServerUnsafe(); }

    private final class ServerUnsafe extends AbstractSocket2Unsafe {
        @Override
        public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
            promise.setFailure(new UnsupportedOperationException());
        }

        @Override
        @SuppressWarnings("deprecation")
        void epollInReady() {
            ChannelConfig cfg = config();
            if (!isActive()) {
                clearFlag(C.EPOLLIN);
                return;
            }
            RecvByteBufAllocator.Handle h = recvBufAllocHandle();
            ChannelPipeline pipeline = pipeline();
            h.reset(cfg);
            h.attemptedBytesRead(1);
            LoopScratch s = scratch();
            Throwable failure = null;
            try {
                do {
                    s.addrLen.set(JAVA_INT, 0, (int) dev.socket2j.internal.Layouts.SOCKADDR_STORAGE_SIZE);
                    int child = Sys.accept4Nb(s.capture, fd, s.addr, s.addrLen, C.SOCK_NONBLOCK | C.SOCK_CLOEXEC);
                    if (child < 0) {
                        int errno = errno(s);
                        if (errno == Errno.EAGAIN) {
                            h.lastBytesRead(-1);
                            backoffMs = 0;
                            break;
                        }
                        if (errno == Errno.ECONNABORTED || errno == Errno.EINTR) continue;  // the next one may be fine
                        failure = Errors.of("accept4(2)", errno);
                        if (errno == Errno.EMFILE || errno == Errno.ENFILE) backOff();
                        break;
                    }
                    h.lastBytesRead(1);
                    h.incMessagesRead(1);
                    readPending = false;
                    pipeline.fireChannelRead(new Socket2SocketChannel(Socket2ServerSocketChannel.this,
                        Socket.fromFd(child), ipv6, true));
                } while (h.continueReading());
            } catch (Throwable t) {
                failure = t;
            }
            h.readComplete();
            pipeline.fireChannelReadComplete();
            if (failure != null) pipeline.fireExceptionCaught(failure);
            if (shouldStopReading(cfg)) clearFlag(C.EPOLLIN);
        }

        /** Out of descriptors: a level-triggered EPOLLIN would fire again at once, so pause it for a while. */
        private void backOff() {
            backoffMs = backoffMs == 0 ? MIN_BACKOFF_MS : Math.min(backoffMs * 2, MAX_BACKOFF_MS);
            clearFlag(C.EPOLLIN);
            eventLoop().schedule(() -> {
                if (isOpen() && (readPending || config().isAutoRead())) setFlag(C.EPOLLIN);
            }, backoffMs, TimeUnit.MILLISECONDS);
        }
    }
}
