package dev.socket2j;

import dev.socket2j.internal.C;

/**
 * The {@code msg_flags} the kernel returns from {@code recvmsg(2)}.
 *
 * @param value the raw {@code MSG_*} bits
 */
public record RecvFlags(int value) {
    /** {@code MSG_TRUNC}: the datagram was longer than the buffers and its tail was discarded. */
    public boolean isTruncated() { return (value & C.MSG_TRUNC) != 0; }
    /** {@code MSG_EOR}: the end of a record (SOCK_SEQPACKET). */
    public boolean isEndOfRecord() { return (value & C.MSG_EOR) != 0; }
    /** {@code MSG_OOB}: out-of-band data was received. */
    public boolean isOutOfBand() { return (value & C.MSG_OOB) != 0; }
    /** {@code MSG_CONFIRM}. */
    public boolean isConfirm() { return (value & C.MSG_CONFIRM) != 0; }
    /** {@code MSG_DONTROUTE}. */
    public boolean isDontroute() { return (value & C.MSG_DONTROUTE) != 0; }
    /** {@code MSG_CTRUNC}: the control buffer was too small and ancillary data was dropped. */
    public boolean isControlTruncated() { return (value & C.MSG_CTRUNC) != 0; }

    @Override public String toString() {
        return "RecvFlags{truncated=" + isTruncated() + ", endOfRecord=" + isEndOfRecord() + ", outOfBand="
            + isOutOfBand() + ", confirm=" + isConfirm() + ", dontroute=" + isDontroute()
            + ", controlTruncated=" + isControlTruncated() + "}";
    }
}
