package dev.socket2j;

import dev.socket2j.internal.Bufs;
import dev.socket2j.internal.FdList;
import dev.socket2j.internal.Layouts;
import dev.socket2j.internal.MsgIo;
import dev.socket2j.internal.Scratch;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A message to receive with {@link BaseSocket#recvmsg(MsgHdrMut, int)}: socket2's {@code MsgHdrMut}, plus what it
 * lacks — the number of bytes received, the sender's address with the length the kernel wrote, and the parsed
 * control messages. Set up once with the {@code with*} methods and reuse it for every receive: its address and
 * control memory is native, allocated once, so a receive into direct buffers allocates nothing. Not thread-safe.
 *
 * <p><b>Received descriptors.</b> {@code SCM_RIGHTS} descriptors (always received with {@code MSG_CMSG_CLOEXEC})
 * belong to this header until {@link #takeFds()} hands them over as {@link Socket}s. Those not taken are closed by
 * the next {@code recvmsg} into this header and by {@link #close()}, so a caller that ignores them leaks nothing.
 * The numbers in {@link ControlMessage.ScmRights} are for information only: do not close or wrap them.
 */
public final class MsgHdrMut implements AutoCloseable {
    private final Arena arena = Arena.ofAuto();  // freed by the GC: a close racing a receive cannot free memory in use
    private ByteBuffer[] byteBuffers;
    private MemorySegment[] segments;
    private MemorySegment name = MemorySegment.NULL;
    private MemorySegment control = MemorySegment.NULL;
    private final FdList fds = new FdList();
    private boolean closed;

    private long bytes = -1;
    private int flags;
    private int nameLen;
    private long controlLen;

    /** A header with no buffers, no address and no control buffer. */
    public MsgHdrMut() {}

    /**
     * {@code msg_iov}: the buffers to scatter into, each from its position to its limit; positions move by what was
     * received.
     *
     * @throws IllegalArgumentException for more than {@code IOV_MAX} buffers or a read-only buffer
     */
    public MsgHdrMut withBuffers(ByteBuffer... bufs) {
        MsgHdr.checkCount(bufs.length);
        for (ByteBuffer b : bufs) {
            if (Objects.requireNonNull(b, "buffer").isReadOnly()) throw new IllegalArgumentException("read-only buffer");
        }
        this.byteBuffers = bufs.clone();
        this.segments = null;
        return this;
    }

    /** {@code msg_iov} from segments. @throws IllegalArgumentException for more than {@code IOV_MAX} or a read-only segment */
    public MsgHdrMut withBuffers(MemorySegment... segs) {
        MsgHdr.checkCount(segs.length);
        for (MemorySegment s : segs) {
            if (Objects.requireNonNull(s, "segment").isReadOnly()) throw new IllegalArgumentException("read-only segment");
        }
        this.segments = segs.clone();
        this.byteBuffers = null;
        return this;
    }

    /** {@code msg_name}: ask for the sender's address (a {@code sockaddr_storage}), read with {@link #addr()}. */
    public MsgHdrMut withAddr() {
        if (name == MemorySegment.NULL) name = arena.allocate(Layouts.SOCKADDR_STORAGE_SIZE, 8);
        return this;
    }

    /**
     * {@code msg_control}: a control buffer of {@code capacity} bytes (size it with {@link ControlMessage#space}
     * or {@link ControlMessage#spaceFor}); 0 for none. Messages that do not fit are dropped by the kernel, which
     * then sets {@code MSG_CTRUNC}.
     *
     * @throws IllegalArgumentException for a negative capacity or one above 64 KiB
     */
    public MsgHdrMut withControl(int capacity) {
        if (capacity < 0) throw new IllegalArgumentException("negative control capacity: " + capacity);
        if (capacity > MsgIo.MAX_CONTROL) throw new IllegalArgumentException("control capacity above " + MsgIo.MAX_CONTROL);
        control = capacity == 0 ? MemorySegment.NULL : arena.allocate(capacity, 8);
        return this;
    }

    /** The control buffer's capacity in bytes. */
    public int controlCapacity() { return (int) control.byteSize(); }

    // ---------------------------------------------------------------- results of the last recvmsg

    /**
     * The bytes received by the last {@code recvmsg} (with {@code MSG_TRUNC} in the call flags, the datagram's real length); -1 before
     * any.
     */
    public long bytes() { return bytes; }

    /** {@code msg_flags} of the last receive: {@code MSG_TRUNC}, {@code MSG_CTRUNC}, {@code MSG_EOR}, ... */
    public RecvFlags flags() { return new RecvFlags(flags); }

    /** {@code msg_controllen} after the last receive: the bytes of control data the kernel wrote. */
    public int controlLen() { return (int) controlLen; }

    /** The {@code msg_namelen} the kernel wrote (0 for a connected stream socket). */
    public int addrLen() { return nameLen; }

    /** The sender's address ({@code addrLen()} bytes), or {@code null} if {@link #withAddr()} was not called. */
    public SockAddr addr() {
        if (name == MemorySegment.NULL || bytes < 0) return null;
        return SockAddr.fromSegment(name, nameLen);
    }

    /**
     * The control messages of the last receive, parsed. With {@code MSG_CTRUNC} set, the last one may be cut: it is
     * then an {@link ControlMessage.Unknown}, never a misread value.
     */
    public List<ControlMessage> controlMessages() {
        if (control == MemorySegment.NULL || controlLen <= 0) return List.of();
        return CmsgCodec.parse(control, Math.min(controlLen, control.byteSize()));
    }

    /** How many received descriptors this header still owns. */
    public int fdCount() { return fds.size(); }

    /**
     * Hands over the descriptors received with {@code SCM_RIGHTS} by the last receive, in order, as owned sockets
     * (close them; any descriptor type can be wrapped, {@link Socket} only closes what it holds). A second call returns
     * an empty list.
     */
    public List<Socket> takeFds() {
        return Socket.owning(fds.take());
    }

    /** Closes the received descriptors not taken; further receives into this header throw. Idempotent. */
    @Override
    public void close() {
        closed = true;
        fds.closeAll();
    }

    // ---------------------------------------------------------------- used by BaseSocket.recvmsg

    /** Closes leftover descriptors, resets results and fills the thread's msghdr for one receive. */
    MemorySegment prepare(Scratch s) {
        if (closed) throw new IllegalStateException("MsgHdrMut is closed");
        fds.closeAll();
        bytes = -1;
        flags = 0;
        nameLen = 0;
        controlLen = 0;
        int iovcnt = byteBuffers != null ? Bufs.fillIov(s, byteBuffers, false)
            : segments != null ? Bufs.fillIov(s, segments, false) : 0;
        return BaseSocket.prepareMsg(s, name, (int) name.byteSize(), iovcnt, control, control.byteSize(), 0);
    }

    /** Records a successful receive of {@code n}; takes ownership of received descriptors first of all. */
    void complete(Scratch s, MemorySegment msg, long n) {
        controlLen = Math.min(msg.get(JAVA_LONG, Layouts.MSG_CONTROLLEN), control.byteSize());
        if (controlLen > 0) CmsgCodec.collectFds(control, controlLen, fds);
        bytes = n;
        flags = msg.get(JAVA_INT, Layouts.MSG_FLAGS);
        nameLen = Math.max(0, Math.min(msg.get(JAVA_INT, Layouts.MSG_NAMELEN), (int) name.byteSize()));
        long got = Math.min(n, totalCapacity(s, msg));
        if (byteBuffers != null) Bufs.afterRecv(s, byteBuffers, got);
        else if (segments != null) Bufs.afterRecv(s, segments, got);
    }

    private static long totalCapacity(Scratch s, MemorySegment msg) {
        long cnt = msg.get(JAVA_LONG, Layouts.MSG_IOVLEN), total = 0;
        for (long i = 0; i < cnt; i++) total += s.iov.get(JAVA_LONG, i * Layouts.IOVEC_SIZE + Layouts.IOV_LEN);
        return total;
    }

    @Override public String toString() {
        return "MsgHdrMut{bytes=" + bytes + ", flags=" + flags() + ", addr=" + addr() + ", controlLen=" + controlLen
            + ", fds=" + fds.size() + "}";
    }
}
