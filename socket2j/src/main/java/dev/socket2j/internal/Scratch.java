package dev.socket2j.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Per-thread native memory for the core API: the errno capture, a getsockopt/setsockopt payload, one
 * socket address, one msghdr with an iovec array, a bounce buffer for heap data on calls that may
 * block, and a sendmsg control buffer. Made once per thread, reused by every call; no call allocates native memory. A method that
 * uses a field must not call another method that uses the same field while it holds it.
 */
public final class Scratch {
    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    public static Scratch get() { return LOCAL.get(); }

    /** The largest heap transfer bounced through native memory in one call (partial transfers are normal). */
    public static final int MAX_BOUNCE = 1 << 20;

    private final Arena arena = Arena.ofAuto();
    public final MemorySegment capture = arena.allocate(Libc.CAPTURE_LAYOUT);
    public final MemorySegment optval = arena.allocate(512, 8);
    public final MemorySegment len = arena.allocate(8, 8);
    public final MemorySegment addr = arena.allocate(Layouts.SOCKADDR_STORAGE_SIZE, 8);
    public final MemorySegment addr2 = arena.allocate(Layouts.SOCKADDR_STORAGE_SIZE, 8);
    public final MemorySegment msghdr = arena.allocate(Layouts.MSGHDR);
    public final MemorySegment iov = arena.allocate(Layouts.IOVEC_SIZE * C.IOV_MAX, 8);
    public final MemorySegment pollfd = arena.allocate(Layouts.POLLFD);
    public final MemorySegment offset = arena.allocate(8, 8);
    private MemorySegment bounce = MemorySegment.NULL;
    private MemorySegment control = MemorySegment.NULL;

    /**
     * A control buffer of at least {@code size} bytes for one {@code sendmsg} (see {@link MsgIo#control}), grown
     * geometrically and kept for the thread; it lives in this thread's arena, so it is freed with the thread.
     */
    public MemorySegment control(long size) {
        if (control.byteSize() < size) {
            control = arena.allocate(Math.max(256, Long.highestOneBit(Math.max(1, size - 1)) << 1), 8);
        }
        return control;
    }

    /** Room for an option value of {@code size} bytes: {@link #optval}, or the bounce buffer for a larger one. */
    public MemorySegment optval(int size) {
        return size <= optval.byteSize() ? optval : bounce(size);
    }

    /** A native buffer of at least {@code min(size, MAX_BOUNCE)} bytes, grown geometrically, kept for the thread. */
    public MemorySegment bounce(long size) {
        long want = Math.min(size, MAX_BOUNCE);
        if (bounce.byteSize() < want) {
            long cap = Math.max(4096, Long.highestOneBit(Math.max(1, want - 1)) << 1);
            bounce = arena.allocate(Math.min(cap, MAX_BOUNCE), 8);
        }
        return bounce;
    }
}
