package dev.socket2j;

import dev.socket2j.internal.Errno;
import dev.socket2j.internal.Errors;
import dev.socket2j.internal.Errors.Kind;

import java.io.IOException;
import java.net.ConnectException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.util.OptionalInt;

/**
 * Implemented by every exception socket2j throws for a refusal of the kernel: it keeps the raw
 * {@code errno} and the name of the call. The exception is also of the JDK type a caller expects
 * ({@link java.net.ConnectException} for {@code ECONNREFUSED}, {@link java.net.BindException} for
 * {@code EADDRINUSE}, …), so both {@code catch (ConnectException e)} and {@code e instanceof OsError} work; what
 * has no JDK type is a {@link NativeIoException}.
 *
 * <p>The same errno means different things after different calls, so the factories below say which kind of
 * call failed: {@link #ofConnect}, {@link #ofReceive}, or {@link #of} for any other.
 */
public interface OsError {
    /** The raw errno, e.g. 111 for {@code ECONNREFUSED}. */
    int errno();

    /** The errno's symbolic name, e.g. {@code "ECONNREFUSED"} ({@code "errno N"} for a number without a name). */
    default String errnoName() { return Errno.name(errno()); }

    /** The system call that failed, e.g. {@code "connect(2)"}. */
    String call();

    /** The errno of {@code t} if it (or a cause of it) came from the kernel. */
    static OptionalInt errnoOf(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof OsError e) return OptionalInt.of(e.errno());
        }
        return OptionalInt.empty();
    }

    /**
     * The exception socket2j throws for {@code errno} returned by {@code call}, a call that neither connects nor
     * waits for input: {@code ECONNREFUSED} is a {@link PortUnreachableException} (a datagram socket learning of an
     * ICMP error), {@code EAGAIN} a {@link NativeIoException}.
     */
    static IOException of(String call, int errno) {
        ErrnoExceptions.init();
        return Errors.of(call, Kind.OTHER, errno);
    }

    /**
     * The exception for {@code errno} from a connect ({@code connect(2)}, or a stream socket's {@code SO_ERROR}):
     * {@code ECONNREFUSED} and {@code ETIMEDOUT} are {@link ConnectException}s.
     */
    static IOException ofConnect(String call, int errno) {
        ErrnoExceptions.init();
        return Errors.of(call, Kind.CONNECT, errno);
    }

    /** The exception for {@code errno} from a call that waits for input: {@code EAGAIN} is a {@link SocketTimeoutException}. */
    static IOException ofReceive(String call, int errno) {
        ErrnoExceptions.init();
        return Errors.of(call, Kind.RECEIVE, errno);
    }
}
