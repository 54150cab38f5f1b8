package dev.socket2j.internal;

import java.lang.foreign.MemorySegment;

/** The per-thread control buffer for encoding the control messages of a {@code sendmsg} (iovecs are {@link Bufs}'). */
public final class MsgIo {
    private MsgIo() {}

    /** Largest control buffer a single send encodes (Linux's {@code net.core.optmem_max} is 20 KiB to 128 KiB). */
    public static final int MAX_CONTROL = 1 << 16;

    /** The thread's control buffer, at least {@code size} bytes (grown and kept). */
    public static MemorySegment control(long size) {
        if (size > MAX_CONTROL) {
            throw new IllegalArgumentException("control data of " + size + " bytes exceeds " + MAX_CONTROL);
        }
        return Scratch.get().control(size);
    }
}
