package dev.socket2j.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;


/** The per-thread control buffer for encoding the control messages of a {@code sendmsg} (iovecs are {@link Bufs}'). */
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
}
