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
import dev.socket2j.ControlMessage.ScmCredentials;
import dev.socket2j.ControlMessage.ScmRights;
import dev.socket2j.ControlMessage.TimestampNs;
import dev.socket2j.ControlMessage.UdpGro;
import dev.socket2j.ControlMessage.UdpSegment;
import dev.socket2j.ControlMessage.Unknown;
import dev.socket2j.internal.C;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Encoding and parsing of control buffers without the kernel: layout, alignment, malformed input. */
class ControlMessageCodecTest {
    private static byte[] seed(String name) throws Exception {
        try (InputStream in = ControlMessageCodecTest.class.getResourceAsStream("ParserFuzzTestInputs/controlMessages/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void everyTypeRoundTrips() throws Exception {
        Inet4Address lo4 = (Inet4Address) InetAddress.getByName("127.0.0.1");
        Inet6Address lo6 = (Inet6Address) InetAddress.getByName("::1");
        List<ControlMessage> all = List.of(new ScmRights(new int[] {3, 4, 5}), new ScmCredentials(1, 2, 3),
            new TimestampNs(1_700_000_000L, 123), new RxqOverflow(0xFFFF_FFFFL), new IpTos(0xb8), new IpTtl(9),
            new IpPktInfo(1, lo4, lo4), new IpOrigDstAddr(SockAddr.of(new InetSocketAddress(lo4, 80))),
            new Ipv6TClass(0x20), new Ipv6HopLimit(3), new Ipv6PktInfo(lo6, 1),
            new Ipv6OrigDstAddr(SockAddr.of(new InetSocketAddress(lo6, 443))), new UdpSegment(1400), new UdpGro(1200),
            new Unknown(C.IPPROTO_IP, 999, new byte[] {1, 2, 3}));
        byte[] bytes = ControlMessage.encode(all.toArray(ControlMessage[]::new));
        assertEquals(ControlMessage.space(all.toArray(ControlMessage[]::new)), bytes.length);
        assertEquals(all, ControlMessage.parse(bytes));
    }

    /** Layout as cmsg(3): size_t cmsg_len = CMSG_LEN(n), level, type, data at 16, next header at CMSG_SPACE(n). */
    @Test
    void layoutHonoursCmsgAlignAndSpace() {
        byte[] b = ControlMessage.encode(new UdpSegment(1000), new ScmRights(new int[] {7, 8, 9}));
        assertEquals(24 + 32, b.length, "CMSG_SPACE(2) = 24, CMSG_SPACE(12) = 32");
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
        assertEquals(18, bb.getLong(0), "CMSG_LEN(2)");
        assertEquals(C.SOL_UDP, bb.getInt(8));
        assertEquals(C.UDP_SEGMENT, bb.getInt(12));
        assertEquals(1000, bb.getShort(16));
        assertEquals(28, bb.getLong(24), "second header at CMSG_SPACE(2)");
        assertEquals(C.SOL_SOCKET, bb.getInt(32));
        assertEquals(C.SCM_RIGHTS, bb.getInt(36));
        assertEquals(9, bb.getInt(48));
        assertEquals(ControlMessage.spaceFor(2), 24);
        assertEquals(ControlMessage.spaceFor(0), 16);
    }

    @Test
    void kernelShapedBuffersParseToTypes() throws Exception {
        Inet4Address lo4 = (Inet4Address) InetAddress.getByName("127.0.0.1");
        assertEquals(List.of(new IpPktInfo(1, lo4, lo4), new IpTtl(64), new IpTos(0x28)),
            ControlMessage.parse(seed("ip-pktinfo-ttl-tos")), "IP_TOS arrives as one byte");
        assertEquals(List.of(new UdpSegment(1000), new UdpGro(1400)), ControlMessage.parse(seed("udp-segment-gro")));
        List<ControlMessage> cut = ControlMessage.parse(seed("truncated-ttl"));
        assertEquals(new Unknown(C.IPPROTO_IP, C.IP_TTL, new byte[] {0x40, 0}), cut.get(1), "a cut TTL stays raw");
    }

    @Test
    void malformedHeadersAreRefused() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> ControlMessage.parse(seed("bad-cmsg-len")));
        byte[] tooLong = ControlMessage.encode(new IpTtl(1));
        tooLong[0] = 100;  // cmsg_len past the buffer
        assertThrows(IllegalArgumentException.class, () -> ControlMessage.parse(tooLong));
        assertThrows(IllegalArgumentException.class, () -> ControlMessage.parse(new byte[4], 5));
        assertEquals(List.of(), ControlMessage.parse(new byte[15]), "fewer bytes than a header: nothing");
    }

    @Test
    void wrongLengthsStayUnknown() {
        byte[] b = ControlMessage.encode(new Unknown(C.SOL_SOCKET, C.SCM_CREDENTIALS, new byte[8]),
            new Unknown(C.IPPROTO_IP, C.IP_TOS, new byte[] {0, 1, 0, 0, 0}));
        List<ControlMessage> parsed = ControlMessage.parse(b);
        assertEquals(2, parsed.size());
        parsed.forEach(m -> assertEquals(Unknown.class, m.getClass()));
        assertArrayEquals(new byte[8], ((Unknown) parsed.get(0)).data());
    }
}
