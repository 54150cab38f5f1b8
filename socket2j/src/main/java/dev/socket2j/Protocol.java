package dev.socket2j;

import dev.socket2j.internal.C;

import java.util.Map;

/**
 * A socket protocol, the third argument of {@code socket(2)}. Open over the C integer.
 *
 * @param value the raw {@code IPPROTO_*} value
 */
public record Protocol(int value) {
    /** {@code IPPROTO_ICMP}: ping sockets (SOCK_DGRAM, allowed by {@code net.ipv4.ping_group_range}). */
    public static final Protocol ICMPV4 = new Protocol(C.IPPROTO_ICMP);
    /** {@code IPPROTO_ICMPV6}. */
    public static final Protocol ICMPV6 = new Protocol(C.IPPROTO_ICMPV6);
    /** {@code IPPROTO_TCP}. */
    public static final Protocol TCP = new Protocol(C.IPPROTO_TCP);
    /** {@code IPPROTO_UDP}. */
    public static final Protocol UDP = new Protocol(C.IPPROTO_UDP);
    /** {@code IPPROTO_MPTCP}: Multipath TCP (Linux 5.6). */
    public static final Protocol MPTCP = new Protocol(C.IPPROTO_MPTCP);
    /** {@code IPPROTO_DCCP} (removed from Linux in 6.16). */
    public static final Protocol DCCP = new Protocol(C.IPPROTO_DCCP);
    /** {@code IPPROTO_SCTP}. */
    public static final Protocol SCTP = new Protocol(C.IPPROTO_SCTP);
    /** {@code IPPROTO_UDPLITE}. */
    public static final Protocol UDPLITE = new Protocol(C.IPPROTO_UDPLITE);

    private static final Map<Integer, String> NAMES = Map.of(C.IPPROTO_ICMP, "IPPROTO_ICMP",
        C.IPPROTO_ICMPV6, "IPPROTO_ICMPV6", C.IPPROTO_TCP, "IPPROTO_TCP", C.IPPROTO_UDP, "IPPROTO_UDP",
        C.IPPROTO_MPTCP, "IPPROTO_MPTCP", C.IPPROTO_DCCP, "IPPROTO_DCCP", C.IPPROTO_SCTP, "IPPROTO_SCTP",
        C.IPPROTO_UDPLITE, "IPPROTO_UDPLITE");

    /** The C name ({@code IPPROTO_TCP}), or the number. */
    @Override public String toString() { return NAMES.getOrDefault(value, Integer.toString(value)); }
    // Written out: a record's generated equals/hashCode bootstrap method handles on first use (about ten classes
    // spun at a server's start, where every socket compares its domain).
    @Override public boolean equals(Object o) { return o instanceof Protocol d && d.value == value; }
    @Override public int hashCode() { return Integer.hashCode(value); }
}
