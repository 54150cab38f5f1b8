package dev.socket2j.netty;

import dev.socket2j.internal.C;
import dev.socket2j.internal.Epoll;
import dev.socket2j.internal.Layouts;
import dev.socket2j.internal.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Native memory owned by one event loop and used only on its thread: allocated when the loop is made, freed when
 * it is destroyed. Nothing on the I/O path allocates native memory.
 *
 * <p>Which scratch a loop thread uses: the loop's own paths (epoll, reads, writes, sendfile, splice and its pipes,
 * accept, connect, datagram batches) take only this one, through the registration, and pass its {@link #capture}
 * to the raw calls. A call into the core API ({@code Socket.shutdown}, {@code close}, an option get or set)
 * goes through the calling thread's {@code internal.Scratch}, as from any thread, so a loop thread holds one of
 * those too once a channel is configured or closed on it. Code that may run on another thread (a wakeup, an
 * off-loop cancel or close) never touches this one.
 */
final class LoopScratch {
    /** Heap bytes gathered into one writev(2) are copied here; more waits for the next write. */
    static final int COPY_SIZE = 256 * 1024;

    private final Arena arena = Arena.ofShared();
    final MemorySegment events;
    final int maxEvents;
    final MemorySegment capture = Libc.unscopedCapture(arena.allocate(Libc.CAPTURE_LAYOUT));
    final MemorySegment ctlEvent = arena.allocate(Layouts.EPOLL_EVENT_SIZE, 8);
    final MemorySegment timespec = arena.allocate(Layouts.TIMESPEC);
    final MemorySegment itimerspec = arena.allocate(Epoll.ITIMERSPEC_SIZE, 8);
    final MemorySegment word = arena.allocate(8, 8);
    final MemorySegment iov = arena.allocate(Layouts.IOVEC_SIZE * C.IOV_MAX, 8);
    final MemorySegment copy = arena.allocate(COPY_SIZE, 64);
    final MemorySegment addr = arena.allocate(Layouts.SOCKADDR_STORAGE_SIZE, 8);
    final MemorySegment addrLen = arena.allocate(8, 8);
    final MemorySegment offset = arena.allocate(8, 8);
    /** Gathers the flushed messages into {@link #iov} for one writev(2). */
    final IovBatch batch = new IovBatch(this);

    LoopScratch(int maxEvents) {
        this.maxEvents = maxEvents;
        this.events = arena.allocate(Layouts.EPOLL_EVENT_SIZE * maxEvents, 8);
    }

    void free() { arena.close(); }
}
