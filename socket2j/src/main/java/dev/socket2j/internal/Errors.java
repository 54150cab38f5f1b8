package dev.socket2j.internal;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;

/**
 * The one errno path. Throwing wrappers pass their result to {@link #check}; raw calls (the {@code *Nb},
 * {@code *Raw} and {@code Epoll} ones, and io_uring completions) return the value or {@code -errno}, which the
 * caller hands to {@link #ioResult}. Which exception an errno becomes depends on the {@link Kind} of call, given
 * by the caller, never guessed from the call's name.
 *
 * <p>The exception types implement the public {@code dev.socket2j.OsError}, so they live in the core package,
 * which installs its {@link Table} here: this package names no type of the core (it stays a leaf), and looks
 * the table's class up by name once if nothing installed it yet.
 */
public final class Errors {
    private Errors() {}

    /** What {@link #ioResult} returns for {@code EAGAIN} (and {@code EINTR}): try again when epoll says so. */
    public static final int AGAIN = -1;

    /** How the same errno reads after different calls. */
    public enum Kind {
        /** connect(2) and its {@code SO_ERROR}: {@code ECONNREFUSED}, {@code ETIMEDOUT} are connect failures. */
        CONNECT,
        /** A call that waits for input (recv, read, accept): {@code EAGAIN} is a timeout. */
        RECEIVE,
        /** Anything else: {@code ECONNREFUSED} is an ICMP port unreachable learned by a datagram socket. */
        OTHER
    }

    /** The raw calls of the hot paths, each with the name its messages carry and its {@link Kind}. */
    public enum Call {
        READ("read(2)", Kind.RECEIVE), READV("readv(2)", Kind.RECEIVE), RECV("recv(2)", Kind.RECEIVE),
        RECVFROM("recvfrom(2)", Kind.RECEIVE), RECVMSG("recvmsg(2)", Kind.RECEIVE),
        RECVMMSG("recvmmsg(2)", Kind.RECEIVE), ACCEPT4("accept4(2)", Kind.RECEIVE),
        WRITE("write(2)", Kind.OTHER), WRITEV("writev(2)", Kind.OTHER), SEND("send(2)", Kind.OTHER),
        SENDTO("sendto(2)", Kind.OTHER), SENDMSG("sendmsg(2)", Kind.OTHER), SENDMMSG("sendmmsg(2)", Kind.OTHER),
        SENDFILE("sendfile(2)", Kind.OTHER), SPLICE("splice(2)", Kind.OTHER),
        CONNECT("connect(2)", Kind.CONNECT),
        POLL("poll(2)", Kind.OTHER), EPOLL_CTL("epoll_ctl(2)", Kind.OTHER), EPOLL_WAIT("epoll_wait(2)", Kind.OTHER),
        TIMERFD_SETTIME("timerfd_settime(2)", Kind.OTHER);

        /** The call as messages name it, e.g. {@code read(2)}. */
        public final String text;
        public final Kind kind;

        Call(String text, Kind kind) {
            this.text = text;
            this.kind = kind;
        }
    }

    /** Builds the exception for an errno; implemented by the core package. */
    public interface Table {
        /** {@code stackTrace} false on hot paths: the errno and the call say what happened, and filling it costs. */
        IOException of(String call, Kind kind, int errno, boolean stackTrace);
    }

    private static volatile Table table;
    private static final String TABLE_CLASS = "dev.socket2j.ErrnoExceptions";

    /** Called once, by the core's table class when it initialises. */
    public static void install(Table t) {
        if (table == null) table = t;
    }

    private static Table table() {
        Table t = table;
        if (t != null) return t;
        try {
            Class.forName(TABLE_CLASS, true, Errors.class.getClassLoader());   // its initialiser installs it
        } catch (ClassNotFoundException e) {
            throw new LinkageError("socket2j's errno table is missing: " + TABLE_CLASS, e);
        }
        return table;
    }

    /** The choke point: a non-negative result passes, {@code -1} becomes the exception for errno. */
    public static int check(String call, Kind kind, int rc, MemorySegment capture) throws IOException {
        if (rc >= 0) return rc;
        throw of(call, kind, Libc.errno(capture));
    }

    /** {@link #check(String, Kind, int, MemorySegment)} for calls returning {@code ssize_t}. */
    public static long check(String call, Kind kind, long rc, MemorySegment capture) throws IOException {
        if (rc >= 0) return rc;
        throw of(call, kind, Libc.errno(capture));
    }

    /** {@link #check(String, Kind, int, MemorySegment)} for a call of {@link Kind#OTHER}. */
    public static int check(String call, int rc, MemorySegment capture) throws IOException {
        return check(call, Kind.OTHER, rc, capture);
    }

    /** {@link #check(String, Kind, long, MemorySegment)} for a call of {@link Kind#OTHER}. */
    public static long check(String call, long rc, MemorySegment capture) throws IOException {
        return check(call, Kind.OTHER, rc, capture);
    }

    /**
     * The hot path's result (the shape of Netty's {@code Errors.ioResult}): {@code rc} if it is not negative;
     * {@link #AGAIN} for {@code -EAGAIN} and {@code -EINTR}; otherwise throws, without a stack trace:
     * {@link ClosedChannelException} for {@code EBADF}, {@link NotYetConnectedException} for {@code ENOTCONN},
     * and for the rest the exception of the errno's table ({@code dev.socket2j.NativeIoException} for a reset,
     * a broken pipe, …). Allocates nothing unless it throws.
     *
     * @param rc what a raw call returned: the value, or {@code -errno}
     */
    public static long ioResult(Call call, long rc) throws IOException {
        if (rc >= 0) return rc;
        return failed(call, (int) -rc);
    }

    /** {@link #ioResult(Call, long)} for calls returning {@code int}. */
    public static int ioResult(Call call, int rc) throws IOException {
        if (rc >= 0) return rc;
        return failed(call, -rc);
    }

    private static int failed(Call call, int errno) throws IOException {
        switch (errno) {
            case Errno.EAGAIN, Errno.EINTR -> { return AGAIN; }
            case Errno.EBADF -> throw new ClosedChannelException();
            case Errno.ENOTCONN -> throw new NotYetConnectedException();
            default -> throw table().of(call.text, call.kind, errno, false);
        }
    }

    /** The exception for {@code errno} returned by {@code call}, with a stack trace. */
    public static IOException of(String call, Kind kind, int errno) {
        return table().of(call, kind, errno, true);
    }

    /** The message every errno exception carries: {@code connect(2) failed: ECONNREFUSED (Connection refused)}. */
    public static String message(String call, int errno) {
        return call + " failed: " + Errno.name(errno) + " (" + Errno.text(errno) + ")";
    }
}
