package dev.socket2j;

import java.util.Objects;

/**
 * The value of the protocol-independent source-filter options ({@code MCAST_JOIN_SOURCE_GROUP},
 * {@code MCAST_LEAVE_SOURCE_GROUP}, {@code MCAST_BLOCK_SOURCE}, {@code MCAST_UNBLOCK_SOURCE}, RFC 3678): a multicast
 * group, one source of it, and the interface, sent as {@code struct group_source_req}.
 *
 * <p>Both addresses are of the family of the option's level: IPv4 ones at {@code IPPROTO_IP}
 * ({@link SockOpt#MCAST_JOIN_SOURCE_GROUP}), IPv6 ones (an IPv4 group written v4-mapped) at {@code IPPROTO_IPV6}
 * ({@link SockOpt#MCAST_JOIN_SOURCE_GROUP_V6}); the kernel refuses a mismatch with {@code EADDRNOTAVAIL}. The ports of
 * the addresses are ignored.
 *
 * @param ifindex the interface index, 0 for the kernel's choice
 * @param group the group address
 * @param source the source address
 */
public record GroupSource(int ifindex, SockAddr group, SockAddr source) {
    /**
     * Checks the components.
     *
     * @throws IllegalArgumentException for a negative index, a non-IP address, or two addresses of different families
     */
    public GroupSource {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(source, "source");
        if (ifindex < 0) throw new IllegalArgumentException("negative interface index: " + ifindex);
        if (!(group.isIpv4() || group.isIpv6())) throw new IllegalArgumentException("not an IP address: " + group);
        if (group.family() != source.family()) {
            throw new IllegalArgumentException("group and source of different families: " + group + ", " + source);
        }
    }
}
