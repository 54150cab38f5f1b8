package dev.socket2j.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * socket2j's own poller for virtual threads that wait on a descriptor: the shape of the JDK's
 * {@code sun.nio.ch.Poller}. Two pollers, one for read readiness and one for write readiness, each with an epoll
 * instance of its own (see {@link Pollers} for the threads that serve them). A waiting
 * thread registers the descriptor one-shot ({@code EPOLLONESHOT}: re-armed with {@code EPOLL_CTL_MOD},
 * added on {@code ENOENT}), parks, and deregisters when it returns; the poller thread takes the waiters of
 * every ready descriptor out of its map and unparks them. Several threads may wait on one descriptor (the
 * core allows concurrent calls on a socket): all are woken, and those that find nothing retry.
 *
 * <p>Registrations are keyed by descriptor number. That is safe because a waiter holds its socket's
 * descriptor open ({@code Socket.acquire}) until it has deregistered, so the number cannot be reused under
 * it; a stale event for a number closed meanwhile only wakes a later waiter spuriously, and every waiter
 * retries its call and parks again if it still cannot proceed. The poller threads start on the first wait.
 */
public final class VtPoller {
    private static final int EPOLLONESHOT = 1 << 30;
    private static final int MAX_EVENTS = 512;

    private final int epfd;
    private final int events;
    /** Descriptor → the waiting {@link Thread}, or a {@code Thread[]} when several wait on it. */
    private final ConcurrentHashMap<Integer, Object> waiters = new ConcurrentHashMap<>();

    /**
     * A poller served by a platform thread ({@code master} null), or by a virtual thread that polls without
     * waiting and, when nothing is ready, parks on {@code master} until its own epoll descriptor is readable.
     */
    private VtPoller(int events, String name, VtPoller master) throws IOException {
        this.events = events;
        this.epfd = Epoll.create();
        Thread t = master == null ? Thread.ofPlatform().daemon().name(name).unstarted(this::loop)
            : Thread.ofVirtual().name(name).unstarted(() -> subLoop(master));
        t.setUncaughtExceptionHandler((th, e) -> e.printStackTrace());
        t.start();
    }

    /**
     * The two pollers. By default (property {@code socket2j.pollerMode=virtual}) they are virtual threads, as the
     * JDK's own pollers are on Linux: a ready descriptor is then handled on a carrier thread between other virtual
     * threads, with no wake-up of a platform thread per event; one platform "master" thread waits for the two
     * epoll descriptors only while both pollers found nothing. {@code socket2j.pollerMode=platform} serves each
     * poller by a platform thread blocked in {@code epoll_wait(2)}.
     */
    private static final class Pollers {
        static final VtPoller READ, WRITE;
        static {
            try {
                boolean platform = "platform".equals(System.getProperty("socket2j.pollerMode"));
                VtPoller master = platform ? null : new VtPoller(C.EPOLLIN, "socket2j-master-poller", null);
                READ = new VtPoller(C.EPOLLIN, "socket2j-read-poller", master);
                WRITE = new VtPoller(C.EPOLLOUT, "socket2j-write-poller", master);
            } catch (IOException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    private static volatile boolean started;

    /** The poller for {@code POLLIN} (reads, accept) or {@code POLLOUT} (writes, connect). */
    public static VtPoller of(short pollEvent) {
        started = true;
        return (pollEvent & C.POLLOUT) != 0 ? Pollers.WRITE : Pollers.READ;
    }

    /**
     * Registers the current thread as waiting for {@code fd}; call {@link #deregister} when done, whatever
     * happened. {@code cs} and {@code ev} (one {@code epoll_event}) are the caller's scratch.
     *
     * @throws IOException the errno of {@code epoll_ctl(2)} (e.g. {@code EPERM} for a regular file)
     */
    public void register(int fd, MemorySegment cs, MemorySegment ev) throws IOException {
        Thread me = Thread.currentThread();
        try {
            waiters.compute(fd, (k, v) -> {
                if (v == null) {
                    arm(fd, cs, ev);
                    return me;
                }
                if (v instanceof Thread t) return new Thread[] {t, me};
                Thread[] old = (Thread[]) v;
                Thread[] more = Arrays.copyOf(old, old.length + 1);
                more[old.length] = me;
                return more;
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private void arm(int fd, MemorySegment cs, MemorySegment ev) {
        int rc = Epoll.ctl(cs, epfd, C.EPOLL_CTL_MOD, fd, events | EPOLLONESHOT, fd, ev);
        if (rc == -Errno.ENOENT) rc = Epoll.ctl(cs, epfd, C.EPOLL_CTL_ADD, fd, events | EPOLLONESHOT, fd, ev);
        if (rc < 0) throw new UncheckedIOException(Errors.of("epoll_ctl(2)", Errors.Kind.OTHER, -rc));
    }

    /** Removes the current thread's registration for {@code fd}, if the poller has not already taken it. */
    public void deregister(int fd, MemorySegment cs) {
        Thread me = Thread.currentThread();
        waiters.computeIfPresent(fd, (k, v) -> {
            if (v == me) {
                int ignored = Epoll.ctl(cs, epfd, C.EPOLL_CTL_DEL, fd, 0, 0, MemorySegment.NULL);
                return null;
            }
            if (!(v instanceof Thread[] all)) return v;
            int i = Arrays.asList(all).indexOf(me);
            if (i < 0) return v;
            if (all.length == 2) return all[1 - i];
            Thread[] fewer = new Thread[all.length - 1];
            System.arraycopy(all, 0, fewer, 0, i);
            System.arraycopy(all, i + 1, fewer, i, all.length - i - 1);
            return fewer;
        });
    }

    /** Unparks every thread waiting on {@code fd} in this poller. */
    private void wake(int fd) {
        Object v = waiters.remove(fd);
        if (v instanceof Thread t) {
            LockSupport.unpark(t);
        } else if (v instanceof Thread[] all) {
            for (Thread t : all) LockSupport.unpark(t);
        }
    }

    /**
     * Unparks every virtual thread waiting on {@code fd} for reading or writing (a socket's {@code close}).
     * The waiters then see the socket closed and leave; does nothing if no thread ever waited.
     */
    public static void wakeAll(int fd) {
        if (!started) return;
        Pollers.READ.wake(fd);
        Pollers.WRITE.wake(fd);
    }

    /** Threads waiting in this poller now (for tests). */
    public int waiting() {
        int n = 0;
        for (Object v : waiters.values()) n += v instanceof Thread[] a ? a.length : 1;
        return n;
    }

    private void loop() {
        MemorySegment evs = Arena.global().allocate(Layouts.EPOLL_EVENT_SIZE * MAX_EVENTS, 8);
        MemorySegment cs = Arena.global().allocate(Libc.CAPTURE_LAYOUT);
        for (;;) poll(evs, cs, -1);
    }

    /** The virtual poller: poll without waiting, yield while there was work, park on the master when idle. */
    private void subLoop(VtPoller master) {
        MemorySegment evs = Arena.global().allocate(Layouts.EPOLL_EVENT_SIZE * MAX_EVENTS, 8);
        MemorySegment cs = Arena.global().allocate(Libc.CAPTURE_LAYOUT);
        MemorySegment ev = Arena.global().allocate(16, 8);
        int polled = 0;
        for (;;) {
            try {
                if (polled == 0) {
                    master.register(epfd, cs, ev);
                    try {
                        LockSupport.park();
                    } finally {
                        master.deregister(epfd, cs);
                    }
                } else {
                    Thread.yield();
                }
                polled = poll(evs, cs, 0);
            } catch (IOException | RuntimeException e) {
                e.printStackTrace();  // keep serving: the waiters of this poller depend on it
                polled = 0;
            }
        }
    }

    /** One epoll_wait(2); wakes the waiters of every ready descriptor; returns how many were ready. */
    private int poll(MemorySegment evs, MemorySegment cs, int timeoutMs) {
        int n = Epoll.waitRaw(cs, epfd, evs, MAX_EVENTS, timeoutMs);
        if (n < 0) {
            int errno = Libc.errno(cs);
            if (errno == Errno.EINTR) return 0;
            throw new IllegalStateException(Errors.message("epoll_wait(2)", errno));
        }
        for (int i = 0; i < n; i++) {
            wake((int) evs.get(Epoll.EPOLL_DATA, i * Layouts.EPOLL_EVENT_SIZE + Layouts.EPOLL_DATA));
        }
        return n;
    }

    // ---------------------------------------------------------------- calls the parking paths need

    private static final class Sendfile {
        // not critical: reading the file may wait for the disk even when the socket is non-blocking
        static final MethodHandle MH = Libc.bind("sendfile", Libc.ERRNO,
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));
    }

    /** {@code sendfile(2)}: the raw result, errno in {@code cs} on -1. */
    public static long sendfileRaw(MemorySegment cs, int outFd, int inFd, MemorySegment offsetPtr, long count) {
        try { return (long) Sendfile.MH.invokeExact(cs, outFd, inFd, offsetPtr, count); }
        catch (Throwable t) { throw Libc.unexpected(t); }
    }
}
