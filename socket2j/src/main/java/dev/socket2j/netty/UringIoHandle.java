package dev.socket2j.netty;

import io.netty.channel.IoEvent;
import io.netty.channel.IoHandle;
import io.netty.channel.IoRegistration;

/**
 * A handle on {@link Socket2UringIoHandler}: completions arrive as three values, in place, with no event object.
 * {@link #handle(IoRegistration, IoEvent)} is never called.
 */
interface UringIoHandle extends IoHandle {
    /**
     * One completion of an operation this handle submitted with tag {@code op}: the kernel's {@code res} (a count,
     * or -errno) and {@code flags} ({@code IORING_CQE_F_*}). A provided buffer named by the flags belongs to the
     * handle, which must give it back ({@link Socket2UringIoHandler#recycle}).
     */
    void complete(int op, int res, int flags);

    /** The registration ended and no operation of this handle is in flight any more. */
    @Override
    void unregistered();

    @Override
    default void handle(IoRegistration registration, IoEvent ioEvent) {
        throw new UnsupportedOperationException("io_uring handles receive completions through complete()");
    }
}
