package dev.socket2j.netty;

import dev.socket2j.Shutdown;
import dev.socket2j.Socket;
import dev.socket2j.internal.C;
import dev.socket2j.internal.Errors;
import dev.socket2j.internal.Errors.Call;
import dev.socket2j.internal.Sys;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
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
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.internal.StringUtil;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Optional;
import java.util.concurrent.Executor;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A connected byte stream on epoll: reads through the {@link RecvByteBufAllocator}, gathering {@code writev(2)}
 * writes bounded by the write spin count, {@code sendfile(2)} for {@link DefaultFileRegion}s, and half-closure.
 */
public abstract class AbstractSocket2StreamChannel extends AbstractSocket2Channel implements DuplexChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
    private static final String EXPECTED_TYPES = " (expected: " + StringUtil.simpleClassName(ByteBuf.class) + ", "
        + StringUtil.simpleClassName(DefaultFileRegion.class) + ')';
    /** A write that met a full socket buffer; subtracting it makes the spin count negative. */
    static final int SNDBUF_FULL = Integer.MAX_VALUE;

    private volatile boolean inputShutdown;
    private volatile boolean outputShutdown;
    private final Runnable flushTask = new FlushTask();

    /** A flush from the loop (after EPOLLOUT); a named class, since a lambda's class is generated at the first accept. */
    private final class FlushTask implements Runnable {
        @Override public void run() { ((AbstractSocket2Unsafe) unsafe()).flush0(); }
    }
    /** Adapted like NIO's: grows while the kernel takes everything offered, shrinks when it takes less. */
    private long maxBytesPerGatheringWrite = 1 << 20;

    // splice(2) state, event loop only (see Splice)
    /** This channel as a source: queued spliceTo requests, served by its reads in order. */
    private ArrayDeque<Splice.In> spliceQueue;
    /** This channel as a target: the pipe sources fill, created on first use, and the bytes still in it. */
    private int pipeIn = -1, pipeOut = -1;
    private long splicePending;
    /** Sources that stopped reading until this target's pipe is empty. */
    private ArrayList<Splice.Source> drainWaiters;
    /** Splice steps per EPOLLIN before yielding to the loop's other channels. */
    private static final int MAX_SPLICE_STEPS = 16;

    AbstractSocket2StreamChannel(Channel parent, Socket socket, boolean ipv6, boolean active) {
        super(parent, socket, ipv6, active, active ? C.EPOLLRDHUP : 0);
    }

    @Override public ChannelMetadata metadata() { return METADATA; }

    abstract boolean allowHalfClosure();

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
            if (spliceQueue != null || pipeIn >= 0 || drainWaiters != null) {
                // the pipe may be in use by a source on the loop: release it there (linger closes elsewhere)
                try {
                    if (eventLoop().inEventLoop()) releaseSplice(); else eventLoop().execute(this::releaseSplice);
                } catch (RuntimeException loopGone) {
                    releaseSplice();
                }
            }
        }
    }

    // ---------------------------------------------------------------- splice(2)

    /** {@link #spliceTo(Channel, int, ChannelPromise)} with a new promise. */
    public final ChannelFuture spliceTo(Channel target, int len) { return spliceTo(target, len, newPromise()); }

    /**
     * Moves {@code len} bytes read from this channel's socket to {@code target}'s socket with {@code splice(2)}
     * (through a pipe, Linux 2.6.17), never copying them into user space: the core of a zero-copy proxy, as Netty
     * epoll's {@code spliceTo}. {@link Integer#MAX_VALUE} splices until end of stream. Queued splices are served in
     * order before ordinary reads; bytes already read into the pipeline are not spliced. This channel keeps reading
     * for the splice even with auto-read off, and pauses while the target has not written out what it was given,
     * so a slow target holds at most one pipe of data.
     *
     * <p>The promise succeeds once the target has written the last byte (for {@code Integer.MAX_VALUE}: at end of
     * stream); it fails with {@link java.io.EOFException} if the stream ends first, with
     * {@link ClosedChannelException} if either channel closes, or with the errno of a failed {@code splice(2)}.
     * A {@link io.netty.channel.ChannelProgressivePromise} is told the bytes delivered so far as they reach the
     * target (total -1 for {@code Integer.MAX_VALUE}): the splice's byte count, which no handler sees.
     *
     * <p>A Unix stream channel splices only in {@link io.netty.channel.unix.DomainSocketReadMode#BYTES} mode: in
     * {@code FILE_DESCRIPTORS} mode the promise fails with {@link IllegalStateException}.
     *
     * @param target a socket2j stream channel (TCP or Unix domain) on this channel's event loop
     * <p>A splice on a channel that is not connected fails with {@link java.nio.channels.NotYetConnectedException};
     * one of 0 bytes succeeds at once.
     *
     * @throws IllegalArgumentException for a negative {@code len}, a target that is this channel, not a socket2j
     *     stream channel, or on another event loop
     * @throws IllegalStateException if this channel is not registered
     */
    public final ChannelFuture spliceTo(Channel target, int len, ChannelPromise promise) {
        Splice.checkChannelTarget(this, target, target instanceof AbstractSocket2StreamChannel, "socket2j", len);
        queueSplice(new Splice.ToChannel(spliceEnds, ((AbstractSocket2StreamChannel) target).spliceEnds, len, promise));
        return promise;
    }

    /** {@link #spliceTo(FileDescriptor, long, int, ChannelPromise)} with a new promise. */
    public final ChannelFuture spliceTo(FileDescriptor file, long offset, int len) {
        return spliceTo(file, offset, len, newPromise());
    }

    /**
     * Moves {@code len} bytes read from this channel's socket into {@code file} at {@code offset} with
     * {@code splice(2)}, through a pipe of the request's own; the file's own position is not used or moved.
     * {@code file} is not closed. Completes and fails as {@link #spliceTo(Channel, int, ChannelPromise)};
     * {@code EBADF} if the file was not opened for writing, {@code EINVAL} if it was opened with
     * {@code O_APPEND}.
     *
     * @throws IllegalArgumentException for a negative {@code len} or {@code offset}
     * @throws IllegalStateException if this channel is not registered
     */
    public final ChannelFuture spliceTo(FileDescriptor file, long offset, int len, ChannelPromise promise) {
        Splice.checkFileTarget(file, offset, len);
        queueSplice(new Splice.ToFile(spliceEnds, file, offset, len, promise));
        return promise;
    }

    private void queueSplice(Splice.In task) {
        EventLoop loop = eventLoop();
        Runnable add = () -> {
            if (task.refused(isOpen() && !isInputShutdown(), isActive())) return;
            if (readsDescriptors()) {
                task.abandon(Splice.descriptorMode());
                return;
            }
            if (spliceQueue == null) spliceQueue = new ArrayDeque<>();
            spliceQueue.add(task);
            setFlag(C.EPOLLIN);
        };
        if (loop.inEventLoop()) add.run(); else loop.execute(add);
    }

    final boolean hasSplices() { return spliceQueue != null && !spliceQueue.isEmpty(); }

    /** Whether reads take descriptors rather than bytes (a Unix channel in FILE_DESCRIPTORS mode): no splice then. */
    boolean readsDescriptors() { return false; }

    /** Runs queued splices: true once none is left (ordinary reads may go on), false to wait for the next event. */
    private boolean serveSplices() {
        for (int i = 0; i < MAX_SPLICE_STEPS; i++) {
            Splice.In task = spliceQueue.peek();
            if (task == null) return true;
            switch (task.step()) {
                case DONE -> spliceQueue.poll();
                case MORE -> { }
                case AGAIN -> { return false; }
                case BLOCKED -> {
                    clearFlag(C.EPOLLIN);   // drained() sets it again
                    return false;
                }
            }
        }
        return false;   // more to do: level-triggered EPOLLIN brings us back after the other channels
    }

    /** This channel as either end of a splice. */
    final SpliceEnds spliceEnds = new SpliceEnds();
    /** EPOLLIN was reported and no splice of this wakeup has moved a byte yet. */
    private boolean spliceStalled;
    /** As a target: the sources whose queued requests splice into this channel (event loop only). */
    private ArrayList<Splice.Source> feeders;

    final class SpliceEnds implements Splice.Source, Splice.Target {
        @Override public Channel channel() { return AbstractSocket2StreamChannel.this; }

        @Override
        public int splicePipe() throws IOException {
            if (pipeOut < 0) {
                LoopScratch s = scratch();
                int[] p = Splice.pipe(s.capture, s.word);
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
        public long spliceIn(int pipeOut, int len) throws IOException {
            MemorySegment cs = scratch().capture;
            long n = Splice.socketToPipe(cs, fd, pipeOut, len);
            if (n > 0) {
                spliceStalled = false;
                return n;
            }
            // Urgent data (MSG_OOB) at the head of the stream stops TCP's splice: EAGAIN although EPOLLIN said
            // readable (level-triggered, so the loop would spin), or 0 when a FIN is behind it. recv(2) steps over
            // the urgent byte, and only its 0 is the end of the stream (the pipe is empty here).
            if (n < 0 && !spliceStalled) return n;
            spliceStalled = false;
            return Splice.recvToPipe(cs, fd, pipeOut, len, alloc());
        }

        @Override public MemorySegment spliceCapture() { return scratch().capture; }

        @Override public MemorySegment spliceWord() { return scratch().word; }

        /** Only for a splice: an ordinary read with auto-read off must not start here. */
        @Override
        public void spliceResume() {
            if (isOpen() && hasSplices()) setFlag(C.EPOLLIN);
        }

        @Override
        public void feeding(Splice.Source source, boolean on) { feeders = Splice.feeding(feeders, source, on, isOpen()); }

        /** From a task, never inside the target's close: the queued splices step once without waiting for EPOLLIN. */
        @Override
        public void spliceTargetClosed() {
            eventLoop().execute(() -> {
                if (isOpen() && hasSplices() && serveSplices()
                    && ((AbstractSocket2Unsafe) unsafe()).shouldStopReading(config())) clearFlag(C.EPOLLIN);
            });
        }
    }

    /** This target's pipe is empty (or gone): its sources read again. */
    private void drained() {
        ArrayList<Splice.Source> w = drainWaiters;
        if (w == null || w.isEmpty()) return;
        for (Splice.Source source : w) source.spliceResume();
        w.clear();
    }

    /** Writes queued splice bytes from this target's pipe into its socket. */
    private int writeSpliced(ChannelOutboundBuffer in, Splice.Out out) throws Exception {
        LoopScratch s = scratch();
        long n = Errors.ioResult(Call.SPLICE,
            Sys.spliceNb(s.capture, pipeIn, MemorySegment.NULL, fd, MemorySegment.NULL, out.remaining, Splice.FLAGS));
        if (n == Errors.AGAIN) return SNDBUF_FULL;
        out.remaining -= (int) n;
        splicePending -= n;
        if (n > 0) in.progress(n);
        if (out.remaining > 0) return SNDBUF_FULL;
        in.remove();
        if (splicePending == 0) drained();
        return 1;
    }

    /** On close: queued splices fail, the pipe is closed, waiting sources are released; on the loop. */
    private void releaseSplice() {
        ArrayDeque<Splice.In> q = spliceQueue;
        if (q != null) {
            for (Splice.In t; (t = q.poll()) != null; ) t.abandon(new ClosedChannelException());
        }
        if (pipeIn >= 0) {
            Sys.closeQuietly(pipeIn);
            Sys.closeQuietly(pipeOut);
            pipeIn = pipeOut = -1;
        }
        drained();
        Splice.targetClosed(feeders);
    }

    // ---------------------------------------------------------------- write

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof ByteBuf || msg instanceof FileRegion || msg instanceof Splice.Out) return msg;
        throw new UnsupportedOperationException("unsupported message type: " + StringUtil.simpleClassName(msg) + EXPECTED_TYPES);
    }

    /**
     * The flush. Each step writes what it can and costs 1 of the write spin count, 0 for a step that wrote nothing
     * because the message was empty, or {@link #SNDBUF_FULL} when the kernel took less than offered, which ends the
     * loop with a negative count. How the loop ends decides EPOLLOUT, the one interest that costs a wakeup per
     * loop turn while it is set (the socket is writable nearly always):
     * <ul>
     *   <li>nothing left: clear it. A handler told of a completed write may write and flush again; the loop sees
     *       that on its next turn (it does not stop early because the buffer was empty once).
     *   <li>spin count spent, the kernel still taking everything: clear it too. We may be here because EPOLLOUT
     *       woke us, but the socket is writable as far as we know, so waiting for it again would only add a
     *       wakeup; a task on the loop resumes the flush after the other channels had their turn.
     *   <li>the kernel buffer is full: set it, and only here; EAGAIN is the one sign that the socket will say when
     *       it can take more.
     * </ul>
     */
    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        int spin = config().getWriteSpinCount();
        do {
            if (in.size() == 0) {
                clearFlag(C.EPOLLOUT);   // all written: no reason to be woken for writability
                return;
            }
            spin -= writeSingle(in);
        } while (spin > 0);
        if (spin == 0) {
            // fair share used, socket still writable: yield (a task, not EPOLLOUT, brings us back)
            clearFlag(C.EPOLLOUT);
            eventLoop().execute(flushTask);
        } else {
            setFlag(C.EPOLLOUT);   // EAGAIN: the kernel's buffer is full, EPOLLOUT resumes the flush
        }
    }

    private int writeSingle(ChannelOutboundBuffer in) throws Exception {
        Object msg = in.current();
        if (msg instanceof ByteBuf buf) {
            if (!buf.isReadable()) {
                in.remove();
                return 0;
            }
            return writeGathering(in);
        }
        if (msg instanceof FileRegion region) {
            return writeFileRegion(in, region);
        }
        return writeOther(in, msg);
    }

    /**
     * Writes a message other than a buffer or file region that {@link #filterOutboundMessage} let through:
     * 1 if written (and removed), {@link #SNDBUF_FULL} if the socket buffer is full.
     */
    int writeOther(ChannelOutboundBuffer in, Object msg) throws Exception {
        if (msg instanceof Splice.Out out) return writeSpliced(in, out);
        throw new Error("unexpected message: " + msg);
    }

    private int writeGathering(ChannelOutboundBuffer in) throws Exception {
        LoopScratch s = scratch();
        if (in.size() == 1 && in.current() instanceof ByteBuf buf) {
            if (buf.hasMemoryAddress()) return writeDirect(in, buf, s);
            if (buf.hasArray()) return writeHeap(in, buf, s);
        }
        IovBatch batch = s.batch.reset(maxBytesPerGatheringWrite);
        in.forEachFlushedMessage(batch);
        int count = batch.count;
        long total = batch.total;
        if (count == 0) {
            in.removeBytes(0);  // only empty buffers
            return 0;
        }
        long n = count == 1 ? Errors.ioResult(Call.SEND, Sys.sendAddrNb(s.capture, fd, batch.firstAddress(), total, C.MSG_NOSIGNAL))
            : Errors.ioResult(Call.WRITEV, Sys.writevNb(s.capture, fd, s.iov, count));
        if (n == Errors.AGAIN) return SNDBUF_FULL;
        in.removeBytes(n);
        adjustMaxBytesPerGatheringWrite(total, n);
        // a short write means the send buffer filled during the call: trying again now would only meet EAGAIN
        return n == total ? 1 : SNDBUF_FULL;
    }

    /**
     * The flush is one buffer with a native address (the common case: a pooled direct buffer, e.g. an encoded HTTP
     * response): one send(2) from that address, without filling the iovec array through
     * {@link ChannelOutboundBuffer#forEachFlushedMessage} first.
     */
    private int writeDirect(ChannelOutboundBuffer in, ByteBuf buf, LoopScratch s) throws Exception {
        int len = buf.readableBytes();
        long n = Errors.ioResult(Call.SEND, Sys.sendAddrNb(s.capture, fd, buf.memoryAddress() + buf.readerIndex(), len, C.MSG_NOSIGNAL));
        if (n == Errors.AGAIN) return SNDBUF_FULL;
        in.removeBytes(n);
        adjustMaxBytesPerGatheringWrite(len, n);
        return n == len ? 1 : SNDBUF_FULL;
    }

    /**
     * The flush is one heap buffer: one write(2) straight from its array (a critical downcall may read heap memory),
     * not a copy into the loop's native area first.
     */
    private int writeHeap(ChannelOutboundBuffer in, ByteBuf buf, LoopScratch s) throws Exception {
        int len = buf.readableBytes();
        MemorySegment bytes = MemorySegment.ofArray(buf.array()).asSlice(buf.arrayOffset() + buf.readerIndex(), len);
        long n = Errors.ioResult(Call.WRITE, Sys.writeNb(s.capture, fd, bytes, len));
        if (n == Errors.AGAIN) return SNDBUF_FULL;
        in.removeBytes(n);
        return n == len ? 1 : SNDBUF_FULL;
    }

    private void adjustMaxBytesPerGatheringWrite(long attempted, long written) {
        if (attempted == written) {
            if (attempted << 1 > maxBytesPerGatheringWrite) maxBytesPerGatheringWrite = Math.min(attempted << 1, Integer.MAX_VALUE);
        } else if (attempted > 4096 && written < attempted >>> 1) {
            maxBytesPerGatheringWrite = Math.max(4096, attempted >>> 1);
        }
    }

    private int writeFileRegion(ChannelOutboundBuffer in, FileRegion region) throws Exception {
        long count = region.count();
        if (region.transferred() >= count) {
            in.remove();
            return 0;
        }
        long done;
        int fileFd = region instanceof DefaultFileRegion d ? FileRegions.fdOf(d) : -1;
        if (fileFd >= 0) {
            validateFileRegion((DefaultFileRegion) region, region.transferred());
            LoopScratch s = scratch();
            long offset = FileRegions.position(region) + region.transferred();
            s.offset.set(JAVA_LONG, 0, offset);
            long n = Errors.ioResult(Call.SENDFILE,
                Sys.sendfileNb(s.capture, fd, fileFd, s.offset, Math.min(count - region.transferred(), C.SENDFILE_MAX)));
            if (n == Errors.AGAIN) return SNDBUF_FULL;
            done = n;
            if (n > 0) FileRegions.addTransferred((DefaultFileRegion) region, n);
        } else {
            done = region.transferTo(new FdChannel(), region.transferred());
        }
        if (done > 0) in.progress(done);
        if (region.transferred() >= count) {
            in.remove();
            return 1;
        }
        return done > 0 ? 1 : SNDBUF_FULL;
    }

    /** A WritableByteChannel over this socket, for FileRegions without a descriptor. */
    private final class FdChannel implements WritableByteChannel {
        @Override
        public int write(ByteBuffer src) throws IOException {
            int len = src.remaining();
            long n = Errors.ioResult(Call.WRITE, Sys.writeNb(scratch().capture, fd, MemorySegment.ofBuffer(src), len));
            if (n == Errors.AGAIN) return 0;
            src.position(src.position() + (int) n);
            return (int) n;
        }
        @Override public boolean isOpen() { return AbstractSocket2StreamChannel.this.isOpen(); }
        @Override public void close() {}
    }

    // ---------------------------------------------------------------- read

    /** read(2) into the buffer's writable space: bytes read, 0 for EAGAIN, -1 at end of stream. */
    @SuppressWarnings("deprecation")  // RecvByteBufAllocator.Handle: what Netty's own unsafe hands out
    private int readInto(ByteBuf buf) throws IOException {
        int writable = buf.writableBytes();
        RecvByteBufAllocator.Handle h = unsafe().recvBufAllocHandle();
        h.attemptedBytesRead(writable);
        LoopScratch s = scratch();
        long n;
        long address = IovBatch.address(buf, buf.writerIndex(), writable);
        if (address != 0) {
            // recv(2), not read(2): the same on a stream socket, without the VFS layer's per-call work
            n = Errors.ioResult(Call.RECV, Sys.recvAddrNb(s.capture, fd, address, writable, 0));
        } else if (buf.nioBufferCount() == 1) {
            MemorySegment seg = MemorySegment.ofBuffer(buf.internalNioBuffer(buf.writerIndex(), writable));
            n = Errors.ioResult(Call.READ, Sys.readNb(s.capture, fd, seg, writable));
        } else {
            int len = Math.min(writable, LoopScratch.COPY_SIZE);
            h.attemptedBytesRead(len);
            n = Errors.ioResult(Call.READ, Sys.readNb(s.capture, fd, s.copy, len));
            if (n > 0) buf.writeBytes(s.copy.asSlice(0, n).asByteBuffer());
            if (n > 0) return (int) n;
        }
        if (n > 0) {
            buf.writerIndex(buf.writerIndex() + (int) n);
            return (int) n;
        }
        return n == 0 ? -1 : 0;   // end of stream, or EAGAIN
    }

    abstract class StreamUnsafe extends AbstractSocket2Unsafe {
        /** With SO_LINGER on, close(2) may block for the linger time: leave the loop first, close elsewhere. */
        @Override
        protected Executor prepareToClose() {
            try {
                if (isOpen() && lingers(socket.getOption(dev.socket2j.SockOpt.SO_LINGER))) {
                    doDeregister();
                    return GlobalEventExecutor.INSTANCE;
                }
            } catch (Throwable ignored) {
                // unreadable: close here, as without linger
            }
            return null;
        }

        /** A linger time is set (no lambda here: its class would be generated at the first close). */
        private static boolean lingers(Optional<Duration> linger) {
            return linger.isPresent() && !linger.get().isZero();
        }

        private boolean shouldBreakReadReady(ChannelConfig config) {
            return inputShutdown && (inputClosedSeenErrorOnRead || !allowHalfClosure());
        }

        @Override
        @SuppressWarnings("deprecation")
        void epollInReady() {
            ChannelConfig config = config();
            if (shouldBreakReadReady(config)) {
                clearFlag(C.EPOLLIN);
                return;
            }
            if (hasSplices()) {
                spliceStalled = true;   // EPOLLIN: until a splice moves bytes, its EAGAIN is suspect
                if (!serveSplices()) return;
                if (shouldStopReading(config)) {   // the splices were all that was asked of this read
                    clearFlag(C.EPOLLIN);
                    return;
                }
            }
            RecvByteBufAllocator.Handle h = recvBufAllocHandle();
            ChannelPipeline pipeline = pipeline();
            ByteBufAllocator allocator = config.getAllocator();
            h.reset(config);
            ByteBuf buf = null;
            boolean allDataRead = false;
            try {
                do {
                    buf = h.allocate(allocator);
                    h.lastBytesRead(readInto(buf));
                    if (h.lastBytesRead() <= 0) {
                        buf.release();
                        buf = null;
                        allDataRead = h.lastBytesRead() < 0;
                        if (allDataRead) readPending = false;
                        break;
                    }
                    h.incMessagesRead(1);
                    readPending = false;
                    pipeline.fireChannelRead(buf);
                    buf = null;
                    // closed or shut down by a handler: never read a descriptor number that may be reused
                    if (shouldBreakReadReady(config) || !isOpen()) break;
                } while (rdHup || h.continueReading());
                h.readComplete();
                pipeline.fireChannelReadComplete();
                if (allDataRead) shutdownInput(true);
            } catch (Throwable t) {
                handleReadException(pipeline, buf, t, allDataRead, h);
            } finally {
                if (shouldStopReading(config) && !hasSplices()) clearFlag(C.EPOLLIN);
            }
        }

        @SuppressWarnings("deprecation")
        private void handleReadException(ChannelPipeline pipeline, ByteBuf buf, Throwable cause, boolean allDataRead,
                                         RecvByteBufAllocator.Handle h) {
            if (buf != null) {
                if (buf.isReadable()) {
                    readPending = false;
                    pipeline.fireChannelRead(buf);
                } else {
                    buf.release();
                }
            }
            h.readComplete();
            pipeline.fireChannelReadComplete();
            pipeline.fireExceptionCaught(cause);
            if (allDataRead || cause instanceof OutOfMemoryError || cause instanceof IOException) shutdownInput(true);
        }

        @Override
        void shutdownInput(boolean allDataRead) {
            if (!inputShutdown) {
                if (allowHalfClosure()) {
                    try {
                        socket.shutdown(Shutdown.READ);
                    } catch (IOException e) {
                        // already shut down in effect (reset, or not connected)
                        pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                        close(voidPromise());
                        return;
                    }
                    inputShutdown = true;
                    if (shouldStopReading(config())) clearFlag(C.EPOLLIN);
                    pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                } else {
                    close(voidPromise());
                    return;
                }
            }
            if (allDataRead && !inputClosedSeenErrorOnRead) {
                inputClosedSeenErrorOnRead = true;
                pipeline().fireUserEventTriggered(ChannelInputShutdownReadComplete.INSTANCE);
            }
        }
    }

}
