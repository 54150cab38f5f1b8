package dev.socket2j.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Cleaner;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;


/**
 * Per-thread native memory for the core API: the errno capture, a getsockopt/setsockopt payload, one socket
 * address, one msghdr, one pollfd and one epoll_event (together under 1 KiB, made with the thread's first call),
 * plus three buffers sized on demand: the iovec array, the bounce buffer for heap data on calls that may block,
 * and the sendmsg control buffer. A method that uses a field must not call another method that uses the same
 * field while it holds it.
 *
 * <p>What a thread keeps is capped, in the spirit of the JDK's {@code IOVecWrapper} and temporary buffer
 * cache: up to {@link #KEEP_PLATFORM} bytes of on-demand buffers on a platform thread, {@link #KEEP_VIRTUAL} on a
 * virtual thread (there may be millions of those). A call that needs more gets a temporary buffer from
 * {@code malloc}, which the core frees with {@link #trim()} when the call ends; so a large transfer costs an
 * allocation, and a thread's idle footprint stays small. The kept part lives in an automatic arena, freed when
 * the thread's {@code Scratch} is collected; a temporary that a call could not trim (a thread that died inside
 * one) is freed by a cleaner then too.
 */
public final class Scratch {
    private static final ThreadLocal<Scratch> LOCAL = new ThreadLocal<>() {
        @Override protected Scratch initialValue() { return new Scratch(); }  // not withInitial: no class generated at start
    };
    private static final Cleaner CLEANER = Cleaner.create();

    public static Scratch get() { return LOCAL.get(); }

    /** The largest heap transfer bounced through native memory in one call (partial transfers are normal). */
    public static final int MAX_BOUNCE = 1 << 20;
    /** On-demand buffer bytes (bounce + iovec + control) a platform thread keeps between calls. */
    public static final int KEEP_PLATFORM = 64 << 10;
    /** On-demand buffer bytes (bounce + iovec + control) a virtual thread keeps between calls. */
    public static final int KEEP_VIRTUAL = 2 << 10;

    private final Arena arena = Arena.ofAuto();
    public final MemorySegment capture = arena.allocate(Libc.CAPTURE_LAYOUT);
    public final MemorySegment optval = arena.allocate(512, 8);
    public final MemorySegment len = arena.allocate(8, 8);
    public final MemorySegment addr = arena.allocate(Layouts.SOCKADDR_STORAGE_SIZE, 8);
    public final MemorySegment msghdr = arena.allocate(Layouts.MSGHDR);
    public final MemorySegment pollfd = arena.allocate(Layouts.POLLFD);
    public final MemorySegment offset = arena.allocate(8, 8);
    /** One {@code epoll_event}, for registering with {@link VtPoller}. */
    public final MemorySegment event = arena.allocate(16, 8);
    private static final long FIXED = Libc.CAPTURE_LAYOUT.byteSize() + 512 + 8 + Layouts.SOCKADDR_STORAGE_SIZE
        + Layouts.MSGHDR.byteSize() + Layouts.POLLFD.byteSize() + 8 + 16;

    private static final int IOV = 0, BOUNCE = 1, CONTROL = 2;
    /** The iovec array the last {@link #iov(int)} returned (what {@code msghdr.msg_iov} points to). */
    public MemorySegment iov = MemorySegment.NULL;
    private MemorySegment bounce = MemorySegment.NULL;
    private MemorySegment control = MemorySegment.NULL;
    /** What the thread keeps of each on-demand buffer; the fields above may point to a temporary instead. */
    private final MemorySegment[] kept = {MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL};
    private final long keep = Thread.currentThread().isVirtual() ? KEEP_VIRTUAL : KEEP_PLATFORM;
    private final Owned owned = new Owned();

    private Scratch() {
        CLEANER.register(this, owned);
    }

    /**
     * The malloc'ed memory of one thread's scratch: the kept buffers and the temporaries of the current call.
     * Holds no reference to the {@code Scratch}, so the cleaner can free it all once the thread is gone.
     */
    private static final class Owned implements Runnable {
        final long[] kept = new long[3];
        long[] temps = new long[4];
        int ntemps;

        MemorySegment temp(long size) {
            MemorySegment m = Malloc.malloc(size);
            if (ntemps == temps.length) temps = Arrays.copyOf(temps, ntemps * 2);
            temps[ntemps++] = m.address();
            return m;
        }

        /** A new kept buffer of {@code kind}; the old one becomes a temporary (the call may still use it). */
        MemorySegment replaceKept(int kind, long size) {
            MemorySegment m = Malloc.malloc(size);
            if (kept[kind] != 0) {
                if (ntemps == temps.length) temps = Arrays.copyOf(temps, ntemps * 2);
                temps[ntemps++] = kept[kind];
            }
            kept[kind] = m.address();
            return m;
        }

        void freeTemps() {
            for (int i = 0; i < ntemps; i++) Malloc.free(temps[i]);
            ntemps = 0;
        }

        @Override public void run() {
            freeTemps();
            for (int i = 0; i < kept.length; i++) {
                if (kept[i] != 0) Malloc.free(kept[i]);
                kept[i] = 0;
            }
        }
    }

    /**
     * Frees the temporaries of the call that just ended and points the buffers back at what the thread keeps.
     * Called by the core at the end of every call that may have used {@link #iov}, {@link #bounce} or
     * {@link #control}; cheap when nothing was taken.
     */
    public void trim() {
        if (owned.ntemps == 0) return;
        owned.freeTemps();
        iov = kept[IOV];
        bounce = kept[BOUNCE];
        control = kept[CONTROL];
    }

    /** Bytes of native memory this thread holds now: the fixed part, the kept buffers and any temporary. */
    public long nativeBytes() {
        long b = FIXED + keptBytes();
        if (iov != kept[IOV]) b += iov.byteSize();
        if (bounce != kept[BOUNCE]) b += bounce.byteSize();
        if (control != kept[CONTROL]) b += control.byteSize();
        return b;
    }

    /** Buffers of all threads' scratch that are malloc'ed and not yet freed (a leak check for tests). */
    public static long liveBuffers() { return Malloc.LIVE.get(); }

    /** The cap on what {@link #nativeBytes()} stays under between calls on this thread. */
    public long keepLimit() { return FIXED + keep; }

    private long keptBytes() { return kept[IOV].byteSize() + kept[BOUNCE].byteSize() + kept[CONTROL].byteSize(); }

    /**
     * A buffer of {@code kind} with at least {@code size} bytes, rounded up to a power of two (at least
     * {@code min}, at most {@code max}): a new kept one if the thread's cap allows, else a temporary.
     */
    private MemorySegment take(int kind, long size, long min, long max) {
        long cap = Math.min(max, Math.max(min, Long.highestOneBit(Math.max(1, size - 1)) << 1));
        if (keptBytes() - kept[kind].byteSize() + cap <= keep) return kept[kind] = owned.replaceKept(kind, cap);
        return owned.temp(cap);
    }

    /** An iovec array with room for {@code count} entries (also left in {@link #iov}). */
    public MemorySegment iov(int count) {
        long size = count * Layouts.IOVEC_SIZE;
        if (iov.byteSize() >= size) return iov;
        return iov = take(IOV, size, 8 * Layouts.IOVEC_SIZE, Long.MAX_VALUE);
    }

    /**
     * A control buffer of at least {@code size} bytes for one {@code sendmsg} (see {@link MsgIo#control}),
     * kept within the thread's cap, else a temporary for this call.
     */
    public MemorySegment control(long size) {
        if (control.byteSize() >= size) return control;
        return control = take(CONTROL, size, 256, Long.MAX_VALUE);
    }

    /** Room for an option value of {@code size} bytes: {@link #optval}, or the bounce buffer for a larger one. */
    public MemorySegment optval(int size) {
        return size <= optval.byteSize() ? optval : bounce(size);
    }

    /**
     * A native buffer of at least {@code min(size, MAX_BOUNCE)} bytes; {@code bounce(0)} returns the one the
     * current call already took. Kept for the thread within its cap, else a temporary for this call.
     */
    public MemorySegment bounce(long size) {
        long want = Math.min(size, MAX_BOUNCE);
        if (bounce.byteSize() >= want) return bounce;
        return bounce = take(BOUNCE, want, 512, MAX_BOUNCE);
    }

    /** {@code malloc(3)}/{@code free(3)}: temporaries that need no zeroing and are freed at once. */
    private static final class Malloc {
        static final MethodHandle MALLOC = Libc.bindWords("malloc", Libc.PLAIN, 1);
        static final MethodHandle FREE = Libc.bindWords("free", Libc.PLAIN, 1);  // void: the result word is ignored

        static final AtomicLong LIVE = new AtomicLong();

        static MemorySegment malloc(long size) {
            long m;
            try { m = (long) MALLOC.invokeExact(size, 0L, 0L, 0L, 0L, 0L); } catch (Throwable t) { throw Libc.unexpected(t); }
            if (m == 0) throw new OutOfMemoryError("malloc(" + size + ") failed");
            LIVE.incrementAndGet();
            return MemorySegment.ofAddress(m).reinterpret(size);
        }

        static void free(long address) {
            LIVE.decrementAndGet();
            try { long ignored = (long) FREE.invokeExact(address, 0L, 0L, 0L, 0L, 0L); } catch (Throwable t) { throw Libc.unexpected(t); }
        }
    }
}
