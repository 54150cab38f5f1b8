package dev.socket2j;

import dev.socket2j.internal.C;
import dev.socket2j.internal.Scratch;
import dev.socket2j.internal.Sys;
import dev.socket2j.internal.VtPoller;

import java.io.Closeable;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * An owned socket descriptor: socket2's {@code Socket} for Java. Every method is one system call (see
 * {@link BaseSocket}); every socket option is reachable through {@link SocketOptions}.
 *
 * <p>Closing is idempotent and safe against calls on other threads: a call that starts after {@link #close()}
 * throws {@link ClosedChannelException} without reaching the kernel, so it can never act on a recycled
 * descriptor number. Calls in flight keep the descriptor open until they return; {@code close} wakes a call
 * blocked in {@code recv}, {@code accept}, {@code connect} or {@code poll} with {@code shutdown(SHUT_RDWR)},
 * and that call then throws {@link AsynchronousCloseException}. The last call to return closes the descriptor.
 *
 * <p>Limits: {@code shutdown} does not wake a blocking {@code connect} on a Unix stream socket waiting for
 * room in a full listener's queue, nor a blocking Unix datagram send waiting for a full receiver; such a call
 * ends on its own (or by {@code SO_SNDTIMEO}), and the descriptor is closed then (on a virtual thread, see below,
 * close wakes these too). {@link Thread#interrupt()} does not wake a blocking call on a platform thread. A
 * {@code Socket} that becomes unreachable without being closed has its descriptor closed by a {@link Cleaner} after
 * the garbage collector finds it, as the JDK's own sockets do: a safety net for leaks, not a substitute for
 * {@code close} (when that happens is up to the collector).
 * Because the wake-up is a {@code shutdown}, closing while calls are in flight also ends the connection for
 * duplicates made with {@link #tryClone()}; closing an idle socket affects only its own descriptor.
 *
 * <p><b>Virtual threads.</b> A call that may block ({@code accept}, {@code connect}, {@code connectTimeout},
 * every {@code recv*}/{@code peek*}/{@code send*}, {@code recvmsg}/{@code sendmsg}, {@code recvmmsg}/{@code sendmmsg},
 * {@code sendfile}) made in blocking mode from a virtual thread does not block its carrier thread: the call is made
 * non-blocking ({@code MSG_DONTWAIT}, or for {@code accept} and {@code sendfile} by setting {@code O_NONBLOCK} on the
 * descriptor for good, while {@link #nonblocking()} keeps reporting the mode the user set, as the JDK's
 * {@code java.net.Socket} does), and on {@code EAGAIN} the virtual thread parks until socket2j's poller (an epoll
 * instance served by two platform threads) sees the descriptor ready. What a caller sees stays as on a platform
 * thread: {@code SO_RCVTIMEO}/{@code SO_SNDTIMEO} and {@code connectTimeout} deadlines end the wait with the same
 * exception; a send on a stream socket goes on until all is written; {@code close} wakes a parked call, which
 * throws {@link AsynchronousCloseException} (including the cases that {@code shutdown} cannot wake); a call that
 * completed before a racing close returns its result. Interrupting a virtual thread parked in a call closes the
 * socket, and the call throws {@link SocketException} ("Closed by interrupt") with the thread's interrupt
 * status left set, as for {@code java.net.Socket}; on platform threads interrupts stay ignored. Once the
 * descriptor is non-blocking, platform threads calling this socket wait in {@code poll(2)} the same way. Change the
 * mode through {@link #setNonblocking(boolean)} (a raw {@code fcntl} on {@link #rawFd()} is not seen), and note
 * that duplicates share the descriptor's flags. Limits: {@code MSG_WAITALL} (which has no non-blocking twin) blocks
 * the carrier unless the descriptor was already made non-blocking, in which case it returns what a first wake-up
 * finds; a borrowed {@link SockRef} never changes a descriptor's mode, so {@code accept} and {@code sendfile} on one
 * block the carrier.
 */
public final class Socket extends BaseSocket implements Closeable {
    private static final long CLOSED = 1L << 62;
    private static final VarHandle STATE;
    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Socket.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final Cleaner CLEANER = Cleaner.create();
    private static final AtomicLong COLLECTED_UNCLOSED = new AtomicLong();

    private final int fd;
    /** {@link #CLOSED} bit, and the number of calls in flight in the low bits. */
    @SuppressWarnings("unused") private volatile long state;
    private final Closer closer;
    private final Cleaner.Cleanable cleanable;

    private static final int MODE_UNKNOWN = 0, MODE_BLOCKING = 1, MODE_NONBLOCKING = 2;
    /** The blocking mode the user set, once known (from the creating call, {@link #setNonblocking}, or fcntl). */
    private volatile int userMode;
    /** Whether socket2j set O_NONBLOCK itself; {@link #userMode} is then what {@link #nonblocking()} reports. */
    private volatile boolean switched;
    private volatile boolean closedByInterrupt;
    /** SO_RCVTIMEO and SO_SNDTIMEO in nanoseconds, -1 until read; any setOption forgets them. */
    private volatile long rcvTimeout = -1, sndTimeout = -1;

    Socket(int fd) {
        this.fd = fd;
        this.closer = new Closer(fd);
        this.cleanable = CLEANER.register(this, closer);
    }

    private Socket(int fd, int type) {
        this(fd);
        this.userMode = (type & C.SOCK_NONBLOCK) != 0 ? MODE_NONBLOCKING : MODE_BLOCKING;
    }

    /** The socket {@code accept4(2)} made with {@code flags} (-1: plain accept, blocking). */
    static Socket accepted(int fd, int flags) { return new Socket(fd, Math.max(flags, 0)); }

    /**
     * Closes the descriptor of a Socket collected while still open. It holds no reference to the Socket; once the
     * Socket has set its CLOSED bit (close or intoFd), closing is someone else's job and this does nothing.
     */
    private static final class Closer implements Runnable {
        private final int fd;
        private volatile boolean disarmed;

        Closer(int fd) { this.fd = fd; }

        @Override
        public void run() {
            if (disarmed) return;
            COLLECTED_UNCLOSED.incrementAndGet();
            Sys.closeQuietly(fd);
        }
    }

    /**
     * How many sockets of this process were found unreachable while still open, so that the garbage collector's
     * cleaner closed their descriptors: a leak count for tests and monitoring. It should stay 0 in a program
     * that closes what it opens.
     */
    public static long collectedUnclosed() { return COLLECTED_UNCLOSED.get(); }

    /** The CLOSED bit is set: the collector must no longer close the descriptor; unregister from the cleaner. */
    private void disarm() {
        closer.disarmed = true;
        cleanable.clean();
    }

    /**
     * Takes ownership of an open socket descriptor, like socket2's {@code FromRawFd}; it will be closed by
     * {@link #close()}.
     *
     * @throws IllegalArgumentException if {@code fd} is negative
     */
    public static Socket fromFd(int fd) {
        if (fd < 0) throw new IllegalArgumentException("invalid file descriptor: " + fd);
        return new Socket(fd);
    }

    /** Owned sockets for descriptors handed over by a message header or batch ({@code SCM_RIGHTS}). */
    static List<Socket> owning(int[] fds) {
        List<Socket> out = new ArrayList<>(fds.length);
        for (int fd : fds) out.add(new Socket(fd));
        return out;
    }

    /**
     * {@code socket(2)} with {@code SOCK_CLOEXEC} added to the type, in one call.
     *
     * @param domain the address family ({@code AF_INET}, {@code AF_INET6}, {@code AF_UNIX}, ...)
     * @param type the socket type; flags such as {@code SOCK_NONBLOCK} may be OR-ed into its value
     * @param protocol {@code null} for the domain's default (0)
     * @return the new socket, owning its descriptor
     * @throws IOException {@code EAFNOSUPPORT} or {@code EPROTONOSUPPORT} when the kernel lacks the family or protocol
     *     (e.g. DCCP since Linux 6.16), {@code EACCES}/{@code EPERM} for a raw socket without {@code CAP_NET_RAW},
     *     {@code EMFILE}/{@code ENFILE} at the descriptor limit
     */
    public static Socket open(Domain domain, Type type, Protocol protocol) throws IOException {
        return openRaw(domain, new Type(type.value() | C.SOCK_CLOEXEC), protocol);
    }

    /** {@link #open(Domain, Type, Protocol)} with the default protocol. */
    public static Socket open(Domain domain, Type type) throws IOException { return open(domain, type, null); }

    /** {@code socket(2)} with exactly the given type: no flags added (the descriptor is inherited across exec). */
    public static Socket openRaw(Domain domain, Type type, Protocol protocol) throws IOException {
        return new Socket(Sys.socket(domain.value(), type.value(), protocol == null ? 0 : protocol.value()), type.value());
    }

    /**
     * A connected pair of sockets from {@code socketpair(2)}, with {@code SOCK_CLOEXEC}.
     *
     * @throws IOException {@code EOPNOTSUPP} (or {@code EAFNOSUPPORT}) for any family but {@code AF_UNIX}: Linux
     *     makes pairs of Unix sockets only; {@code EMFILE} at the descriptor limit
     */
    public static Socket[] pair(Domain domain, Type type, Protocol protocol) throws IOException {
        return pairRaw(domain, new Type(type.value() | C.SOCK_CLOEXEC), protocol);
    }

    /** {@code socketpair(2)} with exactly the given type. */
    public static Socket[] pairRaw(Domain domain, Type type, Protocol protocol) throws IOException {
        var fds = Scratch.get().offset;  // 8 bytes: two ints
        Sys.socketpair(domain.value(), type.value(), protocol == null ? 0 : protocol.value(), fds);
        return new Socket[] { new Socket(fds.get(JAVA_INT, 0), type.value()), new Socket(fds.get(JAVA_INT, 4), type.value()) };
    }

    @Override
    int acquire() throws IOException {
        for (;;) {
            long s = state;
            if ((s & CLOSED) != 0) throw new ClosedChannelException();
            if (STATE.compareAndSet(this, s, s + 1)) return fd;
        }
    }

    @Override
    void release() throws IOException { release(false); }

    @Override
    void release(boolean completed) throws IOException {
        long s = (long) STATE.getAndAdd(this, -1L) - 1;
        if ((s & CLOSED) != 0) {
            if (s == CLOSED) Sys.closeQuietly(fd);
            if (!completed) {
                if (closedByInterrupt && Thread.currentThread().isInterrupted()) {
                    throw new SocketException("Closed by interrupt");
                }
                throw new AsynchronousCloseException();
            }
        }
    }

    // ---------------------------------------------------------------- the waiting path (see BaseSocket, Parking)

    @Override boolean switchedNonblocking() { return switched; }

    @Override
    boolean switchNonblocking(int fd) throws IOException {
        if (switched) return true;
        synchronized (this) {
            if (switched) return true;
            int fl = Sys.fcntl(fd, C.F_GETFL, 0);
            if (userMode == MODE_UNKNOWN) userMode = (fl & C.O_NONBLOCK) != 0 ? MODE_NONBLOCKING : MODE_BLOCKING;
            if (userMode == MODE_BLOCKING && (fl & C.O_NONBLOCK) == 0) Sys.fcntl(fd, C.F_SETFL, fl | C.O_NONBLOCK);
            switched = true;
            return true;
        }
    }

    @Override
    boolean userNonblocking(int fd) throws IOException {
        int m = userMode;
        if (m == MODE_UNKNOWN) {
            m = (Sys.fcntl(fd, C.F_GETFL, 0) & C.O_NONBLOCK) != 0 ? MODE_NONBLOCKING : MODE_BLOCKING;
            userMode = m;
        }
        return m == MODE_NONBLOCKING;
    }

    @Override
    public boolean nonblocking() throws IOException {
        if (switched) {
            if (isClosed()) throw new ClosedChannelException();
            return userMode == MODE_NONBLOCKING;
        }
        int fd = acquire();
        try {
            boolean nb = (Sys.fcntl(fd, C.F_GETFL, 0) & C.O_NONBLOCK) != 0;
            if (!switched) userMode = nb ? MODE_NONBLOCKING : MODE_BLOCKING;
            return nb;
        } finally { release(); }
    }

    @Override
    synchronized void setUserNonblocking(int fd, boolean on) throws IOException {
        if (!switched) setNonblockingFd(fd, on);
        userMode = on ? MODE_NONBLOCKING : MODE_BLOCKING;
    }

    @Override
    long timeoutNanos(int fd, boolean send) throws IOException {
        long t = send ? sndTimeout : rcvTimeout;
        if (t < 0) {
            t = super.timeoutNanos(fd, send);
            if (send) sndTimeout = t; else rcvTimeout = t;
        }
        return t;
    }

    @Override void optionSet() { rcvTimeout = sndTimeout = -1; }

    @Override boolean closing() { return isClosed(); }

    @Override
    void closeOnInterrupt() {
        closedByInterrupt = true;
        try { close(); } catch (IOException ignored) { /* the call reports the interrupt */ }
    }

    @Override
    Socket cloned(int nfd) {
        Socket c = new Socket(nfd);
        synchronized (this) {
            c.userMode = userMode;
            c.switched = switched;
        }
        return c;
    }

    @Override
    public int rawFd() { return fd; }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() { return (state & CLOSED) != 0; }

    /**
     * Closes the descriptor; a second call does nothing. If calls are in flight on other threads, they are woken
     * and the last one closes the descriptor.
     */
    @Override
    public void close() throws IOException {
        long s;
        do {
            s = state;
            if ((s & CLOSED) != 0) return;
            // with calls in flight, close holds a reference of its own while it wakes them, so the last of
            // them cannot close the descriptor (and let its number be reused) before shutdown has run
        } while (!STATE.compareAndSet(this, s, s == 0 ? CLOSED : (s | CLOSED) + 1));
        disarm();
        if (s == 0) {
            Sys.close(fd);
            return;
        }
        try {
            Sys.shutdown(fd, C.SHUT_RDWR);
        } catch (IOException ignored) {
            // not connected, or not a socket that supports shutdown: nothing more to wake
        } finally {
            VtPoller.wakeAll(fd);  // virtual threads parked on this descriptor, whatever shutdown could wake
            if ((long) STATE.getAndAdd(this, -1L) - 1 == CLOSED) Sys.closeQuietly(fd);
        }
    }

    /**
     * Gives up ownership: returns the descriptor, which this object will no longer use or close.
     *
     * @throws ClosedChannelException if already closed
     * @throws IllegalStateException if calls are in flight
     */
    public int intoFd() throws IOException {
        if (!STATE.compareAndSet(this, 0L, CLOSED)) {
            if (isClosed()) throw new ClosedChannelException();
            throw new IllegalStateException("calls in flight on this socket");
        }
        disarm();
        if (switched && userMode == MODE_BLOCKING) {
            // hand the descriptor over in the mode its user set
            try { setNonblockingFd(fd, false); } catch (IOException ignored) { /* still a valid descriptor */ }
        }
        return fd;
    }
}
