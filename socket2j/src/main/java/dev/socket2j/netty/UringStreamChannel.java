package dev.socket2j.netty;

import dev.socket2j.OsError;
import dev.socket2j.Shutdown;
import dev.socket2j.Socket;
import dev.socket2j.SocketKind;
import dev.socket2j.internal.C;
import dev.socket2j.internal.Errno;
import dev.socket2j.internal.Errors;
import dev.socket2j.internal.Layouts;
import dev.socket2j.internal.Sys;
import dev.socket2j.internal.Uring;
import dev.socket2j.internal.UringBufRing;
import dev.socket2j.internal.UringRing;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.StringUtil;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.Executor;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A connected byte stream on io_uring.
 *
 * <p>Reads: with auto-read on, one multishot {@code IORING_OP_RECV} (6.0) stays armed and takes buffers from the
 * loop's provided buffer ring (5.19); each completion's bytes are copied into a buffer of exactly that size from the
 * channel's allocator and the ring buffer goes straight back to the kernel. {@code ENOBUFS} (every ring buffer in
 * use) leaves the data in the socket and the read is armed again. Without multishot (auto-read off, or an older
 * kernel) one single-shot RECV per read; without a buffer ring the RECV reads straight into an allocated buffer.
 * Data that arrives after auto-read was turned off is kept and delivered by the next {@code read()}.
 *
 * <p>Writes: one {@code IORING_OP_SEND} (one buffer) or {@code IORING_OP_WRITEV} (several, up to {@code IOV_MAX}) in
 * flight per channel, straight from the flushed direct buffers (heap buffers are copied to direct ones when
 * written); the completion removes what the kernel took and starts the next. A single buffer of at least
 * {@link Socket2ChannelOption#URING_SEND_ZC_THRESHOLD} bytes goes out as {@code IORING_OP_SEND_ZC} (6.0) instead:
 * its first completion is the send's result, and the channel holds the buffer until the second, the kernel's
 * notification that it no longer reads the pages.
 */
public abstract class UringStreamChannel extends UringChannel implements DuplexChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
    private static final int IOV_MAX = C.IOV_MAX;

    private volatile boolean inputShutdown;
    private volatile boolean outputShutdown;

    // event loop only
    private boolean recvArmed, recvMultishot, eofPending, writeInFlight;
    /** The peer sent FIN (POLLRDHUP): read on until EOF whatever auto-read says, as the epoll engine does. */
    private boolean rdHup;
    private ByteBuf ownReadBuf;
    private ArrayDeque<ByteBuf> unread;
    private Throwable writeError;
    /** Buffers of a write still in flight at close: kept alive until the kernel is done with them. */
    private ArrayList<ByteBuf> pinned;
    private final Gather gather = new Gather();
    /** Tags of zero-copy sends: {@code TAG_ZC + i}, where {@code zcHeld[i]} holds the buffer until the notification. */
    static final int TAG_ZC = 64, ZC_SLOTS = 64;
    private ByteBuf[] zcHeld;
    /** Free indexes of {@link #zcHeld}, one bit each. */
    private long zcFree = -1L;
    /** Zero-copy sends whose result is in and whose notification is not. */
    private int zcAwaitingNotification;

    UringStreamChannel(Channel parent, Socket socket, boolean ipv6, boolean active) {
        super(parent, socket, ipv6, active);
    }

    UringStreamChannel(Channel parent, Socket socket, SocketKind kind, boolean active) {
        super(parent, socket, kind, active);
    }

    /** A byte read (RECV) is armed; a subclass that reads otherwise must not arm its own op beside it. */
    final boolean recvInFlight() { return recvArmed; }

    @Override public ChannelMetadata metadata() { return METADATA; }

    abstract boolean allowHalfClosure();

    /** The smallest write sent as {@code SEND_ZC}; 0: never. */
    int sendZcThreshold() { return 0; }

    // ---------------------------------------------------------------- half-closure

    @Override public boolean isInputShutdown() { return inputShutdown; }

    @Override public boolean isOutputShutdown() { return outputShutdown; }

    @Override public boolean isShutdown() { return inputShutdown && outputShutdown; }

    @Override public ChannelFuture shutdownOutput() { return shutdownOutput(newPromise()); }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            ((AbstractUnsafe) unsafe()).shutdownOutput(promise);
        } else {
            loop.execute(() -> ((AbstractUnsafe) unsafe()).shutdownOutput(promise));
        }
        return promise;
    }

    @Override public ChannelFuture shutdownInput() { return shutdownInput(newPromise()); }

    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            shutdownInput0(promise);
        } else {
            loop.execute(() -> shutdownInput0(promise));
        }
        return promise;
    }

    private void shutdownInput0(ChannelPromise promise) {
        try {
            // the descriptor outlives close() until its operations are cancelled: refuse as a closed one would
            if (!isOpen()) throw new ClosedChannelException();
            socket.shutdown(Shutdown.READ);
            inputShutdown = true;
            promise.setSuccess();
        } catch (Throwable t) {
            promise.setFailure(t);
        }
    }

    @Override public ChannelFuture shutdown() { return shutdown(newPromise()); }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        ChannelFuture out = shutdownOutput();
        out.addListener(f -> {
            ChannelFuture in = shutdownInput();
            in.addListener(g -> {
                Throwable a = out.cause(), b = in.cause();
                if (a != null) {
                    if (b != null) a.addSuppressed(b);
                    promise.setFailure(a);
                } else if (b != null) {
                    promise.setFailure(b);
                } else {
                    promise.setSuccess();
                }
            });
        });
        return promise;
    }

    @Override
    protected void doShutdownOutput() throws Exception {
        if (!isOpen()) throw new ClosedChannelException();
        socket.shutdown(Shutdown.WRITE);
        outputShutdown = true;
    }

    @Override
    protected void doClose() throws Exception {
        try {
            super.doClose();
        } finally {
            inputShutdown = true;
            outputShutdown = true;
            ArrayDeque<ByteBuf> q = unread;
            if (q != null) for (ByteBuf b; (b = q.poll()) != null; ) b.release();
        }
    }

    /** Watches for the peer's FIN even while nobody reads, so half-closure is seen (one POLL_ADD per connection). */
    @Override
    void activated() {
        long s = registration.sqe(Uring.OP_POLL_ADD, fd, 0, 0, 0, TAG_POLL);
        registration.ring().sqeOpFlags(s, POLLRDHUP);
        StreamUnsafe u = (StreamUnsafe) unsafe();
        if (u.readPending) u.armRecv();
    }

    private static final int POLLRDHUP = 0x2000;

    @Override
    void released() {
        ArrayList<ByteBuf> p = pinned;
        if (p != null) {
            pinned = null;
            for (ByteBuf b : p) b.release();
        }
        ByteBuf b = ownReadBuf;
        if (b != null) {
            ownReadBuf = null;
            b.release();
        }
    }

    /**
     * Lets go of the buffers of zero-copy sends: only once the registration has ended (every notification is in, or
     * the loop shuts down), not when the descriptor is closed, since the kernel may read the pages after close(2).
     */
    private void releaseZeroCopyHeld() {
        ByteBuf[] z = zcHeld;
        if (z == null) return;
        for (int i = 0; i < z.length; i++) {
            if (z[i] != null) z[i].release();
            z[i] = null;
        }
        zcFree = -1L;
        zcAwaitingNotification = 0;
    }

    // ---------------------------------------------------------------- read

    @Override
    protected void doBeginRead() {
        StreamUnsafe u = (StreamUnsafe) unsafe();
        u.readPending = true;
        u.deliverUnread();
        if (u.readPending || config().isAutoRead()) u.armRecv();
    }

    /** Auto-read was turned off: forget a pending read; a multishot recv is cancelled. */
    final void clearReadPending() {
        if (!isRegistered()) {
            ((StreamUnsafe) unsafe()).readPending = false;
            return;
        }
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            clearReadPending0();
        } else {
            loop.execute(this::clearReadPending0);
        }
    }

    private void clearReadPending0() {
        StreamUnsafe u = (StreamUnsafe) unsafe();
        u.readPending = false;
        u.stopMultishot();
    }

    // ---------------------------------------------------------------- write

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof ByteBuf buf) {
            // the kernel reads the bytes after this call returns: they must have a stable native address
            if (buf.hasMemoryAddress() || buf.isDirect() && buf.nioBufferCount() == 1) return buf;
            int n = buf.readableBytes();
            ByteBuf direct = alloc().directBuffer(n);
            direct.writeBytes(buf, buf.readerIndex(), n);
            ReferenceCountUtil.safeRelease(buf);
            return direct;
        }
        throw new UnsupportedOperationException("unsupported message type: " + StringUtil.simpleClassName(msg)
            + " (expected: " + StringUtil.simpleClassName(ByteBuf.class) + ')');
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        Throwable err = writeError;
        if (err != null) {
            writeError = null;
            if (err instanceof Exception e) throw e;
            throw (Error) err;
        }
        if (writeInFlight || in.isEmpty()) return;
        Socket2UringIoHandler loop = loop();
        int count = Math.min(in.size(), IOV_MAX);
        long iov = loop.stable((long) count * Layouts.IOVEC_SIZE);
        gather.reset(iov, count);
        in.forEachFlushedMessage(gather);
        if (gather.count == 0) {
            // only empty buffers: drop them
            while (in.current() instanceof ByteBuf b && !b.isReadable()) in.remove();
            return;
        }
        if (gather.count == 1) {
            long base = Uring.ALL.get(JAVA_LONG, iov + Layouts.IOV_BASE);
            long len = Uring.ALL.get(JAVA_LONG, iov + Layouts.IOV_LEN);
            int zc = zeroCopySlot(loop, len);
            long s = zc < 0 ? registration.sqe(Uring.OP_SEND, fd, base, (int) len, 0, TAG_WRITE)
                : registration.sqe(Uring.OP_SEND_ZC, fd, base, (int) len, 0, TAG_ZC + zc);
            registration.ring().sqeOpFlags(s, C.MSG_NOSIGNAL);
            if (zc >= 0) {
                zcHeld[zc] = gather.first.retain();   // the kernel reads its pages until the notification
                loop.zeroCopySends++;
            }
        } else {
            registration.sqe(Uring.OP_WRITEV, fd, iov, gather.count, 0, TAG_WRITE);
        }
        writeInFlight = true;
    }

    /** A free index of {@link #zcHeld} if a write of {@code len} bytes goes out as SEND_ZC, else -1. */
    private int zeroCopySlot(Socket2UringIoHandler loop, long len) {
        int threshold = sendZcThreshold();
        if (threshold == 0 || len < threshold || zcFree == 0 || !loop.sendZc()) return -1;
        if (zcHeld == null) zcHeld = new ByteBuf[ZC_SLOTS];
        int i = Long.numberOfTrailingZeros(zcFree);
        zcFree &= ~(1L << i);
        return i;
    }

    /** Collects the flushed buffers' addresses into iovecs. */
    private static final class Gather implements ChannelOutboundBuffer.MessageProcessor {
        long iov;
        int max, count;
        long bytes;
        /** The buffer of the first iovec. */
        ByteBuf first;

        void reset(long iov, int max) {
            this.iov = iov;
            this.max = max;
            this.count = 0;
            this.bytes = 0;
            this.first = null;
        }

        @Override
        public boolean processMessage(Object msg) {
            if (!(msg instanceof ByteBuf buf)) return false;
            int len = buf.readableBytes();
            if (len == 0) return true;
            long address = IovBatch.address(buf, buf.readerIndex(), len);
            if (address == 0) return false;   // filterOutboundMessage keeps such buffers out
            long e = iov + (long) count * Layouts.IOVEC_SIZE;
            Uring.ALL.set(JAVA_LONG, e + Layouts.IOV_BASE, address);
            Uring.ALL.set(JAVA_LONG, e + Layouts.IOV_LEN, len);
            if (count == 0) first = buf;
            count++;
            bytes += len;
            return count < max && bytes < Integer.MAX_VALUE / 2;
        }
    }

    // ---------------------------------------------------------------- completions

    class StreamUnsafe extends UringUnsafe {
        /**
         * Close fails and releases the flushed buffers; those of a write still in flight are retained first, since
         * the kernel may read them until the cancelled write completes ({@link #released} lets them go).
         */
        @Override
        protected Executor prepareToClose() {
            ChannelOutboundBuffer in = outboundBuffer();
            if (writeInFlight && in != null && pinned == null) {
                ArrayList<ByteBuf> p = new ArrayList<>(gather.count);
                try {
                    in.forEachFlushedMessage(m -> {
                        if (!(m instanceof ByteBuf b) || p.size() == gather.count) return false;
                        if (b.isReadable()) p.add(b.retain());
                        return p.size() < gather.count;
                    });
                } catch (Exception cannotHappen) {
                    // the processor throws nothing
                }
                pinned = p;
            }
            return null;
        }

        /**
         * A notification comes when the kernel frees the data it sent from the buffer: for data still queued in the
         * socket that may be only once the socket is closed, so the descriptor is closed as soon as only
         * notifications are left in flight (they carry no descriptor), and the registration ends with the last.
         */
        @Override
        void completedWhileClosed() {
            Socket2UringIoHandler.Registration r = registration;
            if (zcAwaitingNotification > 0 && r != null && r.inFlight == zcAwaitingNotification) {
                try {
                    closeSocket();
                } catch (IOException ignored) {
                    // close(2) releases the number whatever it reports
                }
            }
        }

        @Override
        public void unregistered() {
            super.unregistered();
            releaseZeroCopyHeld();
        }

        void armRecv() {
            if (recvArmed || !isOpen() || !isActive() || inputShutdown || eofPending) return;
            Socket2UringIoHandler loop = loop();
            UringRing ring = registration.ring();
            if (loop.usesBufferRing()) {
                long s = registration.sqe(Uring.OP_RECV, fd, 0, 0, 0, TAG_RECV);
                ring.sqeFlags(s, Uring.SQE_BUFFER_SELECT);
                ring.sqeBufGroup(s, loop.bufGroup());
                recvMultishot = loop.recvMultishot() && config().isAutoRead();
                if (recvMultishot) {
                    ring.sqeIoprio(s, Uring.RECV_MULTISHOT);
                } else {
                    // one read of at most what the allocator asks for, as the epoll engine reads
                    RecvByteBufAllocator.Handle h = recvBufAllocHandle();
                    h.reset(config());
                    ring.sqes().set(JAVA_INT, s + Uring.SQE_LEN,
                        Math.max(1, Math.min(h.guess(), loop.bufRing().bufSize())));
                }
            } else {
                RecvByteBufAllocator.Handle h = recvBufAllocHandle();
                h.reset(config());
                ByteBuf buf = config().getAllocator().directBuffer(h.guess());
                long address = IovBatch.address(buf, buf.writerIndex(), buf.writableBytes());
                ownReadBuf = buf;
                registration.sqe(Uring.OP_RECV, fd, address, buf.writableBytes(), 0, TAG_RECV);
                recvMultishot = false;
            }
            recvArmed = true;
        }

        void stopMultishot() {
            if (recvArmed && recvMultishot && registration != null && !registration.freed) {
                registration.cancel(TAG_RECV, TAG_CANCEL);
                recvMultishot = false;   // a later read arms a fresh one once this one has ended
            }
        }

        @Override
        void completeOp(int op, int res, int flags) {
            if (op == TAG_RECV) {
                recvComplete(res, flags);
            } else if (op == TAG_POLL) {
                if (res > 0 && (res & POLLRDHUP) != 0 && isOpen()) {
                    rdHup = true;
                    armRecv();
                }
            } else if (op == TAG_WRITE) {
                writeComplete(res);
            } else if (op >= TAG_ZC && op < TAG_ZC + ZC_SLOTS) {
                zeroCopyComplete(op - TAG_ZC, res, flags);
            }
        }

        /**
         * A completion of zero-copy send {@code i}: its result (bytes taken, or -errno) and, unless it failed before
         * taking the buffer, a second one with {@code IORING_CQE_F_NOTIF} that lets the buffer go.
         */
        private void zeroCopyComplete(int i, int res, int flags) {
            boolean notif = (flags & Uring.CQE_F_NOTIF) != 0;
            if (!notif) writeComplete(res);
            if ((flags & Uring.CQE_F_MORE) != 0) {   // the notification follows
                zcAwaitingNotification++;
                return;
            }
            if (notif) {
                zcAwaitingNotification--;
                loop().zeroCopyNotifications++;
            }
            ByteBuf b = zcHeld[i];
            zcHeld[i] = null;
            zcFree |= 1L << i;
            if (b != null) b.release();
        }

        private void recvComplete(int res, int flags) {
            if ((flags & Uring.CQE_F_MORE) == 0) recvArmed = false;
            ByteBuf buf = null;
            if ((flags & Uring.CQE_F_BUFFER) != 0) {
                Socket2UringIoHandler loop = loop();
                int bid = flags >>> Uring.CQE_BUFFER_SHIFT;
                if (res > 0 && isOpen()) {
                    buf = config().getAllocator().ioBuffer(res);
                    copyIn(loop.bufRing(), bid, buf, res);
                }
                loop.recycle(bid);
            } else if (ownReadBuf != null && (flags & Uring.CQE_F_MORE) == 0) {
                buf = ownReadBuf;
                ownReadBuf = null;
                if (res > 0 && isOpen()) {
                    buf.writerIndex(buf.writerIndex() + res);
                } else {
                    buf.release();
                    buf = null;
                }
            }
            if (!isOpen()) {
                if (buf != null) buf.release();
                return;
            }
            if (res > 0) {
                // a single-shot read that left data in the socket continues as the epoll engine's read loop does
                deliver(buf, res, !recvArmed && (flags & Uring.CQE_F_SOCK_NONEMPTY) != 0);
            } else if (res == 0) {
                if (unread != null && !unread.isEmpty()) {
                    eofPending = true;
                } else {
                    inputEnded();
                }
                return;
            } else {
                int errno = -res;
                if (errno == Errno.ENOBUFS) loop().bufferRingExhausted++;
                if (errno == Errno.EINVAL && recvMultishot) {
                    loop().disableRecvMultishot();   // a kernel without multishot recv: single shots from now on
                } else if (errno != Errno.ECANCELED && errno != Errno.ENOBUFS && errno != Errno.EAGAIN
                        && errno != Errno.EINTR) {
                    readFailed(OsError.ofReceive("recv(2)", errno));
                    return;
                }
            }
            if (!recvArmed && isOpen() && (readPending || rdHup || config().isAutoRead())) armRecv();
        }

        private void copyIn(UringBufRing ring, int bid, ByteBuf buf, int n) {
            int wi = buf.writerIndex();
            if (buf.hasMemoryAddress()) {
                MemorySegment.copy(Uring.ALL, ring.address(bid), Uring.ALL, buf.memoryAddress() + wi, n);
                buf.writerIndex(wi + n);
            } else if (buf.hasArray()) {
                MemorySegment.copy(Uring.ALL, JAVA_BYTE, ring.address(bid),
                    buf.array(), buf.arrayOffset() + wi, n);
                buf.writerIndex(wi + n);
            } else {
                buf.writeBytes(ring.buffer(bid, n).asByteBuffer());
            }
        }

        @SuppressWarnings("deprecation")
        private void deliver(ByteBuf buf, int n, boolean more) {
            if (shouldStopReading() && !rdHup) {
                if (unread == null) unread = new ArrayDeque<>(4);
                unread.add(buf);
                stopMultishot();
                return;
            }
            fire(buf, n, more);
        }

        @SuppressWarnings("deprecation")
        private void fire(ByteBuf buf, int n, boolean more) {
            ChannelConfig config = config();
            RecvByteBufAllocator.Handle h = recvBufAllocHandle();
            h.reset(config);
            h.attemptedBytesRead(n);
            h.lastBytesRead(n);
            h.incMessagesRead(1);
            readPending = false;
            ChannelPipeline p = pipeline();
            p.fireChannelRead(buf);
            boolean eof = false;
            while (more && isOpen() && !inputShutdown && h.continueReading()) {
                ByteBuf b = h.allocate(config.getAllocator());
                int room = b.writableBytes();
                long address = IovBatch.address(b, b.writerIndex(), room);
                long r = address == 0 ? -1 : Sys.recvNb(registration.ring().capture, fd,
                    MemorySegment.ofAddress(address).reinterpret(room), room, C.MSG_DONTWAIT);
                if (r <= 0) {
                    b.release();
                    eof = r == 0;   // EAGAIN or an error: the next armed recv reports it
                    break;
                }
                b.writerIndex(b.writerIndex() + (int) r);
                h.attemptedBytesRead(room);
                h.lastBytesRead((int) r);
                h.incMessagesRead(1);
                readPending = false;
                p.fireChannelRead(b);
            }
            h.readComplete();
            p.fireChannelReadComplete();
            if (eof && isOpen()) inputEnded();
            if (shouldStopReading()) stopMultishot();
        }

        /** Data kept while nobody read, for the read() that now asks. */
        void deliverUnread() {
            ArrayDeque<ByteBuf> q = unread;
            while (q != null && !q.isEmpty() && isOpen() && !shouldStopReading()) {
                ByteBuf b = q.poll();
                fire(b, b.readableBytes(), false);
            }
            if ((q == null || q.isEmpty()) && eofPending && isOpen()) {
                eofPending = false;
                inputEnded();
            }
        }

        private void readFailed(IOException cause) {
            ChannelPipeline p = pipeline();
            p.fireExceptionCaught(cause);
            inputEnded();
        }

        /** Input ended (recv returned 0 or failed): half-close or close, as the config says. */
        void inputEnded() {
            if (!inputShutdown) {
                if (allowHalfClosure()) {
                    try {
                        socket.shutdown(Shutdown.READ);
                    } catch (IOException e) {
                        pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                        close(voidPromise());
                        return;
                    }
                    inputShutdown = true;
                    pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                } else {
                    close(voidPromise());
                    return;
                }
            }
            pipeline().fireUserEventTriggered(ChannelInputShutdownReadComplete.INSTANCE);
        }

        private void writeComplete(int res) {
            if (!isOpen()) {
                writeInFlight = false;
                return;
            }
            ChannelOutboundBuffer in = outboundBuffer();
            // still "in flight" while removing: removeBytes fires writability changes, and a handler that flushes
            // from one (ChunkedWriteHandler) must not gather a buffer whose reader index has not moved yet
            if (res > 0 && in != null) in.removeBytes(res);
            writeInFlight = false;
            if (res < 0) {
                int errno = -res;
                if (errno == Errno.ECANCELED) return;   // deregistered: the next flush writes again
                if (errno != Errno.EAGAIN && errno != Errno.EINTR) writeError = OsError.of("writev(2)", errno);
            }
            if (in != null && (!in.isEmpty() || writeError != null)) flush0();
        }
    }
}
