package dev.socket2j;

import dev.socket2j.internal.Bufs;
import dev.socket2j.internal.C;
import dev.socket2j.internal.Errno;
import dev.socket2j.internal.Layouts;
import dev.socket2j.internal.Libc;
import dev.socket2j.internal.Scratch;
import dev.socket2j.internal.Sys;
import dev.socket2j.internal.VtPoller;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Every operation of a socket, shared by {@link Socket} (which owns its descriptor) and {@link SockRef}
 * (which borrows one). Each method is one system call, as socket2's are, with no retry on {@code EINTR};
 * errors are {@link IOException}s that implement {@link OsError}. Sends on every socket pass
 * {@code MSG_NOSIGNAL}, so a write to a reset peer is {@code EPIPE}, never a {@code SIGPIPE} that kills the JVM.
 *
 * <p>Buffers: {@code byte[]} (with offset and length), {@link ByteBuffer} (heap or direct; position and limit
 * honoured, position moved by the bytes transferred) and {@link MemorySegment}. Direct buffers and native
 * segments are passed to the kernel as they are; heap memory is copied through a per-thread native buffer
 * (at most 1 MiB per call, so a larger transfer is partial, which the caller must handle anyway).
 *
 * <p>On a virtual thread a call that would block parks the thread instead of its carrier (see {@link Socket} for
 * the rules); a {@link SockRef} does the same for every call with a {@code MSG_DONTWAIT} twin and for
 * {@code connect}, but {@code accept} and {@code sendfile} on a borrowed descriptor block the carrier.
 */
public abstract sealed class BaseSocket implements SocketOptions permits Socket, SockRef {

    BaseSocket() {}

    /** Borrows the descriptor for one call; throws if the socket is closed. */
    abstract int acquire() throws IOException;

    /** Ends a call started with {@link #acquire()}; throws if the socket was closed during it. */
    abstract void release() throws IOException;

    /**
     * Ends a call started with {@link #acquire()}. A call that {@code completed} (moved data, made a descriptor)
     * is not reported as failed when a close raced it, as the JDK's {@code NioSocketImpl.endRead(completed)};
     * one that did not throws if the socket was closed during it.
     */
    void release(boolean completed) throws IOException { release(); }

    // ---- the waiting path of blocking calls (see Parking); Socket overrides, a borrowed SockRef never owns a mode

    /** Whether socket2j made the descriptor non-blocking itself (the user's mode is then tracked apart). */
    boolean switchedNonblocking() { return false; }

    /**
     * Makes the descriptor non-blocking for good, for a call that has no per-call {@code MSG_DONTWAIT}
     * ({@code accept}, {@code sendfile}); false if this object may not change the mode (a borrowed descriptor).
     */
    boolean switchNonblocking(int fd) throws IOException { return false; }

    /** Whether the user's blocking mode is non-blocking. */
    boolean userNonblocking(int fd) throws IOException { return (Sys.fcntl(fd, C.F_GETFL, 0) & C.O_NONBLOCK) != 0; }

    /** {@code SO_SNDTIMEO} or {@code SO_RCVTIMEO} in nanoseconds, 0 for none. */
    long timeoutNanos(int fd, boolean send) throws IOException {
        return (send ? SockOpt.SO_SNDTIMEO : SockOpt.SO_RCVTIMEO).get(fd).map(Duration::toNanos).orElse(0L);
    }

    /** Whether a close has begun: a waiting call must stop. */
    boolean closing() { return false; }

    /** A virtual thread waiting in a call on this socket was interrupted: an owned socket closes. */
    void closeOnInterrupt() {}

    /** MSG_WAITALL has no per-call non-blocking twin: on a descriptor still blocking, the call blocks as it is. */
    private boolean parks(int flags) {
        return Parking.needed(this) && ((flags & C.MSG_WAITALL) == 0 || switchedNonblocking());
    }

    /** The raw descriptor number (for passing to other native code; do not close it). */
    public abstract int rawFd();

    // ---------------------------------------------------------------- options

    @Override
    public <T> T getOption(SockOpt<T> opt) throws IOException {
        int fd = acquire();
        try { return opt.get(fd); } finally { release(); }
    }

    @Override
    public <T> void setOption(SockOpt<T> opt, T value) throws IOException {
        Objects.requireNonNull(value, "value");
        int fd = acquire();
        try { opt.set(fd, value); } finally { optionSet(); release(); Scratch.get().trim(); }
    }

    /** After any option was set: a cached timeout may have changed. */
    void optionSet() {}

    // ---------------------------------------------------------------- addresses and connections

    /**
     * {@code bind(2)}: gives the socket a local address (port 0 asks the kernel for an ephemeral port).
     *
     * @throws java.net.BindException {@code EADDRINUSE} (taken, unless {@code SO_REUSEADDR}/{@code SO_REUSEPORT}
     *     allow sharing) or {@code EADDRNOTAVAIL} (not an address of this host)
     * @throws IOException {@code EACCES} for a port below 1024 without {@code CAP_NET_BIND_SERVICE} or a Unix path in
     *     a directory without write permission, {@code EINVAL} if already bound
     */
    public void bind(SockAddr address) throws IOException {
        Scratch s = Scratch.get();
        int len = address.copyTo(s.addr);
        int fd = acquire();
        try { Sys.bind(fd, s.addr, len); } finally { release(); }
    }

    /** {@link #bind(SockAddr)} for an {@link java.net.InetSocketAddress} or {@link java.net.UnixDomainSocketAddress}. */
    public void bind(SocketAddress address) throws IOException { bind(SockAddr.of(address)); }

    /**
     * {@code connect(2)}: connects a stream socket, or sets a datagram socket's default peer. On a non-blocking
     * socket {@code EINPROGRESS} is thrown as is (an {@link OsError} with that errno): poll for writability and
     * read {@link #takeError()}.
     */
    public void connect(SockAddr address) throws IOException {
        Scratch s = Scratch.get();
        int len = address.copyTo(s.addr);
        int fd = acquire();
        boolean done = false;
        try {
            if (Parking.needed(this) && !userNonblocking(fd)) {
                connectWaiting(fd, s, len, timeoutNanos(fd, true), true);
            } else {
                int rc = Sys.connectRaw(fd, s.addr, len, s.capture);
                if (rc < 0) throw OsError.ofConnect("connect(2)", -rc);
            }
            done = true;
        } finally { release(done); }
    }

    /**
     * A blocking-mode connect that does not block the thread: {@code connect(2)} on the descriptor made
     * non-blocking for the call, then a wait for the result as {@link #connectTimeout} does. {@code plain}: the
     * deadline is {@code SO_SNDTIMEO} ({@code nanos} 0 for none) and its expiry fails as the blocking call does.
     */
    private void connectWaiting(int fd, Scratch s, int len, long nanos, boolean plain) throws IOException {
        long deadline = System.nanoTime() + (nanos <= 0 ? Long.MAX_VALUE / 4 : Math.min(nanos, Long.MAX_VALUE / 4));
        for (int naps = 0; ; naps++) {
            boolean temp = !switchedNonblocking();
            if (temp) setNonblockingFd(fd, true);
            int rc = Sys.connectRaw(fd, s.addr, len, s.capture);
            if (temp) setNonblockingFd(fd, false);
            if (rc == 0) return;
            if (-rc == Errno.EINPROGRESS) {
                pollConnect(fd, Math.max(0, deadline - System.nanoTime()), s, plain ? Errno.EINPROGRESS : 0);
                return;
            }
            if (-rc != Errno.EAGAIN) throw OsError.ofConnect("connect(2)", -rc);
            // a Unix listener's queue is full: there is nothing to poll for, so try again after a nap
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (plain) throw OsError.ofConnect("connect(2)", Errno.EAGAIN);
                throw new SocketTimeoutException("connect(2) timed out after " + nanos / 1_000_000 + " ms");
            }
            if (closing()) throw new AsynchronousCloseException();
            LockSupport.parkNanos(Math.min(left, 1_000_000L << Math.min(naps, 5)));
            if (Thread.currentThread().isVirtual() && Thread.currentThread().isInterrupted()) {
                closeOnInterrupt();
                throw new SocketException("Closed by interrupt");
            }
        }
    }

    /** {@link #connect(SockAddr)} for a JDK address. */
    public void connect(SocketAddress address) throws IOException { connect(SockAddr.of(address)); }

    /**
     * Connects with a deadline, as socket2 does: the socket is made non-blocking, {@code connect(2)} is started,
     * blocking mode is restored, then {@code poll(2)} waits for the result ({@code EINTR} restarts the wait,
     * keeping the deadline). A zero timeout times out unless the connection completes at once.
     *
     * <p>Warning: after a failure the blocking mode is restored but a timed-out connect may still be in
     * progress in the kernel.
     *
     * @throws SocketTimeoutException when the deadline passes
     * @throws IllegalArgumentException for a negative timeout
     */
    public void connectTimeout(SockAddr address, Duration timeout) throws IOException {
        Objects.requireNonNull(address, "address");
        if (timeout.isNegative()) throw new IllegalArgumentException("negative timeout: " + timeout);
        Scratch s = Scratch.get();
        int len = address.copyTo(s.addr);
        int fd = acquire();
        boolean done = false;
        try {
            if (Thread.currentThread().isVirtual()) {
                connectWaiting(fd, s, len, timeout.isZero() ? 1
                    : timeout.compareTo(Duration.ofNanos(Long.MAX_VALUE / 4)) > 0 ? Long.MAX_VALUE / 4 : timeout.toNanos(), false);
                done = true;
                return;
            }
            boolean wasNonblocking = (Sys.fcntl(fd, C.F_GETFL, 0) & C.O_NONBLOCK) != 0;
            setNonblockingFd(fd, true);
            int rc = Sys.connectRaw(fd, s.addr, len, s.capture);
            if (!wasNonblocking) setNonblockingFd(fd, false);
            done = rc == 0;
            if (rc == 0) return;
            if (-rc != Errno.EINPROGRESS && -rc != Errno.EAGAIN) throw OsError.ofConnect("connect(2)", -rc);
            pollConnect(fd, timeout.compareTo(Duration.ofNanos(Long.MAX_VALUE / 4)) > 0 ? Long.MAX_VALUE / 4 : timeout.toNanos(),
                s, 0);
            done = true;
        } finally { release(done); }
    }

    static final long POLL_FD = Layouts.off(Layouts.POLLFD, "fd"),
        POLL_EVENTS = Layouts.off(Layouts.POLLFD, "events"), POLL_REVENTS = Layouts.off(Layouts.POLLFD, "revents");

    /**
     * Waits up to {@code nanos} for a connect in progress; on expiry throws {@link SocketTimeoutException}, or the
     * error for {@code timeoutErrno} if not 0 (a plain connect whose {@code SO_SNDTIMEO} expired).
     */
    private void pollConnect(int fd, long nanos, Scratch s, int timeoutErrno) throws IOException {
        long deadline = System.nanoTime() + nanos;
        MemorySegment pfd = s.pollfd;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (timeoutErrno != 0) throw OsError.ofConnect("connect(2)", timeoutErrno);
                throw new SocketTimeoutException("connect(2) timed out after " + nanos / 1_000_000 + " ms");
            }
            if (Thread.currentThread().isVirtual()) {
                short revents = (short) Parking.waitFor(this, fd, (short) (C.POLLIN | C.POLLOUT), left, s);
                if (revents == 0) continue;
                if ((revents & (C.POLLHUP | C.POLLERR)) != 0) {
                    int err = SockOpt.SO_ERROR.get(fd);
                    throw err != 0 ? OsError.ofConnect("connect(2)", err) : new IOException("no error set after POLLHUP");
                }
                return;
            }
            int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000));
            pfd.set(JAVA_INT, POLL_FD, fd);
            pfd.set(JAVA_SHORT, POLL_EVENTS, (short) (C.POLLIN | C.POLLOUT));
            pfd.set(JAVA_SHORT, POLL_REVENTS, (short) 0);
            int rc = Sys.pollRaw(pfd, 1, ms, s.capture);
            if (rc < 0) {
                int errno = Libc.errno(s.capture);
                if (errno == Errno.EINTR) continue;
                throw OsError.of("poll(2)", errno);
            }
            if (rc == 0) continue;  // the loop's deadline check reports the timeout
            short revents = pfd.get(JAVA_SHORT, POLL_REVENTS);
            if ((revents & (C.POLLHUP | C.POLLERR)) != 0) {
                int err = SockOpt.SO_ERROR.get(fd);
                throw err != 0 ? OsError.ofConnect("connect(2)", err) : new IOException("no error set after POLLHUP");
            }
            return;
        }
    }

    /** {@link #connectTimeout(SockAddr, Duration)} for a JDK address. */
    public void connectTimeout(SocketAddress address, Duration timeout) throws IOException {
        connectTimeout(SockAddr.of(address), timeout);
    }

    /**
     * {@code listen(2)}: marks a bound stream socket as accepting; the kernel caps the backlog at
     * {@code net.core.somaxconn} (4096 since Linux 5.4). An unbound TCP socket gets an ephemeral port.
     *
     * @throws IllegalArgumentException for a negative backlog
     * @throws IOException {@code EOPNOTSUPP} on a datagram socket, {@code EADDRINUSE} if the implicit port is taken
     */
    public void listen(int backlog) throws IOException {
        if (backlog < 0) throw new IllegalArgumentException("negative backlog: " + backlog);
        int fd = acquire();
        try { Sys.listen(fd, backlog); } finally { release(); }
    }

    /**
     * {@code accept4(2)} with {@code SOCK_CLOEXEC}: the next connection, blocking unless the listener is
     * non-blocking. The new socket is blocking whatever the listener's mode is.
     *
     * @throws java.net.SocketTimeoutException {@code EAGAIN}: nothing queued on a non-blocking listener, or
     *     {@code SO_RCVTIMEO} expired
     * @throws IOException {@code EINVAL} if the socket is not listening, {@code EMFILE} at the descriptor limit
     */
    public Accepted accept() throws IOException { return accept4(C.SOCK_CLOEXEC); }

    /** {@code accept(2)} without flags: the new descriptor is inherited across {@code exec}. */
    public Accepted acceptRaw() throws IOException { return doAccept(-1); }

    /** {@code accept4(2)} with {@code flags} ({@code SOCK_NONBLOCK}, {@code SOCK_CLOEXEC}, as in {@link Type}). */
    public Accepted accept4(int flags) throws IOException { return doAccept(flags); }

    private Accepted doAccept(int flags) throws IOException {
        Scratch s = Scratch.get();
        s.len.set(JAVA_INT, 0, SockAddr.STORAGE_SIZE);
        int fd = acquire();
        int nfd = -1;
        try {
            if (Parking.needed(this) && switchNonblocking(fd)) {
                nfd = acceptWaiting(fd, s, flags);
            } else {
                nfd = flags < 0 ? Sys.accept(fd, s.addr, s.len) : Sys.accept4(fd, s.addr, s.len, flags);
            }
        } finally { release(nfd >= 0); }
        try {
            SockAddr peer = readAddr(s.addr, s.len.get(JAVA_INT, 0));
            return new Accepted(Socket.accepted(nfd, flags), peer);
        } catch (RuntimeException e) {
            Sys.closeQuietly(nfd);
            throw e;
        }
    }

    /** accept4(2) on the non-blocking descriptor, waiting on EAGAIN; {@code flags} -1 is plain accept(2). */
    private int acceptWaiting(int fd, Scratch s, int flags) throws IOException {
        String call = flags < 0 ? "accept(2)" : "accept4(2)";
        Parking w = null;
        for (;;) {
            s.len.set(JAVA_INT, 0, SockAddr.STORAGE_SIZE);
            int nfd = Sys.accept4Nb(s.capture, fd, s.addr, s.len, Math.max(flags, 0));
            if (nfd >= 0) return nfd;
            int e = Parking.errno(s);
            if (w == null) w = Parking.after(e, this, fd, call, C.POLLIN, false, 0, s);
            w.await(e);
        }
    }

    /** {@code getsockname(2)}: the local address (for an unbound IP socket the wildcard address and port 0). */
    public SockAddr localAddr() throws IOException {
        Scratch s = Scratch.get();
        s.len.set(JAVA_INT, 0, SockAddr.STORAGE_SIZE);
        int fd = acquire();
        try { Sys.getsockname(fd, s.addr, s.len); } finally { release(); }
        return readAddr(s.addr, s.len.get(JAVA_INT, 0));
    }

    /** {@code getpeername(2)}: the connected peer; ENOTCONN if there is none. */
    public SockAddr peerAddr() throws IOException {
        Scratch s = Scratch.get();
        s.len.set(JAVA_INT, 0, SockAddr.STORAGE_SIZE);
        int fd = acquire();
        try { Sys.getpeername(fd, s.addr, s.len); } finally { release(); }
        return readAddr(s.addr, s.len.get(JAVA_INT, 0));
    }

    /**
     * {@code fcntl(F_DUPFD_CLOEXEC)}: a new descriptor for the same socket, with close-on-exec. Both share the open
     * socket (options, file status flags such as {@code O_NONBLOCK}, the connection); each must be closed.
     *
     * @throws IOException {@code EMFILE} at the process's descriptor limit
     */
    public Socket tryClone() throws IOException {
        int fd = acquire();
        int nfd = -1;
        try { nfd = Sys.fcntl(fd, C.F_DUPFD_CLOEXEC, 0); } finally { release(nfd >= 0); }
        return cloned(nfd);
    }

    // ---------------------------------------------------------------- descriptor flags

    /** A {@link Socket} owning {@code nfd}, a duplicate of this socket's descriptor. */
    Socket cloned(int nfd) { return new Socket(nfd); }

    /**
     * Whether {@code O_NONBLOCK} is set. Once a virtual thread made a {@link Socket}'s descriptor non-blocking
     * internally (see {@link Socket}), this reports the mode the user set, as {@code java.net.Socket} does.
     */
    public boolean nonblocking() throws IOException {
        int fd = acquire();
        try { return userNonblocking(fd); } finally { release(); }
    }

    /**
     * Sets or clears {@code O_NONBLOCK} (read-modify-write of the file status flags: two syscalls, not atomic).
     * On a descriptor socket2j made non-blocking for a virtual thread, only the recorded mode changes.
     */
    public void setNonblocking(boolean on) throws IOException {
        int fd = acquire();
        try { setUserNonblocking(fd, on); } finally { release(); }
    }

    void setUserNonblocking(int fd, boolean on) throws IOException { setNonblockingFd(fd, on); }

    static void setNonblockingFd(int fd, boolean on) throws IOException {
        setFlag(fd, C.F_GETFL, C.F_SETFL, C.O_NONBLOCK, on);
    }

    /** Read-modify-write of one bit of the flags {@code fcntl(get)} returns; no second call if it is already so. */
    private static void setFlag(int fd, int get, int set, int bit, boolean on) throws IOException {
        int fl = Sys.fcntl(fd, get, 0);
        int nfl = on ? fl | bit : fl & ~bit;
        if (nfl != fl) Sys.fcntl(fd, set, nfl);
    }

    /** Whether {@code FD_CLOEXEC} is set. */
    public boolean cloexec() throws IOException {
        int fd = acquire();
        try { return (Sys.fcntl(fd, C.F_GETFD, 0) & C.FD_CLOEXEC) != 0; } finally { release(); }
    }

    /** Sets or clears {@code FD_CLOEXEC} (read-modify-write, not atomic). */
    public void setCloexec(boolean on) throws IOException {
        int fd = acquire();
        try { setFlag(fd, C.F_GETFD, C.F_SETFD, C.FD_CLOEXEC, on); } finally { release(); }
    }

    /**
     * {@code shutdown(2)}: closes one or both halves of the connection. Shutting the write half sends a FIN on TCP
     * after the queued data; the read half makes later receives return 0. It affects every descriptor of the socket.
     *
     * @throws IOException {@code ENOTCONN} on an unconnected TCP or UDP socket (on a listening TCP socket
     *     {@code SHUT_RD}/{@code SHUT_RDWR} succeed and wake a blocked {@code accept})
     */
    public void shutdown(Shutdown how) throws IOException {
        Objects.requireNonNull(how, "how");
        int fd = acquire();
        try { Sys.shutdown(fd, how.how); } finally { release(); }
    }

    // ---------------------------------------------------------------- receive

    /**
     * {@code recv(2)}: reads into {@code buf}; 0 means the peer closed its side (stream) or an empty datagram.
     * A datagram longer than the buffer is cut (its tail is lost).
     *
     * @throws java.net.SocketTimeoutException {@code EAGAIN}: nothing to read on a non-blocking socket, or
     *     {@code SO_RCVTIMEO} expired
     * @throws IOException {@code ECONNRESET} when the peer reset the connection, {@code ENOTCONN} on an
     *     unconnected stream socket
     */
    public int recv(byte[] buf) throws IOException { return recvWithFlags(buf, 0, buf.length, 0); }

    /** {@code recv(2)} into {@code buf[off, off+len)}. */
    public int recv(byte[] buf, int off, int len) throws IOException { return recvWithFlags(buf, off, len, 0); }

    /** {@code recv(2)} into the remaining space of {@code buf}; moves its position. */
    public int recv(ByteBuffer buf) throws IOException { return recvWithFlags(buf, 0); }

    /** {@code recv(2)} into {@code seg}. */
    public long recv(MemorySegment seg) throws IOException { return recvWithFlags(seg, 0); }

    /**
     * {@code recv(2)} with {@code flags} ({@code MSG_PEEK}, {@code MSG_WAITALL}, {@code MSG_DONTWAIT}, …), passed
     * as given. With {@code MSG_TRUNC} on a datagram socket the result is the datagram's real length, which may
     * exceed {@code len}; only {@code len} bytes are stored.
     */
    public int recvWithFlags(byte[] buf, int off, int len, int flags) throws IOException {
        Scratch s = Scratch.get();
        try {
            MemorySegment sink = Bufs.sink(s, buf, off, len);
            long n = recvRaw(s, sink, flags);
            Bufs.finish(sink, buf, off, n);
            return (int) n;
        } finally { s.trim(); }
    }

    /** {@code recv(2)} with flags into a {@link ByteBuffer}. */
    public int recvWithFlags(ByteBuffer buf, int flags) throws IOException {
        Scratch s = Scratch.get();
        try {
            MemorySegment sink = Bufs.sink(s, buf);
            long n = recvRaw(s, sink, flags);
            Bufs.finish(sink, buf, n);
            return (int) n;
        } finally { s.trim(); }
    }

    /** {@code recv(2)} with flags into a segment. */
    public long recvWithFlags(MemorySegment seg, int flags) throws IOException {
        Scratch s = Scratch.get();
        try {
            MemorySegment sink = Bufs.sink(s, seg);
            long n = recvRaw(s, sink, flags);
            Bufs.finish(sink, seg, n);
            return n;
        } finally { s.trim(); }
    }

    private long recvRaw(Scratch s, MemorySegment sink, int flags) throws IOException {
        int fd = acquire();
        long n = -1;
        try {
            if (!parks(flags)) return n = Sys.recv(fd, sink, sink.byteSize(), flags);
            Parking w = null;
            while ((n = Sys.recvNb(s.capture, fd, sink, sink.byteSize(), flags | C.MSG_DONTWAIT)) < 0) {
                int e = Parking.errno(s);
                if (w == null) w = Parking.after(e, this, fd, "recv(2)", C.POLLIN, false, flags, s);
                w.await(e);
            }
            return n;
        } finally { release(n > 0); }
    }

    /** {@code recv(2)} with {@code MSG_OOB}: reads the urgent byte of a TCP connection. */
    public int recvOutOfBand(byte[] buf) throws IOException { return recvWithFlags(buf, 0, buf.length, C.MSG_OOB); }

    /** {@code recv(2)} with {@code MSG_PEEK}: the data stays queued. */
    public int peek(byte[] buf) throws IOException { return recvWithFlags(buf, 0, buf.length, C.MSG_PEEK); }

    /** {@link #peek(byte[])} into a {@link ByteBuffer}. */
    public int peek(ByteBuffer buf) throws IOException { return recvWithFlags(buf, C.MSG_PEEK); }

    /** {@code recvfrom(2)}: reads a datagram and its sender. */
    public Received recvFrom(byte[] buf) throws IOException { return recvFromWithFlags(buf, 0, buf.length, 0); }

    /** {@code recvfrom(2)} into {@code buf[off, off+len)} with {@code flags}. */
    public Received recvFromWithFlags(byte[] buf, int off, int len, int flags) throws IOException {
        Scratch s = Scratch.get();
        try {
            MemorySegment sink = Bufs.sink(s, buf, off, len);
            Received r = recvFromRaw(s, sink, flags);
            Bufs.finish(sink, buf, off, r.bytes());
            return r;
        } finally { s.trim(); }
    }

    /** {@code recvfrom(2)} into a {@link ByteBuffer}. */
    public Received recvFrom(ByteBuffer buf) throws IOException { return recvFromWithFlags(buf, 0); }

    /** {@code recvfrom(2)} into a {@link ByteBuffer} with flags. */
    public Received recvFromWithFlags(ByteBuffer buf, int flags) throws IOException {
        Scratch s = Scratch.get();
        try {
            MemorySegment sink = Bufs.sink(s, buf);
            Received r = recvFromRaw(s, sink, flags);
            Bufs.finish(sink, buf, r.bytes());
            return r;
        } finally { s.trim(); }
    }

    /** {@code recvfrom(2)} into a segment with flags. */
    public Received recvFromWithFlags(MemorySegment seg, int flags) throws IOException {
        Scratch s = Scratch.get();
        try {
            MemorySegment sink = Bufs.sink(s, seg);
            Received r = recvFromRaw(s, sink, flags);
            Bufs.finish(sink, seg, r.bytes());
            return r;
        } finally { s.trim(); }
    }

    /** {@code recvfrom(2)} with {@code MSG_PEEK}: the datagram stays queued. */
    public Received peekFrom(byte[] buf) throws IOException { return recvFromWithFlags(buf, 0, buf.length, C.MSG_PEEK); }

    /** {@link #peekFrom(byte[])} into a {@link ByteBuffer}; moves its position. */
    public Received peekFrom(ByteBuffer buf) throws IOException { return recvFromWithFlags(buf, C.MSG_PEEK); }

    /** {@code recvfrom(2)} into a segment. */
    public Received recvFrom(MemorySegment seg) throws IOException { return recvFromWithFlags(seg, 0); }

    /** The sender of the next datagram, which stays queued ({@code recvfrom} with {@code MSG_PEEK} into 8 bytes). */
    public SockAddr peekSender() throws IOException {
        return recvFromWithFlags(new byte[8], 0, 8, C.MSG_PEEK).address();
    }

    private Received recvFromRaw(Scratch s, MemorySegment sink, int flags) throws IOException {
        s.addr.fill((byte) 0);  // s.addr is one sockaddr_storage
        s.len.set(JAVA_INT, 0, SockAddr.STORAGE_SIZE);
        long n = -1;
        int fd = acquire();
        try {
            if (!parks(flags)) {
                n = Sys.recvfrom(fd, sink, sink.byteSize(), flags, s.addr, s.len);
            } else {
                Parking w = null;
                while ((n = Sys.recvfromNb(s.capture, fd, sink, sink.byteSize(), flags | C.MSG_DONTWAIT, s.addr, s.len)) < 0) {
                    int e = Parking.errno(s);
                    if (w == null) w = Parking.after(e, this, fd, "recvfrom(2)", C.POLLIN, false, flags, s);
                    w.await(e);
                    s.len.set(JAVA_INT, 0, SockAddr.STORAGE_SIZE);
                }
            }
        } finally { release(n > 0); }
        return new Received(n, new RecvFlags(0), readAddr(s.addr, s.len.get(JAVA_INT, 0)));
    }

    private static SockAddr readAddr(MemorySegment addr, int len) {
        return SockAddr.fromSegment(addr, Math.min(len, SockAddr.STORAGE_SIZE));
    }

    /** {@code recvmsg(2)} scattering into {@code bufs}; {@link Received#flags()} tells of truncation. */
    public Received recvVectored(ByteBuffer... bufs) throws IOException { return recvVectoredWithFlags(bufs, 0); }

    /** {@link #recvVectored} with {@code flags}. */
    public Received recvVectoredWithFlags(ByteBuffer[] bufs, int flags) throws IOException {
        return recvmsgVectored(bufs, flags, false);
    }

    /** {@code recvmsg(2)} scattering into {@code bufs}, with the sender's address. */
    public Received recvFromVectored(ByteBuffer... bufs) throws IOException { return recvFromVectoredWithFlags(bufs, 0); }

    /** {@link #recvFromVectored} with {@code flags}. */
    public Received recvFromVectoredWithFlags(ByteBuffer[] bufs, int flags) throws IOException {
        return recvmsgVectored(bufs, flags, true);
    }

    private Received recvmsgVectored(ByteBuffer[] bufs, int flags, boolean withAddr) throws IOException {
        Scratch s = Scratch.get();
        try {
            int cnt = Bufs.fillIov(s, bufs, false);
            if (withAddr) s.addr.fill((byte) 0);  // s.addr is one sockaddr_storage
            MemorySegment msg = prepareMsg(s, withAddr ? s.addr : MemorySegment.NULL, withAddr ? SockAddr.STORAGE_SIZE : 0,
                cnt, MemorySegment.NULL, 0, 0);
            long n = recvmsgRaw(s, msg, flags, withAddr ? SockAddr.STORAGE_SIZE : 0);
            Bufs.afterRecv(s, bufs, n);
            SockAddr from = withAddr ? readAddr(s.addr, msg.get(JAVA_INT, Layouts.MSG_NAMELEN)) : null;
            return new Received(n, new RecvFlags(msg.get(JAVA_INT, Layouts.MSG_FLAGS)), from);
        } finally { s.trim(); }
    }

    /** recvmsg(2) of a prepared msghdr, waiting on the non-blocking path; {@code namelen} is restored per retry. */
    private long recvmsgRaw(Scratch s, MemorySegment msg, int flags, int namelen) throws IOException {
        long n = -1;
        int fd = acquire();
        try { return n = recvmsgOn(fd, s, msg, flags, namelen); } finally { release(n > 0); }
    }

    private long recvmsgOn(int fd, Scratch s, MemorySegment msg, int flags, int namelen) throws IOException {
        if (!parks(flags)) return Sys.recvmsg(fd, msg, flags);
        long controlLen = msg.get(JAVA_LONG, Layouts.MSG_CONTROLLEN);
        Parking w = null;
        long n;
        while ((n = Sys.recvmsgNb(s.capture, fd, msg, flags | C.MSG_DONTWAIT)) < 0) {
            int e = Parking.errno(s);
            if (w == null) w = Parking.after(e, this, fd, "recvmsg(2)", C.POLLIN, false, flags, s);
            w.await(e);
            msg.set(JAVA_INT, Layouts.MSG_NAMELEN, namelen);
            msg.set(JAVA_LONG, Layouts.MSG_CONTROLLEN, controlLen);
        }
        return n;
    }

    /**
     * Fills the thread's msghdr: an optional name, the thread's iovec array (already filled with {@code iovcnt}
     * entries), an optional control buffer and the flags. The one place a {@code struct msghdr} is written.
     */
    static MemorySegment prepareMsg(Scratch s, MemorySegment name, int namelen, int iovcnt, MemorySegment control,
                                    long controlLen, int flags) {
        MemorySegment msg = s.msghdr;
        msg.set(ADDRESS, Layouts.MSG_NAME, name);
        msg.set(JAVA_INT, Layouts.MSG_NAMELEN, namelen);
        msg.set(ADDRESS, Layouts.MSG_IOV, iovcnt == 0 ? MemorySegment.NULL : s.iov);
        msg.set(JAVA_LONG, Layouts.MSG_IOVLEN, iovcnt);
        msg.set(ADDRESS, Layouts.MSG_CONTROL, control);
        msg.set(JAVA_LONG, Layouts.MSG_CONTROLLEN, controlLen);
        msg.set(JAVA_INT, Layouts.MSG_FLAGS, flags);
        return msg;
    }

    // ---------------------------------------------------------------- send

    /**
     * {@code send(2)}; returns the bytes the kernel took (may be fewer than given on a stream socket).
     * {@code MSG_NOSIGNAL} is always added: a broken connection is an exception, never a {@code SIGPIPE}.
     *
     * @throws IOException {@code EPIPE} or {@code ECONNRESET} once the peer closed or reset the connection,
     *     {@code EMSGSIZE} for a datagram larger than the protocol allows, {@code EAGAIN} (not a timeout
     *     exception) when a non-blocking socket's buffer is full
     */
    public int send(byte[] buf) throws IOException { return sendWithFlags(buf, 0, buf.length, 0); }

    /** {@code send(2)} of {@code buf[off, off+len)}. */
    public int send(byte[] buf, int off, int len) throws IOException { return sendWithFlags(buf, off, len, 0); }

    /** {@code send(2)} of the remaining bytes of {@code buf}; moves its position. */
    public int send(ByteBuffer buf) throws IOException { return sendWithFlags(buf, 0); }

    /** {@code send(2)} of {@code seg}. */
    public long send(MemorySegment seg) throws IOException { return sendWithFlags(seg, 0); }

    /** {@code send(2)} with {@code flags} (always OR-ed with {@code MSG_NOSIGNAL}). */
    public int sendWithFlags(byte[] buf, int off, int len, int flags) throws IOException {
        Scratch s = Scratch.get();
        try { return (int) sendRaw(s, Bufs.source(s, buf, off, len), null, 0, flags); } finally { s.trim(); }
    }

    /** {@code send(2)} with flags from a {@link ByteBuffer}. */
    public int sendWithFlags(ByteBuffer buf, int flags) throws IOException {
        Scratch s = Scratch.get();
        try {
            long n = sendRaw(s, Bufs.source(s, buf), null, 0, flags);
            buf.position(buf.position() + (int) n);
            return (int) n;
        } finally { s.trim(); }
    }

    /** {@code send(2)} with flags from a segment. */
    public long sendWithFlags(MemorySegment seg, int flags) throws IOException {
        Scratch s = Scratch.get();
        try { return sendRaw(s, Bufs.source(s, seg), null, 0, flags); } finally { s.trim(); }
    }

    /**
     * send(2), or sendto(2) when {@code to} is not null. On the waiting path a stream socket's partial send goes on
     * with the rest, as the blocking call does; an error, timeout or close after some bytes returns their count.
     */
    private long sendRaw(Scratch s, MemorySegment src, MemorySegment to, int alen, int flags) throws IOException {
        String call = to == null ? "send(2)" : "sendto(2)";
        int f = flags | C.MSG_NOSIGNAL;
        long len = src.byteSize(), done = 0;
        int fd = acquire();
        try {
            if (!Parking.needed(this)) {
                return done = to == null ? Sys.send(fd, src, len, f) : Sys.sendto(fd, src, len, f, to, alen);
            }
            Parking w = null;
            for (;;) {
                MemorySegment rest = done == 0 ? src : src.asSlice(done);
                long k = to == null ? Sys.sendNb(s.capture, fd, rest, len - done, f | C.MSG_DONTWAIT)
                    : Sys.sendtoNb(s.capture, fd, rest, len - done, f | C.MSG_DONTWAIT, to, alen);
                if (k >= 0) {
                    done += k;
                    if (done >= len) return done;
                    if (w != null) w.progressed();
                    continue;
                }
                int e = Parking.errno(s);
                try {
                    if (w == null) w = Parking.after(e, this, fd, call, C.POLLOUT, true, flags, s);
                    w.await(e);
                } catch (IOException ex) {
                    if (done > 0) return done;
                    throw ex;
                }
            }
        } finally { release(done > 0); }
    }

    /** {@code send(2)} with {@code MSG_OOB}: TCP urgent data. */
    public int sendOutOfBand(byte[] buf) throws IOException { return sendWithFlags(buf, 0, buf.length, C.MSG_OOB); }

    /**
     * {@code sendto(2)}: a datagram to {@code to} (on a connected stream socket the address is ignored).
     *
     * @throws java.net.PortUnreachableException {@code ECONNREFUSED}: an earlier datagram drew an ICMP port
     *     unreachable
     */
    public int sendTo(byte[] buf, SockAddr to) throws IOException { return sendToWithFlags(buf, 0, buf.length, to, 0); }

    /** {@code sendto(2)} from a {@link ByteBuffer}. */
    public int sendTo(ByteBuffer buf, SockAddr to) throws IOException { return sendToWithFlags(buf, to, 0); }

    /** {@code sendto(2)} from a segment. */
    public long sendTo(MemorySegment seg, SockAddr to) throws IOException { return sendToWithFlags(seg, to, 0); }

    /** {@code sendto(2)} of {@code buf[off, off+len)} with flags. */
    public int sendToWithFlags(byte[] buf, int off, int len, SockAddr to, int flags) throws IOException {
        Scratch s = Scratch.get();
        try { return (int) sendToRaw(s, Bufs.source(s, buf, off, len), to, flags); } finally { s.trim(); }
    }

    /** {@code sendto(2)} from a {@link ByteBuffer} with flags; moves its position. */
    public int sendToWithFlags(ByteBuffer buf, SockAddr to, int flags) throws IOException {
        Scratch s = Scratch.get();
        try {
            long n = sendToRaw(s, Bufs.source(s, buf), to, flags);
            buf.position(buf.position() + (int) n);
            return (int) n;
        } finally { s.trim(); }
    }

    /** {@code sendto(2)} from a segment with flags. */
    public long sendToWithFlags(MemorySegment seg, SockAddr to, int flags) throws IOException {
        Scratch s = Scratch.get();
        try { return sendToRaw(s, Bufs.source(s, seg), to, flags); } finally { s.trim(); }
    }

    private long sendToRaw(Scratch s, MemorySegment src, SockAddr to, int flags) throws IOException {
        int alen = to.copyTo(s.addr);
        return sendRaw(s, src, s.addr, alen, flags);
    }

    /** {@code sendmsg(2)} gathering from {@code bufs}; moves their positions by what was sent. */
    public long sendVectored(ByteBuffer... bufs) throws IOException { return sendVectoredWithFlags(bufs, 0); }

    /** {@link #sendVectored} with flags. */
    public long sendVectoredWithFlags(ByteBuffer[] bufs, int flags) throws IOException {
        return sendmsgVectored(bufs, null, flags);
    }

    /** {@code sendmsg(2)} of one datagram gathered from {@code bufs} to {@code to}. */
    public long sendToVectored(ByteBuffer[] bufs, SockAddr to) throws IOException {
        return sendToVectoredWithFlags(bufs, to, 0);
    }

    /** {@link #sendToVectored} with flags. */
    public long sendToVectoredWithFlags(ByteBuffer[] bufs, SockAddr to, int flags) throws IOException {
        return sendmsgVectored(bufs, Objects.requireNonNull(to, "to"), flags);
    }

    private long sendmsgVectored(ByteBuffer[] bufs, SockAddr to, int flags) throws IOException {
        Scratch s = Scratch.get();
        try {
            int cnt = Bufs.fillIov(s, bufs, true);
            int alen = to == null ? 0 : to.copyTo(s.addr);
            MemorySegment msg = prepareMsg(s, to == null ? MemorySegment.NULL : s.addr, alen, cnt, MemorySegment.NULL, 0, 0);
            long n = sendmsgRaw(s, msg, flags);
            Bufs.afterSend(bufs, n);
            return n;
        } finally { s.trim(); }
    }

    /**
     * sendmsg(2) of a prepared msghdr. On the waiting path a stream socket's partial send goes on with the rest
     * (without the control messages, which went with the first bytes), as the blocking call does.
     */
    private long sendmsgRaw(Scratch s, MemorySegment msg, int flags) throws IOException {
        int f = flags | C.MSG_NOSIGNAL;
        long done = 0;
        int fd = acquire();
        try {
            if (!Parking.needed(this)) return done = Sys.sendmsg(fd, msg, f);
            Parking w = null;
            for (;;) {
                long k = Sys.sendmsgNb(s.capture, fd, msg, f | C.MSG_DONTWAIT);
                if (k >= 0) {
                    done += k;
                    if (advance(msg, k) == 0) return done;
                    if (w != null) w.progressed();
                    continue;
                }
                int e = Parking.errno(s);
                try {
                    if (w == null) w = Parking.after(e, this, fd, "sendmsg(2)", C.POLLOUT, true, flags, s);
                    w.await(e);
                } catch (IOException ex) {
                    if (done > 0) return done;
                    throw ex;
                }
            }
        } finally { release(done > 0); }
    }

    /**
     * Drops the first {@code n} bytes of {@code msg}'s iovecs, and its control data (sent with the first byte);
     * returns the bytes left.
     */
    private static long advance(MemorySegment msg, long n) {
        long cnt = msg.get(JAVA_LONG, Layouts.MSG_IOVLEN);
        if (cnt == 0) return 0;
        MemorySegment iov = msg.get(ADDRESS, Layouts.MSG_IOV).reinterpret(cnt * Layouts.IOVEC_SIZE);
        long i = 0, left = 0;
        for (; i < cnt; i++) {
            long len = iov.get(JAVA_LONG, i * Layouts.IOVEC_SIZE + Layouts.IOV_LEN);
            if (n < len) break;
            n -= len;
        }
        if (i < cnt) {
            long at = i * Layouts.IOVEC_SIZE;
            MemorySegment base = iov.get(ADDRESS, at + Layouts.IOV_BASE);
            iov.set(ADDRESS, at + Layouts.IOV_BASE, MemorySegment.ofAddress(base.address() + n));
            iov.set(JAVA_LONG, at + Layouts.IOV_LEN, iov.get(JAVA_LONG, at + Layouts.IOV_LEN) - n);
            for (long j = i; j < cnt; j++) left += iov.get(JAVA_LONG, j * Layouts.IOVEC_SIZE + Layouts.IOV_LEN);
        }
        msg.set(ADDRESS, Layouts.MSG_IOV, i < cnt ? iov.asSlice(i * Layouts.IOVEC_SIZE) : MemorySegment.NULL);
        msg.set(JAVA_LONG, Layouts.MSG_IOVLEN, cnt - i);
        msg.set(ADDRESS, Layouts.MSG_CONTROL, MemorySegment.NULL);
        msg.set(JAVA_LONG, Layouts.MSG_CONTROLLEN, 0);
        return left;
    }

    // ---------------------------------------------------------------- sendfile

    /**
     * {@code sendfile(2)}: sends up to {@code length} bytes of the open file {@code fileFd}, starting at
     * {@code offset}, without copying through user space. One call: the count may be partial. The file's own
     * position is neither used nor moved. Linux caps one call at 0x7ffff000 bytes.
     *
     * @param length bytes to send, or 0 for "as much as one call sends" (socket2's {@code None})
     * @return the bytes sent; 0 at the end of the file
     * @throws IOException {@code EAGAIN} when a non-blocking socket's buffer is full, {@code EINVAL} for a file that
     *     cannot be mapped (not a regular file or block device), {@code EBADF} if {@code fileFd} is not open for
     *     reading, {@code EPIPE} once the peer closed
     */
    public long sendfile(int fileFd, long offset, long length) throws IOException {
        if (offset < 0) throw new IllegalArgumentException("negative offset: " + offset);
        if (length < 0) throw new IllegalArgumentException("negative length: " + length);
        Scratch s = Scratch.get();
        s.offset.set(JAVA_LONG, 0, offset);
        long count = length == 0 ? C.SENDFILE_MAX : length, done = 0;
        int fd = acquire();
        try {
            if (!Parking.needed(this) || !switchNonblocking(fd)) return done = Sys.sendfile(fd, fileFd, s.offset, count);
            Parking w = null;
            for (;;) {
                long k = VtPoller.sendfileRaw(s.capture, fd, fileFd, s.offset, count - done);
                if (k > 0) {
                    done += k;
                    if (done >= count) return done;
                    if (w != null) w.progressed();
                    continue;
                }
                if (k == 0) return done;  // end of the file
                int e = Parking.errno(s);
                try {
                    if (w == null) w = Parking.after(e, this, fd, "sendfile(2)", C.POLLOUT, true, 0, s);
                    w.await(e);
                } catch (IOException ex) {
                    if (done > 0) return done;
                    throw ex;
                }
            }
        } finally { release(done > 0); }
    }

    /** {@link #sendfile(int, long, long)} of a file opened (read-only) and closed for this call. */
    public long sendfile(Path file, long offset, long length) throws IOException {
        try (var arena = Arena.ofConfined()) {
            int ffd = Sys.open(arena.allocateFrom(file.toString()), C.O_RDONLY | C.O_CLOEXEC);
            try { return sendfile(ffd, offset, length); } finally { Sys.closeQuietly(ffd); }
        }
    }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append("{fd=").append(rawFd());
        try { sb.append(", local=").append(localAddr()); } catch (IOException | RuntimeException ignored) { }
        try { sb.append(", peer=").append(peerAddr()); } catch (IOException | RuntimeException ignored) { }
        return sb.append('}').toString();
    }

    // ---- messages (sendmsg/recvmsg, batches)

    /**
     * {@code sendmsg(2)}: sends the data, address and control messages of {@code msg} (see {@link MsgHdr}) in one
     * call; {@code MSG_NOSIGNAL} is always added to {@code flags}. Returns the bytes sent (a stream socket may take
     * fewer) and moves the positions of {@link ByteBuffer}s by that much. Errors: {@code EMSGSIZE} for a datagram too
     * large (or a {@code UDP_SEGMENT} payload the kernel cannot split), {@code EINVAL} for a control message the
     * kernel rejects, {@code EPERM} for foreign {@code SCM_CREDENTIALS}.
     *
     * @throws java.nio.channels.ClosedChannelException if this socket is closed (before any system call)
     */
    public long sendmsg(MsgHdr msg, int flags) throws IOException {
        Objects.requireNonNull(msg, "msg");
        Scratch s = Scratch.get();
        try {
            MemorySegment hdr = msg.prepare(s);
            long n = sendmsgRaw(s, hdr, flags);
            msg.afterSend(n);
            return n;
        } finally { s.trim(); }
    }

    /**
     * {@code recvmsg(2)} into {@code msg} (see {@link MsgHdrMut}), with {@code MSG_CMSG_CLOEXEC} always added so
     * received descriptors are not inherited across {@code exec}. Returns the bytes received (0 at the end of a
     * stream); {@link MsgHdrMut#flags()} then tells of {@code MSG_TRUNC} / {@code MSG_CTRUNC}. Descriptors still owned
     * by {@code msg} from its previous receive are closed first.
     *
     * @throws java.nio.channels.ClosedChannelException if this socket is closed (before any system call)
     * @throws IllegalStateException if {@code msg} is closed
     */
    public long recvmsg(MsgHdrMut msg, int flags) throws IOException {
        Objects.requireNonNull(msg, "msg");
        Scratch s = Scratch.get();
        try {
            MemorySegment hdr = msg.prepare(s);
            int namelen = hdr.get(JAVA_INT, Layouts.MSG_NAMELEN);
            long n = -1;
            int fd = acquire();
            try {
                n = recvmsgOn(fd, s, hdr, flags | C.MSG_CMSG_CLOEXEC, namelen);
            } finally {
                try {
                    if (n >= 0) msg.complete(s, hdr, n);  // takes the received fds before release() may throw
                } finally {
                    release(n > 0);
                }
            }
            return n;
        } finally { s.trim(); }
    }

    /** {@link #sendmmsg(MsgBatch, int, int, int)} of every slot added to {@code batch}. */
    public int sendmmsg(MsgBatch batch, int flags) throws IOException {
        return sendmmsg(batch, 0, batch.size(), flags);
    }

    /**
     * {@code sendmmsg(2)} of slots {@code from..from+count-1} of {@code batch} (Linux 3.0): one system call for up to
     * 1024 datagrams; {@code MSG_NOSIGNAL} is always added. Returns how many messages were sent, which may be fewer
     * than {@code count}: send the rest with a later call. {@link MsgBatch#length(int)} then gives each one's bytes.
     * An error on the first message is thrown; an error after some were sent is reported by the next call.
     *
     * @throws IllegalArgumentException if the range is not within the slots added
     */
    public int sendmmsg(MsgBatch batch, int from, int count, int flags) throws IOException {
        batch.checkOpen();
        if (from < 0 || count < 0 || count > batch.size() - from) {
            throw new IllegalArgumentException("slots [" + from + ", +" + count + ") outside 0.." + batch.size());
        }
        if (count == 0) return 0;
        int f = flags | C.MSG_NOSIGNAL, done = 0;
        int fd = acquire();
        try {
            if (!Parking.needed(this)) return done = Sys.sendmmsg(fd, batch.headers(from), count, f);
            Scratch s = Scratch.get();
            Parking w = null;
            for (;;) {  // the blocking call sends them all unless an error stops it
                int k = Sys.sendmmsgNb(s.capture, fd, batch.headers(from + done), count - done, f | C.MSG_DONTWAIT);
                if (k >= 0) {
                    done += k;
                    if (done >= count) return done;
                    if (w != null) w.progressed();
                    continue;
                }
                int e = Parking.errno(s);
                if (done > 0 && e != Errno.EAGAIN) return done;
                try {
                    if (w == null) w = Parking.after(e, this, fd, "sendmmsg(2)", C.POLLOUT, true, flags, s);
                    w.await(e);
                } catch (IOException ex) {
                    if (done > 0) return done;
                    throw ex;
                }
            }
        } finally { release(done > 0); }
    }

    /** {@link #recvmmsg(MsgBatch, int, int)} into every slot of {@code batch}. */
    public int recvmmsg(MsgBatch batch, int flags) throws IOException {
        return recvmmsg(batch, batch.capacity(), flags);
    }

    /**
     * {@code recvmmsg(2)} (Linux 2.6.33) of up to {@code max} datagrams into slots {@code 0..}; returns how many
     * arrived (also {@link MsgBatch#size()}). {@code MSG_CMSG_CLOEXEC} is always added. On a blocking socket it waits
     * for the first and, unless {@code MSG_WAITFORONE} is given, for all {@code max}; {@code MSG_DONTWAIT} returns what
     * is queued ({@code EAGAIN} if nothing). No timeout argument: use {@code SO_RCVTIMEO}.
     *
     * @throws IllegalArgumentException if {@code max} is outside 1..capacity
     */
    public int recvmmsg(MsgBatch batch, int max, int flags) throws IOException {
        if (max < 1 || max > batch.capacity()) {
            throw new IllegalArgumentException("max outside 1.." + batch.capacity() + ": " + max);
        }
        batch.prepareRecv(max);
        int n = -1;
        int fd = acquire();
        try {
            n = parks(flags) ? recvmmsgWaiting(fd, batch, max, flags | C.MSG_CMSG_CLOEXEC)
                : Sys.recvmmsg(fd, batch.headers(0), max, flags | C.MSG_CMSG_CLOEXEC, MemorySegment.NULL);
        } finally {
            try {
                if (n >= 0) batch.completeRecv(n);
            } finally {
                release(n > 0);
            }
        }
        return n;
    }

    /**
     * recvmmsg(2) as the blocking call behaves: waits for the first datagram, then (without {@code MSG_WAITFORONE})
     * for all {@code max}; an error, timeout or close after some returns their count.
     */
    private int recvmmsgWaiting(int fd, MsgBatch batch, int max, int flags) throws IOException {
        Scratch s = Scratch.get();
        Parking w = null;
        int got = 0;
        for (;;) {
            int k = Sys.recvmmsgNb(s.capture, fd, batch.headers(got), max - got, flags | C.MSG_DONTWAIT);
            if (k > 0) {
                got += k;
                if (got >= max || (flags & C.MSG_WAITFORONE) != 0) return got;
                if (w != null) w.progressed();
                continue;
            }
            int e = k == 0 ? Errno.EAGAIN : Parking.errno(s);
            if (got > 0 && e != Errno.EAGAIN) return got;
            try {
                if (w == null) w = Parking.after(e, this, fd, "recvmmsg(2)", C.POLLIN, false, flags, s);
                w.await(e);
            } catch (IOException ex) {
                if (got > 0) return got;
                throw ex;
            }
        }
    }
}
