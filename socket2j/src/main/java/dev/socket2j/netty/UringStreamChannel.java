package dev.socket2j.netty;

import dev.socket2j.OsError;
import dev.socket2j.Shutdown;
import dev.socket2j.Socket;
import dev.socket2j.SocketKind;
import dev.socket2j.internal.C;
import dev.socket2j.internal.Errno;
import dev.socket2j.internal.Errors;
import dev.socket2j.internal.Errors.Call;
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
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoop;
import io.netty.channel.FileRegion;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.StringUtil;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritableByteChannel;
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
 * loop's provided buffer ring (5.19); where the kernel has {@code IORING_RECVSEND_BUNDLE} (6.10) one completion may
 * fill several ring buffers. The bytes are copied out into buffers of the size the channel's
 * {@link RecvByteBufAllocator} handle asks for, one {@code channelRead} each, and the ring buffers go straight back
 * to the kernel. A read cycle ends with {@code channelReadComplete} when the handle stops (its
 * {@code continueReading}: message count, auto-read turned off) or the completion's bytes are all out; a handler
 * that turns auto-read off inside {@code channelRead} gets no more reads, the rest of the completion is kept in
 * order and the multishot recv is cancelled; the next {@code read()} delivers one cycle from what was kept, then
 * from a fresh single-shot RECV of at most the handle's guess. A {@code read()} made inside a cycle continues it
 * (as in the epoll engine); data kept while nobody read goes out from a loop task, never nested inside the caller.
 * {@code ENOBUFS} (every ring buffer in use) leaves the data in the socket and the read is armed again. Without
 * multishot (an older kernel) one single-shot RECV per cycle, continued with non-blocking {@code recv(2)} while the
 * socket has more ({@code IORING_CQE_F_SOCK_NONEMPTY}); without a buffer ring the RECV reads straight into an
 * allocated buffer. A bulk stream (data in arrivals of more than 32 KiB, or faster than the reader) does so too
 * once some 256 KiB have come that way: single-shot RECVs into the handle's buffers, no copy out of the ring and
 * no multishot to cancel at each backpressure pause (a buffer read while auto-read is off is kept as it is); four
 * small arrivals in a row take it back to the ring.
 *
 * <p>Writes: one {@code IORING_OP_SEND} (one buffer) or {@code IORING_OP_WRITEV} (several, up to {@code IOV_MAX}) in
 * flight per channel, straight from the flushed direct buffers (heap buffers are copied to direct ones when
 * written); the completion removes what the kernel took and starts the next. A single buffer of at least
 * {@link Socket2ChannelOption#URING_SEND_ZC_THRESHOLD} bytes goes out as {@code IORING_OP_SEND_ZC} (6.0) instead:
 * its first completion is the send's result, and the channel holds the buffer until the second, the kernel's
 * notification that it no longer reads the pages. A {@link FileRegion} (a {@link DefaultFileRegion} or any other)
 * is sent through a 64 KiB channel-owned staging buffer that {@link FileRegion#transferTo} fills on the loop
 * thread, one {@code IORING_OP_SEND} at a time.
 */
public abstract class UringStreamChannel extends UringChannel implements DuplexChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
    private static final int IOV_MAX = C.IOV_MAX;

    private volatile boolean inputShutdown;
    private volatile boolean outputShutdown;

    // event loop only
    private boolean recvArmed, recvMultishot, eofPending, writeInFlight;
    /** A read cycle is open (the handle counts its messages); a completion or drain is firing reads. */
    private boolean inBurst, busy, drainScheduled;
    private final Runnable drainTask = this::drainLater;
    /** The peer sent FIN (POLLRDHUP): read on until EOF whatever auto-read says, as the epoll engine does. */
    private boolean rdHup;
    private ByteBuf ownReadBuf;
    /**
     * Bulk mode: a stream whose data keeps coming in large arrivals reads with single-shot RECVs straight into the
     * handle's buffers (no copy out of the ring, no multishot to cancel whenever backpressure turns auto-read off).
     * {@link #bulkScore} weighs the reads in ring mode (see {@link StreamUnsafe#sized}), {@link #smallReads} counts
     * the run of short reads in bulk mode that takes the stream back to the ring.
     */
    private boolean bulk;
    private int bulkScore, smallReads;
    /**
     * A recv that leaves data in the socket says so ({@code IORING_CQE_F_SOCK_NONEMPTY}, from TCP's
     * {@code msg_inq}); a Unix socket may not, so there a read that fills its buffer counts as one that did not
     * empty the socket.
     */
    private final boolean inqReported = !(this instanceof DomainSocketChannel);
    /** The length of the single-shot ring RECV in flight (0 for a multishot): a read of as much filled it. */
    private int ringAsk;
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
    /** File regions: the bytes taken from the region and not yet sent, and whether the write in flight is theirs. */
    private ByteBuf staged;
    private Staging staging;
    private boolean sendingRegion;

    // splice(2) state, event loop only (see Splice and the splice section below)
    /** This channel as a source: queued spliceTo requests, served in order before ordinary reads. */
    private ArrayDeque<Splice.In> spliceQueue;
    /** The source's POLL_ADD is in flight; the events of its last completion, and whether a splice used them. */
    private boolean splicePollArmed, spliceSpent, spliceTaskScheduled;
    private int spliceRevents;
    private final Runnable spliceTask = this::spliceTask;
    /** This channel as a target: the pipe sources fill (created on first use), the bytes still in it. */
    private int pipeIn = -1, pipeOut = -1;
    private long splicePending;
    /** The write in flight is an IORING_OP_SPLICE from the pipe. */
    private boolean sendingSplice;
    /** Sources that wait until this target's pipe is empty; sources splicing into this target (resumed at close). */
    private ArrayList<Splice.Source> drainWaiters;
    private ArrayList<Splice.Source> feeders;
    final SpliceEnds spliceEnds = new SpliceEnds();
    /** Bytes a recv had received, and no handler had read, that a splice took (copied); for tests. */
    long keptBytesSpliced;

    UringStreamChannel(Channel parent, Socket socket, boolean ipv6, boolean active) {
        super(parent, socket, ipv6, active);
    }

    UringStreamChannel(Channel parent, Socket socket, SocketKind kind, boolean active) {
        super(parent, socket, kind, active);
    }

    /** A byte read (RECV) is armed; a subclass that reads otherwise must not arm its own op beside it. */
    final boolean recvInFlight() { return recvArmed; }

    /** Reads go straight into the handle's buffers, not through the buffer ring (loop thread; for tests). */
    final boolean bulkMode() { return bulk; }

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
        return HalfClosure.onLoop(this, promise, ((AbstractUnsafe) unsafe())::shutdownOutput);
    }

    @Override public ChannelFuture shutdownInput() { return shutdownInput(newPromise()); }

    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        return HalfClosure.onLoop(this, promise, this::shutdownInput0);
    }

    private void shutdownInput0(ChannelPromise promise) {
        if (HalfClosure.shutdownInput(this, socket, promise)) {
            inputShutdown = true;
            promise.setSuccess();
        }
    }

    @Override public ChannelFuture shutdown() { return shutdown(newPromise()); }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) { return HalfClosure.shutdown(this, promise); }

    @Override
    protected void doShutdownOutput() throws Exception {
        HalfClosure.shutdown(this, socket, Shutdown.WRITE);
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
            if (spliceQueue != null || drainWaiters != null || feeders != null) {
                try {
                    if (eventLoop().inEventLoop()) releaseSplice(); else eventLoop().execute(this::releaseSplice);
                } catch (RuntimeException loopGone) {
                    releaseSplice();
                }
            }
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
        if (pipeIn >= 0) {   // no IORING_OP_SPLICE reads it any more: every operation has completed
            Sys.closeQuietly(pipeIn);
            Sys.closeQuietly(pipeOut);
            pipeIn = pipeOut = -1;
        }
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
        b = staged;
        if (b != null) {
            staged = null;
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
        // inside a read cycle (a handler's read()) the cycle's end reads on; kept data goes out from a task, never
        // from inside the caller's handler
        if (busy || hasSplices()) return;   // a cycle's end, or the last splice, reads on
        if ((unread != null && !unread.isEmpty()) || eofPending) {
            if (!drainScheduled) {
                drainScheduled = true;
                eventLoop().execute(drainTask);
            }
            return;
        }
        u.armRecv();
    }

    private void drainLater() {
        drainScheduled = false;
        if (!isOpen()) return;
        StreamUnsafe u = (StreamUnsafe) unsafe();
        if (!u.shouldStopReading() || rdHup) u.drainUnread();
        u.afterRead();
    }

    /** Auto-read was turned off: forget a pending read; a multishot recv is cancelled. */
    @Override
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

    // ---------------------------------------------------------------- splice(2)

    /** Splice steps per wakeup before yielding to the loop's other channels. */
    private static final int MAX_SPLICE_STEPS = 16;
    /** Bytes copied through user space per step when splice(2) cannot be used (kept data, urgent data). */
    private static final int COPY_CHUNK = 32 * 1024;
    private static final int POLLIN = C.POLLIN, POLLPRI = C.POLLPRI, POLLHUP = C.POLLHUP;

    /** {@link #spliceTo(io.netty.channel.Channel, int, ChannelPromise)} with a new promise. */
    public final ChannelFuture spliceTo(io.netty.channel.Channel target, int len) { return spliceTo(target, len, newPromise()); }

    /**
     * Moves {@code len} bytes read from this channel's socket to {@code target}'s socket with {@code splice(2)},
     * through a pipe that the target owns, never copying them into user space (the core of a zero-copy proxy):
     * {@link Integer#MAX_VALUE} splices until end of stream. The promise completes as
     * {@link Socket2SocketChannel#spliceTo(io.netty.channel.Channel, int, ChannelPromise)}'s: success once the target has written the
     * last byte (at end of stream for {@code Integer.MAX_VALUE}), {@link java.io.EOFException} if the stream ends
     * first, {@link java.nio.channels.ClosedChannelException} if either channel closes, the errno of a failed call
     * otherwise; a {@link io.netty.channel.ChannelProgressivePromise} hears the bytes delivered.
     *
     * <p>How on io_uring: a multishot recv in flight is cancelled first, and bytes it received that no handler
     * has read yet go to the target first (copied), as does an end of stream it saw. Then each
     * {@code IORING_OP_POLL_ADD} completion lets one {@code splice(2)} run on the loop thread from the socket into
     * the pipe, and the target drains the pipe with {@code IORING_OP_SPLICE} (Linux 5.7; it runs on an io-wq
     * worker, since the target's socket may be full). This channel reads for the splice even with auto-read off,
     * and waits while the target has not written what it was given. Ordinary reads go on after the last splice.
     *
     * <p>A Unix stream channel splices only in {@link io.netty.channel.unix.DomainSocketReadMode#BYTES} mode: in
     * {@code FILE_DESCRIPTORS} mode the promise fails with {@link IllegalStateException}.
     *
     * @param target another io_uring TCP or Unix stream channel on this channel's event loop
     * @throws IllegalArgumentException for a negative {@code len}, a target that is this channel, not a socket2j
     *     io_uring stream channel, or on another event loop
     * @throws IllegalStateException if this channel is not registered
     * @throws UnsupportedOperationException if the kernel has no {@code IORING_OP_SPLICE}
     */
    public final ChannelFuture spliceTo(io.netty.channel.Channel target, int len, ChannelPromise promise) {
        spliceToChannel(target, len, promise);
        return promise;
    }

    /** {@link #spliceTo(FileDescriptor, long, int, ChannelPromise)} with a new promise. */
    public final ChannelFuture spliceTo(FileDescriptor file, long offset, int len) {
        return spliceTo(file, offset, len, newPromise());
    }

    /**
     * Moves {@code len} bytes read from this channel's socket into {@code file} at {@code offset} with
     * {@code splice(2)}, through a pipe of the request's own, on the loop thread; the file's own position is not
     * used or moved and {@code file} is not closed. Completes and fails as {@link #spliceTo(io.netty.channel.Channel, int, ChannelPromise)}.
     *
     * @throws IllegalArgumentException for a negative {@code len} or {@code offset}
     * @throws IllegalStateException if this channel is not registered
     */
    public final ChannelFuture spliceTo(FileDescriptor file, long offset, int len, ChannelPromise promise) {
        spliceToFile(file, offset, len, promise);
        return promise;
    }

    /**
     * Queues a splice to another io_uring stream channel on this loop (see
     * {@link Socket2UringSocketChannel#spliceTo(io.netty.channel.Channel, int, ChannelPromise)}).
     */
    final void spliceToChannel(io.netty.channel.Channel target, int len, ChannelPromise promise) {
        Splice.checkChannelTarget(this, target, target instanceof UringStreamChannel, "socket2j io_uring", len);
        UringStreamChannel t = (UringStreamChannel) target;
        Socket2UringIoHandler.Registration r = t.registration;
        if (r != null && !r.loop().spliceOp()) {
            throw new UnsupportedOperationException(
                "spliceTo an io_uring channel needs IORING_OP_SPLICE (Linux 5.7), which this kernel does not have");
        }
        queueSplice(new Splice.ToChannel(spliceEnds, t.spliceEnds, len, promise));
    }

    /** Queues a splice into a file (see {@link Socket2UringSocketChannel#spliceTo(FileDescriptor, long, int, ChannelPromise)}). */
    final void spliceToFile(FileDescriptor file, long offset, int len, ChannelPromise promise) {
        Splice.checkFileTarget(file, offset, len);
        queueSplice(new Splice.ToFile(spliceEnds, file, offset, len, promise));
    }

    private void queueSplice(Splice.In task) {
        EventLoop loop = eventLoop();   // IllegalStateException if not registered
        Runnable add = () -> {
            if (task.refused(isOpen() && !isInputShutdown(), isActive())) return;
            if (readsDescriptors()) {
                task.abandon(Splice.descriptorMode());
                return;
            }
            boolean first = !hasSplices();
            if (spliceQueue == null) spliceQueue = new ArrayDeque<>();
            spliceQueue.add(task);
            if (!first) return;
            StreamUnsafe u = (StreamUnsafe) unsafe();
            if (recvArmed) {
                u.cancelRecv();   // its last completion (afterRead) starts the splice, after what it received
            } else if (!busy) {
                startSplicing();   // inside a read cycle, its end (afterRead) does
            }
        };
        if (loop.inEventLoop()) add.run(); else loop.execute(add);
    }

    final boolean hasSplices() { return spliceQueue != null && !spliceQueue.isEmpty(); }

    /** Whether reads take descriptors rather than bytes (a Unix channel in FILE_DESCRIPTORS mode): no splice then. */
    boolean readsDescriptors() { return false; }

    /**
     * No recv is armed: kept bytes (received before the splice was asked for, not yet read by the pipeline) and a
     * kept end of stream go to the splice first, from a task; else the socket is polled.
     */
    private void startSplicing() {
        if ((unread != null && !unread.isEmpty()) || eofPending) {
            scheduleSpliceTask();
        } else {
            armSplicePoll();
        }
    }

    private void scheduleSpliceTask() {
        if (spliceTaskScheduled) return;
        spliceTaskScheduled = true;
        eventLoop().execute(spliceTask);
    }

    private void spliceTask() {
        spliceTaskScheduled = false;
        serveSplices();
    }

    /** One POLL_ADD for readability (urgent data, hang-up and errors included); its completion steps the splices. */
    private void armSplicePoll() {
        Socket2UringIoHandler.Registration r = registration;
        if (splicePollArmed || !isOpen() || r == null || r.freed) return;
        long s = r.sqe(Uring.OP_POLL_ADD, fd, 0, 0, 0, TAG_SPLICE_POLL);
        r.ring().sqeOpFlags(s, POLLIN | POLLPRI | POLLRDHUP);
        splicePollArmed = true;
    }

    private void splicePolled(int res) {
        splicePollArmed = false;
        if (!isOpen() || !hasSplices()) return;
        if (res < 0) {
            if (res == -Errno.ECANCELED) return;
            IOException cause = OsError.of("poll(2)", -res);
            for (Splice.In t; (t = spliceQueue.poll()) != null; ) t.abandon(cause);
            splicesDone();
            return;
        }
        spliceRevents = res;
        spliceSpent = false;
        serveSplices();
    }

    /** Steps the queued splices: until one waits for the socket (poll) or its target (resumed), or none is left. */
    private void serveSplices() {
        for (int i = 0; i < MAX_SPLICE_STEPS; i++) {
            if (!isOpen() || spliceQueue == null) return;
            Splice.In task = spliceQueue.peek();
            if (task == null) {
                splicesDone();
                return;
            }
            switch (task.step()) {
                case DONE -> spliceQueue.poll();
                case MORE -> { }
                case AGAIN -> {
                    armSplicePoll();
                    return;
                }
                case BLOCKED -> { return; }   // the target's drained() resumes this source
            }
        }
        scheduleSpliceTask();   // more to do: after the loop's other channels
    }

    /** The last splice ended: ordinary reads go on (kept bytes and a kept end of stream first). */
    private void splicesDone() {
        spliceRevents = 0;
        if (!isOpen()) return;
        if ((unread != null && !unread.isEmpty()) || eofPending) {
            if (!drainScheduled) {
                drainScheduled = true;
                eventLoop().execute(drainTask);
            }
        } else {
            ((StreamUnsafe) unsafe()).afterRead();
        }
    }

    /**
     * One step of moving source bytes into {@code pipeOut}: kept bytes first (copied), then a kept end of stream,
     * then at most one splice(2) per poll completion. The descriptor is a blocking one (io_uring's), and splice(2)
     * from a TCP socket waits for data whatever {@code SPLICE_F_NONBLOCK} says (the flag is the pipe's), so it is
     * called only when the poll reported data or the end of the stream. Urgent data at the head makes TCP's
     * splice(2) return 0 as if the stream had ended: with {@code POLLPRI} the step copies with
     * {@code recv(MSG_DONTWAIT)} instead (which steps over the urgent byte unless {@code SO_OOBINLINE}).
     */
    private long spliceIn(int pipe, int len) throws IOException {
        ArrayDeque<ByteBuf> q = unread;
        if (q != null && !q.isEmpty()) return keptToPipe(q, pipe, len);
        if (eofPending) return 0;
        int ev = spliceRevents;
        if (spliceSpent || ev == 0) return Errors.AGAIN;
        spliceSpent = true;
        MemorySegment cs = registration.ring().capture;
        if ((ev & POLLPRI) != 0 || (ev & POLLIN) == 0) return Splice.recvToPipe(cs, fd, pipe, len, alloc());   // never waits
        long n = Splice.socketToPipe(cs, fd, pipe, len);
        // 0 without a hang-up reported: urgent data that came after the poll; the next poll says what it is
        if (n == 0 && (ev & (POLLRDHUP | POLLHUP)) == 0) return Errors.AGAIN;
        return n;
    }

    /** Kept bytes into the (empty) pipe: what write(2) took. */
    private long keptToPipe(ArrayDeque<ByteBuf> q, int pipe, int len) throws IOException {
        ByteBuf front = q.peek();
        int k = Math.min(Math.min(len, front.readableBytes()), COPY_CHUNK);
        MemorySegment cs = registration.ring().capture;
        long address = IovBatch.address(front, front.readerIndex(), k);
        long w = address != 0 ? Sys.writeAddrNb(cs, pipe, address, k)
            : Sys.writeNb(cs, pipe, MemorySegment.ofBuffer(front.nioBuffer(front.readerIndex(), k)), k);
        w = Errors.ioResult(Call.WRITE, w);
        if (w > 0) {
            keptBytesSpliced += w;
            front.skipBytes((int) w);
            if (!front.isReadable()) q.poll().release();
        }
        return w;
    }

    /** The target's Out: one IORING_OP_SPLICE from the pipe into the socket (on an io-wq worker; it may wait). */
    private void writeSpliced(Splice.Out out) {
        long s = registration.sqe(Uring.OP_SPLICE, fd, -1L /* splice_off_in: none */, out.remaining,
            -1L /* off_out: none */, TAG_WRITE);
        UringRing ring = registration.ring();
        ring.sqeOpFlags(s, Splice.FLAGS);
        ring.sqes().set(JAVA_INT, s + Uring.SQE_FILE_INDEX, pipeIn);   // splice_fd_in
        sendingSplice = true;
        writeInFlight = true;
    }

    /** This target's pipe is empty (or gone): its sources splice on. */
    private void drained() {
        ArrayList<Splice.Source> w = drainWaiters;
        if (w == null || w.isEmpty()) return;
        Splice.Source[] waiting = w.toArray(new Splice.Source[0]);
        w.clear();
        for (Splice.Source source : waiting) source.spliceResume();
    }

    /** On close, on the loop: queued splices fail, waiting sources are released (the pipe closes in released()). */
    private void releaseSplice() {
        ArrayDeque<Splice.In> q = spliceQueue;
        if (q != null) {
            for (Splice.In t; (t = q.poll()) != null; ) t.abandon(new ClosedChannelException());
        }
        drained();
        Splice.targetClosed(feeders);
    }

    /** This channel as either end of a splice. */
    final class SpliceEnds implements Splice.Source, Splice.Target {
        @Override public io.netty.channel.Channel channel() { return UringStreamChannel.this; }

        @Override
        public int splicePipe() throws IOException {
            if (pipeOut < 0) {
                if (!isOpen()) throw new ClosedChannelException();   // released() may have run: no pipe after close
                int[] p = Splice.pipe(registration.ring().capture, loop().spliceWord);
                pipeIn = p[0];
                pipeOut = p[1];
            }
            return pipeOut;
        }

        @Override
        public boolean spliceBlocked(Splice.Source source) {
            if (splicePending == 0) return false;
            drainWaiters = Splice.waiting(drainWaiters, source);
            return true;
        }

        @Override public void spliced(long n) { splicePending += n; }

        @Override
        public void feeding(Splice.Source source, boolean on) { feeders = Splice.feeding(feeders, source, on, isOpen()); }

        @Override public long spliceIn(int pipe, int len) throws IOException { return UringStreamChannel.this.spliceIn(pipe, len); }

        @Override public MemorySegment spliceCapture() { return registration.ring().capture; }

        @Override public MemorySegment spliceWord() { return loop().spliceWord; }

        /**
         * From a task, never inside the target's completion or close: the head request steps again (and sees a
         * closed target at once); one that needs the socket waits for the poll, which is armed if it is not.
         */
        @Override
        public void spliceResume() {
            if (isOpen() && hasSplices()) scheduleSpliceTask();
        }
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
        if (msg instanceof FileRegion || msg instanceof Splice.Out) return msg;
        throw new UnsupportedOperationException("unsupported message type: " + StringUtil.simpleClassName(msg)
            + " (expected: " + StringUtil.simpleClassName(ByteBuf.class) + ", "
            + StringUtil.simpleClassName(FileRegion.class) + ')');
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
        if (in.current() instanceof FileRegion region) {
            writeRegion(in, region);
            return;
        }
        if (in.current() instanceof Splice.Out out) {
            writeSpliced(out);
            return;
        }
        Socket2UringIoHandler loop = loop();
        int count = Math.min(in.size(), IOV_MAX);
        long iov = loop.stable((long) count * Layouts.IOVEC_SIZE);
        gather.reset(iov, count);
        in.forEachFlushedMessage(gather);
        if (gather.count == 0) {
            // only empty buffers: drop them
            while (in.current() instanceof ByteBuf b && !b.isReadable()) in.remove();
            // the empty buffers stood before a region or spliced bytes
            if (in.current() instanceof FileRegion || in.current() instanceof Splice.Out) doWrite(in);
            return;
        }
        if (gather.count == 1) {
            long base = Uring.ALL.get(JAVA_LONG, iov + Layouts.IOV_BASE);
            long len = Uring.ALL.get(JAVA_LONG, iov + Layouts.IOV_LEN);
            int zc = zeroCopySlot(loop, len);
            if (zc < 0) {
                submitSend(base, (int) len);
            } else {
                long s = registration.sqe(Uring.OP_SEND_ZC, fd, base, (int) len, 0, TAG_ZC + zc);
                registration.ring().sqeOpFlags(s, C.MSG_NOSIGNAL);
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

    private void submitSend(long address, int len) {
        long s = registration.sqe(Uring.OP_SEND, fd, address, len, 0, TAG_WRITE);
        registration.ring().sqeOpFlags(s, C.MSG_NOSIGNAL);
    }

    /**
     * A file region goes out through a channel-owned staging buffer: {@link FileRegion#transferTo} fills it (for a
     * {@link DefaultFileRegion} the JDK reads the file, on this thread, as {@code sendfile(2)} would), one
     * {@code IORING_OP_SEND} sends it, and the completion reports the progress; the region is removed once all of
     * it is sent. Custom regions work the same way.
     */
    private void writeRegion(ChannelOutboundBuffer in, FileRegion region) throws Exception {
        ByteBuf st = staged;
        if (st == null || !st.isReadable()) {
            long done = region.transferred(), count = region.count();
            if (done >= count) {
                in.remove();
                if (!in.isEmpty()) doWrite(in);
                return;
            }
            if (st == null) {
                st = staged = alloc().directBuffer(REGION_CHUNK, REGION_CHUNK);
                staging = new Staging();
            }
            st.clear();
            // a DefaultFileRegion opens its file here, and throws if the file is shorter than the region
            region.transferTo(staging, done);
            if (!st.isReadable()) return;   // a custom region that produced nothing: again on the next flush
        }
        long address = IovBatch.address(st, st.readerIndex(), st.readableBytes());
        submitSend(address, st.readableBytes());
        sendingRegion = true;
        writeInFlight = true;
    }

    private static final int REGION_CHUNK = 64 * 1024;

    /** What {@link FileRegion#transferTo} writes into: the staging buffer, as much as fits. */
    private final class Staging implements WritableByteChannel {
        @Override
        public int write(ByteBuffer src) {
            ByteBuf st = staged;
            int n = Math.min(src.remaining(), st.writableBytes());
            if (n == 0) return 0;
            int limit = src.limit();
            src.limit(src.position() + n);
            st.writeBytes(src);
            src.limit(limit);
            return n;
        }

        @Override public boolean isOpen() { return UringStreamChannel.this.isOpen(); }

        @Override public void close() { }
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
            if (writeInFlight && in != null && pinned == null && !sendingSplice && !sendingRegion) {
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
            if (recvArmed || !isOpen() || !isActive() || inputShutdown || eofPending || hasSplices()) return;
            Socket2UringIoHandler loop = loop();
            UringRing ring = registration.ring();
            if (loop.usesBufferRing() && !bulk) {
                long s = registration.sqe(Uring.OP_RECV, fd, 0, 0, 0, TAG_RECV);
                ring.sqeFlags(s, Uring.SQE_BUFFER_SELECT);
                ring.sqeBufGroup(s, loop.bufGroup());
                recvMultishot = loop.recvMultishot() && config().isAutoRead();
                ringAsk = 0;
                if (recvMultishot) {
                    ring.sqeIoprio(s, (short) (Uring.RECV_MULTISHOT | (loop.recvBundle() ? Uring.RECVSEND_BUNDLE : 0)));
                } else {
                    // one read of at most what the allocator asks for, as the epoll engine reads
                    RecvByteBufAllocator.Handle h = recvBufAllocHandle();
                    h.reset(config());
                    ringAsk = Math.max(1, Math.min(h.guess(), loop.bufRing().bufSize()));
                    ring.sqes().set(JAVA_INT, s + Uring.SQE_LEN, ringAsk);
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

        /** Ends the armed recv, multishot or not (a splice reads from now on); its last completion still comes. */
        void cancelRecv() {
            if (recvArmed && registration != null && !registration.freed) {
                registration.cancel(TAG_RECV, TAG_CANCEL);
                recvMultishot = false;
            }
        }

        /**
         * The score at which a stream in ring mode enters bulk mode. A large read (at least half a ring buffer) adds
         * its bytes; a read that empties the socket (it neither filled its buffer nor came with
         * {@code IORING_CQE_F_SOCK_NONEMPTY}) takes {@link #DRAIN_COST} off. So a stream switches once its data
         * comes in arrivals of more than {@code DRAIN_COST} on average, whatever the timing: a reader that lags
         * sees full buffers and no drain at all, one that catches up with the stream sees a drain per arrival (a
         * TCP segment train, on loopback a send of up to 64 KiB). Request/response traffic (a 64-byte echo, HTTP
         * requests and responses, messages of less than {@code DRAIN_COST}) empties the socket once per message
         * and never gets there. Past {@code BULK_ENTER} bytes of such a stream the copy out of the ring and the
         * multishot's cancel and re-arm (at every backpressure pause) cost more than the ring saves.
         */
        static final int BULK_ENTER = 256 * 1024;
        /** What a read that empties the socket takes off the score; in bulk mode, a drain of less is a short read. */
        static final int DRAIN_COST = 32 * 1024;
        /** Short reads in a row (emptying the socket with less than {@code DRAIN_COST}) that end bulk mode. */
        static final int BULK_LEAVE = 4;

        /**
         * Weighs a read of {@code n > 0} bytes for bulk mode; {@code limited}: the read did not empty the socket
         * (it came with {@code IORING_CQE_F_SOCK_NONEMPTY}, or filled its buffer where that flag says nothing).
         */
        private void sized(Socket2UringIoHandler loop, int n, boolean limited) {
            UringBufRing bufs = loop.bufRing();
            if (bufs == null) return;
            if (!bulk) {
                int score = bulkScore + (n >= bufs.bufSize() >>> 1 ? n : 0) - (limited ? 0 : DRAIN_COST);
                bulkScore = Math.max(0, score);
                if (score >= BULK_ENTER) enterBulk(loop);
            } else if (limited || n >= DRAIN_COST) {
                smallReads = 0;
            } else if (++smallReads >= BULK_LEAVE) {
                bulk = false;
                smallReads = 0;
                loop.bulkModeSwitches++;
            }
        }

        private void enterBulk(Socket2UringIoHandler loop) {
            bulk = true;
            bulkScore = 0;
            smallReads = 0;
            loop.bulkModeSwitches++;
            stopMultishot();   // the next armRecv, once this recv has ended, reads into the handle's buffer
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
            } else if (op == TAG_SPLICE_POLL) {
                splicePolled(res);
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
            boolean nonEmpty = (flags & Uring.CQE_F_SOCK_NONEMPTY) != 0;
            busy = true;
            try {
                if ((flags & Uring.CQE_F_BUFFER) != 0) {
                    Socket2UringIoHandler loop = loop();
                    UringBufRing bufs = loop.bufRing();
                    int bid = flags >>> Uring.CQE_BUFFER_SHIFT, size = bufs.bufSize();
                    // a bundle fills buffers in ring order, each but the last one full
                    int left = Math.max(res, 1);
                    if (res > size) loop.bundledCompletions++;
                    // a multishot left over from before bulk mode began is not weighed
                    if (res > 0 && !bulk) {
                        sized(loop, res, nonEmpty || (!inqReported && (res == ringAsk || res % size == 0)));
                    }
                    while (left > 0) {
                        int n = Math.min(left, size), next = left > size ? bufs.nextBid(bid) : -1;
                        try {
                            if (res > 0 && isOpen()) received(bufs, bid, n);
                        } finally {
                            loop.recycle(bid);
                        }
                        left -= n;
                        bid = next;
                    }
                } else if (ownReadBuf != null && (flags & Uring.CQE_F_MORE) == 0) {
                    ByteBuf buf = ownReadBuf;
                    ownReadBuf = null;
                    if (res > 0 && isOpen()) {
                        int room = buf.writableBytes();
                        if (bulk) loop().bulkReads++;
                        sized(loop(), res, nonEmpty || (!inqReported && res >= room));
                        buf.writerIndex(buf.writerIndex() + res);
                        if ((unread == null || unread.isEmpty()) && !stopped() && !hasSplices()) {
                            message(buf, room, res);
                        } else {
                            stash(buf);
                        }
                    } else {
                        buf.release();
                    }
                }
                if (!isOpen()) {
                    endBurst();
                    return;
                }
                if (res > 0) {
                    // a single-shot read that left data in the socket goes on as the epoll engine's read loop does
                    if (!recvArmed && nonEmpty && !hasSplices()) readInline();
                    endBurst();
                    if (stopped()) stopMultishot();
                } else if (res == 0) {
                    endBurst();
                    if (hasSplices()) {
                        eofPending = true;   // the end of stream is the splice's (afterRead starts it)
                    } else if (unread != null && !unread.isEmpty()) {
                        eofPending = true;
                        return;
                    } else {
                        inputEnded();
                        return;
                    }
                } else {
                    endBurst();
                    int errno = -res;
                    if (errno == Errno.ENOBUFS) loop().bufferRingExhausted++;
                    if (errno == Errno.EINVAL && recvMultishot) {
                        loop().disableRecvMultishot();   // a kernel without multishot recv: single shots from now on
                    } else if (errno != Errno.ECANCELED && errno != Errno.ENOBUFS && errno != Errno.EAGAIN
                            && errno != Errno.EINTR) {
                        readFailed(OsError.ofReceive("recv(2)", errno));
                        if (hasSplices() && isOpen()) startSplicing();   // they end on the socket's state
                        return;
                    }
                }
            } finally {
                busy = false;
            }
            afterRead();
        }

        /**
         * After a completion or a drain: data kept while nobody read goes out to a read() that came meanwhile, and
         * a read is armed again for whoever still wants data.
         */
        private void afterRead() {
            if (!isOpen()) return;
            if (hasSplices()) {
                if (!recvArmed) startSplicing();   // else the cancelled recv's last completion comes back here
                return;
            }
            if (unread != null && !unread.isEmpty() && !stopped()) drainUnread();
            if (!isOpen()) return;
            if (stopped()) stopMultishot();
            if ((unread == null || unread.isEmpty()) && !recvArmed && (readPending || rdHup || config().isAutoRead())) {
                armRecv();
            }
        }

        /**
         * The {@code n} bytes a completion left in ring buffer {@code bid}: out in the handle's buffer sizes while
         * someone reads; the rest, once reading stops (auto-read turned off in a handler), kept in order.
         */
        private void received(UringBufRing ring, int bid, int n) {
            long src = ring.address(bid);
            int off = 0;
            if ((unread == null || unread.isEmpty()) && !hasSplices()) {
                ChannelConfig config = config();
                RecvByteBufAllocator.Handle h = recvBufAllocHandle();
                while (off < n && isOpen() && !hasSplices() && startBurst(h, config)) {
                    ByteBuf b = h.allocate(config.getAllocator());
                    int room = b.writableBytes(), k = Math.min(room, n - off);
                    copyIn(src + off, b, k);
                    off += k;
                    message(b, room, k);
                }
            }
            if (off < n && isOpen()) {
                ByteBuf rest = config().getAllocator().ioBuffer(n - off);
                copyIn(src + off, rest, n - off);
                stash(rest);
            }
        }

        private void stash(ByteBuf b) {
            if (unread == null) unread = new ArrayDeque<>(4);
            unread.add(b);
        }

        /** Nobody wants data: auto-read off and no read() pending (a peer's FIN reads on until the end). */
        private boolean stopped() { return shouldStopReading() && !rdHup; }

        /** Opens a read cycle if none is open and someone reads; false when reading stops. */
        private boolean startBurst(RecvByteBufAllocator.Handle h, ChannelConfig config) {
            if (inBurst) return true;
            if (stopped()) return false;
            h.reset(config);
            inBurst = true;
            return true;
        }

        /** One channelRead of {@code n} bytes into a buffer of {@code room}; the cycle ends when the handle says. */
        private void message(ByteBuf b, int room, int n) {
            RecvByteBufAllocator.Handle h = recvBufAllocHandle();
            if (!inBurst) {
                h.reset(config());
                inBurst = true;
            }
            h.attemptedBytesRead(room);
            h.lastBytesRead(n);
            h.incMessagesRead(1);
            readPending = false;
            pipeline().fireChannelRead(b);
            if (!h.continueReading()) endBurst();
        }

        /** Ends the open read cycle: channelReadComplete. */
        private void endBurst() {
            if (!inBurst) return;
            inBurst = false;
            recvBufAllocHandle().readComplete();
            pipeline().fireChannelReadComplete();
        }

        /** Reads on from the socket (no recv in flight, so no reordering) while the open cycle goes on. */
        private void readInline() {
            ChannelConfig config = config();
            RecvByteBufAllocator.Handle h = recvBufAllocHandle();
            boolean eof = false;
            // a splice asked for inside a read takes what the socket has from there
            while (inBurst && isOpen() && !inputShutdown && !hasSplices()) {
                ByteBuf b = h.allocate(config.getAllocator());
                int room = b.writableBytes();
                long address = IovBatch.address(b, b.writerIndex(), room);
                // the buffer's address as is: no segment made per read
                long r = address == 0 ? -1 : Sys.recvAddrNb(registration.ring().capture, fd, address, room,
                    C.MSG_DONTWAIT);
                if (r <= 0) {
                    b.release();
                    eof = r == 0;   // EAGAIN or an error: the next armed recv reports it
                    break;
                }
                if (bulk) loop().bulkReads++;
                sized(loop(), (int) r, r == room);
                b.writerIndex(b.writerIndex() + (int) r);
                message(b, room, (int) r);
            }
            if (eof && isOpen()) {
                endBurst();
                inputEnded();
            }
        }

        private void copyIn(long src, ByteBuf buf, int n) {
            int wi = buf.writerIndex();
            if (buf.hasMemoryAddress()) {
                MemorySegment.copy(Uring.ALL, src, Uring.ALL, buf.memoryAddress() + wi, n);
                buf.writerIndex(wi + n);
            } else if (buf.hasArray()) {
                MemorySegment.copy(Uring.ALL, JAVA_BYTE, src, buf.array(), buf.arrayOffset() + wi, n);
                buf.writerIndex(wi + n);
            } else {
                buf.writeBytes(MemorySegment.ofAddress(src).reinterpret(n).asByteBuffer());
            }
        }

        /** Data kept while nobody read, for the read() that now asks, in the handle's buffer sizes. */
        void drainUnread() {
            if (hasSplices()) return;   // what was kept goes to the splice first
            ArrayDeque<ByteBuf> q = unread;
            ChannelConfig config = config();
            RecvByteBufAllocator.Handle h = recvBufAllocHandle();
            boolean was = busy;
            busy = true;
            try {
                while (q != null && !q.isEmpty() && isOpen() && startBurst(h, config)) {
                    ByteBuf front = q.peek();
                    ByteBuf b = h.allocate(config.getAllocator());
                    int room = b.writableBytes(), k = Math.min(room, front.readableBytes());
                    b.writeBytes(front, k);
                    if (!front.isReadable()) q.poll().release();
                    message(b, room, k);
                }
                endBurst();
                if ((q == null || q.isEmpty()) && eofPending && isOpen()) {
                    eofPending = false;
                    inputEnded();
                }
            } finally {
                busy = was;
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
            boolean spliced = sendingSplice;
            if (spliced) {
                sendingSplice = false;
                if (res > 0) {
                    splicePending -= res;
                    if (in != null && in.current() instanceof Splice.Out out) {
                        out.remaining -= res;
                        in.progress(res);
                        if (out.remaining <= 0) in.remove();
                    }
                }
            } else if (sendingRegion) {
                sendingRegion = false;
                if (res > 0 && in != null && in.current() instanceof FileRegion region) {
                    staged.skipBytes(res);
                    in.progress(res);
                    if (!staged.isReadable() && region.transferred() >= region.count()) in.remove();
                }
            } else if (res >= 0) {
                // still "in flight" while removing: a handler that flushes from the writability change this fires
                // (ChunkedWriteHandler) must not start a write from a buffer whose written bytes are not yet removed
                if (in != null && res > 0) in.removeBytes(res);
            }
            writeInFlight = false;
            if (res < 0) {
                int errno = -res;
                if (errno == Errno.ECANCELED) return;   // deregistered: the next flush writes again
                if (errno != Errno.EAGAIN && errno != Errno.EINTR) {
                    writeError = OsError.of(spliced ? "splice(2)" : "writev(2)", errno);
                }
            }
            if (spliced && splicePending == 0) drained();
            if (in != null && (!in.isEmpty() || writeError != null)) flush0();
        }
    }
}
