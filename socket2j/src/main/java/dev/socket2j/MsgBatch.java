package dev.socket2j;

import dev.socket2j.internal.C;
import dev.socket2j.internal.FdList;
import dev.socket2j.internal.Layouts;
import dev.socket2j.internal.MsgIo;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Native memory for {@link BaseSocket#sendmmsg} / {@link BaseSocket#recvmmsg}: a {@code struct mmsghdr} array of
 * {@link #capacity()} slots, each with its own data buffer of {@link #slotSize()} bytes, a {@code sockaddr_storage}
 * and a control buffer. Everything is allocated once; filling slots, sending, receiving and reading results
 * allocate nothing per datagram (except the methods that return new objects: {@link #addr(int)},
 * {@link #controlMessages(int)}, {@link #takeFds()}). Not thread-safe.
 *
 * <p>To send: {@link #clear()}, then {@link #add} one datagram per slot (data is copied into the slot), optionally
 * {@link #setControl} per slot, then {@code sendmmsg}. To receive: {@code recvmmsg} fills slots {@code 0..n-1};
 * read them with {@link #length}, {@link #data}, {@link #copyData}, {@link #addr}, {@link #flags},
 * {@link #controlMessages}.
 *
 * <p>Descriptors received with {@code SCM_RIGHTS} belong to the batch until {@link #takeFds()}; the next receive,
 * {@link #clear()} and {@link #close()} close those not taken.
 */
public final class MsgBatch implements AutoCloseable {
    private static final long HDR = Layouts.MMSGHDR_SIZE, IOV = Layouts.IOVEC_SIZE, NAME = Layouts.SOCKADDR_STORAGE_SIZE;

    private final int capacity, slotSize, controlCapacity;
    private final MemorySegment hdrs, iovs, names, controls;
    private final MemorySegment[] data, nameSegs, controlSegs;
    private final FdList fds = new FdList();
    private int size;
    private boolean closed;

    private MsgBatch(int capacity, int slotSize, int controlCapacity) {
        this.capacity = capacity;
        this.slotSize = slotSize;
        this.controlCapacity = (int) Layouts.cmsgAlign(controlCapacity);
        Arena arena = Arena.ofAuto();  // freed by the GC once the batch is unreachable, never under a running call
        hdrs = arena.allocate(HDR * capacity, 8);
        iovs = arena.allocate(IOV * capacity, 8);
        names = arena.allocate(NAME * capacity, 8);
        controls = this.controlCapacity == 0 ? MemorySegment.NULL : arena.allocate((long) this.controlCapacity * capacity, 8);
        MemorySegment all = arena.allocate((long) slotSize * capacity, 64);
        data = new MemorySegment[capacity];
        nameSegs = new MemorySegment[capacity];
        controlSegs = new MemorySegment[capacity];
        for (int i = 0; i < capacity; i++) {
            data[i] = all.asSlice((long) i * slotSize, slotSize);
            nameSegs[i] = names.asSlice(NAME * i, NAME);
            controlSegs[i] = this.controlCapacity == 0 ? MemorySegment.NULL
                : controls.asSlice((long) this.controlCapacity * i, this.controlCapacity);
            long h = HDR * i;
            hdrs.set(ADDRESS, h + Layouts.MSG_NAME, nameSegs[i]);
            hdrs.set(ADDRESS, h + Layouts.MSG_IOV, iovs.asSlice(IOV * i, IOV));
            hdrs.set(JAVA_LONG, h + Layouts.MSG_IOVLEN, 1);
            hdrs.set(ADDRESS, h + Layouts.MSG_CONTROL, controlSegs[i]);
            iovs.set(ADDRESS, IOV * i + Layouts.IOV_BASE, data[i]);
        }
    }

    /**
     * A batch of {@code capacity} slots with {@code slotSize} data bytes each (for GRO or GSO use up to 65535) and
     * {@code controlCapacity} bytes of control buffer each (rounded up to {@code CMSG_ALIGN}; 0 for none).
     *
     * @throws IllegalArgumentException for a capacity outside 1..1024 ({@code UIO_MAXIOV}, the kernel's cap on one
     *         call), a negative size, or a control capacity above 64 KiB
     */
    public static MsgBatch allocate(int capacity, int slotSize, int controlCapacity) {
        if (capacity < 1 || capacity > C.UIO_MAXIOV) {
            throw new IllegalArgumentException("capacity outside 1.." + C.UIO_MAXIOV + ": " + capacity);
        }
        if (slotSize < 0) throw new IllegalArgumentException("negative slot size: " + slotSize);
        if (controlCapacity < 0) throw new IllegalArgumentException("negative control capacity: " + controlCapacity);
        if (controlCapacity > MsgIo.MAX_CONTROL) {
            throw new IllegalArgumentException("control capacity above " + MsgIo.MAX_CONTROL);
        }
        return new MsgBatch(capacity, slotSize, controlCapacity);
    }

    /** The number of slots: the most datagrams one call moves. */
    public int capacity() { return capacity; }

    /** The data bytes of each slot. */
    public int slotSize() { return slotSize; }
    /** The control bytes of each slot ({@code CMSG_ALIGN} of what was asked). */
    public int controlCapacity() { return controlCapacity; }

    /** Slots in use: added for sending, or filled by the last receive. */
    public int size() { return size; }

    /** Empties the batch for a new round of {@link #add}s; closes received descriptors not taken. */
    public void clear() {
        checkOpen();
        fds.closeAll();
        size = 0;
    }

    // ---------------------------------------------------------------- sending

    /**
     * Copies {@code b[off, off+len)} into the next slot, to be sent to {@code to} ({@code null} on a connected
     * socket); returns the slot's index.
     *
     * @throws IllegalArgumentException for a negative offset or length, a range outside {@code b}, data longer than
     *         the slot size
     * @throws IllegalStateException if every slot is taken
     */
    public int add(byte[] b, int off, int len, SockAddr to) {
        if (off < 0 || len < 0 || len > b.length - off) {
            throw new IllegalArgumentException("range [" + off + ", +" + len + ") outside a " + b.length + "-byte array");
        }
        int i = nextSlot(len);
        MemorySegment.copy(b, off, data[i], JAVA_BYTE, 0, len);
        return finishAdd(i, len, to);
    }

    /**
     * Copies the remaining bytes of {@code buf} (position moved to the limit) into the next slot;
     * see {@link #add(byte[], int, int, SockAddr)}.
     */
    public int add(ByteBuffer buf, SockAddr to) {
        int len = buf.remaining();
        int i = nextSlot(len);
        MemorySegment.copy(MemorySegment.ofBuffer(buf), 0, data[i], 0, len);
        buf.position(buf.limit());
        return finishAdd(i, len, to);
    }

    /** Copies {@code seg} into the next slot; see {@link #add(byte[], int, int, SockAddr)}. */
    public int add(MemorySegment seg, SockAddr to) {
        long len = seg.byteSize();
        int i = nextSlot(len);
        MemorySegment.copy(seg, 0, data[i], 0, len);
        return finishAdd(i, (int) len, to);
    }

    private int nextSlot(long len) {
        checkOpen();
        if (size == capacity) throw new IllegalStateException("all " + capacity + " slots are in use");
        if (len > slotSize) throw new IllegalArgumentException(len + " bytes do not fit a " + slotSize + "-byte slot");
        return size;
    }

    private int finishAdd(int i, int len, SockAddr to) {
        long h = HDR * i;
        hdrs.set(JAVA_INT, h + Layouts.MSG_NAMELEN, to == null ? 0 : to.copyTo(nameSegs[i]));
        iovs.set(JAVA_LONG, IOV * i + Layouts.IOV_LEN, len);
        hdrs.set(JAVA_LONG, h + Layouts.MSG_CONTROLLEN, 0);
        hdrs.set(JAVA_INT, h + Layouts.MSG_FLAGS, 0);
        hdrs.set(JAVA_INT, h + Layouts.MMSG_LEN, 0);
        return size++;
    }

    /**
     * Sets the control messages of slot {@code i} (already added) for sending, e.g. {@link ControlMessage.UdpSegment}
     * for GSO or {@link ControlMessage.IpTos} per datagram.
     *
     * @throws IllegalArgumentException if they need more than {@link #controlCapacity()} bytes
     * @throws IndexOutOfBoundsException if slot {@code i} was not added
     */
    public void setControl(int i, ControlMessage... messages) {
        checkOpen();
        Objects.checkIndex(i, size);
        if (controlCapacity == 0 && messages.length > 0) {
            throw new IllegalArgumentException("control buffer too small: this batch has no control capacity");
        }
        long n = messages.length == 0 ? 0
            : CmsgCodec.encode(messages, controlSegs[i]);
        hdrs.set(JAVA_LONG, HDR * i + Layouts.MSG_CONTROLLEN, n);
    }

    // ---------------------------------------------------------------- used by BaseSocket

    /** The mmsghdr array from slot {@code from}. */
    MemorySegment headers(int from) { return from == 0 ? hdrs : hdrs.asSlice(HDR * from); }

    /** Resets slots {@code 0..max-1} for a receive: full iov, name and control lengths. */
    void prepareRecv(int max) {
        checkOpen();
        fds.closeAll();
        size = 0;
        for (int i = 0; i < max; i++) {
            long h = HDR * i;
            hdrs.set(JAVA_INT, h + Layouts.MSG_NAMELEN, (int) NAME);
            iovs.set(JAVA_LONG, IOV * i + Layouts.IOV_LEN, slotSize);
            hdrs.set(JAVA_LONG, h + Layouts.MSG_CONTROLLEN, controlCapacity);
            hdrs.set(JAVA_INT, h + Layouts.MSG_FLAGS, 0);
            hdrs.set(JAVA_INT, h + Layouts.MMSG_LEN, 0);
        }
    }

    /** After {@code recvmmsg} returned {@code n}: takes ownership of received descriptors, records the count. */
    void completeRecv(int n) {
        size = n;
        if (controlCapacity == 0) return;
        for (int i = 0; i < n; i++) {
            long clen = Math.min(hdrs.get(JAVA_LONG, HDR * i + Layouts.MSG_CONTROLLEN), controlCapacity);
            if (clen > 0) CmsgCodec.collectFds(controlSegs[i], clen, fds);
        }
    }

    void checkOpen() {
        if (closed) throw new IllegalStateException("MsgBatch is closed");
    }

    // ---------------------------------------------------------------- results

    /** {@code msg_len} of slot {@code i}: the bytes received (or, after a send, sent). */
    public int length(int i) {
        Objects.checkIndex(i, size);
        return hdrs.get(JAVA_INT, HDR * i + Layouts.MMSG_LEN);
    }

    /**
     * The whole data buffer of slot {@code i} ({@link #slotSize()} bytes; the first {@link #length(int)} are the datagram). Made once: no
     * allocation.
     */
    public MemorySegment data(int i) {
        Objects.checkIndex(i, capacity);
        return data[i];
    }

    /** Copies the datagram of slot {@code i} into {@code dst} at {@code off}; returns its length. */
    public int copyData(int i, byte[] dst, int off) {
        int n = Math.min(length(i), slotSize);
        MemorySegment.copy(data[i], JAVA_BYTE, 0, dst, off, n);
        return n;
    }

    /** Copies the datagram of slot {@code i} into {@code dst} (position moved); returns its length. */
    public int copyData(int i, ByteBuffer dst) {
        int n = Math.min(length(i), slotSize);
        MemorySegment.copy(data[i], 0, MemorySegment.ofBuffer(dst), 0, n);
        dst.position(dst.position() + n);
        return n;
    }

    /** The raw {@code msg_flags} of slot {@code i}. */
    public int rawFlags(int i) {
        Objects.checkIndex(i, size);
        return hdrs.get(JAVA_INT, HDR * i + Layouts.MSG_FLAGS);
    }

    /** {@link #rawFlags(int)} as {@link RecvFlags}. */
    public RecvFlags flags(int i) { return new RecvFlags(rawFlags(i)); }

    /** The {@code msg_namelen} the kernel wrote for slot {@code i}. */
    public int addrLen(int i) {
        Objects.checkIndex(i, size);
        return Math.max(0, Math.min(hdrs.get(JAVA_INT, HDR * i + Layouts.MSG_NAMELEN), (int) NAME));
    }

    /** The sender of slot {@code i}. */
    public SockAddr addr(int i) { return SockAddr.fromSegment(nameSegs[i], addrLen(i)); }

    /** {@code msg_controllen} of slot {@code i} after a receive. */
    public int controlLen(int i) {
        Objects.checkIndex(i, size);
        return (int) Math.min(hdrs.get(JAVA_LONG, HDR * i + Layouts.MSG_CONTROLLEN), controlCapacity);
    }

    /** The control messages of slot {@code i}, parsed. */
    public List<ControlMessage> controlMessages(int i) {
        int clen = controlLen(i);
        if (clen == 0) return List.of();
        return CmsgCodec.parse(controlSegs[i], clen);
    }

    /** Hands over every descriptor received by the last {@code recvmmsg} (all slots, in order) as owned sockets. */
    public List<Socket> takeFds() {
        return Socket.owning(fds.take());
    }

    /** Closes received descriptors not taken; the batch can no longer be used. Idempotent. Memory is freed by the GC. */
    @Override
    public void close() {
        closed = true;
        fds.closeAll();
    }

    @Override public String toString() {
        return "MsgBatch{size=" + size + ", capacity=" + capacity + ", slotSize=" + slotSize
            + ", controlCapacity=" + controlCapacity + "}";
    }
}
