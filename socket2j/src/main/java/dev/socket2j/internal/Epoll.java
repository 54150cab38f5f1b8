package dev.socket2j.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Reference;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * epoll(7), eventfd(2) and timerfd_create(2), for the Netty event loop. {@code epoll_wait}/{@code epoll_pwait2}
 * block, so they are ordinary downcalls; {@code epoll_ctl}, eventfd and timerfd writes never block and are critical.
 */
public final class Epoll {
    private Epoll() {}

    // Linked on first use, one holder per function.
    private static final class Create1 {
        static final MethodHandle MH = Libc.bindWords("epoll_create1", Libc.ERRNO, 1);
    }
    private static final class Ctl {
        static final MethodHandle MH = Libc.bindWords("epoll_ctl", Libc.ERRNO_CRITICAL, 4);
    }
    private static final class Wait {
        static final MethodHandle MH = Libc.bindWords("epoll_wait", Libc.ERRNO, 4);
    }
    /** glibc 2.35+; the kernel needs 5.11+, checked by {@link #hasPwait2}. */
    private static final class Pwait2 {
        // a handle, not an Optional: the JIT folds a static final handle into the call, not one read out of an object
        static final MethodHandle MH = Libc.bindOptionalWords("epoll_pwait2", Libc.ERRNO, 5).orElse(null);
    }
    private static final class Eventfd {
        static final MethodHandle MH = Libc.bindWords("eventfd", Libc.ERRNO, 2);
    }
    private static final class TimerfdCreate {
        static final MethodHandle MH = Libc.bindWords("timerfd_create", Libc.ERRNO, 2);
    }
    private static final class TimerfdSettime {
        static final MethodHandle MH = Libc.bindWords("timerfd_settime", Libc.ERRNO_CRITICAL, 4);
    }

    /** epoll_event.data: 4-byte aligned in the packed x86_64 struct. One instance: a layout made per call costs a lookup. */
    public static final ValueLayout.OfLong EPOLL_DATA = JAVA_LONG.withByteAlignment(4);

    /** {@code struct itimerspec}: interval then value, two timespecs. */
    public static final long ITIMERSPEC_SIZE = 32;
    public static final int TFD_TIMER_ABSTIME = 1;

    public static int create() throws IOException {
        MemorySegment cs = Scratch.get().capture;
        try { return Errors.check("epoll_create1(2)", (int) (long) Create1.MH.invokeExact(cs, (long) C.EPOLL_CLOEXEC, 0L, 0L, 0L, 0L, 0L), cs); }
        catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** epoll_ctl(2) with {@code event} as scratch (one epoll_event; NULL for DEL): 0 or -errno. */
    public static int ctl(MemorySegment cs, int epfd, int op, int fd, int events, long data, MemorySegment event) {
        if (op != C.EPOLL_CTL_DEL) {
            event.set(JAVA_INT, Layouts.EPOLL_EVENTS, events);
            event.set(EPOLL_DATA, Layouts.EPOLL_DATA, data);
        }
        try {
            return Libc.result((int) (long) Ctl.MH.invokeExact(cs, (long) epfd, (long) op, (long) fd, event.address(), 0L, 0L), cs);
        } catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(event); }
    }

    /** epoll_wait(2): the number of events, or -errno ({@code -EINTR} when a signal interrupts the wait). */
    public static int waitRaw(MemorySegment cs, int epfd, MemorySegment events, int max, int timeoutMs) {
        try { return Libc.result((int) (long) Wait.MH.invokeExact(cs, (long) epfd, events.address(), (long) max, (long) timeoutMs, 0L, 0L), cs); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(events); }
    }

    /** epoll_pwait2(2) with a timespec timeout ({@code NULL} blocks); only if {@link #hasPwait2}. */
    public static int pwait2Raw(MemorySegment cs, int epfd, MemorySegment events, int max, MemorySegment timeout) {
        try {
            if (Pwait2.MH == null) throw new UnsupportedOperationException("this libc has no epoll_pwait2");
            return Libc.result((int) (long) Pwait2.MH.invokeExact(cs, (long) epfd, events.address(), (long) max,
                timeout.address(), 0L, 0L), cs);
        }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(events); Reference.reachabilityFence(timeout); }
    }

    /** Whether glibc exports epoll_pwait2 and the kernel implements it (ENOSYS before 5.11, or under seccomp). */
    public static boolean hasPwait2() { return Pwait2Probe.AVAILABLE; }

    private static final class Pwait2Probe {
        static final boolean AVAILABLE = probe();

        private static boolean probe() {
            if (Pwait2.MH == null || Boolean.getBoolean("socket2j.noEpollPwait2")) return false;
            int ep = -1;
            try (var arena = Arena.ofConfined()) {
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
        try { return Errors.check("eventfd(2)", (int) (long) Eventfd.MH.invokeExact(cs, 0L, (long) (C.EFD_CLOEXEC | C.EFD_NONBLOCK), 0L, 0L, 0L, 0L), cs); }
        catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static int timerfd() throws IOException {
        MemorySegment cs = Scratch.get().capture;
        try {
            return Errors.check("timerfd_create(2)",
                (int) (long) TimerfdCreate.MH.invokeExact(cs, (long) C.CLOCK_MONOTONIC, (long) (C.TFD_CLOEXEC | C.TFD_NONBLOCK), 0L, 0L, 0L, 0L), cs);
        } catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** timerfd_settime(2) with {@code spec} (an itimerspec already filled): 0 or -errno. */
    public static int timerfdSettime(MemorySegment cs, int fd, int flags, MemorySegment spec) {
        try {
            return Libc.result((int) (long) TimerfdSettime.MH.invokeExact(cs, (long) fd, (long) flags, spec.address(), 0L, 0L, 0L), cs);
        } catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(spec); }
    }
}
