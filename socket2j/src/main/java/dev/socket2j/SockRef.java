package dev.socket2j;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.Field;

/**
 * A socket descriptor borrowed from its owner (an {@code int}, a {@link FileDescriptor}, or a Netty
 * {@code UnixChannel} through {@code dev.socket2j.netty.Socket2.sockRef}): every operation of {@link Socket} but
 * {@code close}. A {@code SockRef} never closes the descriptor; keeping the owner open while the reference is used
 * is the caller's duty, except for a reference made by {@link #borrow(Socket)}, which checks its owner on every call.
 */
public final class SockRef extends BaseSocket {
    private final int fd;
    /** The owner whose close guard every call goes through, or {@code null} for a plain borrowed number. */
    private final Socket owner;

    private SockRef(int fd, Socket owner) {
        this.fd = fd;
        this.owner = owner;
    }

    /**
     * Borrows {@code fd}.
     *
     * @throws IllegalArgumentException if {@code fd} is negative
     */
    public static SockRef of(int fd) {
        if (fd < 0) throw new IllegalArgumentException("invalid file descriptor: " + fd);
        return new SockRef(fd, null);
    }

    /**
     * Borrows the descriptor of {@code owner} through its close guard: every call acquires the owner as its own
     * calls do, so once the owner is closed each call throws {@link java.nio.channels.ClosedChannelException} (a
     * call in flight during the close, {@link java.nio.channels.AsynchronousCloseException}) and never reaches a
     * descriptor number the kernel has since given to another file. Closing the owner stays the owner's business.
     */
    public static SockRef borrow(Socket owner) {
        return new SockRef(owner.rawFd(), owner);
    }

    /**
     * Borrows the descriptor inside a {@link FileDescriptor}. The JDK keeps the number private: this needs
     * {@code --add-opens java.base/java.io=dev.socket2j} (or {@code ALL-UNNAMED} on the class path).
     *
     * @throws IllegalArgumentException if the descriptor is closed (-1)
     * @throws UnsupportedOperationException if {@code java.io} is not opened to socket2j
     */
    public static SockRef of(FileDescriptor fd) {
        return of(FdAccess.fdOf(fd));
    }

    @Override int acquire() throws IOException { return owner == null ? fd : owner.acquire(); }

    @Override void release() throws IOException {
        if (owner != null) owner.release();
    }

    @Override public int rawFd() { return fd; }

    /** Reads the private {@code fd} field of {@link FileDescriptor}; resolved once. */
    private static final class FdAccess {
        private static final Field FD;
        private static final RuntimeException FAILURE;
        static {
            Field f = null;
            RuntimeException failure = null;
            try {
                f = FileDescriptor.class.getDeclaredField("fd");
                f.setAccessible(true);
            } catch (NoSuchFieldException | RuntimeException e) {
                failure = new UnsupportedOperationException(
                    "reading a FileDescriptor's number needs --add-opens java.base/java.io=dev.socket2j "
                        + "(or =ALL-UNNAMED on the class path)", e);
                f = null;
            }
            FD = f;
            FAILURE = failure;
        }

        static int fdOf(FileDescriptor fd) {
            if (FD == null) throw FAILURE;
            try {
                return FD.getInt(fd);
            } catch (IllegalAccessException e) {
                throw new UnsupportedOperationException(e);
            }
        }
    }
}
