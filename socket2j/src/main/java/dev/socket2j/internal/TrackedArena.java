package dev.socket2j.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;

/**
 * A shared arena of the io_uring engine whose allocations count toward {@link Uring#liveNativeBytes()} until it is
 * closed, so a test can see that everything a loop allocated is given back. Allocation happens when a loop or ring is
 * made, never per operation.
 */
public final class TrackedArena implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private long bytes;
    private boolean closed;

    /** {@code size} zeroed bytes aligned to {@code alignment}, counted until {@link #close}. */
    public synchronized MemorySegment allocate(long size, long alignment) {
        MemorySegment s = arena.allocate(size, alignment);
        bytes += size;
        Uring.accountNative(size);
        return s;
    }

    /** Room for one {@code layout}, counted until {@link #close}. */
    public MemorySegment allocate(MemoryLayout layout) { return allocate(layout.byteSize(), layout.byteAlignment()); }

    /** Frees every segment allocated here (they must no longer be in use, by Java or the kernel). */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        arena.close();
        Uring.accountNative(-bytes);
    }
}
