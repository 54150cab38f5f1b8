package dev.socket2j.internal;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Turns Java buffers into native memory for calls that may block (where a critical downcall, and so a heap
 * segment, is not allowed). Native segments and direct buffers pass as they are; heap data goes through the
 * thread's bounce buffer, capped at {@link Scratch#MAX_BOUNCE} per call (a partial transfer, as the kernel may
 * make anyway). Positions of {@link ByteBuffer}s move only after the call, by what the kernel reported.
 */
public final class Bufs {
    private Bufs() {}

    /**
     * Checks that {@code b[off, off+len)} lies inside {@code b}.
     *
     * @throws IllegalArgumentException for a negative offset or length, or a range past the end
     */
    public static void checkRange(byte[] b, int off, int len) {
        Objects.requireNonNull(b, "buffer");
        if ((off | len) < 0 || len > b.length - off) {
            throw new IllegalArgumentException("range [" + off + ", " + off + " + " + len + ") outside an array of "
                + b.length + " bytes");
        }
    }

    /** Native memory holding {@code b[off, off+len)} for sending. */
    public static MemorySegment source(Scratch s, byte[] b, int off, int len) {
        checkRange(b, off, len);
        MemorySegment bounce = s.bounce(len);
        int n = (int) Math.min(len, bounce.byteSize());
        MemorySegment.copy(b, off, bounce, JAVA_BYTE, 0, n);
        return bounce.asSlice(0, n);
    }

    /** Native memory holding the remaining bytes of {@code bb} for sending (position not moved). */
    public static MemorySegment source(Scratch s, ByteBuffer bb) {
        if (bb.isDirect()) return MemorySegment.ofBuffer(bb);
        MemorySegment bounce = s.bounce(bb.remaining());
        int n = (int) Math.min(bb.remaining(), bounce.byteSize());
        MemorySegment.copy(MemorySegment.ofBuffer(bb), 0, bounce, 0, n);
        return bounce.asSlice(0, n);
    }

    /** Native memory holding {@code seg} for sending. */
    public static MemorySegment source(Scratch s, MemorySegment seg) {
        if (seg.isNative()) return seg;
        MemorySegment bounce = s.bounce(seg.byteSize());
        long n = Math.min(seg.byteSize(), bounce.byteSize());
        MemorySegment.copy(seg, 0, bounce, 0, n);
        return bounce.asSlice(0, n);
    }

    /** Native memory to receive at most {@code len} bytes into {@code b}; pair with {@link #finish(MemorySegment, byte[], int, long)}. */
    public static MemorySegment sink(Scratch s, byte[] b, int off, int len) {
        checkRange(b, off, len);
        MemorySegment bounce = s.bounce(len);
        return bounce.asSlice(0, Math.min(len, bounce.byteSize()));
    }

    /**
     * Copies what the kernel wrote into {@code sink} back into {@code b}. {@code n} may exceed the buffer
     * ({@code MSG_TRUNC} makes recv report a datagram's real length): only what fitted is copied.
     */
    public static void finish(MemorySegment sink, byte[] b, int off, long n) {
        if (n > 0) MemorySegment.copy(sink, JAVA_BYTE, 0, b, off, (int) Math.min(n, sink.byteSize()));
    }

    /** Native memory for the remaining space of {@code bb}; pair with {@link #finish(MemorySegment, ByteBuffer, long)}. */
    public static MemorySegment sink(Scratch s, ByteBuffer bb) {
        if (bb.isReadOnly()) throw new IllegalArgumentException("read-only buffer");
        if (bb.isDirect()) return MemorySegment.ofBuffer(bb);
        MemorySegment bounce = s.bounce(bb.remaining());
        return bounce.asSlice(0, Math.min(bb.remaining(), bounce.byteSize()));
    }

    /** Copies received bytes back into a heap buffer, and moves the position by {@code n}. */
    public static void finish(MemorySegment sink, ByteBuffer bb, long n) {
        if (n <= 0) return;
        n = Math.min(n, sink.byteSize());  // MSG_TRUNC: the real length may exceed what fitted
        if (!bb.isDirect()) MemorySegment.copy(sink, 0, MemorySegment.ofBuffer(bb), 0, n);
        bb.position(bb.position() + (int) n);
    }

    public static MemorySegment sink(Scratch s, MemorySegment seg) {
        if (seg.isReadOnly()) throw new IllegalArgumentException("read-only segment");
        if (seg.isNative()) return seg;
        MemorySegment bounce = s.bounce(seg.byteSize());
        return bounce.asSlice(0, Math.min(seg.byteSize(), bounce.byteSize()));
    }

    public static void finish(MemorySegment sink, MemorySegment seg, long n) {
        if (n > 0 && !seg.isNative()) MemorySegment.copy(sink, 0, seg, 0, Math.min(n, sink.byteSize()));
    }

    // ---------------------------------------------------------------- iovec arrays

    /**
     * Fills the thread's iovec array from {@code bufs} and returns the count. Heap buffers use consecutive
     * parts of the bounce buffer; with {@code copyIn} their bytes are copied there (for sending).
     *
     * @throws IllegalArgumentException for more than IOV_MAX buffers
     */
    public static int fillIov(Scratch s, ByteBuffer[] bufs, boolean copyIn) {
        checkIovCount(bufs.length);
        long heap = 0;
        for (ByteBuffer bb : bufs) {
            Objects.requireNonNull(bb, "buffer");
            if (!copyIn && bb.isReadOnly()) throw new IllegalArgumentException("read-only buffer");
            if (!bb.isDirect()) heap += bb.remaining();
        }
        MemorySegment bounce = heap > 0 ? s.bounce(heap) : MemorySegment.NULL;
        long used = 0;
        MemorySegment iov = s.iov(bufs.length);
        for (int i = 0; i < bufs.length; i++) {
            ByteBuffer bb = bufs[i];
            MemorySegment seg;
            if (bb.isDirect()) {
                seg = MemorySegment.ofBuffer(bb);
            } else {
                long n = Math.min(bb.remaining(), bounce.byteSize() - used);
                seg = bounce.asSlice(used, n);
                if (copyIn) MemorySegment.copy(MemorySegment.ofBuffer(bb), 0, seg, 0, n);
                used += n;
            }
            putIov(iov, i, seg);
        }
        return bufs.length;
    }

    /**
     * Fills the thread's iovec array from segments (native ones as they are, heap ones through the bounce buffer,
     * copied there when {@code copyIn}); returns the count.
     *
     * @throws IllegalArgumentException for more than IOV_MAX segments, or a read-only segment to receive into
     */
    public static int fillIov(Scratch s, MemorySegment[] segs, boolean copyIn) {
        checkIovCount(segs.length);
        long heap = 0;
        for (MemorySegment seg : segs) {
            if (!copyIn && seg.isReadOnly()) throw new IllegalArgumentException("read-only segment");
            if (!seg.isNative()) heap += seg.byteSize();
        }
        MemorySegment bounce = heap > 0 ? s.bounce(heap) : MemorySegment.NULL;
        long used = 0;
        s.iov(segs.length);
        for (int i = 0; i < segs.length; i++) {
            MemorySegment seg = segs[i];
            if (!seg.isNative()) {
                long n = Math.min(seg.byteSize(), bounce.byteSize() - used);
                MemorySegment part = bounce.asSlice(used, n);
                if (copyIn) MemorySegment.copy(seg, 0, part, 0, n);
                used += n;
                seg = part;
            }
            putIov(s.iov, i, seg);
        }
        return segs.length;
    }

    /** @throws IllegalArgumentException for more than {@code IOV_MAX} buffers (the kernel's {@code EMSGSIZE} otherwise) */
    public static void checkIovCount(int n) {
        if (n > C.IOV_MAX) throw new IllegalArgumentException(n + " buffers, more than IOV_MAX (" + C.IOV_MAX + ")");
    }

    private static void putIov(MemorySegment iov, int i, MemorySegment seg) {
        long at = i * Layouts.IOVEC_SIZE;
        iov.set(ADDRESS, at + Layouts.IOV_BASE, seg);
        iov.set(JAVA_LONG, at + Layouts.IOV_LEN, seg.byteSize());
    }

    private static long iovLen(MemorySegment iov, int i) {
        return iov.get(JAVA_LONG, i * Layouts.IOVEC_SIZE + Layouts.IOV_LEN);
    }

    /** After a send of {@code n} bytes: moves the positions of the buffers that were consumed. */
    public static void afterSend(ByteBuffer[] bufs, long n) {
        for (ByteBuffer bb : bufs) {
            if (n <= 0) break;
            int take = (int) Math.min(bb.remaining(), n);
            bb.position(bb.position() + take);
            n -= take;
        }
    }

    /** After a receive of {@code n} bytes: copies heap parts out of the bounce buffer and moves positions. */
    public static void afterRecv(Scratch s, ByteBuffer[] bufs, long n) {
        MemorySegment iov = s.iov;
        MemorySegment bounce = s.bounce(0);  // the one fillIov used: heap buffers hold consecutive parts of it
        long used = 0;
        for (int i = 0; i < bufs.length && n > 0; i++) {
            ByteBuffer bb = bufs[i];
            long cap = iovLen(iov, i);
            int take = (int) Math.min(cap, n);
            if (!bb.isDirect()) {
                if (take > 0) MemorySegment.copy(bounce, used, MemorySegment.ofBuffer(bb), 0, take);
                used += cap;
            }
            bb.position(bb.position() + take);
            n -= take;
        }
    }

    /** After a receive of {@code n} bytes into iovecs from {@link #fillIov(Scratch, MemorySegment[], boolean)}: copies heap parts back. */
    public static void afterRecv(Scratch s, MemorySegment[] segs, long n) {
        MemorySegment bounce = s.bounce(0);  // the one fillIov used: heap segments hold consecutive parts of it
        long used = 0;
        for (int i = 0; i < segs.length && n > 0; i++) {
            long cap = iovLen(s.iov, i);
            long take = Math.min(cap, n);
            if (!segs[i].isNative()) {
                if (take > 0) MemorySegment.copy(bounce, used, segs[i], 0, take);
                used += cap;
            }
            n -= take;
        }
    }
}
