package dev.socket2j;

import dev.socket2j.internal.C;

import java.util.Map;

/**
 * A socket type, the second argument of {@code socket(2)}, possibly with the {@code SOCK_NONBLOCK} and
 * {@code SOCK_CLOEXEC} flags OR-ed in. Open over the C integer.
 *
 * @param value the raw {@code SOCK_*} value including flags
 */
public record Type(int value) {
    /** {@code SOCK_STREAM}: a connection-oriented byte stream (TCP, Unix stream). */
    public static final Type STREAM = new Type(C.SOCK_STREAM);
    /** {@code SOCK_DGRAM}: datagrams (UDP, Unix datagram). */
    public static final Type DGRAM = new Type(C.SOCK_DGRAM);
    /** {@code SOCK_SEQPACKET}: reliable, ordered, record-preserving (Unix, SCTP). */
    public static final Type SEQPACKET = new Type(C.SOCK_SEQPACKET);
    /** {@code SOCK_RAW}: raw protocol access; needs {@code CAP_NET_RAW}. */
    public static final Type RAW = new Type(C.SOCK_RAW);
    /** {@code SOCK_DCCP}: the Datagram Congestion Control Protocol (removed from Linux in 6.16). */
    public static final Type DCCP = new Type(C.SOCK_DCCP);

    private static final Map<Integer, String> NAMES = Map.of(C.SOCK_STREAM, "SOCK_STREAM", C.SOCK_DGRAM, "SOCK_DGRAM",
        C.SOCK_RAW, "SOCK_RAW", C.SOCK_RDM, "SOCK_RDM", C.SOCK_SEQPACKET, "SOCK_SEQPACKET", C.SOCK_DCCP, "SOCK_DCCP");

    /** This type with {@code SOCK_NONBLOCK}: the socket is created non-blocking in the same syscall. */
    public Type nonblocking() { return new Type(value | C.SOCK_NONBLOCK); }

    /** This type with {@code SOCK_CLOEXEC}: the descriptor is closed on {@code exec}. */
    public Type cloexec() { return new Type(value | C.SOCK_CLOEXEC); }

    /** The C name ({@code SOCK_STREAM}); a value with flags or without a name prints as its number. */
    @Override public String toString() { return NAMES.getOrDefault(value, Integer.toString(value)); }
    // Written out: a record's generated equals/hashCode bootstrap method handles on first use (about ten classes
    // spun at a server's start, where every socket compares its domain).
    @Override public boolean equals(Object o) { return o instanceof Type d && d.value == value; }
    @Override public int hashCode() { return Integer.hashCode(value); }
}
