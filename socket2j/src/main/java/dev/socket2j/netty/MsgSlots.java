package dev.socket2j.netty;

import dev.socket2j.ControlMessage;
import dev.socket2j.SockAddr;
import dev.socket2j.internal.Layouts;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The {@code struct mmsghdr} array of one message channel, with a {@code sockaddr_storage}, one iovec and a
 * control buffer per slot: slot 0 alone serves {@code sendmsg}/{@code recvmsg}, slots {@code 0..n-1}
 * {@code sendmmsg}/{@code recvmmsg}. Allocated once per channel, on first I/O; used only on its event loop.
 * Data never lives here: iovecs point at direct buffers or at the loop's copy area.
 *
 * <p>The channel owns the memory (about 45 KiB for a batch of 64) and {@link #free()}s it once it is closed and no
 * event loop can run its I/O any more; a channel dropped without that (a loop that died) is freed when the GC
 * finds the slots unreachable. A segment used after {@code free} fails with {@link IllegalStateException}, never
 * touching freed memory.
 */
final class MsgSlots {
    static final long HDR = Layouts.MMSGHDR_SIZE, IOV = Layouts.IOVEC_SIZE, NAME = Layouts.SOCKADDR_STORAGE_SIZE;
    /** Room for TOS, TTL, PKTINFO, ORIGDSTADDR, TIMESTAMPNS, GRO and a few descriptors at once. */
    static final int CONTROL = 512;
    /** What a receive without descriptors hands back. */
    static final int[] NO_FDS = {};

    private static final Cleaner CLEANER = Cleaner.create();

    final int capacity;
    final MemorySegment hdrs, iovs, names, controls;
    private final Cleaner.Cleanable cleanable;

    MsgSlots(int capacity) {
        this.capacity = capacity;
        Arena arena = Arena.ofShared();   // shared: a channel may move to another loop's thread
        cleanable = CLEANER.register(this, arena::close);
        hdrs = arena.allocate(HDR * capacity, 8);
        iovs = arena.allocate(IOV * capacity, 8);
        names = arena.allocate(NAME * capacity, 8);
        controls = arena.allocate((long) CONTROL * capacity, 8);
    }

    /** Frees the native memory, at most once; only when nothing uses the slots any more. */
    void free() { cleanable.clean(); }

    /** Whether {@link #free()} has not run yet. */
    boolean isLive() { return hdrs.scope().isAlive(); }

    MemorySegment hdr(int i) { return hdrs.asSlice(HDR * i, HDR); }

    MemorySegment name(int i) { return names.asSlice(NAME * i, NAME); }

    MemorySegment control(int i) { return controls.asSlice((long) CONTROL * i, CONTROL); }

    // The header fields that point into these slots are written as raw addresses (the segments are 64-bit, as
    // everywhere in socket2j): a slice per field and datagram would be garbage on the hot path.

    /** Points slot {@code i} at its own single iovec over {@code [address, address+len)}. */
    void setData(int i, long address, long len) {
        iovs.set(JAVA_LONG, IOV * i + Layouts.IOV_BASE, address);
        iovs.set(JAVA_LONG, IOV * i + Layouts.IOV_LEN, len);
        hdrs.set(JAVA_LONG, HDR * i + Layouts.MSG_IOV, iovs.address() + IOV * i);
        hdrs.set(JAVA_LONG, HDR * i + Layouts.MSG_IOVLEN, 1);
    }

    /** Points slot {@code i} at {@code count} iovecs elsewhere (the loop's array, for a gathering send). */
    void setIov(int i, MemorySegment iov, int count) {
        hdrs.set(ADDRESS, HDR * i + Layouts.MSG_IOV, iov);
        hdrs.set(JAVA_LONG, HDR * i + Layouts.MSG_IOVLEN, count);
    }

    /** Destination of a send: {@code null} for the connected peer. */
    void setName(int i, SockAddr to) {
        long h = HDR * i;
        if (to == null) {
            hdrs.set(ADDRESS, h + Layouts.MSG_NAME, MemorySegment.NULL);
            hdrs.set(JAVA_INT, h + Layouts.MSG_NAMELEN, 0);
        } else {
            MemorySegment name = name(i);
            hdrs.set(JAVA_LONG, h + Layouts.MSG_NAME, names.address() + NAME * i);
            hdrs.set(JAVA_INT, h + Layouts.MSG_NAMELEN, to.copyTo(name));
        }
    }

    /** Destination of a send as the kernel's bytes ({@code sockaddr}, all of {@code to}): {@code null} for the connected peer. */
    void setNameBytes(int i, byte[] to) {
        long h = HDR * i;
        if (to == null) {
            hdrs.set(ADDRESS, h + Layouts.MSG_NAME, MemorySegment.NULL);
            hdrs.set(JAVA_INT, h + Layouts.MSG_NAMELEN, 0);
        } else {
            MemorySegment.copy(to, 0, names, JAVA_BYTE, NAME * i, to.length);
            hdrs.set(JAVA_LONG, h + Layouts.MSG_NAME, names.address() + NAME * i);
            hdrs.set(JAVA_INT, h + Layouts.MSG_NAMELEN, to.length);
        }
    }

    /** Control messages of a send (none: no control buffer). */
    void setControl(int i, List<ControlMessage> msgs) {
        long h = HDR * i;
        if (msgs.isEmpty()) {
            hdrs.set(ADDRESS, h + Layouts.MSG_CONTROL, MemorySegment.NULL);
            hdrs.set(JAVA_LONG, h + Layouts.MSG_CONTROLLEN, 0);
        } else {
            long n = ControlMessage.encode(msgs, control(i));
            hdrs.set(JAVA_LONG, h + Layouts.MSG_CONTROL, controls.address() + (long) CONTROL * i);
            hdrs.set(JAVA_LONG, h + Layouts.MSG_CONTROLLEN, n);
        }
        hdrs.set(JAVA_INT, h + Layouts.MSG_FLAGS, 0);
        hdrs.set(JAVA_INT, h + Layouts.MMSG_LEN, 0);
    }

    /** Full name and control lengths of slot {@code i} for a receive. */
    void prepareRecv(int i) {
        long h = HDR * i;
        hdrs.set(JAVA_LONG, h + Layouts.MSG_NAME, names.address() + NAME * i);
        hdrs.set(JAVA_INT, h + Layouts.MSG_NAMELEN, (int) NAME);
        hdrs.set(JAVA_LONG, h + Layouts.MSG_CONTROL, controls.address() + (long) CONTROL * i);
        hdrs.set(JAVA_LONG, h + Layouts.MSG_CONTROLLEN, CONTROL);
        hdrs.set(JAVA_INT, h + Layouts.MSG_FLAGS, 0);
        hdrs.set(JAVA_INT, h + Layouts.MMSG_LEN, 0);
    }

    int msgLen(int i) { return hdrs.get(JAVA_INT, HDR * i + Layouts.MMSG_LEN); }

    int flags(int i) { return hdrs.get(JAVA_INT, HDR * i + Layouts.MSG_FLAGS); }

    /** The length of the sender address the kernel wrote into slot {@code i} (0 if none). */
    int senderLen(int i) { return Math.max(0, Math.min(hdrs.get(JAVA_INT, HDR * i + Layouts.MSG_NAMELEN), (int) NAME)); }

    long controlLen(int i) { return Math.min(hdrs.get(JAVA_LONG, HDR * i + Layouts.MSG_CONTROLLEN), CONTROL); }

    /** The control messages received in slot {@code i}; empty (no allocation) if none. */
    List<ControlMessage> controlMessages(int i) {
        long n = controlLen(i);
        return n <= 0 ? List.of() : ControlMessage.parse(control(i), n);
    }

    /** Descriptors received in slot {@code i} (SCM_RIGHTS), now owned by the caller. */
    int[] takeFds(int i) {
        long n = controlLen(i);
        return n <= 0 ? NO_FDS : ControlMessage.descriptors(control(i), n);
    }
}
