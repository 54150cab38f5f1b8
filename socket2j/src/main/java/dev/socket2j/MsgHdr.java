package dev.socket2j;

import dev.socket2j.internal.Bufs;
import dev.socket2j.internal.MsgIo;
import dev.socket2j.internal.Scratch;

import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * A message to send with {@link BaseSocket#sendmsg(MsgHdr, int)}: socket2's {@code MsgHdr}, a {@code struct msghdr}
 * built from Java values. Each {@code with*} method sets one field and returns this header (it is mutable and
 * reusable; not thread-safe). Nothing is copied until the send: the buffers and control messages are read then.
 *
 * <p>Buffers are {@link ByteBuffer}s (their remaining bytes; positions move by what was sent) or
 * {@link MemorySegment}s. Direct buffers and native segments go into the {@code iovec} array as they are; heap
 * memory is copied through a per-thread native buffer (at most 1 MiB per call).
 */
public final class MsgHdr {
    private SockAddr addr;
    private ByteBuffer[] byteBuffers;
    private MemorySegment[] segments;
    private ControlMessage[] control;
    private byte[] rawControl;
    private int flags;

    /** An empty header: no address, no data, no control, flags 0. */
    public MsgHdr() {}

    /** {@code msg_name}: the destination of an unconnected datagram socket; {@code null} for none. */
    public MsgHdr withAddr(SockAddr addr) {
        this.addr = addr;
        return this;
    }

    /** {@link #withAddr(SockAddr)} for a JDK address. */
    public MsgHdr withAddr(SocketAddress addr) { return withAddr(addr == null ? null : SockAddr.of(addr)); }

    /**
     * {@code msg_iov}: the data, gathered from the remaining bytes of each buffer in order.
     *
     * @throws IllegalArgumentException for more than {@code IOV_MAX} (1024) buffers
     */
    public MsgHdr withBuffers(ByteBuffer... bufs) {
        checkCount(bufs.length);
        for (ByteBuffer b : bufs) Objects.requireNonNull(b, "buffer");
        this.byteBuffers = bufs.clone();
        this.segments = null;
        return this;
    }

    /** {@code msg_iov} from segments. @throws IllegalArgumentException for more than {@code IOV_MAX} segments */
    public MsgHdr withBuffers(MemorySegment... segs) {
        checkCount(segs.length);
        for (MemorySegment s : segs) Objects.requireNonNull(s, "segment");
        this.segments = segs.clone();
        this.byteBuffers = null;
        return this;
    }

    static void checkCount(int n) {
        Bufs.checkIovCount(n);
    }

    /**
     * {@code msg_control} from typed messages, encoded at the send with {@code CMSG_SPACE} per message.
     *
     * @throws IllegalArgumentException if together they exceed 64 KiB
     */
    public MsgHdr withControl(ControlMessage... messages) {
        for (ControlMessage m : messages) Objects.requireNonNull(m, "control message");
        if (CmsgCodec.space(messages) > MsgIo.MAX_CONTROL) {
            throw new IllegalArgumentException("control data exceeds " + MsgIo.MAX_CONTROL + " bytes");
        }
        this.control = messages.clone();
        this.rawControl = null;
        return this;
    }

    /** {@link #withControl(ControlMessage...)} from a list. */
    public MsgHdr withControl(List<ControlMessage> messages) {
        return withControl(messages.toArray(ControlMessage[]::new));
    }

    /**
     * {@code msg_control} as raw bytes (cmsghdr structures in native byte order, as cmsg(3) lays them out), copied at
     * the send.
     *
     * @throws IllegalArgumentException if longer than 64 KiB
     */
    public MsgHdr withControl(byte[] raw) {
        if (raw.length > MsgIo.MAX_CONTROL) {
            throw new IllegalArgumentException("control data of " + raw.length + " bytes exceeds " + MsgIo.MAX_CONTROL);
        }
        this.rawControl = raw.clone();
        this.control = null;
        return this;
    }

    /** {@code msg_flags} (ignored by Linux on send; kept for parity with socket2). */
    public MsgHdr withFlags(int flags) {
        this.flags = flags;
        return this;
    }

    /** The destination, or {@code null}. */
    public SockAddr addr() { return addr; }

    /** The total bytes of the buffers as they are now. */
    public long remaining() {
        long n = 0;
        if (byteBuffers != null) for (ByteBuffer b : byteBuffers) n += b.remaining();
        if (segments != null) for (MemorySegment s : segments) n += s.byteSize();
        return n;
    }

    /** Fills the thread's msghdr (and iovec, address, control buffers) for one {@code sendmsg}. */
    MemorySegment prepare(Scratch s) {
        int iovcnt = byteBuffers != null ? Bufs.fillIov(s, byteBuffers, true)
            : segments != null ? Bufs.fillIov(s, segments, true) : 0;
        int alen = addr == null ? 0 : addr.copyTo(s.addr);
        MemorySegment ctl = MemorySegment.NULL;
        long clen = 0;
        if (control != null && control.length > 0) {
            ctl = MsgIo.control(CmsgCodec.space(control));
            clen = CmsgCodec.encode(control, ctl);
        } else if (rawControl != null && rawControl.length > 0) {
            ctl = MsgIo.control(rawControl.length);
            MemorySegment.copy(rawControl, 0, ctl, JAVA_BYTE, 0, rawControl.length);
            clen = rawControl.length;
        }
        return BaseSocket.prepareMsg(s, alen == 0 ? MemorySegment.NULL : s.addr, alen, iovcnt, ctl, clen, flags);
    }

    /** Moves the positions of the byte buffers by the {@code n} bytes sent. */
    void afterSend(long n) {
        if (byteBuffers != null) Bufs.afterSend(byteBuffers, n);
    }

    @Override public String toString() {
        return "MsgHdr{addr=" + addr + ", bytes=" + remaining() + ", control="
            + (control != null ? List.of(control) : rawControl != null ? rawControl.length + " raw bytes" : "none")
            + ", flags=" + flags + "}";
    }
}
