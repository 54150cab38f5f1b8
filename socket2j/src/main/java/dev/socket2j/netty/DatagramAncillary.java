package dev.socket2j.netty;

import dev.socket2j.ControlMessage;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The ancillary data ({@code cmsg(3)}) a datagram arrived with, read through typed accessors: what the socket asked
 * for with {@code IP_RECVTOS}, {@code IP_RECVTTL}, {@code IP_PKTINFO}, {@code IP_RECVORIGDSTADDR},
 * {@code SO_TIMESTAMPNS} and their IPv6 twins. {@link Socket2DatagramPacket} and
 * {@link Socket2SegmentedDatagramPacket} carry it; an accessor is empty when that item did not arrive.
 */
public interface DatagramAncillary {
    /** Every control message that came with the datagram, in the kernel's order. */
    List<ControlMessage> controlMessages();

    /** Received TOS byte (IPv4 {@code IP_TOS}) or traffic class (IPv6 {@code IPV6_TCLASS}). */
    default OptionalInt trafficClass() {
        for (ControlMessage m : controlMessages()) {
            if (m instanceof ControlMessage.IpTos t) return OptionalInt.of(t.tos());
            if (m instanceof ControlMessage.Ipv6TClass t) return OptionalInt.of(t.tclass());
        }
        return OptionalInt.empty();
    }

    /** Received TTL (IPv4) or hop limit (IPv6). */
    default OptionalInt hopLimit() {
        for (ControlMessage m : controlMessages()) {
            if (m instanceof ControlMessage.IpTtl t) return OptionalInt.of(t.ttl());
            if (m instanceof ControlMessage.Ipv6HopLimit h) return OptionalInt.of(h.hopLimit());
        }
        return OptionalInt.empty();
    }

    /** The header's destination address, from PKTINFO (a multicast or broadcast group, or one local address). */
    default Optional<InetAddress> destination() {
        for (ControlMessage m : controlMessages()) {
            if (m instanceof ControlMessage.IpPktInfo p) return Optional.of(p.addr());
            if (m instanceof ControlMessage.Ipv6PktInfo p) return Optional.of(p.addr());
        }
        return Optional.empty();
    }

    /** The index of the interface the datagram arrived on, from PKTINFO. */
    default OptionalInt interfaceIndex() {
        for (ControlMessage m : controlMessages()) {
            if (m instanceof ControlMessage.IpPktInfo p) return OptionalInt.of(p.ifindex());
            if (m instanceof ControlMessage.Ipv6PktInfo p) return OptionalInt.of(p.ifindex());
        }
        return OptionalInt.empty();
    }

    /** The destination before any redirect (TPROXY, NAT), from {@code IP_RECVORIGDSTADDR}. */
    default Optional<InetSocketAddress> originalDestination() {
        for (ControlMessage m : controlMessages()) {
            if (m instanceof ControlMessage.IpOrigDstAddr a) return a.addr().asSocket();
            if (m instanceof ControlMessage.Ipv6OrigDstAddr a) return a.addr().asSocket();
        }
        return Optional.empty();
    }

    /** The kernel's receive time stamp ({@code SO_TIMESTAMPNS}, CLOCK_REALTIME). */
    default Optional<Instant> timestamp() {
        for (ControlMessage m : controlMessages()) {
            if (m instanceof ControlMessage.TimestampNs t) return Optional.of(t.instant());
        }
        return Optional.empty();
    }
}
