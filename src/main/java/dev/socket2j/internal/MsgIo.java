package dev.socket2j.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Helpers for {@code sendmsg}/{@code recvmsg} beyond {@link Bufs}: iovec arrays from {@link MemorySegment}s and a
 * per-thread control buffer for encoding the control messages of a send.
 */
public final class MsgIo {
    private MsgIo() {}

    /** Largest control buffer a single send encodes (Linux's {@code net.core.optmem_max} is 20 KiB to 128 KiB). */
    public static final int MAX_CONTROL = 1 << 16;

    private static final ThreadLocal<MemorySegment[]> CONTROL = ThreadLocal.withInitial(() -> new MemorySegment[1]);
    private static final Arena ARENA = Arena.ofAuto();

    /** The thread's control buffer, at least {@code size} bytes (grown and kept). */
    public static MemorySegment control(long size) {
        if (size > MAX_CONTROL) {
            throw new IllegalArgumentException("control data of " + size + " bytes exceeds " + MAX_CONTROL);
        }
        MemorySegment[] holder = CONTROL.get();
        MemorySegment c = holder[0];
        if (c == null || c.byteSize() < size) {
            c = ARENA.allocate(Math.max(256, Long.highestOneBit(Math.max(1, size - 1)) << 1), 8);
            holder[0] = c;
        }
        return c;
    }

    /**
     * Fills the thread's iovec array from segments (native ones as they are, heap ones through the bounce buffer,
     * copied there when {@code copyIn}); returns the count.
     *
     * @throws IllegalArgumentException for more than IOV_MAX segments, or a read-only segment to receive into
     */
    public static int fillIov(Scratch s, MemorySegment[] segs, boolean copyIn) {
        if (segs.length > C.IOV_MAX) {
            throw new IllegalArgumentException(segs.length + " buffers, more than IOV_MAX (" + C.IOV_MAX + ")");
        }
        long heap = 0;
        for (MemorySegment seg : segs) {
            if (!copyIn && seg.isReadOnly()) throw new IllegalArgumentException("read-only segment");
            if (!seg.isNative()) heap += seg.byteSize();
        }
        MemorySegment bounce = heap > 0 ? s.bounce(heap) : MemorySegment.NULL;
        long used = 0;
        for (int i = 0; i < segs.length; i++) {
            MemorySegment seg = segs[i];
            if (!seg.isNative()) {
                long n = Math.min(seg.byteSize(), bounce.byteSize() - used);
                MemorySegment part = bounce.asSlice(used, n);
                if (copyIn) MemorySegment.copy(seg, 0, part, 0, n);
                used += n;
                seg = part;
            }
            long at = i * Layouts.IOVEC_SIZE;
            s.iov.set(ADDRESS, at + Layouts.IOV_BASE, seg);
            s.iov.set(JAVA_LONG, at + Layouts.IOV_LEN, seg.byteSize());
        }
        return segs.length;
    }

    /** After a receive of {@code n} bytes into iovecs from {@link #fillIov}: copies heap parts back. */
    public static void afterRecv(Scratch s, MemorySegment[] segs, long n) {
        MemorySegment bounce = s.bounce(0);  // the one fillIov used: heap segments hold consecutive parts of it
        long used = 0;
        for (int i = 0; i < segs.length && n > 0; i++) {
            long cap = s.iov.get(JAVA_LONG, i * Layouts.IOVEC_SIZE + Layouts.IOV_LEN);
            long take = Math.min(cap, n);
            if (!segs[i].isNative()) {
                if (take > 0) MemorySegment.copy(bounce, used, segs[i], 0, take);
                used += cap;
            }
            n -= take;
        }
    }
}
