package dev.socket2j;

import dev.socket2j.ControlMessage.Unknown;
import dev.socket2j.internal.C;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.socket2j.MsgTestSupport.hasIpv6Loopback;
import static dev.socket2j.MsgTestSupport.setInt;
import static dev.socket2j.MsgTestSupport.udp;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** socket2's sendmsg and vectored twins through MsgHdr/MsgHdrMut, truncation flags, and bad input. */
class MsgHdrTest {
    private static ByteBuffer bytes(String s) { return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII)); }

    private static String str(ByteBuffer b) { return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII); }

    /** Twin of socket2's {@code sendmsg}: unconnected IPv6 pair, address and one buffer, 13 bytes. */
    @Test
    void sendmsg() throws Exception {
        boolean v6 = hasIpv6Loopback();
        try (Socket a = udp(v6); Socket b = udp(v6)) {
            byte[] data = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
            MsgHdr msg = new MsgHdr().withAddr(b.localAddr()).withBuffers(ByteBuffer.wrap(data));
            assertEquals(13, a.sendmsg(msg, 0));
            byte[] buf = new byte[data.length + 1];
            assertEquals(13, b.recv(buf));
            assertArrayEquals(data, java.util.Arrays.copyOf(buf, 13));
        }
    }

    /** Twin of socket2's {@code send_recv_vectored}, through sendmsg/recvmsg on a connected pair. */
    @Test
    void send_recv_vectored() throws Exception {
        boolean v6 = hasIpv6Loopback();
        try (Socket a = udp(v6); Socket b = udp(v6)) {
            a.connect(b.localAddr());
            b.connect(a.localAddr());
            long sent = a.sendmsg(new MsgHdr().withBuffers(bytes("the"), bytes("weeknight"), bytes("would"), bytes("yellow")), 0);
            assertEquals(23, sent);
            ByteBuffer the = ByteBuffer.allocate(3), wee = ByteBuffer.allocate(3), knight = ByteBuffer.allocate(6),
                would = ByteBuffer.allocate(5), yell = ByteBuffer.allocate(4), ow = ByteBuffer.allocate(2);
            try (MsgHdrMut m = new MsgHdrMut().withBuffers(the, wee, knight, would, yell, ow)) {
                assertEquals(23, b.recvmsg(m, 0));
                assertEquals(23, m.bytes());
                assertEquals(List.of("the", "wee", "knight", "would", "yell", "ow"),
                    List.of(str(the), str(wee), str(knight), str(would), str(yell), str(ow)));
                RecvFlags f = m.flags();
                assertFalse(f.isEndOfRecord());
                assertFalse(f.isOutOfBand());
                assertFalse(f.isTruncated());
                assertNull(m.addr());
            }
        }
    }

    /** Twin of socket2's {@code send_from_recv_to_vectored}: address on send, sender's address on receive. */
    @Test
    void send_from_recv_to_vectored() throws Exception {
        boolean v6 = hasIpv6Loopback();
        try (Socket a = udp(v6); Socket b = udp(v6)) {
            long sent = a.sendmsg(new MsgHdr().withAddr(b.localAddr())
                .withBuffers(bytes("surgeon"), bytes("has"), bytes("menuitem")), 0);
            assertEquals(18, sent);
            ByteBuffer surgeon = ByteBuffer.allocate(7), has = ByteBuffer.allocate(3), men = ByteBuffer.allocate(3),
                uitem = ByteBuffer.allocate(5);
            try (MsgHdrMut m = new MsgHdrMut().withBuffers(surgeon, has, men, uitem).withAddr()) {
                assertEquals(18, b.recvmsg(m, 0));
                assertEquals(List.of("surgeon", "has", "men", "uitem"), List.of(str(surgeon), str(has), str(men), str(uitem)));
                assertFalse(m.flags().isTruncated());
                assertFalse(m.flags().isConfirm());
                assertFalse(m.flags().isDontroute());
                assertEquals(a.localAddr(), m.addr());
                assertEquals(a.localAddr().len(), m.addrLen());
            }
        }
    }

    /** Twin of socket2's {@code recv_vectored_truncated}, plus MSG_TRUNC in the call flags giving the real length. */
    @Test
    void recv_vectored_truncated() throws Exception {
        try (Socket a = udp(false); Socket b = udp(false)) {
            a.connect(b.localAddr());
            byte[] data = "do not feed the gremlins after midnight".getBytes(StandardCharsets.US_ASCII);
            assertEquals(39, data.length);
            a.send(data);
            a.send(data);
            ByteBuffer buf = ByteBuffer.allocate(24);
            try (MsgHdrMut m = new MsgHdrMut().withBuffers(buf)) {
                assertEquals(24, b.recvmsg(m, 0));
                assertTrue(m.flags().isTruncated());
                assertEquals("do not feed the gremlins", str(buf));
                buf.clear();
                assertEquals(39, b.recvmsg(m, C.MSG_TRUNC), "MSG_TRUNC returns the datagram's real length");
                assertTrue(m.flags().isTruncated());
                assertEquals(24, buf.position(), "only what fits is written");
            }
        }
    }

    /** Twin of socket2's {@code recv_from_vectored_truncated}. */
    @Test
    void recv_from_vectored_truncated() throws Exception {
        try (Socket a = udp(false); Socket b = udp(false)) {
            byte[] data = "do not feed the gremlins after midnight".getBytes(StandardCharsets.US_ASCII);
            a.sendmsg(new MsgHdr().withAddr(b.localAddr()).withBuffers(ByteBuffer.wrap(data)), 0);
            ByteBuffer buf = ByteBuffer.allocate(24);
            try (MsgHdrMut m = new MsgHdrMut().withBuffers(buf).withAddr()) {
                assertEquals(24, b.recvmsg(m, 0));
                assertTrue(m.flags().isTruncated());
                assertEquals(a.localAddr(), m.addr());
            }
        }
    }

    /** Direct buffers, native and heap segments go through the iovec; data and lengths come back intact. */
    @Test
    void segmentsAndDirectBuffers() throws Exception {
        try (Socket a = udp(false); Socket b = udp(false); Arena arena = Arena.ofConfined()) {
            MemorySegment nat = arena.allocateFrom("native-", StandardCharsets.US_ASCII).asSlice(0, 7);
            MemorySegment heap = MemorySegment.ofArray("heap-".getBytes(StandardCharsets.US_ASCII));
            ByteBuffer direct = ByteBuffer.allocateDirect(6).put("direct".getBytes(StandardCharsets.US_ASCII)).flip();
            assertEquals(12, a.sendmsg(new MsgHdr().withAddr(b.localAddr()).withBuffers(nat, heap), 0));
            assertEquals(6, a.sendmsg(new MsgHdr().withAddr(b.localAddr()).withBuffers(direct), 0));
            assertEquals(0, direct.remaining(), "position moved by what was sent");

            MemorySegment inNative = arena.allocate(4);
            MemorySegment inHeap = MemorySegment.ofArray(new byte[16]);
            try (MsgHdrMut m = new MsgHdrMut().withBuffers(inNative, inHeap)) {
                assertEquals(12, b.recvmsg(m, 0));
                assertEquals("nati", new String(inNative.toArray(JAVA_BYTE), StandardCharsets.US_ASCII));
                assertEquals("ve-heap-", new String(inHeap.asSlice(0, 8).toArray(JAVA_BYTE), StandardCharsets.US_ASCII));
            }
            ByteBuffer into = ByteBuffer.allocateDirect(10);
            try (MsgHdrMut m = new MsgHdrMut().withBuffers(into)) {
                assertEquals(6, b.recvmsg(m, 0));
                assertEquals(6, into.position());
            }
        }
    }

    /** A control buffer too small for what arrives: MSG_CTRUNC set, and a cut message is not decoded as its type. */
    @Test
    void controlTruncationIsReportedNotMisread() throws Exception {
        try (Socket a = udp(false); Socket b = udp(false)) {
            setInt(b, "IP_RECVTTL", C.IPPROTO_IP, C.IP_RECVTTL, 1);
            setInt(b, "IP_PKTINFO", C.IPPROTO_IP, C.IP_PKTINFO, 1);
            a.connect(b.localAddr());
            ByteBuffer buf = ByteBuffer.allocate(16);
            // room for everything: PKTINFO (12 bytes) and TTL (4 bytes)
            a.send(new byte[] {1});
            try (MsgHdrMut m = new MsgHdrMut().withBuffers(buf).withControl(2 * ControlMessage.spaceFor(12))) {
                b.recvmsg(m, 0);
                assertFalse(m.flags().isControlTruncated());
                assertEquals(2, m.controlMessages().size(), m.controlMessages().toString());
                assertTrue(m.controlMessages().stream().allMatch(c -> !(c instanceof Unknown)));
            }
            // room for the first (PKTINFO, CMSG_SPACE(12) = 32) and 18 of the 20 bytes the TTL needs (CMSG_LEN(4)):
            // the kernel writes a cut TTL message (2 data bytes) and sets MSG_CTRUNC
            a.send(new byte[] {2});
            try (MsgHdrMut m = new MsgHdrMut().withBuffers(buf.clear()).withControl(ControlMessage.spaceFor(12) + 18)) {
                b.recvmsg(m, 0);
                assertTrue(m.flags().isControlTruncated(), m.toString());
                List<ControlMessage> cm = m.controlMessages();
                assertEquals(2, cm.size(), cm.toString());
                assertInstanceOf(ControlMessage.IpPktInfo.class, cm.get(0));
                Unknown cut = assertInstanceOf(Unknown.class, cm.get(1), "a cut TTL is not read as an IpTtl");
                assertEquals(C.IP_TTL, cut.type());
                assertEquals(2, cut.dataLength());
            }
            // room for no header at all: nothing written, MSG_CTRUNC set
            a.send(new byte[] {3});
            try (MsgHdrMut m = new MsgHdrMut().withBuffers(buf.clear()).withControl(8)) {
                b.recvmsg(m, 0);
                assertTrue(m.flags().isControlTruncated());
                assertEquals(0, m.controlLen());
                assertEquals(List.of(), m.controlMessages());
            }
        }
    }

    @Test
    void badInputIsRefusedBeforeTheSyscall() throws Exception {
        ByteBuffer[] tooMany = new ByteBuffer[C.IOV_MAX + 1];
        java.util.Arrays.fill(tooMany, ByteBuffer.allocate(1));
        assertThrows(IllegalArgumentException.class, () -> new MsgHdr().withBuffers(tooMany));
        assertThrows(IllegalArgumentException.class, () -> new MsgHdrMut().withBuffers(tooMany));
        assertThrows(IllegalArgumentException.class, () -> new MsgHdrMut().withControl(-1));
        assertThrows(IllegalArgumentException.class, () -> new MsgHdrMut().withBuffers(ByteBuffer.allocate(4).asReadOnlyBuffer()));
        assertThrows(NullPointerException.class, () -> new MsgHdr().withBuffers((ByteBuffer) null));
        assertThrows(IllegalArgumentException.class, () -> new ControlMessage.IpTos(256));
        assertThrows(IllegalArgumentException.class, () -> new ControlMessage.UdpSegment(-1));
        assertThrows(IllegalArgumentException.class, () -> new ControlMessage.ScmRights(new int[] {-1}));
        assertThrows(IllegalArgumentException.class, () -> ControlMessage.spaceFor(-3));
        assertThrows(IllegalArgumentException.class, () -> new MsgHdr().withControl(new byte[(1 << 16) + 1]));

        Socket s = udp(false);
        SockAddr self = s.localAddr();
        s.close();
        assertThrows(ClosedChannelException.class, () -> s.sendmsg(new MsgHdr().withAddr(self).withBuffers(ByteBuffer.allocate(1)), 0));
        try (MsgHdrMut m = new MsgHdrMut().withBuffers(ByteBuffer.allocate(1))) {
            assertThrows(ClosedChannelException.class, () -> s.recvmsg(m, 0));
        }
        MsgHdrMut closed = new MsgHdrMut().withBuffers(ByteBuffer.allocate(1));
        closed.close();
        try (Socket t = udp(false)) {
            assertThrows(IllegalStateException.class, () -> t.recvmsg(closed, C.MSG_DONTWAIT));
        }
    }

    /** A datagram larger than loopback allows is the kernel's EMSGSIZE, as an OsError. */
    @Test
    void kernelRefusalIsAnOsError() throws Exception {
        try (Socket a = udp(false); Socket b = udp(false)) {
            var e = assertThrows(java.io.IOException.class,
                () -> a.sendmsg(new MsgHdr().withAddr(b.localAddr()).withBuffers(ByteBuffer.allocateDirect(70_000)), 0));
            assertEquals("EMSGSIZE", ((OsError) e).errnoName());
        }
    }
}
