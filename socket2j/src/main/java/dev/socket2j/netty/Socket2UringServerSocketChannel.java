package dev.socket2j.netty;

import dev.socket2j.OsError;
import dev.socket2j.SockOpt;
import dev.socket2j.Socket;
import dev.socket2j.internal.C;
import dev.socket2j.internal.Errno;
import dev.socket2j.internal.Errors;
import dev.socket2j.internal.Sys;
import dev.socket2j.internal.Uring;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * A listening TCP socket on {@link Socket2UringIoHandler}: Netty's {@link ServerSocketChannel}. While it reads, one
 * multishot {@code IORING_OP_ACCEPT} (5.19; single-shot accepts before) stays armed; accepted connections are
 * {@link Socket2UringSocketChannel}s. Connections accepted after auto-read was turned off are kept until the next
 * {@code read()}. On {@code EMFILE}/{@code ENFILE} the channel reports the error and accepts again after a back-off
 * (10 ms doubling to 1 s); connections wait in the kernel's queue meanwhile.
 */
public final class Socket2UringServerSocketChannel extends UringChannel implements ServerSocketChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
    private static final long MIN_BACKOFF_MS = 10, MAX_BACKOFF_MS = 1000;

    private final Socket2ServerSocketChannelConfig config;
    // event loop only
    private boolean acceptArmed, acceptMultishot, backingOff;
    private long backoffMs;
    private ArrayDeque<Socket> unaccepted;

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
        super(null, socket, ipv6, false);
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
        if (tfo > 0) socket.setOption(SockOpt.TCP_FASTOPEN, tfo);
        socket.listen(config.getBacklog());
        active = true;
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) { throw new UnsupportedOperationException(); }

    @Override
    protected Object filterOutboundMessage(Object msg) { throw new UnsupportedOperationException(); }

    @Override
    protected void doBeginRead() {
        ServerUnsafe u = (ServerUnsafe) unsafe();
        u.readPending = true;
        u.deliverUnaccepted();
        if (u.readPending || config.isAutoRead()) u.armAccept();
    }

    @Override
    protected void doClose() throws Exception {
        try {
            super.doClose();
        } finally {
            ArrayDeque<Socket> q = unaccepted;
            if (q != null) for (Socket s; (s = q.poll()) != null; ) s.close();
        }
    }

    final void clearReadPending() {
        if (!isRegistered()) {
            ((ServerUnsafe) unsafe()).readPending = false;
            return;
        }
        EventLoop loop = eventLoop();
        Runnable r = () -> {
            ServerUnsafe u = (ServerUnsafe) unsafe();
            u.readPending = false;
            u.stopMultishot();
        };
        if (loop.inEventLoop()) r.run(); else loop.execute(r);
    }

    @Override
    protected AbstractUnsafe newUnsafe() { return new ServerUnsafe(); }

    private final class ServerUnsafe extends UringUnsafe {
        @Override
        public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
            promise.setFailure(new UnsupportedOperationException());
        }

        void armAccept() {
            if (acceptArmed || backingOff || !isOpen() || !isActive()) return;
            Socket2UringIoHandler loop = loop();
            long s = registration.sqe(Uring.OP_ACCEPT, fd, 0, 0, 0, TAG_ACCEPT);
            registration.ring().sqeOpFlags(s, C.SOCK_CLOEXEC);   // children block: io_uring waits for them
            acceptMultishot = loop.acceptMultishot() && config.isAutoRead();
            if (acceptMultishot) registration.ring().sqeIoprio(s, Uring.ACCEPT_MULTISHOT);
            acceptArmed = true;
        }

        void stopMultishot() {
            if (acceptArmed && acceptMultishot && registration != null && !registration.freed) {
                registration.cancel(TAG_ACCEPT, TAG_CANCEL);
                acceptMultishot = false;
            }
        }

        @Override
        void completeOp(int op, int res, int flags) {
            if (op != TAG_ACCEPT) return;
            if ((flags & Uring.CQE_F_MORE) == 0) acceptArmed = false;
            if (res >= 0) {
                if (!isOpen()) {
                    Sys.closeQuietly(res);
                    return;
                }
                backoffMs = 0;
                Socket child = Socket.fromFd(res);
                if (shouldStopReading()) {
                    if (unaccepted == null) unaccepted = new ArrayDeque<>(4);
                    unaccepted.add(child);
                    stopMultishot();
                } else {
                    fire(child);
                }
            } else {
                int errno = -res;
                if (!isOpen() || errno == Errno.ECANCELED) return;
                if (errno == Errno.EINVAL && acceptMultishot) {
                    loop().disableAcceptMultishot();
                } else if (errno == Errno.EMFILE || errno == Errno.ENFILE) {
                    pipeline().fireExceptionCaught(OsError.ofReceive("accept(2)", errno));
                    backOff();
                    return;
                } else if (errno != Errno.ECONNABORTED && errno != Errno.EINTR && errno != Errno.EAGAIN) {
                    pipeline().fireExceptionCaught(OsError.ofReceive("accept(2)", errno));
                }
            }
            if (!acceptArmed && (readPending || config.isAutoRead())) armAccept();
        }

        @SuppressWarnings("deprecation")
        private void fire(Socket child) {
            ChannelConfig cfg = config();
            RecvByteBufAllocator.Handle h = recvBufAllocHandle();
            h.reset(cfg);
            h.attemptedBytesRead(1);
            h.lastBytesRead(1);
            h.incMessagesRead(1);
            readPending = false;
            ChannelPipeline p = pipeline();
            try {
                p.fireChannelRead(new Socket2UringSocketChannel(Socket2UringServerSocketChannel.this, child, ipv6, true));
            } catch (Throwable t) {
                p.fireExceptionCaught(t);
            }
            h.readComplete();
            p.fireChannelReadComplete();
            if (shouldStopReading()) stopMultishot();
        }

        void deliverUnaccepted() {
            ArrayDeque<Socket> q = unaccepted;
            while (q != null && !q.isEmpty() && isOpen() && !shouldStopReading()) fire(q.poll());
        }

        private void backOff() {
            backoffMs = backoffMs == 0 ? MIN_BACKOFF_MS : Math.min(backoffMs * 2, MAX_BACKOFF_MS);
            stopMultishot();
            backingOff = true;
            eventLoop().schedule(() -> {
                backingOff = false;
                if (isOpen() && (readPending || config.isAutoRead())) armAccept();
            }, backoffMs, TimeUnit.MILLISECONDS);
        }
    }
}
