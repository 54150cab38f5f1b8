package dev.socket2j.netty;

import dev.socket2j.OsError;
import dev.socket2j.internal.C;
import dev.socket2j.internal.Errno;
import dev.socket2j.internal.Errors;
import dev.socket2j.internal.Errors.Call;
import dev.socket2j.internal.Sys;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.ChannelPromise;
import io.netty.channel.unix.FileDescriptor;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import java.util.ArrayList;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code splice(2)} between stream channels, the bytes never entering user space: a source channel's reads move
 * data from its socket into a pipe, and the target drains the pipe into its socket as an ordinary queued write
 * ({@link Out}), so the target's write order, spin count and {@code EPOLLOUT} handling apply unchanged. The pipe
 * belongs to the target (several sources splicing into one target stay in order). A source stops reading while
 * its target's pipe still holds bytes, so a slow target holds at most one pipe's worth (1 MiB, or the kernel's
 * 64 KiB default where a larger pipe is refused) and never makes memory grow. Everything here runs on the channels' shared event loop.
 *
 * <p>Both engines share this: a channel is a {@link Source} (how it moves bytes from its socket into a pipe) and a
 * {@link Target} (its pipe, and how it waits for it to drain). The epoll engine splices whenever EPOLLIN says so;
 * the io_uring engine splices once per {@code IORING_OP_POLL_ADD} completion (see {@code UringStreamChannel}).
 * A source writes through its own duplicate of the target's pipe write end ({@code F_DUPFD_CLOEXEC}), closed when
 * its request ends, so a target closed (and its pipe's numbers reused) in between is never written to.
 */
final class Splice {
    private Splice() {}

    static final int FLAGS = C.SPLICE_F_MOVE | C.SPLICE_F_NONBLOCK;
    /** Pipe capacity asked for (F_SETPIPE_SZ, Linux 2.6.35; at most fs.pipe-max-size, 1 MiB by default). */
    static final int PIPE_SIZE = 1 << 20;
    /** Bytes asked of one splice into a pipe: what a pipe of {@link #PIPE_SIZE} holds. */
    static final int CHUNK = PIPE_SIZE;

    /** What one step of a queued splice did. */
    enum Step {
        /** Finished (its promise is or will be completed): take it off the queue. */
        DONE,
        /** Moved bytes and may move more now. */
        MORE,
        /** The source socket is empty: wait for EPOLLIN. */
        AGAIN,
        /** The target has not drained its pipe yet: stop reading until it has. */
        BLOCKED
    }

    /** A stream channel that splices out of its socket: the loop's scratch and one step of moving bytes. */
    interface Source {
        /**
         * Moves up to {@code len} bytes from the socket into {@code pipeOut} (an empty pipe): bytes moved, 0 at end of
         * stream, {@link Errors#AGAIN} if nothing can be moved now (the source calls the step again when it can).
         */
        long spliceIn(int pipeOut, int len) throws IOException;

        /** The loop's errno capture. */
        MemorySegment spliceCapture();

        /** 8 bytes of loop scratch for pipe2(2)'s descriptors, and a file offset, each used within one call. */
        MemorySegment spliceWord();

        /** The target this source waits for has drained its pipe: splice on (if requests are still queued). */
        void spliceResume();

        /**
         * A target this source feeds has closed: the head request must step now (and fail with the target), not at
         * the source socket's next readiness, which an idle peer may never bring.
         */
        default void spliceTargetClosed() { spliceResume(); }
    }

    /** A stream channel that takes spliced bytes: it owns a pipe and writes queued {@link Out}s from it. */
    interface Target {
        /** The channel whose socket the pipe drains into. */
        Channel channel();

        /** The write end of this target's pipe, created on first use. */
        int splicePipe() throws IOException;

        /** True (and {@code source} is resumed once the pipe is empty) if the pipe still holds unwritten bytes. */
        boolean spliceBlocked(Source source);

        /** {@code n} more bytes were put into the pipe; an {@link Out} of them is about to be written. */
        void spliced(long n);

        /**
         * {@code source} starts (true) or stops (false) splicing into this target; a target may resume its sources
         * when it closes, so that a source waiting for its socket sees the target gone at once.
         */
        default void feeding(Source source, boolean on) { }
    }

    /**
     * Creates a non-blocking pipe, {@code [read end, write end]}, grown to {@link #PIPE_SIZE} so one splice moves
     * up to that much (the default 64 KiB costs many more calls); where the kernel refuses (EPERM over the
     * limit for an unprivileged user) the pipe keeps its default size and splices simply move less each.
     */
    static int[] pipe(MemorySegment capture, MemorySegment word) throws IOException {
        int rc = Sys.pipe2Raw(capture, word, C.O_NONBLOCK | C.O_CLOEXEC);
        if (rc < 0) throw OsError.of("pipe2(2)", -rc);
        int[] p = {word.get(JAVA_INT, 0), word.get(JAVA_INT, 4)};
        int ignored = Sys.fcntlRaw(capture, p[1], C.F_SETPIPE_SZ, PIPE_SIZE);   // refused: default size, only slower
        return p;
    }

    /** splice(2) from a socket into a pipe on the loop thread: bytes moved, 0 at end of stream, -1 for EAGAIN. */
    static long socketToPipe(MemorySegment capture, int fd, int pipeOut, int len) throws IOException {
        return Errors.ioResult(Call.SPLICE, Sys.spliceNb(capture, fd, MemorySegment.NULL, pipeOut, MemorySegment.NULL,
            Math.min(len, CHUNK), FLAGS));   // AGAIN is -1
    }

    /** Bytes copied through user space per {@link #recvToPipe} call. */
    private static final int COPY_CHUNK = 32 * 1024;

    /**
     * recv(MSG_DONTWAIT) into a buffer, then write(2) into the (empty) pipe: bytes moved, 0 at end of stream, or
     * {@link Errors#AGAIN}. For what splice(2) cannot say: TCP's splice returns 0 both at the end of the stream and
     * when urgent data (MSG_OOB, SO_OOBINLINE off) is at the head of the queue, where it stops; recv(2) steps over
     * the urgent byte, and only its 0 is the end of the stream.
     */
    static long recvToPipe(MemorySegment cs, int fd, int pipe, int len, ByteBufAllocator alloc) throws IOException {
        int k = Math.min(len, COPY_CHUNK);
        ByteBuf b = alloc.directBuffer(k);
        try {
            MemorySegment seg = MemorySegment.ofBuffer(b.internalNioBuffer(0, k));   // direct, with or without Unsafe
            long r = Errors.ioResult(Call.RECV, Sys.recvNb(cs, fd, seg, k, C.MSG_DONTWAIT));
            if (r <= 0) return r == 0 ? 0 : Errors.AGAIN;
            for (long off = 0; off < r; ) {
                long w = Errors.ioResult(Call.WRITE, Sys.writeNb(cs, pipe, seg.asSlice(off), r - off));
                if (w < 0) throw OsError.of("write(2) into the splice pipe", Errno.EAGAIN);   // an empty pipe takes it
                off += w;
            }
            return r;
        } finally {
            b.release();
        }
    }

    /**
     * The argument checks of both engines' {@code spliceTo(Channel, …)}: {@code sameEngine} says whether
     * {@code target} is a stream channel of {@code self}'s engine, {@code engine} names that kind in the message.
     */
    static void checkChannelTarget(Channel self, Channel target, boolean sameEngine, String engine, int len) {
        if (len < 0) throw new IllegalArgumentException("len must be >= 0: " + len);
        if (!sameEngine || target == self) {
            throw new IllegalArgumentException("splice target must be another " + engine + " stream channel: " + target);
        }
        if (target.eventLoop() != self.eventLoop()) {
            throw new IllegalArgumentException("splice target must be registered on this channel's event loop");
        }
    }

    /** Why a Unix channel in {@code FILE_DESCRIPTORS} mode refuses a splice: its reads take descriptors, not bytes. */
    static IllegalStateException descriptorMode() {
        return new IllegalStateException("spliceTo needs DomainSocketReadMode.BYTES: in FILE_DESCRIPTORS mode this "
            + "channel reads passed descriptors, and splice(2) would take the bytes they come with");
    }

    /** The argument checks of both engines' {@code spliceTo(FileDescriptor, …)}. */
    static void checkFileTarget(FileDescriptor file, long offset, int len) {
        if (len < 0) throw new IllegalArgumentException("len must be >= 0: " + len);
        if (offset < 0) throw new IllegalArgumentException("offset must be >= 0: " + offset);
        Objects.requireNonNull(file, "file");
    }

    /**
     * {@link Target#feeding}: {@code feeders} (the list made on first use) with {@code source} added ({@code on}) or
     * removed. A target keeps its feeders so that its close reaches them at once: a source waiting for its own socket
     * would otherwise learn of it only at its next readiness (never, for an idle peer). A closed target takes none.
     */
    static ArrayList<Source> feeding(ArrayList<Source> feeders, Source source, boolean on, boolean targetOpen) {
        if (on) {
            if (!targetOpen) return feeders;   // the request's next step sees the target closed
            if (feeders == null) feeders = new ArrayList<>(2);
            feeders.add(source);
        } else if (feeders != null) {
            feeders.remove(source);
        }
        return feeders;
    }

    /** From a target's close: every source in {@code feeders} (may be null) is told, and forgotten. */
    static void targetClosed(ArrayList<Source> feeders) {
        if (feeders == null || feeders.isEmpty()) return;
        Source[] all = feeders.toArray(new Source[0]);
        feeders.clear();
        for (Source source : all) source.spliceTargetClosed();
    }

    /** {@code waiters} with {@code source} added once (the list made on first use). */
    static ArrayList<Source> waiting(ArrayList<Source> waiters, Source source) {
        if (waiters == null) waiters = new ArrayList<>(2);
        if (!waiters.contains(source)) waiters.add(source);
        return waiters;
    }

    /** One queued {@code spliceTo} of a source channel. */
    abstract static class In {
        final Source source;
        final ChannelPromise promise;
        /** Bytes still to splice in; {@link Integer#MAX_VALUE} means until end of stream. */
        int len;
        private final int total;
        /** Bytes delivered to the target so far (for a {@link ChannelProgressivePromise}). */
        private long moved;

        In(Source source, int len, ChannelPromise promise) {
            this.source = source;
            this.len = len;
            this.total = len;
            this.promise = promise;
        }

        abstract Step step();

        /**
         * Ends this splice without (more) stepping: fails it with {@code cause}, or succeeds it if {@code null};
         * releases what it holds.
         */
        abstract void abandon(Throwable cause);

        /**
         * Ends this request at once if its source cannot splice (closed or input shut down, nothing to move, not
         * connected: asking for readability there would only bring a hang-up back): true if it was ended.
         */
        final boolean refused(boolean readable, boolean connected) {
            if (!readable) abandon(new ClosedChannelException());
            else if (len == 0) abandon(null);   // nothing to move: done
            else if (!connected) abandon(new NotYetConnectedException());
            else return false;
            return true;
        }

        final void end(Throwable cause) {
            if (cause == null) promise.trySuccess(); else promise.tryFailure(cause);
        }

        /** splice(2) from the source socket into {@code pipeOut}: bytes moved, 0 at end of stream, -1 for EAGAIN. */
        final long fromSocket(int pipeOut) throws IOException { return source.spliceIn(pipeOut, len); }

        final boolean forever() { return total == Integer.MAX_VALUE; }

        /** {@code n} more bytes reached the target: progress for a progressive promise (total -1 when unbounded). */
        final void delivered(long n) {
            moved += n;
            if (promise instanceof ChannelProgressivePromise p) p.tryProgress(moved, forever() ? -1 : total);
        }

        /** End of stream before the count: an error for a count, the normal end for {@code Integer.MAX_VALUE}. */
        final boolean endOfStreamIsFailure() {
            if (forever()) return false;
            promise.tryFailure(new EOFException("end of stream with " + len + " of " + total + " bytes still to splice"));
            return true;
        }
    }

    /** Splices into a target channel through its pipe. */
    static final class ToChannel extends In {
        private final Target target;
        /** This request's duplicate of the target's pipe write end, or -1 before the first splice and after the end. */
        private int pipeOut = -1;
        /** The target knows of this request ({@link Target#feeding}). */
        private boolean feeding;
        /** Bytes handed to the target that it has not written yet. */
        private long inFlight;
        /** Nothing more will be spliced in (count reached, or end of stream). */
        private boolean allIn;

        ToChannel(Source source, Target target, int len, ChannelPromise promise) {
            super(source, len, promise);
            this.target = target;
        }

        @Override
        Step step() {
            if (!feeding && !promise.isDone()) {
                feeding = true;
                target.feeding(source, true);
            }
            Step s = step0();
            if (s == Step.DONE) closeDup();
            return s;
        }

        private Step step0() {
            if (promise.isDone()) return Step.DONE;   // cancelled, or failed by a write on the target
            if (len == 0) return finishedIn();
            Channel ch = target.channel();
            if (!ch.isOpen()) {
                promise.tryFailure(new ClosedChannelException());
                return Step.DONE;
            }
            if (target.spliceBlocked(source)) return Step.BLOCKED;
            try {
                if (pipeOut < 0) pipeOut = dup(target.splicePipe());
                long n = fromSocket(pipeOut);
                if (n < 0) return Step.AGAIN;
                if (n == 0) return endOfStreamIsFailure() ? Step.DONE : finishedIn();
                if (!forever()) len -= (int) n;
                inFlight += n;
                target.spliced(n);
                Out out = new Out(target, this, (int) n);
                ch.unsafe().write(out, ch.newPromise().addListener(out));
                ch.unsafe().flush();
                return len == 0 ? finishedIn() : Step.MORE;
            } catch (Throwable t) {
                promise.tryFailure(t);
                return Step.DONE;
            }
        }

        private Step finishedIn() {
            allIn = true;
            if (inFlight == 0) promise.trySuccess();
            return Step.DONE;
        }

        /** The target wrote an {@link Out} of {@code n} bytes. */
        void written(int n) {
            inFlight -= n;
            delivered(n);
            if (allIn && inFlight == 0) promise.trySuccess();
        }

        private int dup(int fd) throws IOException {
            int rc = Sys.fcntlRaw(source.spliceCapture(), fd, C.F_DUPFD_CLOEXEC, 0);
            if (rc < 0) throw OsError.of("fcntl(2) F_DUPFD_CLOEXEC", -rc);
            return rc;
        }

        private void closeDup() {
            if (feeding) {
                feeding = false;
                target.feeding(source, false);
            }
            if (pipeOut < 0) return;
            Sys.closeQuietly(pipeOut);
            pipeOut = -1;
        }

        @Override
        void abandon(Throwable cause) {
            end(cause);
            closeDup();
        }
    }

    /** Splices into a file (or any descriptor) at an offset, through a pipe of its own. */
    static final class ToFile extends In {
        private final FileDescriptor file;
        private long offset;
        private int[] pipe;

        ToFile(Source source, FileDescriptor file, long offset, int len, ChannelPromise promise) {
            super(source, len, promise);
            this.file = file;
            this.offset = offset;
        }

        @Override
        Step step() {
            if (promise.isDone()) {
                closePipe();
                return Step.DONE;
            }
            try {
                if (len == 0) {
                    promise.trySuccess();
                    closePipe();
                    return Step.DONE;
                }
                if (pipe == null) pipe = pipe(source.spliceCapture(), source.spliceWord());
                long n = fromSocket(pipe[1]);
                if (n < 0) return Step.AGAIN;
                if (n == 0) {
                    if (!endOfStreamIsFailure()) promise.trySuccess();
                    closePipe();
                    return Step.DONE;
                }
                drainToFile(n);
                if (!forever()) len -= (int) n;
                delivered(n);
                return Step.MORE;
            } catch (Throwable t) {
                promise.tryFailure(t);
                closePipe();
                return Step.DONE;
            }
        }

        /** A regular file takes what the pipe holds without waiting (its writes do not return EAGAIN). */
        private void drainToFile(long n) throws IOException {
            MemorySegment off = source.spliceWord(), cs = source.spliceCapture();
            while (n > 0) {
                off.set(JAVA_LONG, 0, offset);
                long w = Sys.spliceNb(cs, pipe[0], MemorySegment.NULL, file.intValue(), off, n, FLAGS);
                if (w == -Errno.EINTR) continue;
                // EAGAIN here: the descriptor is not a regular file but something that can be full
                if (w < 0) throw OsError.of("splice(2)", (int) -w);
                offset = off.get(JAVA_LONG, 0);
                n -= w;
            }
        }

        private void closePipe() {
            if (pipe == null) return;
            Sys.closeQuietly(pipe[0]);
            Sys.closeQuietly(pipe[1]);
            pipe = null;
        }

        @Override
        void abandon(Throwable cause) {
            end(cause);
            closePipe();
        }
    }

    /** Bytes a source moved into the target's pipe, queued as a write on the target; its promise's listener. */
    static final class Out implements ChannelFutureListener {
        final Target target;
        private final ToChannel splice;
        private final int len;
        int remaining;

        Out(Target target, ToChannel splice, int len) {
            this.target = target;
            this.splice = splice;
            this.len = len;
            this.remaining = len;
        }

        /** Written: the splice progresses; failed (the target closed or its socket refused): the splice fails. */
        @Override
        public void operationComplete(ChannelFuture f) {
            if (f.isSuccess()) splice.written(len); else splice.promise.tryFailure(f.cause());
        }

        @Override
        public String toString() { return "splice(" + remaining + " bytes)"; }
    }
}
