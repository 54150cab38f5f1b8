package dev.socket2j;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.Objects;

/** The values of the multicast membership actions (join and leave a group, or a group from one source). */
public sealed interface Membership {
    /**
     * An IPv4 group on an interface; sent as {@code struct ip_mreqn}, which the kernel takes for
     * {@code IP_ADD_MEMBERSHIP}/{@code IP_DROP_MEMBERSHIP} as it takes the shorter {@code ip_mreq}.
     */
    record V4(Inet4Address group, InterfaceIndexOrAddress iface) implements Membership {
        /** Checks the components. @throws NullPointerException for a null group or interface */
        public V4 {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(iface, "iface");
        }
    }

    /** An IPv4 group, restricted to one source, on the interface with address {@code iface} ({@code ip_mreq_source}). */
    record SourceV4(Inet4Address source, Inet4Address group, Inet4Address iface) implements Membership {
        /** Checks the components. @throws NullPointerException for a null address */
        public SourceV4 {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(iface, "iface");
        }
    }

    /** An IPv6 group on the interface with index {@code ifindex}, 0 letting the kernel choose ({@code ipv6_mreq}). */
    record V6(Inet6Address group, int ifindex) implements Membership {
        /** Checks the components. @throws IllegalArgumentException for a negative interface index */
        public V6 {
            Objects.requireNonNull(group, "group");
            if (ifindex < 0) throw new IllegalArgumentException("negative interface index: " + ifindex);
        }
    }
}
