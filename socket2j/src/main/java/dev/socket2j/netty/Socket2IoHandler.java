package dev.socket2j.netty;

import dev.socket2j.OsError;
import dev.socket2j.internal.C;
import dev.socket2j.internal.Epoll;
import dev.socket2j.internal.Errno;
import dev.socket2j.internal.Layouts;
import dev.socket2j.internal.Libc;
import dev.socket2j.internal.Scratch;
import dev.socket2j.internal.Sys;
import io.netty.channel.ChannelException;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.concurrent.ThreadAwareExecutor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A Netty {@link IoHandler} on Linux epoll(7), called through the FFM API: no JNI library.
 * Use it as {@code new MultiThreadIoEventLoopGroup(n, Socket2IoHandler.newFactory())} with
 * {@link Socket2SocketChannel} and {@link Socket2ServerSocketChannel}.
 *
 * <p>Each loop owns an epoll instance, an {@code eventfd} that other threads write to wake it, and (on kernels
 * before 5.11, which lack {@code epoll_pwait2}) a {@code timerfd} so that scheduled tasks fire with sub-millisecond
 * precision. Registrations are keyed by a 64-bit id carried in {@code epoll_event.data}, never by descriptor
 * number, so an event for a descriptor closed and reused in the same wakeup cannot reach the wrong channel.
 *
 * <p>A loop never dies of what a handler or the JDK throws while it processes events ({@code Error}s included,
 * e.g. a logger that cannot open a file at the descriptor limit): it logs the first, then at most one every
 * {@value #REPORT_INTERVAL_SECONDS} s with the number left unlogged, and goes on. Only an epoll instance that the
 * kernel no longer accepts ({@code EBADF}, {@code EINVAL} or {@code EFAULT} from {@code epoll_wait}) ends it.
 */
public final class Socket2IoHandler implements IoHandler {
    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(Socket2IoHandler.class);
    private static final int DEFAULT_MAX_EVENTS = 1024;
    private static final long WAKEUP_ID = 0, TIMER_ID = 1;
    private static final long AWAKE = -1L, NONE = Long.MAX_VALUE;
    private static final boolean PWAIT2 = Epoll.hasPwait2();
    static final int REPORT_INTERVAL_SECONDS = 10;
    private static final long REPORT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(REPORT_INTERVAL_SECONDS);
    private static final VarHandle CANCELLED;
    static {
        try {
            CANCELLED = MethodHandles.lookup().findVarHandle(Registration.class, "cancelled", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ThreadAwareExecutor executor;
    /** epoll_pwait2 for timers; else a timerfd. */
    private final boolean pwait2;
    final LoopScratch scratch;
    private final int epfd;
    private final int eventFd;
    private final int timerFd;
    private final LongObjectHashMap<Registration> registrations = new LongObjectHashMap<>();
    private long nextId = 2;
    /** The deadline the loop sleeps until, or {@link #AWAKE}: a wakeup writes the eventfd only if asleep. */
    private final AtomicLong nextWakeupNanos = new AtomicLong(AWAKE);
    private long armedDeadline = NONE;
    private boolean destroyed;
    /** Rate limit of {@link #reportUnexpected}: when it last logged, and how many it dropped since. */
    private long lastReportNanos;
    private boolean reportedOnce;
    private int unreported;

    private Socket2IoHandler(ThreadAwareExecutor executor, int maxEvents, boolean pwait2) {
        this.executor = executor;
        this.pwait2 = pwait2;
        int ep = -1, ev = -1, tf = -1;
        LoopScratch s = new LoopScratch(maxEvents);
        try {
            ep = Epoll.create();
            ev = Epoll.eventfd();
            check("epoll_ctl(2)", Epoll.ctl(s.capture, ep, C.EPOLL_CTL_ADD, ev, C.EPOLLIN, WAKEUP_ID, s.ctlEvent));
            if (!pwait2) {
                tf = Epoll.timerfd();
                check("epoll_ctl(2)", Epoll.ctl(s.capture, ep, C.EPOLL_CTL_ADD, tf, C.EPOLLIN, TIMER_ID, s.ctlEvent));
            }
        } catch (IOException | RuntimeException e) {
            for (int fd : new int[] { ep, ev, tf }) if (fd >= 0) Sys.closeQuietly(fd);
            s.free();
            throw new ChannelException("cannot create the epoll event loop", e);
        }
        this.scratch = s;
        this.epfd = ep;
        this.eventFd = ev;
        this.timerFd = tf;
        Warmup.once();
    }

    private static void check(String call, int rc) throws IOException {
        if (rc < 0) throw OsError.of(call, -rc);
    }

    /** A factory for loops that take up to 1024 events per wait. */
    public static IoHandlerFactory newFactory() { return newFactory(DEFAULT_MAX_EVENTS); }

    /**
     * A factory for loops that take up to {@code maxEvents} events per {@code epoll_wait}.
     *
     * @throws IllegalArgumentException if {@code maxEvents} is not positive
     */
    public static IoHandlerFactory newFactory(int maxEvents) {
        if (maxEvents <= 0) throw new IllegalArgumentException("maxEvents must be positive: " + maxEvents);
        return new Factory(maxEvents, PWAIT2);
    }

    /** For tests: a factory whose loops use a timerfd even where epoll_pwait2 exists. */
    static IoHandlerFactory newTimerfdFactory(int maxEvents) {
        return new Factory(maxEvents, false);
    }

    /** A named factory class rather than a lambda: one class less generated while a server starts. */
    private static final class Factory implements IoHandlerFactory {
        private final int maxEvents;
        private final boolean pwait2;

        Factory(int maxEvents, boolean pwait2) {
            this.maxEvents = maxEvents;
            this.pwait2 = pwait2;
        }

        @Override public IoHandler newHandler(ThreadAwareExecutor executor) {
            return new Socket2IoHandler(executor, maxEvents, pwait2);
        }
    }

    /** Whether timers use {@code epoll_pwait2(2)} (Linux 5.11+, glibc 2.35+) rather than a {@code timerfd}. */
    public static boolean usesEpollPwait2() { return PWAIT2; }

    @Override
    public int run(IoHandlerContext context) {
        int n;
        try {
            n = waitForEvents(context);
        } catch (Throwable t) {
            reportUnexpected(t);
            return 0;
        }
        if (n < 0) {
            int errno = Libc.errno(scratch.capture);
            // the epoll instance itself is gone or broken: every further wait would fail at once, so end the loop
            if (errno == Errno.EBADF || errno == Errno.EINVAL || errno == Errno.EFAULT) {
                throw new ChannelException("the event loop's epoll instance is unusable",
                    OsError.of("epoll_wait(2)", errno));
            }
            if (errno != Errno.EINTR) reportUnexpected(errno);
            return 0;
        }
        try {
            if (!context.shouldReportActiveIoTime()) return processReady(n);
            // auto-scaling groups judge a loop by its busy time: report the handling, not the sleep in epoll_wait
            long start = System.nanoTime();
            int handled = processReady(n);
            context.reportActiveIoTime(System.nanoTime() - start);
            return handled;
        } catch (Throwable t) {
            reportUnexpected(t);
            return 0;
        }
    }

    private int waitForEvents(IoHandlerContext context) {
        if (!context.canBlock()) return Epoll.waitRaw(scratch.capture, epfd, scratch.events, scratch.maxEvents, 0);
        long deadline = context.deadlineNanos();
        if (deadline == -1L) deadline = NONE;
        nextWakeupNanos.set(deadline);
        try {
            // asked again after publishing the deadline: a task added in between has seen AWAKE and written
            // no eventfd, so it must not wait
            return context.canBlock() ? waitUntil(deadline, context)
                : Epoll.waitRaw(scratch.capture, epfd, scratch.events, scratch.maxEvents, 0);
        } finally {
            nextWakeupNanos.lazySet(AWAKE);
        }
    }

    /**
     * Logs what a handle or the JDK threw while this loop handled events, and goes on: the first at once, then at
     * most one per {@link #REPORT_INTERVAL_SECONDS} seconds. Logging may fail too (a logger that loads time-zone
     * data at the descriptor limit throws an {@code Error}): that is dropped, the loop matters more.
     */
    private void reportUnexpected(int epollWaitErrno) {
        try {
            reportUnexpected(OsError.of("epoll_wait(2)", epollWaitErrno));
        } catch (Throwable t) {
            reportUnexpected(t);
        }
    }

    private void reportUnexpected(Throwable t) {
        long now = System.nanoTime();
        if (reportedOnce && now - lastReportNanos < REPORT_INTERVAL_NANOS) {
            unreported++;
            return;
        }
        int dropped = unreported;
        reportedOnce = true;
        lastReportNanos = now;
        unreported = 0;
        try {
            if (dropped == 0) {
                LOG.warn("unexpected exception in the event loop, which goes on", t);
            } else {
                LOG.warn("unexpected exception in the event loop, which goes on ({} more since the last report)",
                    dropped, t);
            }
        } catch (Throwable logFailure) {
            // nothing left to tell it with
        }
    }

    private int waitUntil(long deadline, IoHandlerContext context) {
        MemorySegment cs = scratch.capture;
        if (pwait2) {
            if (deadline == NONE) return Epoll.pwait2Raw(cs, epfd, scratch.events, scratch.maxEvents, MemorySegment.NULL);
            long delay = Math.max(0, context.delayNanos(System.nanoTime()));
            scratch.timespec.set(JAVA_LONG, 0, delay / 1_000_000_000L);
            scratch.timespec.set(JAVA_LONG, 8, delay % 1_000_000_000L);
            return Epoll.pwait2Raw(cs, epfd, scratch.events, scratch.maxEvents, scratch.timespec);
        }
        if (deadline != NONE && deadline != armedDeadline) {
            long delay = Math.max(1, context.delayNanos(System.nanoTime()));
            armTimer(delay);
            armedDeadline = deadline;
        }
        return Epoll.waitRaw(cs, epfd, scratch.events, scratch.maxEvents, -1);
    }

    private void armTimer(long delayNanos) {
        MemorySegment spec = scratch.itimerspec;
        spec.set(JAVA_LONG, 0, 0);
        spec.set(JAVA_LONG, 8, 0);
        spec.set(JAVA_LONG, 16, delayNanos / 1_000_000_000L);
        spec.set(JAVA_LONG, 24, delayNanos % 1_000_000_000L);
        int rc = Epoll.timerfdSettime(scratch.capture, timerFd, 0, spec);
        if (rc < 0) LOG.warn("timerfd_settime failed", OsError.of("timerfd_settime(2)", -rc));
    }

    private int processReady(int n) {
        MemorySegment events = scratch.events;
        int handled = 0;
        for (int i = 0; i < n; i++) {
            long base = i * Layouts.EPOLL_EVENT_SIZE;
            int ev = events.get(JAVA_INT, base + Layouts.EPOLL_EVENTS);
            long id = events.get(Epoll.EPOLL_DATA, base + Layouts.EPOLL_DATA);
            if (id == WAKEUP_ID) {
                drain(eventFd);
            } else if (id == TIMER_ID) {
                drain(timerFd);
                armedDeadline = NONE;
            } else {
                Registration reg = registrations.get(id);
                if (reg == null || reg.cancelled) continue;  // cancelled earlier in this batch
                reg.event.events = ev;
                try {
                    reg.handle.handle(reg, reg.event);
                } catch (Throwable t) {
                    reportUnexpected(t);
                }
                handled++;
            }
        }
        return handled;
    }

    private void drain(int fd) {
        long ignored = Sys.readAddrNb(scratch.capture, fd, scratch.word.address(), 8);
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        if (!(handle instanceof Socket2IoHandle h)) throw new IllegalArgumentException("incompatible handle: " + handle);
        if (destroyed || LoopShutdown.refusesRegistration(executor)) {
            throw new IllegalStateException("event loop shutting down: registration refused");
        }
        Registration reg = new Registration(nextId++, h);
        registrations.put(reg.id, reg);
        h.registered();
        return reg;
    }

    @Override
    public void wakeup() {
        if (!executor.isExecutorThread(Thread.currentThread()) && nextWakeupNanos.getAndSet(AWAKE) != AWAKE) {
            // eventfd counter write; a full counter (EAGAIN) still leaves it readable, which is all we need
            var s = Scratch.get();
            s.offset.set(JAVA_LONG, 0, 1L);
            long ignored = Sys.writeAddrNb(s.capture, eventFd, s.offset.address(), 8);
        }
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return Socket2IoHandle.class.isAssignableFrom(handleType);
    }

    @Override
    public void initialize() {
        LoopShutdown.closeChannelsAtShutdown(executor, this);
    }

    @Override
    public void prepareToDestroy() {
        for (Registration reg : new ArrayList<>(registrations.values())) {
            try {
                reg.handle.close();
            } catch (Exception e) {
                LOG.debug("failed to close a handle on shutdown", e);
            }
        }
    }

    @Override
    public void destroy() {
        if (destroyed) return;
        destroyed = true;
        prepareToDestroy();
        registrations.clear();
        Sys.closeQuietly(eventFd);
        if (timerFd >= 0) Sys.closeQuietly(timerFd);
        Sys.closeQuietly(epfd);
        scratch.free();
    }

    /** For tests: the epoll descriptor, whose {@code /proc/self/fdinfo} entry lists what is in the set. */
    int epollFd() { return epfd; }

    /** The per-loop scratch memory, for handles running on this loop's thread. */
    static LoopScratch scratchOf(IoRegistration registration) {
        Socket2IoHandler h = registration.attachment();  // the loop may hand out a wrapper: ask, do not cast
        return h.scratch;
    }

    final class Registration implements IoRegistration {
        final long id;
        final Socket2IoHandle handle;
        final Socket2IoEvent event = new Socket2IoEvent();
        private int added = -1;  // events currently in the epoll set, or -1 if not added (loop thread only)
        /** Set once, by the {@link #cancel()} that wins the compare-and-set; read by the loop on every event. */
        volatile boolean cancelled;

        Registration(long id, Socket2IoHandle handle) {
            this.id = id;
            this.handle = handle;
        }

        Socket2IoHandler owner() { return Socket2IoHandler.this; }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T attachment() { return (T) Socket2IoHandler.this; }

        @Override
        public long submit(IoOps ops) {
            int events = ((Socket2IoOps) ops).value();
            if (cancelled) return -1;
            if (!executor.isExecutorThread(Thread.currentThread())) {
                executor.execute(() -> submit(ops));
                return events;
            }
            if (events == added || events == 0 && added < 0) return events;
            // No interest: leave the set, else level-triggered EPOLLHUP (reported whatever the mask) would spin
            // for an unconnected or fully shut down socket.
            int op = events == 0 ? C.EPOLL_CTL_DEL : added < 0 ? C.EPOLL_CTL_ADD : C.EPOLL_CTL_MOD;
            int fd = handle.fd();
            int rc = Epoll.ctl(scratch.capture, epfd, op, fd, events, id, scratch.ctlEvent);
            if (cancelled) {
                // A cancel on another thread landed during this call: its EPOLL_CTL_DEL may have come before our
                // ADD, which would leave the descriptor in the set under a dead id and spin the loop. Take it out
                // again. The number cannot belong to another registration of this loop yet: ADD and MOD run only
                // on this thread.
                if (rc == 0 && op != C.EPOLL_CTL_DEL) {
                    int ignored = Epoll.ctl(scratch.capture, epfd, C.EPOLL_CTL_DEL, fd, 0, id, MemorySegment.NULL);
                }
                added = -1;
                return -1;
            }
            if (rc < 0) throw new ChannelException(OsError.of("epoll_ctl(2)", -rc));
            added = events == 0 ? -1 : events;
            return events;
        }

        @Override
        public boolean isValid() { return !cancelled; }

        @Override
        public boolean cancel() {
            // one winner: a second cancel must not EPOLL_CTL_DEL a number that the first one's caller has closed
            if (!CANCELLED.compareAndSet(this, false, true)) return false;
            // Leave the epoll set now, from any thread, so that a caller that closes the descriptor next can
            // never let a reused number lose its own registration. ENOENT/EBADF: nothing was there.
            int ignored = Epoll.ctl(Scratch.get().capture, epfd, C.EPOLL_CTL_DEL,
                handle.fd(), 0, id, MemorySegment.NULL);
            if (executor.isExecutorThread(Thread.currentThread())) {
                remove();
            } else {
                executor.execute(this::remove);
            }
            return true;
        }

        private void remove() {
            added = -1;
            if (registrations.remove(id) != null) handle.unregistered();
        }
    }
}
