package dev.socket2j;

import dev.socket2j.internal.Errors;

import java.io.IOException;
import java.net.SocketException;

/**
 * A refusal of the kernel for which the JDK has no more specific type: {@code ECONNRESET} or {@code EPIPE} on a
 * connection, {@code EMSGSIZE}, {@code ENOPROTOOPT}, {@code EMFILE}, … The message names the call, the errno and
 * its text ({@code read(2) failed: ECONNRESET (Connection reset by peer)}); {@link #errno()} keeps the number.
 *
 * <p>It is a {@link SocketException}, the type the JDK's own sockets throw for a reset ({@code Connection reset}),
 * and so an {@link IOException}. The simple class name is the one Netty's native transports use
 * ({@code Errors.NativeIoException}), which frameworks recognise: gRPC, for one, logs a connection that ends with
 * it quietly. Failures on the transport's hot paths carry no stack trace (the call and the errno say what
 * happened, and filling one per reset costs); those from the blocking API have one.
 */
public final class NativeIoException extends SocketException implements OsError {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;
    /** Read by {@link #fillInStackTrace()}, which the superclass constructor calls before this is set. */
    private final boolean stackTrace;

    /** The exception for {@code errno} returned by {@code call} (e.g. {@code "read(2)"}), with a stack trace. */
    public NativeIoException(String call, int errno) {
        this(call, errno, Errors.message(call, errno), true);
    }

    /** As {@link #NativeIoException(String, int)} with a message of the caller's. */
    public NativeIoException(String call, int errno, String message) {
        this(call, errno, message, true);
    }

    NativeIoException(String call, int errno, String message, boolean stackTrace) {
        super(message);   // fillInStackTrace() below does nothing yet: stackTrace is still false
        this.call = call;
        this.errno = errno;
        this.stackTrace = stackTrace;
        if (stackTrace) super.fillInStackTrace();
    }

    @Override public int errno() { return errno; }

    @Override public String call() { return call; }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return stackTrace ? super.fillInStackTrace() : this;
    }
}
