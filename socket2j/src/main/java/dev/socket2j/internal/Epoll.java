package dev.socket2j.internal;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * epoll(7), eventfd(2) and timerfd_create(2), for the Netty event loop. {@code epoll_wait}/{@code epoll_pwait2}
 * block, so they are ordinary downcalls; {@code epoll_ctl}, eventfd and timerfd writes never block and are critical.
 */
public final class Epoll {
    private Epoll() {}

    private static final MethodHandle EPOLL_CREATE1 = Libc.bind("epoll_create1", Libc.ERRNO,
        FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle EPOLL_CTL = Libc.bind("epoll_ctl", Libc.ERRNO_CRITICAL,
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle EPOLL_WAIT = Libc.bind("epoll_wait", Libc.ERRNO,
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    /** glibc 2.35+; the kernel needs 5.11+, checked by {@link #hasPwait2}. */
    private static final Optional<MethodHandle> EPOLL_PWAIT2 = Libc.bindOptional("epoll_pwait2", Libc.ERRNO,
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle EVENTFD = Libc.bind("eventfd", Libc.ERRNO,
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle TIMERFD_CREATE = Libc.bind("timerfd_create", Libc.ERRNO,
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle TIMERFD_SETTIME = Libc.bind("timerfd_settime", Libc.ERRNO_CRITICAL,
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));

    /** epoll_event.data: 4-byte aligned in the packed x86_64 struct. One instance: a layout made per call costs a lookup. */
    public static final java.lang.foreign.ValueLayout.OfLong EPOLL_DATA = JAVA_LONG.withByteAlignment(4);

    /** {@code struct itimerspec}: interval then value, two timespecs. */
    public static final long ITIMERSPEC_SIZE = 32;
    public static final int TFD_TIMER_ABSTIME = 1;

    public static int create() throws IOException {
        MemorySegment cs = Scratch.get().capture;
        try { return Errors.check("epoll_create1(2)", (int) EPOLL_CREATE1.invokeExact(cs, C.EPOLL_CLOEXEC), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** epoll_ctl(2) with {@code event} as scratch (one epoll_event; NULL for DEL); returns 0 or -errno. */
    public static int ctl(MemorySegment cs, int epfd, int op, int fd, int events, long data, MemorySegment event) {
        if (op != C.EPOLL_CTL_DEL) {
            event.set(JAVA_INT, Layouts.EPOLL_EVENTS, events);
            event.set(EPOLL_DATA, Layouts.EPOLL_DATA, data);
        }
        try {
            int rc = (int) EPOLL_CTL.invokeExact(cs, epfd, op, fd, event);
            return rc < 0 ? -Libc.errno(cs) : rc;
        } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** epoll_wait(2): the raw result (-1 with errno in {@code cs}). */
    public static int waitRaw(MemorySegment cs, int epfd, MemorySegment events, int max, int timeoutMs) {
        try { return (int) EPOLL_WAIT.invokeExact(cs, epfd, events, max, timeoutMs); }
        catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** epoll_pwait2(2) with a timespec timeout ({@code NULL} blocks); only if {@link #hasPwait2}. */
    public static int pwait2Raw(MemorySegment cs, int epfd, MemorySegment events, int max, MemorySegment timeout) {
        try { return (int) EPOLL_PWAIT2.orElseThrow().invokeExact(cs, epfd, events, max, timeout, MemorySegment.NULL); }
        catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** Whether glibc exports epoll_pwait2 and the kernel implements it (ENOSYS before 5.11, or under seccomp). */
    public static boolean hasPwait2() { return Pwait2Probe.AVAILABLE; }

    private static final class Pwait2Probe {
        static final boolean AVAILABLE = probe();

        private static boolean probe() {
            if (EPOLL_PWAIT2.isEmpty() || Boolean.getBoolean("socket2j.noEpollPwait2")) return false;
            int ep = -1;
            try (var arena = java.lang.foreign.Arena.ofConfined()) {
                ep = create();
                MemorySegment ts = arena.allocate(Layouts.TIMESPEC);
                MemorySegment ev = arena.allocate(Layouts.EPOLL_EVENT);
                MemorySegment cs = Scratch.get().capture;
                return pwait2Raw(cs, ep, ev, 1, ts) >= 0;
            } catch (IOException e) {
                return false;
            } finally {
                if (ep >= 0) Sys.closeQuietly(ep);
            }
        }
    }

    public static int eventfd() throws IOException {
        MemorySegment cs = Scratch.get().capture;
        try { return Errors.check("eventfd(2)", (int) EVENTFD.invokeExact(cs, 0, C.EFD_CLOEXEC | C.EFD_NONBLOCK), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static int timerfd() throws IOException {
        MemorySegment cs = Scratch.get().capture;
        try {
            return Errors.check("timerfd_create(2)",
                (int) TIMERFD_CREATE.invokeExact(cs, C.CLOCK_MONOTONIC, C.TFD_CLOEXEC | C.TFD_NONBLOCK), cs);
        } catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** timerfd_settime(2) with {@code spec} (an itimerspec already filled); returns 0 or -errno. */
    public static int timerfdSettime(MemorySegment cs, int fd, int flags, MemorySegment spec) {
        try {
            int rc = (int) TIMERFD_SETTIME.invokeExact(cs, fd, flags, spec, MemorySegment.NULL);
            return rc < 0 ? -Libc.errno(cs) : rc;
        } catch (Throwable t) { throw Libc.unexpected(t); }
    }
}
