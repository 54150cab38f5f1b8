package dev.socket2j;

import dev.socket2j.ControlMessage.IpOrigDstAddr;
import dev.socket2j.ControlMessage.IpPktInfo;
import dev.socket2j.ControlMessage.IpTos;
import dev.socket2j.ControlMessage.IpTtl;
import dev.socket2j.ControlMessage.Ipv6HopLimit;
import dev.socket2j.ControlMessage.Ipv6OrigDstAddr;
import dev.socket2j.ControlMessage.Ipv6PktInfo;
import dev.socket2j.ControlMessage.Ipv6TClass;
import dev.socket2j.ControlMessage.RxqOverflow;
import dev.socket2j.ControlMessage.TimestampNs;
import dev.socket2j.internal.C;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.socket2j.MsgTestSupport.V4;
import static dev.socket2j.MsgTestSupport.hasIpv6Loopback;
import static dev.socket2j.MsgTestSupport.loopbackIndex;
import static dev.socket2j.MsgTestSupport.setInt;
import static dev.socket2j.MsgTestSupport.udp;
import static dev.socket2j.MsgTestSupport.v6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** IP-level ancillary data received after the IP_RECV* / IPV6_RECV* switches, and set per message on send. */
class IpControlMessagesTest {
    private static <T extends ControlMessage> T only(Class<T> type, List<ControlMessage> msgs) {
        List<T> found = msgs.stream().filter(type::isInstance).map(type::cast).toList();
        assertEquals(1, found.size(), type.getSimpleName() + " in " + msgs);
        return found.get(0);
    }

    private static List<ControlMessage> receive(Socket s) throws Exception {
        try (MsgHdrMut m = new MsgHdrMut().withBuffers(ByteBuffer.allocate(64)).withControl(512)) {
            s.recvmsg(m, 0);
            assertTrue(!m.flags().isControlTruncated());
            return m.controlMessages();
        }
    }

    @Test
    void tosAndTtlReceivedAfterRecvSwitches() throws Exception {
        try (Socket a = udp(false); Socket b = udp(false)) {
            a.connect(b.localAddr());
            a.send(new byte[] {0});
            assertEquals(List.of(), receive(b), "nothing before the switches are set");

            setInt(b, "IP_RECVTOS", C.IPPROTO_IP, C.IP_RECVTOS, 1);
            setInt(b, "IP_RECVTTL", C.IPPROTO_IP, C.IP_RECVTTL, 1);
            setInt(a, "IP_TOS", C.IPPROTO_IP, C.IP_TOS, 0x28);
            setInt(a, "IP_TTL", C.IPPROTO_IP, C.IP_TTL, 42);
            a.send(new byte[] {1});
            List<ControlMessage> got = receive(b);
            assertEquals(new IpTos(0x28), only(IpTos.class, got));
            assertEquals(new IpTtl(42), only(IpTtl.class, got));
        }
    }

    /** TOS and TTL given per message with sendmsg override the socket's values for that datagram only. */
    @Test
    void perMessageTosAndTtlAreSeenByReceiver() throws Exception {
        try (Socket a = udp(false); Socket b = udp(false)) {
            setInt(b, "IP_RECVTOS", C.IPPROTO_IP, C.IP_RECVTOS, 1);
            setInt(b, "IP_RECVTTL", C.IPPROTO_IP, C.IP_RECVTTL, 1);
            a.sendmsg(new MsgHdr().withAddr(b.localAddr()).withBuffers(ByteBuffer.wrap(new byte[] {1}))
                .withControl(new IpTos(0xb8), new IpTtl(7)), 0);
            a.sendmsg(new MsgHdr().withAddr(b.localAddr()).withBuffers(ByteBuffer.wrap(new byte[] {2})), 0);
            List<ControlMessage> first = receive(b), second = receive(b);
            assertEquals(new IpTos(0xb8), only(IpTos.class, first));
            assertEquals(new IpTtl(7), only(IpTtl.class, first));
            assertEquals(new IpTos(0), only(IpTos.class, second));
            assertEquals(64, only(IpTtl.class, second).ttl(), "the default TTL (net.ipv4.ip_default_ttl) on loopback");
        }
    }

    @Test
    void pktinfoAndOrigDstAddrGiveTheDestination() throws Exception {
        try (Socket a = udp(false); Socket b = udp(false)) {
            setInt(b, "IP_PKTINFO", C.IPPROTO_IP, C.IP_PKTINFO, 1);
            setInt(b, "IP_RECVORIGDSTADDR", C.IPPROTO_IP, C.IP_RECVORIGDSTADDR, 1);
            a.sendTo(new byte[] {1}, b.localAddr());
            List<ControlMessage> got = receive(b);
            IpPktInfo info = only(IpPktInfo.class, got);
            assertEquals(V4, info.addr());
            assertEquals(V4, info.specDst());
            assertEquals(loopbackIndex(), info.ifindex());
            assertEquals(new IpOrigDstAddr(b.localAddr()), only(IpOrigDstAddr.class, got));
        }
    }

    /** IP_PKTINFO on send picks the source address of that datagram: 127.0.0.2 is a loopback address too. */
    @Test
    void pktinfoOnSendSetsTheSource() throws Exception {
        Inet4Address other = (Inet4Address) java.net.InetAddress.getByName("127.0.0.2");
        try (Socket b = udp(false); Socket c = Socket.open(Domain.IPV4, Type.DGRAM)) {
            c.sendmsg(new MsgHdr().withAddr(b.localAddr()).withBuffers(ByteBuffer.wrap(new byte[] {1}))
                .withControl(new IpPktInfo(0, other, (Inet4Address) V4)), 0);
            try (MsgHdrMut m = new MsgHdrMut().withBuffers(ByteBuffer.allocate(8)).withAddr()) {
                b.recvmsg(m, 0);
                assertEquals(other, m.addr().asSocket().orElseThrow().getAddress());
            }
        }
    }

    @Test
    void ipv6TclassHopLimitPktinfoOrigDst() throws Exception {
        assumeTrue(hasIpv6Loopback(), "no ::1 on this machine");
        try (Socket a = udp(true); Socket b = udp(true)) {
            setInt(b, "IPV6_RECVTCLASS", C.IPPROTO_IPV6, C.IPV6_RECVTCLASS, 1);
            setInt(b, "IPV6_RECVHOPLIMIT", C.IPPROTO_IPV6, C.IPV6_RECVHOPLIMIT, 1);
            setInt(b, "IPV6_RECVPKTINFO", C.IPPROTO_IPV6, C.IPV6_RECVPKTINFO, 1);
            setInt(b, "IPV6_RECVORIGDSTADDR", C.IPPROTO_IPV6, C.IPV6_RECVORIGDSTADDR, 1);
            setInt(a, "IPV6_TCLASS", C.IPPROTO_IPV6, C.IPV6_TCLASS, 0x20);
            setInt(a, "IPV6_UNICAST_HOPS", C.IPPROTO_IPV6, C.IPV6_UNICAST_HOPS, 33);
            a.sendTo(new byte[] {1}, b.localAddr());
            List<ControlMessage> got = receive(b);
            assertEquals(new Ipv6TClass(0x20), only(Ipv6TClass.class, got));
            assertEquals(new Ipv6HopLimit(33), only(Ipv6HopLimit.class, got));
            Ipv6PktInfo info = only(Ipv6PktInfo.class, got);
            assertEquals(v6(), info.addr());
            assertEquals(loopbackIndex(), info.ifindex());
            assertEquals(new Ipv6OrigDstAddr(b.localAddr()), only(Ipv6OrigDstAddr.class, got));

            // per message
            a.sendmsg(new MsgHdr().withAddr(b.localAddr()).withBuffers(ByteBuffer.wrap(new byte[] {2}))
                .withControl(new Ipv6TClass(0x88), new Ipv6HopLimit(5)), 0);
            got = receive(b);
            assertEquals(new Ipv6TClass(0x88), only(Ipv6TClass.class, got));
            assertEquals(new Ipv6HopLimit(5), only(Ipv6HopLimit.class, got));
        }
    }

    @Test
    void timestampNsIsTheReceiveTime() throws Exception {
        try (Socket a = udp(false); Socket b = udp(false)) {
            setInt(b, "SO_TIMESTAMPNS", C.SOL_SOCKET, C.SO_TIMESTAMPNS, 1);
            Instant before = Instant.now();
            a.sendTo(new byte[] {1}, b.localAddr());
            TimestampNs ts = only(TimestampNs.class, receive(b));
            Instant after = Instant.now();
            // wall clock: allow for coarse clocks, but the stamp must be this run's, not garbage
            assertTrue(!ts.instant().isBefore(before.minus(Duration.ofSeconds(5))) && !ts.instant().isAfter(after.plusSeconds(5)),
                ts.instant() + " not between " + before + " and " + after);
            assertTrue(ts.nanos() >= 0 && ts.nanos() < 1_000_000_000L);
        }
    }

    /** SO_RXQ_OVFL: once the receive queue has dropped datagrams, later ones carry the drop count. */
    @Test
    void rxqOverflowCountsDrops() throws Exception {
        try (Socket a = udp(false); Socket b = udp(false)) {
            setInt(b, "SO_RXQ_OVFL", C.SOL_SOCKET, C.SO_RXQ_OVFL, 1);
            setInt(b, "SO_RCVBUF", C.SOL_SOCKET, C.SO_RCVBUF, 1);  // the kernel raises it to its minimum
            a.connect(b.localAddr());
            byte[] payload = new byte[1000];
            for (int i = 0; i < 200; i++) a.send(payload);
            // drain what was queued (non-blocking), then one more datagram carries the drop count
            try (MsgHdrMut m = new MsgHdrMut().withBuffers(ByteBuffer.allocate(2048)).withControl(64)) {
                for (int i = 0; i < 200; i++) {
                    try { b.recvmsg(m, C.MSG_DONTWAIT); } catch (java.io.IOException e) { break; }
                }
            }
            a.send(payload);
            RxqOverflow o = only(RxqOverflow.class, receive(b));
            assertTrue(o.dropped() > 0 && o.dropped() <= 200, o.toString());
        }
    }
}
