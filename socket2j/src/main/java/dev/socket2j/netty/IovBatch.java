package dev.socket2j.netty;

import dev.socket2j.internal.C;
import dev.socket2j.internal.Layouts;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOutboundBuffer;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Fills the loop's iovec array from the flushed messages of an outbound buffer, for one {@code writev(2)}.
 * Direct buffers go in by address (a pooled buffer's {@code memoryAddress()}, so nothing is allocated per message);
 * heap bytes are copied once into the loop's native copy area. What is filled is always a prefix of the flushed
 * bytes, so {@link ChannelOutboundBuffer#removeBytes} can account for any partial write. One per loop, used only on
 * its thread.
 */
final class IovBatch implements ChannelOutboundBuffer.MessageProcessor {
    private final LoopScratch s;
    /** iovecs filled. */
    int count;
    /** Bytes they cover. */
    long total;
    private int copied;
    private long maxBytes;
    /** Set when a buffer did not fit whole (IOV_MAX iovecs, or the copy area for heap bytes). */
    boolean full;

    IovBatch(LoopScratch s) { this.s = s; }

    /** Starts a batch of at most {@code maxBytes} (the first buffer goes in whatever its size). */
    IovBatch reset(long maxBytes) {
        count = 0;
        total = 0;
        copied = 0;
        full = false;
        this.maxBytes = maxBytes;
        return this;
    }

    /** The base address of the first iovec (for a single write(2)). */
    long firstAddress() { return s.iov.get(JAVA_LONG, Layouts.IOV_BASE); }

    @Override
    public boolean processMessage(Object msg) {
        if (!(msg instanceof ByteBuf buf)) return false;
        int len = buf.readableBytes();
        if (len == 0) return true;
        if (count > 0 && maxBytes - len < total) return false;
        add(buf, buf.readerIndex(), len);
        return !full;
    }

    /** Adds {@code len} bytes of {@code buf} from {@code index}; sets {@link #full} if not all of them fitted. */
    void add(ByteBuf buf, int index, int len) {
        if (len == 0) return;
        long address = address(buf, index, len);
        if (address != 0) {
            put(address, len);
        } else if (buf.hasArray()) {
            copy(buf.array(), buf.arrayOffset() + index, len);
        } else {
            // composite, or direct without an address: its parts one by one
            for (ByteBuffer bb : buf.nioBuffers(index, len)) {
                int n = bb.remaining();
                if (n == 0) continue;
                if (bb.isDirect()) {
                    put(MemorySegment.ofBuffer(bb).address(), n);
                } else {
                    copy(MemorySegment.ofBuffer(bb), n);  // read-only heap buffers have no array() to hand out
                }
                if (full) return;
            }
        }
    }

    private void put(long address, int len) {
        if (count == C.IOV_MAX) {
            full = true;
            return;
        }
        long base = count * Layouts.IOVEC_SIZE;
        s.iov.set(JAVA_LONG, base + Layouts.IOV_BASE, address);
        s.iov.set(JAVA_LONG, base + Layouts.IOV_LEN, len);
        count++;
        total += len;
    }

    private void copy(byte[] array, int offset, int len) {
        int n = room(len);
        if (n == 0) return;
        MemorySegment.copy(array, offset, s.copy, JAVA_BYTE, copied, n);
        copied(n, len);
    }

    private void copy(MemorySegment heap, int len) {
        int n = room(len);
        if (n == 0) return;
        MemorySegment.copy(heap, 0, s.copy, copied, n);
        copied(n, len);
    }

    /** How much of {@code len} heap bytes the copy area takes now (0: the batch is full). */
    private int room(int len) {
        int n = Math.min(len, LoopScratch.COPY_SIZE - copied);
        if (n == 0 || count == C.IOV_MAX) {
            full = true;
            return 0;
        }
        return n;
    }

    private void copied(int n, int len) {
        put(s.copy.address() + copied, n);
        copied += n;
        if (n < len) full = true;
    }

    /**
     * The native address of {@code buf}'s byte at {@code index}, or 0 if it has none (heap, composite). Pooled direct
     * buffers report it without allocating; a lone direct NIO buffer costs one segment.
     */
    static long address(ByteBuf buf, int index, int len) {
        if (buf.hasMemoryAddress()) return buf.memoryAddress() + index;
        if (buf.isDirect() && buf.nioBufferCount() == 1) {
            return MemorySegment.ofBuffer(buf.internalNioBuffer(index, len)).address();
        }
        return 0;
    }
}
