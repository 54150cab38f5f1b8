package dev.socket2j.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * One io_uring instance: the submission and completion rings and the SQE array, {@code mmap}ed once into
 * global-scope segments. SQEs are written and CQEs read in place; the kernel-shared heads and tails are read with
 * acquire and written with release semantics. Nothing is allocated per submission or completion.
 *
 * <p>Not thread-safe: one thread (the event loop) submits and reaps. With {@code SINGLE_ISSUER} the ring is created
 * disabled ({@code R_DISABLED}) and {@link #enable()} makes the calling thread its only submitter.
 *
 * <p>Setup flags are probed: {@link #open} asks for every optional flag in {@link #OPTIONAL_FLAGS} that the caller
 * did not exclude, and on {@code EINVAL} (an older kernel) drops them one at a time in that order until the kernel
 * accepts. {@link #setupFlags()} says what it got.
 */
public final class UringRing implements AutoCloseable {
    /** Optional setup flags in the order they are given up: the newest kernel feature first. */
    public static final int[] OPTIONAL_FLAGS = {
        Uring.SETUP_NO_SQARRAY,       // 6.6
        Uring.SETUP_DEFER_TASKRUN,    // 6.1 (needs SINGLE_ISSUER)
        Uring.SETUP_SINGLE_ISSUER,    // 6.0
        Uring.SETUP_COOP_TASKRUN,     // 5.19 (only without DEFER_TASKRUN)
        Uring.SETUP_SUBMIT_ALL,       // 5.18
    };

    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final VarHandle SHORT = JAVA_SHORT.varHandle();

    private final TrackedArena arena = new TrackedArena();
    /** errno capture for the loop thread's calls on this ring. */
    public final MemorySegment capture = Libc.unscopedCapture(arena.allocate(Libc.CAPTURE_LAYOUT));
    private final MemorySegment eventsArg = arena.allocate(Uring.GETEVENTS_ARG_SIZE, 8);
    private final MemorySegment timespec = arena.allocate(16, 8);

    private final int fd;
    private final int flags;
    private final int features;
    private final long ringAddr, ringSize, sqesAddr, sqesSize, cqRingAddr, cqRingSize;
    private final MemorySegment sq, cq, sqes;
    private final long sqHeadOff, sqTailOff, sqFlagsOff, cqHeadOff, cqTailOff, cqesOff;
    private final int sqMask, sqEntries, cqMask, cqEntries;

    /** What {@code io_uring_enter} is given: the descriptor, or the index {@link #registerRingFd} got. */
    private int enterFd, enterFlags;
    private Thread registeredBy;
    private boolean everRegistered;
    private int sqTail, sqHeadCache, submitted;
    private int cqHead;
    private boolean[] supportedOps;
    private boolean closed;

    private UringRing(int fd, MemorySegment params, long ringAddr, long ringSize, long cqRingAddr, long cqRingSize,
                      long sqesAddr, long sqesSize) {
        this.fd = fd;
        this.enterFd = fd;
        this.flags = params.get(JAVA_INT, Uring.P_FLAGS);
        this.features = params.get(JAVA_INT, Uring.P_FEATURES);
        this.sqEntries = params.get(JAVA_INT, Uring.P_SQ_ENTRIES);
        this.cqEntries = params.get(JAVA_INT, Uring.P_CQ_ENTRIES);
        this.ringAddr = ringAddr;
        this.ringSize = ringSize;
        this.cqRingAddr = cqRingAddr;
        this.cqRingSize = cqRingSize;
        this.sqesAddr = sqesAddr;
        this.sqesSize = sqesSize;
        this.sq = MemorySegment.ofAddress(ringAddr).reinterpret(ringSize);
        this.cq = cqRingAddr == 0 ? sq : MemorySegment.ofAddress(cqRingAddr).reinterpret(cqRingSize);
        this.sqes = MemorySegment.ofAddress(sqesAddr).reinterpret(sqesSize);
        long so = Uring.P_SQ_OFF, co = Uring.P_CQ_OFF;
        sqHeadOff = params.get(JAVA_INT, so + Uring.OFF_HEAD);
        sqTailOff = params.get(JAVA_INT, so + Uring.OFF_TAIL);
        sqFlagsOff = params.get(JAVA_INT, so + Uring.SQ_OFF_FLAGS);
        sqMask = sq.get(JAVA_INT, params.get(JAVA_INT, so + Uring.OFF_RING_MASK));
        cqHeadOff = params.get(JAVA_INT, co + Uring.OFF_HEAD);
        cqTailOff = params.get(JAVA_INT, co + Uring.OFF_TAIL);
        cqesOff = params.get(JAVA_INT, co + Uring.CQ_OFF_CQES);
        cqMask = cq.get(JAVA_INT, params.get(JAVA_INT, co + Uring.OFF_RING_MASK));
        if ((flags & Uring.SETUP_NO_SQARRAY) == 0) {
            // identity mapping, written once: SQE i sits at array slot i
            long array = params.get(JAVA_INT, so + Uring.SQ_OFF_ARRAY);
            for (int i = 0; i < sqEntries; i++) sq.set(JAVA_INT, array + 4L * i, i);
        }
        sqTail = (int) INT.getAcquire(sq, sqTailOff);
        sqHeadCache = sqTail;
        submitted = sqTail;
        cqHead = (int) INT.getAcquire(cq, cqHeadOff);
    }

    /**
     * Creates a ring of {@code sqEntries} SQEs and {@code cqEntries} CQEs (both rounded up to a power of two by the
     * kernel, and clamped to its limits), asking for every flag of {@link #OPTIONAL_FLAGS} not in {@code excluded}.
     *
     * @throws IllegalArgumentException if an entry count is not positive
     * @throws IOException with the errno: {@code ENOSYS} (no io_uring), {@code EPERM} ({@code kernel.io_uring_disabled}
     *     or seccomp), {@code ENOMEM} (the locked-memory limit), {@code EMFILE}
     */
    public static UringRing open(int sqEntries, int cqEntries, int excluded) throws IOException {
        if (sqEntries <= 0 || cqEntries <= 0) {
            throw new IllegalArgumentException("ring sizes must be positive: " + sqEntries + ", " + cqEntries);
        }
        List<Integer> optional = new ArrayList<>();
        for (int f : OPTIONAL_FLAGS) if ((excluded & f) == 0) optional.add(f);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment params = a.allocate(Uring.PARAMS_SIZE, 8);
            MemorySegment cs = a.allocate(Libc.CAPTURE_LAYOUT);
            while (true) {
                int want = Uring.SETUP_CQSIZE | Uring.SETUP_CLAMP;
                for (int f : optional) want |= f;
                if ((want & Uring.SETUP_DEFER_TASKRUN) != 0) want &= ~Uring.SETUP_COOP_TASKRUN;
                if ((want & Uring.SETUP_SINGLE_ISSUER) == 0) want &= ~Uring.SETUP_DEFER_TASKRUN;
                if ((want & Uring.SETUP_SINGLE_ISSUER) != 0) want |= Uring.SETUP_R_DISABLED;
                params.fill((byte) 0);
                params.set(JAVA_INT, Uring.P_FLAGS, want);
                params.set(JAVA_INT, Uring.P_CQ_ENTRIES, cqEntries);
                int rc = Uring.setup(cs, sqEntries, params);
                if (rc >= 0) return map(rc, params, cs);
                if (-rc != Errno.EINVAL || optional.isEmpty()) throw Uring.error("io_uring_setup(2)", rc);
                optional.remove(0);
            }
        }
    }

    private static UringRing map(int fd, MemorySegment params, MemorySegment cs) throws IOException {
        int features = params.get(JAVA_INT, Uring.P_FEATURES);
        int setFlags = params.get(JAVA_INT, Uring.P_FLAGS);
        int sqN = params.get(JAVA_INT, Uring.P_SQ_ENTRIES), cqN = params.get(JAVA_INT, Uring.P_CQ_ENTRIES);
        long cqSize = params.get(JAVA_INT, Uring.P_CQ_OFF + Uring.CQ_OFF_CQES) + cqN * Uring.CQE_SIZE;
        long sqSize = (setFlags & Uring.SETUP_NO_SQARRAY) != 0 ? cqSize
            : params.get(JAVA_INT, Uring.P_SQ_OFF + Uring.SQ_OFF_ARRAY) + sqN * 4L;
        boolean single = (features & Uring.FEAT_SINGLE_MMAP) != 0;
        long ring = 0, cqRing = 0, sqes = 0;
        long ringSize = single ? Math.max(sqSize, cqSize) : sqSize;
        int prot = Uring.PROT_READ | Uring.PROT_WRITE, mf = Uring.MAP_SHARED | Uring.MAP_POPULATE;
        try {
            ring = Uring.mmap(cs, ringSize, prot, mf, fd, Uring.MMAP_SQ_RING, "io_uring SQ ring");
            if (!single) cqRing = Uring.mmap(cs, cqSize, prot, mf, fd, Uring.MMAP_CQ_RING, "io_uring CQ ring");
            sqes = Uring.mmap(cs, sqN * Uring.SQE_SIZE, prot, mf, fd, Uring.MMAP_SQES, "io_uring SQE array");
            return new UringRing(fd, params, ring, ringSize, cqRing, single ? 0 : cqSize, sqes, sqN * Uring.SQE_SIZE);
        } catch (IOException | RuntimeException e) {
            Uring.munmap(cs, ring, ringSize);
            Uring.munmap(cs, cqRing, cqSize);
            Uring.munmap(cs, sqes, sqN * Uring.SQE_SIZE);
            Sys.closeQuietly(fd);
            throw e;
        }
    }

    /** The ring's descriptor. */
    public int fd() { return fd; }

    /** The setup flags the kernel accepted (including {@code CQSIZE}, {@code CLAMP}, {@code R_DISABLED}). */
    public int setupFlags() { return flags; }

    public boolean hasFlag(int flag) { return (flags & flag) != 0; }

    /** The {@code IORING_FEAT_*} bits the kernel reported. */
    public int features() { return features; }

    public boolean hasFeature(int feature) { return (features & feature) != 0; }

    public int sqEntries() { return sqEntries; }

    public int cqEntries() { return cqEntries; }

    /**
     * {@code IORING_REGISTER_ENABLE_RINGS} (5.10) for a ring created disabled: with {@code SINGLE_ISSUER} the calling
     * thread becomes the only one that may submit. A ring that was not created disabled needs nothing.
     */
    public void enable() throws IOException {
        if (!hasFlag(Uring.SETUP_R_DISABLED)) return;
        int rc = Uring.register(capture, fd, Uring.REGISTER_ENABLE_RINGS, 0, 0);
        if (rc < 0) throw Uring.error("io_uring_register(IORING_REGISTER_ENABLE_RINGS)", rc);
    }

    /**
     * {@code IORING_REGISTER_RING_FDS} (5.18): registers the ring with the calling thread, whose {@code io_uring_enter}
     * calls then name it by index ({@code IORING_ENTER_REGISTERED_RING}) and skip the descriptor-table lookup and
     * reference count per call. Only the calling thread may enter the ring from then on; {@link #close} on that thread
     * unregisters it. Returns false, and keeps using the descriptor, where the kernel refuses ({@code EINVAL} before
     * 5.18).
     */
    public boolean registerRingFd() {
        if (registeredBy != null) return true;
        if (closed) return false;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment up = a.allocate(Uring.RSRC_UPDATE_SIZE, 8);
            up.set(JAVA_INT, 0, -1);   // any free slot of the thread's table
            up.set(JAVA_LONG, 8, fd);
            if (Uring.register(capture, fd, Uring.REGISTER_RING_FDS, up.address(), 1) != 1) return false;
            enterFd = up.get(JAVA_INT, 0);
            enterFlags = Uring.ENTER_REGISTERED_RING;
            registeredBy = Thread.currentThread();
            everRegistered = true;
            return true;
        }
    }

    /** Whether {@link #registerRingFd} succeeded: enters used the index from then until {@link #close}. */
    public boolean ringFdRegistered() { return everRegistered; }

    private void unregisterRingFd() {
        if (registeredBy == null) return;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment up = a.allocate(Uring.RSRC_UPDATE_SIZE, 8);
            up.set(JAVA_INT, 0, enterFd);
            int ignored = Uring.register(capture, fd, Uring.UNREGISTER_RING_FDS, up.address(), 1);
        }
        registeredBy = null;
        enterFd = fd;
        enterFlags = 0;
    }

    /** Whether the kernel implements {@code opcode}, read once with {@code IORING_REGISTER_PROBE} (5.6). */
    public boolean supports(int opcode) throws IOException {
        if (supportedOps == null) supportedOps = probe();
        return opcode >= 0 && opcode < supportedOps.length && supportedOps[opcode];
    }

    private boolean[] probe() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(Uring.PROBE_HEADER + (long) Uring.PROBE_OPS * Uring.PROBE_OP_SIZE, 8);
            int rc = Uring.register(capture, fd, Uring.REGISTER_PROBE, p.address(), Uring.PROBE_OPS);
            if (rc < 0) throw Uring.error("io_uring_register(IORING_REGISTER_PROBE)", rc);
            int n = Byte.toUnsignedInt(p.get(JAVA_BYTE, 1));   // ops_len
            boolean[] ok = new boolean[Uring.PROBE_OPS];
            for (int i = 0; i < n; i++) {
                long e = Uring.PROBE_HEADER + (long) i * Uring.PROBE_OP_SIZE;
                int op = Byte.toUnsignedInt(p.get(JAVA_BYTE, e));
                if ((p.get(JAVA_SHORT, e + 2) & 1) != 0) ok[op] = true;
            }
            return ok;
        }
    }

    // ---------------------------------------------------------------- submission

    /** The SQE array, for the {@code prep} helpers: write fields at the offset {@link #nextSqe()} returned. */
    public MemorySegment sqes() { return sqes; }

    /** SQEs written but not yet given to the kernel. */
    public int pending() { return sqTail - submitted; }

    /**
     * The offset of a zeroed SQE to fill, or -1 if the submission queue is full (call {@link #submit} and retry).
     * The SQE is given to the kernel by the next {@link #submit}/{@link #submitAndWait}.
     */
    public long nextSqe() {
        if (sqTail - sqHeadCache >= sqEntries) {
            sqHeadCache = (int) INT.getAcquire(sq, sqHeadOff);
            if (sqTail - sqHeadCache >= sqEntries) return -1;
        }
        long off = (long) (sqTail & sqMask) * Uring.SQE_SIZE;
        for (long i = 0; i < Uring.SQE_SIZE; i += 8) sqes.set(JAVA_LONG, off + i, 0L);
        sqTail++;
        return off;
    }

    /** Fills the common fields of the SQE at {@code off}. */
    public void prep(long off, byte op, int fd, long addr, int len, long offset, long userData) {
        MemorySegment s = sqes;
        s.set(JAVA_BYTE, off + Uring.SQE_OPCODE, op);
        s.set(JAVA_INT, off + Uring.SQE_FD, fd);
        s.set(JAVA_LONG, off + Uring.SQE_OFF, offset);
        s.set(JAVA_LONG, off + Uring.SQE_ADDR, addr);
        s.set(JAVA_INT, off + Uring.SQE_LEN, len);
        s.set(JAVA_LONG, off + Uring.SQE_USER_DATA, userData);
    }

    public void sqeFlags(long off, byte flags) { sqes.set(JAVA_BYTE, off + Uring.SQE_FLAGS, flags); }

    public void sqeIoprio(long off, short ioprio) { sqes.set(JAVA_SHORT, off + Uring.SQE_IOPRIO, ioprio); }

    public void sqeOpFlags(long off, int opFlags) { sqes.set(JAVA_INT, off + Uring.SQE_OP_FLAGS, opFlags); }

    public void sqeBufGroup(long off, short group) { sqes.set(JAVA_SHORT, off + Uring.SQE_BUF_GROUP, group); }

    /** Submits what is pending without waiting; completions that task work produces are posted (GETEVENTS). */
    public int submit() { return enter(0, 0, -1); }

    /**
     * Submits what is pending and waits for at least {@code minComplete} completions, at most {@code timeoutNanos}
     * ({@code < 0}: no limit) when the kernel has {@code IORING_FEAT_EXT_ARG} and {@code useExtArg}; without it the
     * caller arms an {@code IORING_OP_TIMEOUT}. Returns the SQEs consumed, or -errno ({@code -EINTR}, {@code -ETIME}
     * are normal).
     */
    public int submitAndWait(int minComplete, long timeoutNanos, boolean useExtArg) {
        return enter(minComplete, 0, useExtArg && hasFeature(Uring.FEAT_EXT_ARG) ? timeoutNanos : -1);
    }

    private int enter(int minComplete, int extraFlags, long timeoutNanos) {
        releaseCqHead();
        int toSubmit = sqTail - submitted;
        if (toSubmit > 0) INT.setRelease(sq, sqTailOff, sqTail);
        int flags = Uring.ENTER_GETEVENTS | extraFlags | enterFlags;
        long arg = 0, argSize = 0;
        if (timeoutNanos >= 0 && minComplete > 0) {
            timespec.set(JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
            timespec.set(JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
            eventsArg.set(JAVA_LONG, 0, 0L);
            eventsArg.set(JAVA_INT, 8, 0);
            eventsArg.set(JAVA_INT, 12, 0);
            eventsArg.set(JAVA_LONG, 16, timespec.address());
            flags |= Uring.ENTER_EXT_ARG;
            arg = eventsArg.address();
            argSize = Uring.GETEVENTS_ARG_SIZE;
        }
        int rc = Uring.enter(capture, enterFd, toSubmit, minComplete, flags, arg, argSize);
        if (rc > 0) submitted += rc;
        return rc;
    }

    /** Whether the kernel asks for an enter: CQ overflowed (entries wait in the kernel) or task work is pending. */
    public boolean needsEnter() {
        return ((int) INT.getAcquire(sq, sqFlagsOff) & (Uring.SQ_CQ_OVERFLOW | Uring.SQ_TASKRUN)) != 0;
    }

    // ---------------------------------------------------------------- completion

    /** Receives completions in place from {@link #reap}. */
    @FunctionalInterface
    public interface CompletionSink {
        void complete(long userData, int res, int flags);
    }

    /** Completions posted and not yet reaped. */
    public int ready() { return (int) INT.getAcquire(cq, cqTailOff) - cqHead; }

    /**
     * Hands every posted completion to {@code sink}, in order, then releases them to the kernel in one store.
     * The sink may submit; returns how many completions it handled.
     */
    public int reap(CompletionSink sink) {
        int n = 0;
        int tail = (int) INT.getAcquire(cq, cqTailOff);
        while (cqHead != tail) {
            long off = cqesOff + (long) (cqHead & cqMask) * Uring.CQE_SIZE;
            long ud = cq.get(JAVA_LONG, off + Uring.CQE_USER_DATA);
            int res = cq.get(JAVA_INT, off + Uring.CQE_RES);
            int f = cq.get(JAVA_INT, off + Uring.CQE_FLAGS);
            cqHead++;
            n++;
            sink.complete(ud, res, f);
            if (cqHead == tail) tail = (int) INT.getAcquire(cq, cqTailOff);
        }
        releaseCqHead();
        return n;
    }

    private void releaseCqHead() { INT.setRelease(cq, cqHeadOff, cqHead); }

    // ---------------------------------------------------------------- provided buffer rings

    /** {@code IORING_REGISTER_PBUF_RING} (5.19) of {@code entries} at {@code ringAddr} as group {@code group}; 0 or -errno. */
    int registerBufRing(long ringAddr, int entries, short group) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment reg = a.allocate(Uring.BUF_REG_SIZE, 8);
            reg.set(JAVA_LONG, 0, ringAddr);
            reg.set(JAVA_INT, 8, entries);
            reg.set(JAVA_SHORT, 12, group);
            return Uring.register(capture, fd, Uring.REGISTER_PBUF_RING, reg.address(), 1);
        }
    }

    int unregisterBufRing(short group) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment reg = a.allocate(Uring.BUF_REG_SIZE, 8);
            reg.set(JAVA_SHORT, 12, group);
            return Uring.register(capture, fd, Uring.UNREGISTER_PBUF_RING, reg.address(), 1);
        }
    }

    /**
     * {@code IORING_REGISTER_PBUF_STATUS} (6.8): the kernel's head of buffer ring {@code group} (the next entry it
     * takes), or -errno ({@code EINVAL} before 6.8).
     */
    int bufRingHead(short group) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Uring.BUF_REG_SIZE, 8);   // struct io_uring_buf_status: 40 bytes too
            st.set(JAVA_INT, 0, Short.toUnsignedInt(group));
            int rc = Uring.register(capture, fd, Uring.REGISTER_PBUF_STATUS, st.address(), 1);
            return rc < 0 ? rc : st.get(JAVA_INT, 4);
        }
    }

    static void releaseShort(MemorySegment seg, long off, short value) { SHORT.setRelease(seg, off, value); }

    /**
     * Unmaps the rings and closes the descriptor (the kernel then cancels whatever is still in flight). Memory that
     * in-flight operations write into must outlive this call only until they complete: callers cancel and reap first.
     * A ring registered with {@link #registerRingFd} is closed on the thread that registered it.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        // the thread's table holds a reference to the ring: without this the ring outlives close(2) until the thread ends
        if (registeredBy == Thread.currentThread()) unregisterRingFd();
        Uring.munmap(capture, sqesAddr, sqesSize);
        Uring.munmap(capture, cqRingAddr, cqRingSize);
        Uring.munmap(capture, ringAddr, ringSize);
        Sys.closeQuietly(fd);
        arena.close();
    }
}
