package dev.socket2j;

import java.io.IOException;
import java.util.OptionalInt;

/**
 * Implemented by every exception socket2j throws for a refusal of the kernel: it keeps the raw
 * {@code errno} and the name of the call. The exception is also of the JDK type a caller expects
 * ({@link java.net.ConnectException} for {@code ECONNREFUSED}, {@link java.net.BindException} for
 * {@code EADDRINUSE}, …), so both {@code catch (ConnectException e)} and {@code e instanceof OsError} work.
 */
public interface OsError {
    /** The raw errno, e.g. 111 for {@code ECONNREFUSED}. */
    int errno();

    /** The errno's symbolic name, e.g. {@code "ECONNREFUSED"} ({@code "errno N"} for a number without a name). */
    default String errnoName() { return dev.socket2j.internal.Errno.name(errno()); }

    /** The system call that failed, e.g. {@code "connect(2)"}. */
    String call();

    /** The errno of {@code t} if it (or a cause of it) came from the kernel. */
    static OptionalInt errnoOf(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof OsError e) return OptionalInt.of(e.errno());
        }
        return OptionalInt.empty();
    }

    /** Makes the exception socket2j throws for {@code errno} returned by {@code call}. */
    static IOException of(String call, int errno) {
        return dev.socket2j.internal.Errors.of(call, errno);
    }
}
