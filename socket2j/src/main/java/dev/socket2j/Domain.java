package dev.socket2j;

import dev.socket2j.internal.C;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * A socket's communication domain, the first argument of {@code socket(2)}: an open wrapper over the C
 * integer, so any {@code AF_*} value the kernel knows can be used, named or not.
 *
 * @param value the raw {@code AF_*} value
 */
public record Domain(int value) {
    /** {@code AF_INET}: IPv4. */
    public static final Domain IPV4 = new Domain(C.AF_INET);
    /** {@code AF_INET6}: IPv6. */
    public static final Domain IPV6 = new Domain(C.AF_INET6);
    /** {@code AF_UNIX}: Unix-domain sockets, see unix(7). */
    public static final Domain UNIX = new Domain(C.AF_UNIX);
    /** {@code AF_PACKET}: raw link-level packets, see packet(7); needs {@code CAP_NET_RAW}. */
    public static final Domain PACKET = new Domain(C.AF_PACKET);
    /** {@code AF_VSOCK}: host–guest communication, see vsock(7). */
    public static final Domain VSOCK = new Domain(C.AF_VSOCK);

    private static final Map<Integer, String> NAMES = Map.of(C.AF_UNSPEC, "AF_UNSPEC", C.AF_INET, "AF_INET",
        C.AF_INET6, "AF_INET6", C.AF_UNIX, "AF_UNIX", C.AF_PACKET, "AF_PACKET", C.AF_VSOCK, "AF_VSOCK");

    /** {@link #IPV4} for an IPv4 address, {@link #IPV6} for an IPv6 one. */
    public static Domain forAddress(InetSocketAddress address) {
        if (address.isUnresolved()) throw new IllegalArgumentException("unresolved address: " + address);
        return address.getAddress() instanceof Inet6Address ? IPV6 : IPV4;
    }

    /** The C name ({@code AF_INET}), or the number for a value without a name here. */
    @Override public String toString() { return NAMES.getOrDefault(value, Integer.toString(value)); }
    // Written out: a record's generated equals/hashCode bootstrap method handles on first use (about ten classes
    // spun at a server's start, where every socket compares its domain).
    @Override public boolean equals(Object o) { return o instanceof Domain d && d.value == value; }
    @Override public int hashCode() { return Integer.hashCode(value); }
}
