package dev.socket2j.internal;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A provided buffer ring ({@code IORING_REGISTER_PBUF_RING}, Linux 5.19): {@code entries} buffers of
 * {@code bufSize} bytes that the kernel picks from for reads submitted with {@code IOSQE_BUFFER_SELECT}. A
 * completion names the buffer it filled ({@code IORING_CQE_F_BUFFER}, id in the upper 16 flag bits); the reader
 * copies the bytes out and gives the buffer back with {@link #recycle}. When every buffer is in use the kernel
 * fails the read with {@code ENOBUFS}: the data stays in the socket and is read once buffers are back.
 *
 * <p>The ring and the buffers are anonymous mappings owned by this object; {@link #close} unregisters and unmaps
 * them. Loop thread only.
 */
public final class UringBufRing implements AutoCloseable {
    private final UringRing ring;
    private final short group;
    private final int entries, mask, bufSize;
    private final long ringAddr, ringBytes, bufsAddr, bufsBytes;
    private final MemorySegment entriesSeg, bufs;
    private short tail;
    /** Where each buffer was last put in the ring (the tail count then), to follow a bundle across buffers. */
    private final short[] position;
    private int free;
    private boolean closed;

    private UringBufRing(UringRing ring, short group, int entries, int bufSize, long ringAddr, long bufsAddr) {
        this.ring = ring;
        this.group = group;
        this.entries = entries;
        this.mask = entries - 1;
        this.bufSize = bufSize;
        this.ringAddr = ringAddr;
        this.ringBytes = entries * Uring.BUF_SIZE;
        this.bufsAddr = bufsAddr;
        this.bufsBytes = (long) entries * bufSize;
        this.entriesSeg = MemorySegment.ofAddress(ringAddr).reinterpret(ringBytes);
        this.bufs = MemorySegment.ofAddress(bufsAddr).reinterpret(bufsBytes);
        this.position = new short[entries];
    }

    /**
     * Registers a ring of {@code entries} (a power of two, at most 32768) buffers of {@code bufSize} bytes as group
     * {@code group} of {@code ring}, all of them given to the kernel.
     *
     * @throws IllegalArgumentException for a count that is not a power of two or a non-positive size
     * @throws IOException with the errno: {@code EINVAL} before 5.19, {@code EEXIST} for a group already in use
     */
    public static UringBufRing register(UringRing ring, short group, int entries, int bufSize) throws IOException {
        if (entries <= 0 || entries > 32768 || Integer.bitCount(entries) != 1) {
            throw new IllegalArgumentException("buffer ring entries must be a power of two in [1, 32768]: " + entries);
        }
        if (bufSize <= 0) throw new IllegalArgumentException("buffer size must be positive: " + bufSize);
        MemorySegment cs = ring.capture;
        int prot = Uring.PROT_READ | Uring.PROT_WRITE, mf = Uring.MAP_PRIVATE | Uring.MAP_ANONYMOUS;
        long ringAddr = Uring.mmap(cs, entries * Uring.BUF_SIZE, prot, mf, -1, 0, "buffer ring");
        long bufsAddr;
        try {
            bufsAddr = Uring.mmap(cs, (long) entries * bufSize, prot, mf, -1, 0, "ring buffers");
        } catch (IOException e) {
            Uring.munmap(cs, ringAddr, entries * Uring.BUF_SIZE);
            throw e;
        }
        int rc = ring.registerBufRing(ringAddr, entries, group);
        if (rc < 0) {
            Uring.munmap(cs, ringAddr, entries * Uring.BUF_SIZE);
            Uring.munmap(cs, bufsAddr, (long) entries * bufSize);
            throw Uring.error("io_uring_register(IORING_REGISTER_PBUF_RING)", rc);
        }
        UringBufRing r = new UringBufRing(ring, group, entries, bufSize, ringAddr, bufsAddr);
        for (int bid = 0; bid < entries; bid++) r.add(bid);
        r.publish();
        return r;
    }

    public short group() { return group; }

    public int bufSize() { return bufSize; }

    public int entries() { return entries; }

    /** Buffers the kernel may still pick from (given back and not yet used, by this side's count). */
    public int available() { return free; }

    /**
     * Buffers the kernel may pick from now, by the kernel's own count: the entries between its head
     * ({@code IORING_REGISTER_PBUF_STATUS}, Linux 6.8) and this side's tail. It equals {@link #entries()} when every
     * buffer a completion named has been given back.
     *
     * @throws IOException with the errno: {@code EINVAL} before 6.8
     */
    public int kernelAvailable() throws IOException {
        int head = ring.bufRingHead(group);
        if (head < 0) throw Uring.error("io_uring_register(IORING_REGISTER_PBUF_STATUS)", head);
        return (tail - head) & 0xFFFF;
    }

    /** The bytes of buffer {@code bid}: valid until it is recycled. */
    public MemorySegment buffer(int bid, int len) { return bufs.asSlice((long) bid * bufSize, len); }

    /** The native address of buffer {@code bid}. */
    public long address(int bid) { return bufsAddr + (long) bid * bufSize; }

    /** Gives buffer {@code bid} back to the kernel at once (one release store of the ring's tail). */
    public void recycle(int bid) {
        add(bid);
        publish();
    }

    /**
     * The buffer after {@code bid} in ring order: where a bundle ({@code IORING_RECVSEND_BUNDLE}, 6.10) that began
     * in {@code bid} goes on, since the kernel takes ring entries in order. Ask before recycling the bundle's
     * buffers: the entry is only rewritten once {@code entries} more buffers have been given back.
     */
    public int nextBid(int bid) {
        long e = (long) ((position[bid] + 1) & mask) * Uring.BUF_SIZE;
        return entriesSeg.get(JAVA_SHORT, e + Uring.BUF_BID) & 0xffff;
    }

    /** The kernel took a buffer (a completion named it). */
    public void taken() { free--; }

    private void add(int bid) {
        long e = (long) (tail & mask) * Uring.BUF_SIZE;
        entriesSeg.set(JAVA_LONG, e + Uring.BUF_ADDR, bufsAddr + (long) bid * bufSize);
        entriesSeg.set(JAVA_INT, e + Uring.BUF_LEN, bufSize);
        entriesSeg.set(JAVA_SHORT, e + Uring.BUF_BID, (short) bid);
        position[bid] = tail;
        tail++;
        free++;
    }

    private void publish() { UringRing.releaseShort(entriesSeg, Uring.BUF_RING_TAIL, tail); }

    /** Unregisters the group and unmaps its memory; reads using it must have completed. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        int ignored = ring.unregisterBufRing(group);
        Uring.munmap(ring.capture, ringAddr, ringBytes);
        Uring.munmap(ring.capture, bufsAddr, bufsBytes);
    }
}
