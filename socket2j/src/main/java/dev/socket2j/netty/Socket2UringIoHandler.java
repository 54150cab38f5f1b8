package dev.socket2j.netty;

import dev.socket2j.internal.Errno;
import dev.socket2j.internal.Scratch;
import dev.socket2j.internal.Sys;
import dev.socket2j.internal.TrackedArena;
import dev.socket2j.internal.Uring;
import dev.socket2j.internal.UringBufRing;
import dev.socket2j.internal.UringRing;
import io.netty.channel.ChannelException;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.ThreadAwareExecutor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A Netty {@link IoHandler} on Linux io_uring(7), called through the FFM API: no JNI library. Use it as
 * {@code new MultiThreadIoEventLoopGroup(n, Socket2UringIoHandler.newFactory())} with
 * {@link Socket2UringSocketChannel} and {@link Socket2UringServerSocketChannel} (TCP), or
 * {@link Socket2UringDomainSocketChannel} and {@link Socket2UringServerDomainSocketChannel} (Unix stream); check
 * {@link Socket2Uring#isAvailable()} first to fall back to {@link Socket2IoHandler} (epoll).
 *
 * <p>Each loop owns one ring, created with {@code SINGLE_ISSUER | DEFER_TASKRUN} (Linux 6.1) where the kernel has
 * them (and otherwise with what it has, see {@link UringRing}), a provided buffer ring for reads (5.19), and a
 * blocking {@code eventfd} that other threads write to wake it; an {@code IORING_OP_READ} waits on it while the loop
 * sleeps. One {@code io_uring_enter(2)} per loop turn submits what the last turn prepared and, when the loop may
 * block, waits for a completion with the next scheduled task's deadline as its timeout ({@code IORING_ENTER_EXT_ARG},
 * 5.11; before that an {@code IORING_OP_TIMEOUT}). The loop thread registers the ring ({@code IORING_REGISTER_RING_FDS},
 * 5.18) and names it by index in each enter.
 *
 * <p>A completion's {@code user_data} carries the registration's slot (an array index, no hash lookup), an op tag,
 * and the slot's generation: a slot is reused only once every operation of its previous owner has completed, and
 * a completion whose generation is stale is dropped, so it can never reach a channel that reused a descriptor.
 *
 * <p>Optional features can be turned off with the system property {@code socket2j.uring.disable}, a comma list of
 * {@code NO_SQARRAY, DEFER_TASKRUN, SINGLE_ISSUER, COOP_TASKRUN, SUBMIT_ALL, EXT_ARG, PBUF_RING, RECV_MULTISHOT,
 * ACCEPT_MULTISHOT, CANCEL_FD, SEND_ZC, REGISTERED_RING, RECV_BUNDLE, SPLICE}, read when a factory is made.
 */
public final class Socket2UringIoHandler implements IoHandler, UringRing.CompletionSink {
    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(Socket2UringIoHandler.class);
    static final int DEFAULT_SQ = 256, DEFAULT_CQ = 4096, DEFAULT_BUFS = 256, DEFAULT_BUF_SIZE = 8192;
    private static final long AWAKE = -1L, NONE = Long.MAX_VALUE;
    private static final int SLOT_BITS = 24, SLOT_MASK = (1 << SLOT_BITS) - 1;
    /** Op tags of the handler's own operations (slot 0). */
    private static final int OP_WAKEUP = 1, OP_TIMER = 2, OP_CANCEL_ALL = 3;
    private static final short BUF_GROUP = 0;
    /** Room for iovecs and addresses that the kernel copies at submission; reset after every enter. */
    private static final int STABLE_SIZE = 64 * 1024;

    /** Features in use, decided per loop from the probe and the {@code disable} list. */
    static final class Features {
        final int excludedSetupFlags;
        final boolean extArg, pbufRing, recvMultishot, acceptMultishot, cancelFd, sendZc, registeredRing, recvBundle,
            splice;
        final int bufCount, bufSize;

        Features(Set<String> disabled, int bufCount, int bufSize) {
            int ex = 0;
            if (disabled.contains("NO_SQARRAY")) ex |= Uring.SETUP_NO_SQARRAY;
            if (disabled.contains("DEFER_TASKRUN")) ex |= Uring.SETUP_DEFER_TASKRUN;
            if (disabled.contains("SINGLE_ISSUER")) ex |= Uring.SETUP_SINGLE_ISSUER;
            if (disabled.contains("COOP_TASKRUN")) ex |= Uring.SETUP_COOP_TASKRUN;
            if (disabled.contains("SUBMIT_ALL")) ex |= Uring.SETUP_SUBMIT_ALL;
            excludedSetupFlags = ex;
            extArg = !disabled.contains("EXT_ARG");
            pbufRing = !disabled.contains("PBUF_RING");
            recvMultishot = !disabled.contains("RECV_MULTISHOT");
            acceptMultishot = !disabled.contains("ACCEPT_MULTISHOT");
            cancelFd = !disabled.contains("CANCEL_FD");
            sendZc = !disabled.contains("SEND_ZC");
            registeredRing = !disabled.contains("REGISTERED_RING");
            recvBundle = !disabled.contains("RECV_BUNDLE");
            splice = !disabled.contains("SPLICE");
            this.bufCount = bufCount;
            this.bufSize = bufSize;
        }

        static Set<String> fromProperty() {
            String p = System.getProperty("socket2j.uring.disable", "");
            return Set.copyOf(Arrays.stream(p.split(",")).map(s -> s.trim().toUpperCase(Locale.ROOT))
                .filter(s -> !s.isEmpty()).toList());
        }
    }

    private final ThreadAwareExecutor executor;
    private final Features requested;
    final UringRing ring;
    private final int eventFd;
    private final TrackedArena arena = new TrackedArena();
    private final MemorySegment wakeupBuf = arena.allocate(8, 8);
    private final MemorySegment timerSpec = arena.allocate(16, 8);
    private final MemorySegment stable = arena.allocate(STABLE_SIZE, 16);
    private long stableUsed;
    /** Scratch for synchronous calls the channels make on the loop thread (getsockname, ...). */
    final MemorySegment addrScratch = arena.allocate(128, 8);
    /** Scratch for the splice requests' synchronous calls on the loop thread (pipe2's descriptors, a file offset). */
    final MemorySegment spliceWord = arena.allocate(8, 8);

    private UringBufRing bufRing;
    private boolean useExtArg, recvMultishot, acceptMultishot, cancelByFd, sendZc, recvBundle, spliceOp;

    private Registration[] slots = new Registration[64];
    private int[] freeSlots = new int[64];
    private int freeTop;
    private int nextSlot = 1;   // slot 0: the handler's own operations
    private int liveRegistrations;
    /** Operations of the handler itself in flight (wakeup read, timeouts, cancel). */
    private int ownInFlight;
    /** Every operation in flight, the handler's and the registrations'. */
    private int inFlightTotal;

    private final AtomicLong nextWakeupNanos = new AtomicLong(AWAKE);
    private boolean wakeupArmed;
    private long armedTimer = NONE;
    private boolean destroyed;

    private Socket2UringIoHandler(ThreadAwareExecutor executor, int sq, int cq, Features f) {
        this.executor = executor;
        this.requested = f;
        UringRing r = null;
        int ev = -1;
        try {
            r = UringRing.open(sq, cq, f.excludedSetupFlags);
            ev = Uring.blockingEventfd();
        } catch (IOException | RuntimeException e) {
            if (r != null) r.close();
            arena.close();
            throw new ChannelException("cannot create the io_uring event loop", e);
        }
        this.ring = r;
        this.eventFd = ev;
    }

    /** A factory for loops with 256 SQEs, 4096 CQEs and 256 provided read buffers of 8 KiB each. */
    public static IoHandlerFactory newFactory() { return newFactory(DEFAULT_SQ, DEFAULT_CQ); }

    /**
     * A factory for loops whose rings hold {@code sqEntries} submissions and {@code cqEntries} completions (rounded
     * up to powers of two, clamped to the kernel's limits).
     *
     * @throws IllegalArgumentException if a size is not positive or {@code cqEntries < sqEntries}
     */
    public static IoHandlerFactory newFactory(int sqEntries, int cqEntries) {
        return newFactory(sqEntries, cqEntries, DEFAULT_BUFS, DEFAULT_BUF_SIZE);
    }

    /**
     * As {@link #newFactory(int, int)}, with {@code readBuffers} (a power of two, at most 32768) provided read
     * buffers of {@code readBufferSize} bytes per loop.
     *
     * @throws IllegalArgumentException for a size out of range
     */
    public static IoHandlerFactory newFactory(int sqEntries, int cqEntries, int readBuffers, int readBufferSize) {
        return newFactory(sqEntries, cqEntries, readBuffers, readBufferSize, Features.fromProperty());
    }

    /** For tests: a factory with the given features turned off (names as for {@code socket2j.uring.disable}). */
    static IoHandlerFactory newFactory(int sqEntries, int cqEntries, int readBuffers, int readBufferSize,
                                       Set<String> disabled) {
        if (sqEntries <= 0 || cqEntries < sqEntries) {
            throw new IllegalArgumentException("need 0 < sqEntries <= cqEntries: " + sqEntries + ", " + cqEntries);
        }
        if (readBuffers <= 0 || readBuffers > 32768 || Integer.bitCount(readBuffers) != 1) {
            throw new IllegalArgumentException("readBuffers must be a power of two in [1, 32768]: " + readBuffers);
        }
        if (readBufferSize <= 0) throw new IllegalArgumentException("readBufferSize must be positive: " + readBufferSize);
        Features f = new Features(disabled, readBuffers, readBufferSize);
        return new IoHandlerFactory() {
            @Override public IoHandler newHandler(ThreadAwareExecutor executor) {
                return new Socket2UringIoHandler(executor, sqEntries, cqEntries, f);
            }
            @Override public boolean isChangingThreadSupported() { return false; }
        };
    }

    @Override
    public void initialize() {
        LoopShutdown.closeChannelsAtShutdown(executor, this);
        try {
            ring.enable();   // on the loop's thread: with SINGLE_ISSUER it becomes the ring's only submitter
            if (requested.registeredRing) ring.registerRingFd();   // 5.18; the loop thread enters it by index
            useExtArg = requested.extArg && ring.hasFeature(Uring.FEAT_EXT_ARG);
            cancelByFd = requested.cancelFd && ring.supports(Uring.OP_SOCKET);                 // both 5.19
            acceptMultishot = requested.acceptMultishot && ring.supports(Uring.OP_SOCKET);
            recvMultishot = requested.recvMultishot && ring.supports(Uring.OP_SEND_ZC);       // both 6.0
            // a close cancels a zero-copy send by descriptor: the per-tag fallback does not know its tags
            sendZc = requested.sendZc && cancelByFd && ring.supports(Uring.OP_SEND_ZC);
            spliceOp = requested.splice && ring.supports(Uring.OP_SPLICE);   // 5.7
            if (requested.pbufRing) {
                try {
                    bufRing = UringBufRing.register(ring, BUF_GROUP, requested.bufCount, requested.bufSize);
                } catch (IOException e) {
                    LOG.debug("no provided buffer ring (Linux 5.19+): reads use plain RECV", e);
                }
            }
            if (bufRing == null) recvMultishot = false;
            recvBundle = requested.recvBundle && recvMultishot && ring.hasFeature(Uring.FEAT_RECVSEND_BUNDLE);
        } catch (IOException e) {
            throw new ChannelException("cannot start the io_uring event loop", e);
        }
    }

    // ---------------------------------------------------------------- what channels ask of the loop

    /** Whether reads take provided buffers (else each read names its own buffer). */
    boolean usesBufferRing() { return bufRing != null; }

    boolean recvMultishot() { return recvMultishot; }

    boolean acceptMultishot() { return acceptMultishot; }

    /** Whether waits carry their timeout in {@code io_uring_enter} ({@code EXT_ARG}); else an {@code OP_TIMEOUT}. */
    boolean usesExtArg() { return useExtArg; }

    /** Whether a close cancels by descriptor ({@code IORING_ASYNC_CANCEL_FD}); else one cancel per operation tag. */
    boolean cancelsByFd() { return cancelByFd; }

    /** Whether the kernel has {@code IORING_OP_SPLICE} (5.7): a splice target drains its pipe with it. */
    boolean spliceOp() { return spliceOp; }

    /** Whether {@code IORING_OP_SEND_ZC} (6.0) may be used for writes at or above a channel's threshold. */
    boolean sendZc() { return sendZc; }

    /**
     * Whether a multishot recv may fill several provided buffers per completion ({@code IORING_RECVSEND_BUNDLE},
     * Linux 6.10, {@code IORING_FEAT_RECVSEND_BUNDLE}).
     */
    boolean recvBundle() { return recvBundle; }

    /** The kernel refused a multishot variant (EINVAL): use single-shot from now on. */
    void disableRecvMultishot() {
        if (recvBundle) {
            recvBundle = false;   // first drop the newer flag, then multishot itself
        } else {
            recvMultishot = false;
        }
    }

    void disableAcceptMultishot() { acceptMultishot = false; }

    UringBufRing bufRing() { return bufRing; }

    short bufGroup() { return BUF_GROUP; }

    /** Gives a provided buffer back to the kernel. */
    void recycle(int bid) {
        bufRing.taken();
        bufRing.recycle(bid);
    }

    /**
     * {@code size} bytes (16-aligned) that stay valid until the next enter: for what the kernel copies when it takes
     * the SQE (iovecs of WRITEV, the address of CONNECT). Submits first if the area is full.
     */
    long stable(long size) {
        long need = (size + 15) & ~15L;
        if (need > STABLE_SIZE) throw new IllegalArgumentException("too large for the stable area: " + size);
        if (stableUsed + need > STABLE_SIZE) submitNow();
        long addr = stable.address() + stableUsed;
        stableUsed += need;
        return addr;
    }

    /** A zeroed SQE, submitting what is queued first if the SQ is full. */
    private long sqe() {
        long off = ring.nextSqe();
        if (off < 0) {
            submitNow();
            off = ring.nextSqe();
            if (off < 0) throw new ChannelException("io_uring submission queue stays full");
        }
        return off;
    }

    private void submitNow() {
        int rc = ring.submit();
        if (rc < 0 && rc != -Errno.EINTR && rc != -Errno.EBUSY && rc != -Errno.EAGAIN) {
            LOG.warn("io_uring_enter failed", Uring.error("io_uring_enter(2)", rc));
        }
        stableUsed = 0;
    }

    private static long userData(int slot, int gen, int op) {
        return ((long) gen << 32) | ((long) (op & 0xFF) << SLOT_BITS) | slot;
    }

    private void armWakeup() {
        long s = sqe();
        ring.prep(s, Uring.OP_READ, eventFd, wakeupBuf.address(), 8, 0, userData(0, 0, OP_WAKEUP));
        ownInFlight++;
        inFlightTotal++;
        wakeupArmed = true;
    }

    private void armTimer(long delayNanos, long deadline) {
        timerSpec.set(JAVA_LONG, 0, delayNanos / 1_000_000_000L);
        timerSpec.set(JAVA_LONG, 8, delayNanos % 1_000_000_000L);
        long s = sqe();
        // count 0: a pure timeout, completed with ETIME; the timespec is read when the SQE is taken
        ring.prep(s, Uring.OP_TIMEOUT, -1, timerSpec.address(), 1, 0, userData(0, 0, OP_TIMER));
        ownInFlight++;
        inFlightTotal++;
        armedTimer = deadline;
    }

    // ---------------------------------------------------------------- the loop

    @Override
    public int run(IoHandlerContext context) {
        long start = context.shouldReportActiveIoTime() ? System.nanoTime() : 0;
        int rc;
        if (context.canBlock() && ring.ready() == 0) {
            long deadline = context.deadlineNanos();
            if (deadline == -1L) deadline = NONE;
            if (!wakeupArmed) armWakeup();
            nextWakeupNanos.set(deadline);
            try {
                if (!context.canBlock()) {   // a task came in before the deadline was visible to wakeup()
                    rc = ring.submit();
                } else if (deadline == NONE) {
                    rc = ring.submitAndWait(1, -1, false);
                } else {
                    long delay = Math.max(0, context.delayNanos(System.nanoTime()));
                    if (useExtArg) {
                        rc = ring.submitAndWait(1, delay, true);
                    } else {
                        if (deadline != armedTimer) armTimer(delay, deadline);
                        rc = ring.submitAndWait(1, -1, false);
                    }
                }
            } finally {
                nextWakeupNanos.lazySet(AWAKE);
            }
            if (context.shouldReportActiveIoTime()) start = System.nanoTime();   // report handling, not sleep
        } else {
            rc = ring.submit();
        }
        stableUsed = 0;
        if (rc < 0 && rc != -Errno.EINTR && rc != -62 /* ETIME */ && rc != -Errno.EBUSY && rc != -Errno.EAGAIN) {
            LOG.warn("io_uring_enter failed", Uring.error("io_uring_enter(2)", rc));
        }
        int handled = ring.reap(this);
        if (context.shouldReportActiveIoTime()) context.reportActiveIoTime(System.nanoTime() - start);
        return handled;
    }

    @Override
    public void complete(long userData, int res, int flags) {
        int slot = (int) (userData & SLOT_MASK);
        int op = (int) (userData >>> SLOT_BITS) & 0xFF;
        if ((flags & Uring.CQE_F_MORE) == 0) inFlightTotal--;
        if (slot == 0) {
            ownInFlight--;
            if (op == OP_WAKEUP) {
                wakeupArmed = false;
            } else if (op == OP_TIMER) {
                armedTimer = NONE;
            }
            return;
        }
        Registration r = slot < slots.length ? slots[slot] : null;
        int gen = (int) (userData >>> 32);
        if (r == null || r.gen != gen || r.freed) {
            // cannot happen while slots are freed only after their last completion; never let it reach a channel
            if ((flags & Uring.CQE_F_BUFFER) != 0 && bufRing != null) recycle(flags >>> Uring.CQE_BUFFER_SHIFT);
            return;
        }
        if ((flags & Uring.CQE_F_MORE) == 0) r.inFlight--;
        try {
            r.handle.complete(op, res, flags);
        } catch (Throwable t) {
            LOG.warn("unexpected exception from an io_uring handle", t);
        }
        if (!r.valid && r.inFlight == 0) r.free();
    }

    @Override
    public IoRegistration register(IoHandle handle) {
        if (!(handle instanceof UringIoHandle h)) throw new IllegalArgumentException("incompatible handle: " + handle);
        if (destroyed || LoopShutdown.refusesRegistration(executor)) {
            throw new IllegalStateException("event loop shutting down: registration refused");
        }
        int slot;
        if (freeTop > 0) {
            slot = freeSlots[--freeTop];
        } else {
            slot = nextSlot++;
            if (slot > SLOT_MASK) throw new ChannelException("too many registrations on one io_uring loop");
            if (slot >= slots.length) {
                slots = Arrays.copyOf(slots, slots.length * 2);
                freeSlots = Arrays.copyOf(freeSlots, slots.length);
            }
        }
        Registration prev = slots[slot];
        Registration reg = new Registration(slot, prev == null ? 1 : prev.gen + 1, h);
        slots[slot] = reg;
        liveRegistrations++;
        h.registered();
        return reg;
    }

    @Override
    public void wakeup() {
        if (!executor.isExecutorThread(Thread.currentThread()) && nextWakeupNanos.getAndSet(AWAKE) != AWAKE) {
            Scratch s = Scratch.get();
            s.offset.set(JAVA_LONG, 0, 1L);
            long ignored = Sys.writeAddrNb(s.capture, eventFd, s.offset.address(), 8);
        }
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return UringIoHandle.class.isAssignableFrom(handleType);
    }

    @Override
    public void prepareToDestroy() {
        for (Registration reg : slots) {
            if (reg == null || !reg.valid) continue;
            try {
                reg.handle.close();
            } catch (Exception e) {
                LOG.debug("failed to close a handle on shutdown", e);
            }
        }
    }

    @Override
    public void destroy() {
        if (destroyed) return;
        destroyed = true;
        prepareToDestroy();
        // cancel everything still in flight and reap it, so no read lands in memory about to be unmapped
        long s = sqe();
        ring.prep(s, Uring.OP_ASYNC_CANCEL, -1, 0, 0, 0, userData(0, 0, OP_CANCEL_ALL));
        ring.sqeOpFlags(s, Uring.CANCEL_ANY | Uring.CANCEL_ALL);
        ownInFlight++;
        inFlightTotal++;
        long until = System.nanoTime() + 1_000_000_000L;
        while (inFlightTotal > 0 && System.nanoTime() < until) {
            if (!ring.hasFeature(Uring.FEAT_EXT_ARG) && armedTimer == NONE) armTimer(10_000_000L, 0);
            int rc = ring.submitAndWait(1, 10_000_000L, true);
            stableUsed = 0;
            if (rc < 0 && rc != -Errno.EINTR && rc != -62 && rc != -Errno.EBUSY) break;
            ring.reap(this);
        }
        for (Registration reg : slots) if (reg != null && reg.inFlight >= 0 && slots[reg.slot] == reg) reg.forceFree();
        if (bufRing != null) bufRing.close();
        ring.close();   // the kernel cancels and drops whatever is left
        Sys.closeQuietly(eventFd);
        arena.close();
    }

    /** Live registrations (for tests). */
    int registrations() { return liveRegistrations; }

    /** Reads that found the buffer ring empty (ENOBUFS) and were armed again; for tests and diagnostics. */
    long bufferRingExhausted;

    /** Zero-copy sends submitted, and their notifications (the kernel let go of the buffer); for tests. */
    long zeroCopySends, zeroCopyNotifications;
    /** Recv completions whose bytes span more than one provided buffer (bundles); for tests and diagnostics. */
    long bundledCompletions;
    /** Stream channels that switched into or out of bulk mode (reads straight into the handle's buffers); for tests. */
    long bulkModeSwitches;
    /** Reads in bulk mode (RECVs and the recv(2) that continue them), straight into a handle's buffer; for tests. */
    long bulkReads;

    // ---------------------------------------------------------------- registrations

    final class Registration implements IoRegistration {
        final int slot, gen;
        final UringIoHandle handle;
        boolean valid = true;
        /** Operations submitted and not yet finally completed (a multishot op counts until its last CQE). */
        int inFlight;
        boolean freed;

        Registration(int slot, int gen, UringIoHandle handle) {
            this.slot = slot;
            this.gen = gen;
            this.handle = handle;
        }

        Socket2UringIoHandler loop() { return Socket2UringIoHandler.this; }

        /** A zeroed SQE for an operation tagged {@code op} of this handle, counted in flight. */
        long sqe(byte opcode, int fd, long addr, int len, long offset, int op) {
            long s = Socket2UringIoHandler.this.sqe();
            ring.prep(s, opcode, fd, addr, len, offset, userData(slot, gen, op));
            inFlight++;
            inFlightTotal++;
            return s;
        }

        /** {@code IORING_OP_ASYNC_CANCEL} of every operation of this handle tagged {@code op}. */
        void cancel(int op, int cancelTag) {
            long s = sqe(Uring.OP_ASYNC_CANCEL, -1, userData(slot, gen, op), 0, 0, cancelTag);
        }

        /**
         * {@code IORING_OP_ASYNC_CANCEL} of every operation on {@code fd} ({@code IORING_ASYNC_CANCEL_FD}, 5.19); before
         * that, one cancel per tag in {@code tags}, which works because a handle has at most one operation per tag.
         */
        void cancelFd(int fd, int cancelTag, int... tags) {
            if (cancelByFd) {
                long s = sqe(Uring.OP_ASYNC_CANCEL, fd, 0, 0, 0, cancelTag);
                ring.sqeOpFlags(s, Uring.CANCEL_FD | Uring.CANCEL_ALL);
            } else {
                for (int t : tags) cancel(t, cancelTag);
            }
        }

        UringRing ring() { return ring; }

        /** This registration itself: the loop hands channels a wrapper, and they reach the engine through it. */
        @Override
        @SuppressWarnings("unchecked")
        public <T> T attachment() { return (T) this; }

        /** Channels submit through {@link #sqe}; Netty's generic ops are not used by this engine. */
        @Override
        public long submit(IoOps ops) { throw new UnsupportedOperationException("use the channel's io_uring operations"); }

        @Override
        public boolean isValid() { return valid; }

        @Override
        public boolean cancel() {
            if (!valid) return false;
            if (!executor.isExecutorThread(Thread.currentThread())) {
                executor.execute(this::cancel);
                return true;
            }
            valid = false;
            if (inFlight == 0) free();
            return true;
        }

        void free() {
            if (freed) return;
            freed = true;
            slots[slot] = this;   // kept for its generation; the next owner takes gen + 1
            freeSlots[freeTop++] = slot;
            liveRegistrations--;
            handle.unregistered();
        }

        void forceFree() {
            valid = false;
            if (!freed) free();
        }
    }
}
