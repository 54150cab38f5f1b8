package dev.socket2j.netty;

import dev.socket2j.OsError;
import dev.socket2j.Socket;
import dev.socket2j.SocketKind;
import dev.socket2j.internal.C;
import dev.socket2j.internal.Errno;
import dev.socket2j.internal.Sys;
import dev.socket2j.internal.Uring;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.RecvByteBufAllocator;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.ArrayDeque;

/**
 * What the io_uring listening channels (TCP and Unix stream) share: accepting. While it reads, one multishot
 * {@code IORING_OP_ACCEPT} (5.19; single-shot accepts before) stays armed; each accepted descriptor becomes the
 * subclass's child channel ({@link #newChild}). Connections accepted after auto-read was turned off are kept until
 * the next {@code read()}. On {@code EMFILE}/{@code ENFILE} the channel accepts again after a back-off (10 ms
 * doubling to 1 s), as the epoll engine's does; connections wait in the kernel's queue meanwhile. The pipeline hears
 * of it through {@code exceptionCaught} at most once per 10 seconds, not once per retry.
 */
public abstract class UringServerChannel extends UringChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);

    // event loop only
    private boolean acceptArmed, acceptMultishot;
    private final AcceptBackoff backoff = new AcceptBackoff();
    private ArrayDeque<Socket> unaccepted;

    UringServerChannel(Socket socket, SocketKind kind) {
        super(null, socket, kind, false);
    }

    /** The channel of one accepted connection (a blocking descriptor the child now owns). */
    abstract Channel newChild(Socket child);

    @Override public ChannelMetadata metadata() { return METADATA; }

    @Override protected SocketAddress remoteAddress0() { return null; }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) { throw new UnsupportedOperationException(); }

    @Override
    protected Object filterOutboundMessage(Object msg) { throw new UnsupportedOperationException(); }

    @Override
    protected void doBeginRead() {
        ServerUnsafe u = (ServerUnsafe) unsafe();
        u.readPending = true;
        u.deliverUnaccepted();
        if (u.readPending || config().isAutoRead()) u.armAccept();
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

    /** Auto-read was turned off: forget a pending read; a multishot accept is cancelled. */
    @Override
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
            if (acceptArmed || backoff.isPending() || !isOpen() || !isActive()) return;
            Socket2UringIoHandler loop = loop();
            long s = registration.sqe(Uring.OP_ACCEPT, fd, 0, 0, 0, TAG_ACCEPT);
            registration.ring().sqeOpFlags(s, C.SOCK_CLOEXEC);   // children block: io_uring waits for them
            acceptMultishot = loop.acceptMultishot() && config().isAutoRead();
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
                backoff.reset();
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
                    if (backoff.shouldReport()) pipeline().fireExceptionCaught(OsError.ofReceive("accept(2)", errno));
                    backOff();
                    return;
                } else if (errno != Errno.ECONNABORTED && errno != Errno.EINTR && errno != Errno.EAGAIN) {
                    pipeline().fireExceptionCaught(OsError.ofReceive("accept(2)", errno));
                }
            }
            if (!acceptArmed && (readPending || config().isAutoRead())) armAccept();
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
            Channel ch = null;
            try {
                ch = newChild(child);
            } catch (Throwable t) {
                try { child.close(); } catch (IOException ignored) { /* reporting the first failure */ }
                p.fireExceptionCaught(t);
            }
            if (ch != null) p.fireChannelRead(ch);
            h.readComplete();
            p.fireChannelReadComplete();
            if (shouldStopReading()) stopMultishot();
        }

        void deliverUnaccepted() {
            ArrayDeque<Socket> q = unaccepted;
            while (q != null && !q.isEmpty() && isOpen() && !shouldStopReading()) fire(q.poll());
        }

        private void backOff() {
            stopMultishot();
            backoff.schedule(eventLoop(), this::retryAccept);
        }

        private void retryAccept() {
            if (isOpen() && (readPending || config().isAutoRead())) armAccept();
        }
    }
}
