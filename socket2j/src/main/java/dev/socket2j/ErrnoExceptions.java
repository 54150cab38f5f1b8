package dev.socket2j;

import dev.socket2j.internal.Errno;
import dev.socket2j.internal.Errors;
import dev.socket2j.internal.Errors.Kind;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;

/**
 * The errno → exception table: the JDK type a caller catches where there is one, {@link NativeIoException}
 * otherwise, each implementing {@link OsError}. Installed into {@code internal.Errors} when this class initialises.
 */
final class ErrnoExceptions implements Errors.Table {
    static {
        Errors.install(new ErrnoExceptions());
    }

    private ErrnoExceptions() {}

    /** Makes sure the table is installed (a no-op after the first call). */
    static void init() {}

    @Override
    public IOException of(String call, Kind kind, int errno, boolean stack) {
        String msg = Errors.message(call, errno);
        return switch (errno) {
            case Errno.ECONNREFUSED -> kind == Kind.CONNECT ? new Connect(call, errno, msg, stack)
                : new PortUnreachable(call, errno, msg, stack);   // a datagram socket learns of an ICMP error later
            case Errno.ETIMEDOUT -> kind == Kind.CONNECT ? new Connect(call, errno, msg, stack)
                : new NativeIoException(call, errno, msg, stack);
            case Errno.EADDRINUSE, Errno.EADDRNOTAVAIL -> new Bind(call, errno, msg, stack);
            case Errno.EHOSTUNREACH, Errno.ENETUNREACH -> new NoRoute(call, errno, msg, stack);
            case Errno.EAGAIN -> kind == Kind.RECEIVE
                ? new Timeout(call, errno, msg + "; the socket's timeout expired or it is non-blocking", stack)
                : new NativeIoException(call, errno, msg, stack);
            default -> new NativeIoException(call, errno, msg, stack);
        };
    }

    // The JDK types cannot take writableStackTrace=false: each skips filling as NativeIoException does.

    static final class Connect extends ConnectException implements OsError {
        private final String call;
        private final int errno;
        private final boolean stack;

        Connect(String call, int errno, String msg, boolean stack) {
            super(msg);
            this.call = call;
            this.errno = errno;
            this.stack = stack;
            if (stack) super.fillInStackTrace();
        }

        @Override public int errno() { return errno; }
        @Override public String call() { return call; }
        @Override public synchronized Throwable fillInStackTrace() { return stack ? super.fillInStackTrace() : this; }
    }

    static final class Bind extends BindException implements OsError {
        private final String call;
        private final int errno;
        private final boolean stack;

        Bind(String call, int errno, String msg, boolean stack) {
            super(msg);
            this.call = call;
            this.errno = errno;
            this.stack = stack;
            if (stack) super.fillInStackTrace();
        }

        @Override public int errno() { return errno; }
        @Override public String call() { return call; }
        @Override public synchronized Throwable fillInStackTrace() { return stack ? super.fillInStackTrace() : this; }
    }

    static final class NoRoute extends NoRouteToHostException implements OsError {
        private final String call;
        private final int errno;
        private final boolean stack;

        NoRoute(String call, int errno, String msg, boolean stack) {
            super(msg);
            this.call = call;
            this.errno = errno;
            this.stack = stack;
            if (stack) super.fillInStackTrace();
        }

        @Override public int errno() { return errno; }
        @Override public String call() { return call; }
        @Override public synchronized Throwable fillInStackTrace() { return stack ? super.fillInStackTrace() : this; }
    }

    static final class PortUnreachable extends PortUnreachableException implements OsError {
        private final String call;
        private final int errno;
        private final boolean stack;

        PortUnreachable(String call, int errno, String msg, boolean stack) {
            super(msg);
            this.call = call;
            this.errno = errno;
            this.stack = stack;
            if (stack) super.fillInStackTrace();
        }

        @Override public int errno() { return errno; }
        @Override public String call() { return call; }
        @Override public synchronized Throwable fillInStackTrace() { return stack ? super.fillInStackTrace() : this; }
    }

    static final class Timeout extends SocketTimeoutException implements OsError {
        private final String call;
        private final int errno;
        private final boolean stack;

        Timeout(String call, int errno, String msg, boolean stack) {
            super(msg);
            this.call = call;
            this.errno = errno;
            this.stack = stack;
            if (stack) super.fillInStackTrace();
        }

        @Override public int errno() { return errno; }
        @Override public String call() { return call; }
        @Override public synchronized Throwable fillInStackTrace() { return stack ? super.fillInStackTrace() : this; }
    }
}
