package dev.socket2j;

import java.io.FileDescriptor;

/**
 * A socket descriptor borrowed from its owner (an {@code int}, a {@link FileDescriptor}, or a Netty
 * {@code UnixChannel} through {@code dev.socket2j.netty.Socket2.sockRef}): every operation of {@link Socket} but {@code close}. A {@code SockRef} never closes
 * the descriptor; keeping the owner open while the reference is used is the caller's duty.
 */
public final class SockRef extends BaseSocket {
    private final int fd;

    private SockRef(int fd) {
        this.fd = fd;
    }

    /**
     * Borrows {@code fd}.
     *
     * @throws IllegalArgumentException if {@code fd} is negative
     */
    public static SockRef of(int fd) {
        if (fd < 0) throw new IllegalArgumentException("invalid file descriptor: " + fd);
        return new SockRef(fd);
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

    @Override int acquire() { return fd; }

    @Override void release() {}

    @Override public int rawFd() { return fd; }

    /** Reads the private {@code fd} field of {@link FileDescriptor}; resolved once. */
    private static final class FdAccess {
        private static final java.lang.reflect.Field FD;
        private static final RuntimeException FAILURE;
        static {
            java.lang.reflect.Field f = null;
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
