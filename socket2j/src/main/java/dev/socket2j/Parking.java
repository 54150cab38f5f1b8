package dev.socket2j;

import dev.socket2j.internal.C;
import dev.socket2j.internal.Errno;
import dev.socket2j.internal.Libc;
import dev.socket2j.internal.Scratch;
import dev.socket2j.internal.Sys;
import dev.socket2j.internal.VtPoller;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketException;
import java.nio.channels.AsynchronousCloseException;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The waiting half of one blocking-mode call made without blocking its thread: after a non-blocking attempt failed
 * with {@code EAGAIN}, {@link #await(int)} waits until the descriptor is ready and returns so the caller retries.
 * A virtual thread parks on {@link VtPoller}; a platform thread (on a descriptor the core made non-blocking) waits
 * in {@code poll(2)}. Made on the first {@code EAGAIN} only, so a call that succeeds at once allocates nothing.
 *
 * <p>It keeps the semantics of the blocking call: the socket's {@code SO_RCVTIMEO}/{@code SO_SNDTIMEO} is the
 * deadline, and its expiry throws what the kernel's blocking call would ({@code EAGAIN}, as a
 * {@link java.net.SocketTimeoutException} for receives and accepts); a user in non-blocking mode, or a call with
 * {@code MSG_DONTWAIT}, gets {@code EAGAIN} at once; a close wakes the wait and the call ends with
 * {@link AsynchronousCloseException}; an interrupted virtual thread closes an owned socket and gets
 * {@code SocketException("Closed by interrupt")}, as {@code java.net.Socket} does.
 */
final class Parking {
    private static final long UNSET = Long.MIN_VALUE, FOREVER = Long.MAX_VALUE;
    /** Waits that return this fast and then fail again count as a spin (a descriptor ready without progress). */
    private static final long SPIN_NANOS = 100_000;
    /** The longest slice a platform thread waits in poll(2) before it looks at the socket's state again. */
    private static final int POLL_SLICE_MS = 500;

    private final BaseSocket sock;
    private final int fd;
    private final String call;
    private final short event;
    private final boolean send;
    private final Scratch s;
    private final int timeoutErrno;
    private long deadline = UNSET;
    private int spins;

    /**
     * @param call the call's name for errors, e.g. {@code "recv(2)"}
     * @param event {@code POLLIN} or {@code POLLOUT}
     * @param send whether {@code SO_SNDTIMEO} (sends, connect) rather than {@code SO_RCVTIMEO} is the deadline
     * @param flags the call's flags: {@code MSG_DONTWAIT} makes it non-blocking
     * @param timeoutErrno what the blocking call fails with when its timeout expires
     */
    private Parking(BaseSocket sock, int fd, String call, short event, boolean send, Scratch s, int timeoutErrno) {
        this.sock = sock;
        this.fd = fd;
        this.call = call;
        this.event = event;
        this.send = send;
        this.s = s;
        this.timeoutErrno = timeoutErrno;
    }

    /**
     * After the first failed attempt: throws the call's error unless it is {@code EAGAIN} on a call that blocks;
     * else returns the waiter for it (the caller then calls {@link #await(int)}).
     */
    static Parking after(int errno, BaseSocket sock, int fd, String call, short event, boolean send, int flags, Scratch s)
            throws IOException {
        return after(errno, sock, fd, call, event, send, flags, s, Errno.EAGAIN);
    }

    static Parking after(int errno, BaseSocket sock, int fd, String call, short event, boolean send, int flags, Scratch s,
                         int timeoutErrno) throws IOException {
        if (errno != Errno.EAGAIN && errno != timeoutErrno) throw error(call, send, errno);
        // MSG_OOB and MSG_ERRQUEUE receives never wait, even on a blocking socket: EAGAIN is their answer
        int neverWaits = send ? C.MSG_DONTWAIT : C.MSG_DONTWAIT | C.MSG_OOB | C.MSG_ERRQUEUE;
        if ((flags & neverWaits) != 0 || sock.userNonblocking(fd)) throw error(call, send, errno);
        return new Parking(sock, fd, call, event, send, s, timeoutErrno);
    }

    /** The exception of a failed call, as its blocking twin throws it: a receive's EAGAIN is a timeout. */
    private static IOException error(String call, boolean send, int errno) {
        return send ? OsError.of(call, errno) : OsError.ofReceive(call, errno);
    }

    /** Whether a call on {@code sock} in blocking mode must take the waiting path instead of a blocking syscall. */
    static boolean needed(BaseSocket sock) {
        return Thread.currentThread().isVirtual() || sock.switchedNonblocking();
    }

    /** Waits for readiness after {@code errno} (from a retry); returns to let the caller try again. */
    void await(int errno) throws IOException {
        if (errno != Errno.EAGAIN && errno != timeoutErrno) throw error(call, send, errno);
        long now = System.nanoTime();
        if (deadline == UNSET) {
            long t = sock.timeoutNanos(fd, send);
            deadline = t <= 0 ? FOREVER : now + Math.min(t, Long.MAX_VALUE / 4);
        }
        waitReady(now);
    }

    /** The call moved some bytes since the last wait: its readiness was real, not a spin. */
    void progressed() { spins = 0; }

    /** One wait: until ready, the deadline, a close or (virtual threads) an interrupt. */
    private void waitReady(long now) throws IOException {
        if (sock.closing()) throw new AsynchronousCloseException();
        long left = deadline == FOREVER ? 0 : deadline - now;
        if (deadline != FOREVER && left <= 0) throw error(call, send, timeoutErrno);
        if (spins >= 3) {
            // the descriptor keeps reporting ready without the call making progress (e.g. a Unix datagram sendto
            // to a full receiver): back off instead of spinning
            long nap = Math.min(1_000_000L << Math.min(spins - 3, 5), deadline == FOREVER ? Long.MAX_VALUE : left);
            if (Thread.currentThread().isVirtual()) {
                LockSupport.parkNanos(nap);
                checkInterrupt();
            } else {
                LockSupport.parkNanos(nap);
            }
            spins++;
            return;
        }
        long start = System.nanoTime();
        if (Thread.currentThread().isVirtual()) {
            VtPoller p = VtPoller.of(event);
            p.register(fd, s.capture, s.event);
            try {
                if (!sock.closing()) {
                    if (deadline == FOREVER) LockSupport.park();
                    else LockSupport.parkNanos(left);
                }
            } finally {
                p.deregister(fd, s.capture);
            }
            checkInterrupt();
        } else {
            int ms = deadline == FOREVER ? POLL_SLICE_MS : (int) Math.min(POLL_SLICE_MS, (left + 999_999) / 1_000_000);
            pollRaw(s, fd, event, ms);
        }
        spins = System.nanoTime() - start < SPIN_NANOS ? spins + 1 : 0;
    }

    private void checkInterrupt() throws IOException {
        if (Thread.currentThread().isInterrupted()) {
            sock.closeOnInterrupt();
            throw new SocketException("Closed by interrupt");
        }
    }

    /** Waits in poll(2) for {@code event} up to {@code ms}; returns revents (0 on timeout or EINTR). */
    static int pollRaw(Scratch s, int fd, short event, int ms) {
        MemorySegment pfd = s.pollfd;
        pfd.set(JAVA_INT, BaseSocket.POLL_FD, fd);
        pfd.set(JAVA_SHORT, BaseSocket.POLL_EVENTS, event);
        pfd.set(JAVA_SHORT, BaseSocket.POLL_REVENTS, (short) 0);
        int rc = Sys.pollRaw(pfd, 1, ms, s.capture);
        if (rc <= 0) return 0;  // EINTR or timeout: the caller looks at its deadline and tries again
        return pfd.get(JAVA_SHORT, BaseSocket.POLL_REVENTS);
    }

    /**
     * Waits until {@code fd} reports {@code events} (or an error/hang-up) and returns revents, or returns 0 when
     * {@code nanos} (0: no limit on a virtual thread) passed. A virtual thread parks on the poller and then reads
     * revents with a zero-timeout poll; a platform thread waits in poll(2).
     */
    static int waitFor(BaseSocket sock, int fd, short events, long nanos, Scratch s) throws IOException {
        if (!Thread.currentThread().isVirtual()) {
            int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (nanos + 999_999) / 1_000_000));
            return pollRaw(s, fd, events, ms);
        }
        int revents = pollRaw(s, fd, events, 0);
        if (revents != 0) return revents;
        VtPoller p = VtPoller.of(events);
        p.register(fd, s.capture, s.event);
        try {
            if (!sock.closing()) LockSupport.parkNanos(nanos);
        } finally {
            p.deregister(fd, s.capture);
        }
        if (Thread.currentThread().isInterrupted()) {
            sock.closeOnInterrupt();
            throw new SocketException("Closed by interrupt");
        }
        if (sock.closing()) throw new AsynchronousCloseException();
        return pollRaw(s, fd, events, 0);
    }

    /** errno of the last failed raw call in {@code s}. */
    static int errno(Scratch s) { return Libc.errno(s.capture); }
}
