package dev.socket2j.internal;

import dev.socket2j.OsError;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/**
 * The one errno → exception table. Messages name the call, the errno and its text:
 * {@code connect(2) failed: ECONNREFUSED (Connection refused)}.
 */
public final class Errors {
    private Errors() {}

    /** The choke point: a non-negative result passes, {@code -1} becomes the exception for errno. */
    public static int check(String call, int rc, MemorySegment capture) throws IOException {
        if (rc >= 0) return rc;
        throw of(call, Libc.errno(capture));
    }

    /** {@link #check(String, int, MemorySegment)} for calls returning {@code ssize_t}. */
    public static long check(String call, long rc, MemorySegment capture) throws IOException {
        if (rc >= 0) return rc;
        throw of(call, Libc.errno(capture));
    }

    public static String message(String call, int errno) {
        return call + " failed: " + Errno.name(errno) + " (" + Errno.text(errno) + ")";
    }

    public static IOException of(String call, int errno) {
        String msg = message(call, errno);
        return switch (errno) {
            case Errno.ECONNREFUSED, Errno.ETIMEDOUT -> connectOrTimeout(call, errno, msg);
            case Errno.EADDRINUSE, Errno.EADDRNOTAVAIL -> new Bind(call, errno, msg);
            case Errno.EHOSTUNREACH, Errno.ENETUNREACH -> new NoRoute(call, errno, msg);
            case Errno.EAGAIN -> call.startsWith("recv") || call.startsWith("accept") || call.startsWith("read")
                ? new Timeout(call, errno, msg + "; the socket's timeout expired or it is non-blocking")
                : new NativeIOException(call, errno, msg);
            default -> new NativeIOException(call, errno, msg);
        };
    }

    private static IOException connectOrTimeout(String call, int errno, String msg) {
        if (errno == Errno.ECONNREFUSED && !call.startsWith("connect")) {
            // a datagram socket learns of an ICMP port unreachable on its next call
            return new PortUnreachable(call, errno, msg);
        }
        return errno == Errno.ETIMEDOUT && !call.startsWith("connect")
            ? new NativeIOException(call, errno, msg) : new Connect(call, errno, msg);
    }

    /** An IOException with the errno, for everything without a more specific JDK type. */
    public static final class NativeIOException extends SocketException implements OsError {
        private final String call;
        private final int errno;

        public NativeIOException(String call, int errno, String msg) {
            super(msg);
            this.call = call;
            this.errno = errno;
        }

        @Override public int errno() { return errno; }
        @Override public String call() { return call; }
    }

    static final class Connect extends ConnectException implements OsError {
        private final String call;
        private final int errno;
        Connect(String call, int errno, String msg) { super(msg); this.call = call; this.errno = errno; }
        @Override public int errno() { return errno; }
        @Override public String call() { return call; }
    }

    static final class Bind extends BindException implements OsError {
        private final String call;
        private final int errno;
        Bind(String call, int errno, String msg) { super(msg); this.call = call; this.errno = errno; }
        @Override public int errno() { return errno; }
        @Override public String call() { return call; }
    }

    static final class NoRoute extends NoRouteToHostException implements OsError {
        private final String call;
        private final int errno;
        NoRoute(String call, int errno, String msg) { super(msg); this.call = call; this.errno = errno; }
        @Override public int errno() { return errno; }
        @Override public String call() { return call; }
    }

    static final class PortUnreachable extends PortUnreachableException implements OsError {
        private final String call;
        private final int errno;
        PortUnreachable(String call, int errno, String msg) { super(msg); this.call = call; this.errno = errno; }
        @Override public int errno() { return errno; }
        @Override public String call() { return call; }
    }

    static final class Timeout extends SocketTimeoutException implements OsError {
        private final String call;
        private final int errno;
        Timeout(String call, int errno, String msg) { super(msg); this.call = call; this.errno = errno; }
        @Override public int errno() { return errno; }
        @Override public String call() { return call; }
    }
}
