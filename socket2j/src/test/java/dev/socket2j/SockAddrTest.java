package dev.socket2j;

import dev.socket2j.internal.C;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Twins of socket2's sockaddr tests (tests/socket.rs socket_address_*, src/sockaddr.rs, src/sys/unix.rs). */
class SockAddrTest {

    private static final Inet4Address V4 = (Inet4Address) addr(1, 2, 3, 4);
    private static final Inet6Address V6 = (Inet6Address) addr(0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8);

    private static InetAddress addr(int... b) {
        byte[] a = new byte[b.length];
        for (int i = 0; i < b.length; i++) a[i] = (byte) b[i];
        try { return InetAddress.getByAddress(a); } catch (java.net.UnknownHostException e) { throw new AssertionError(e); }
    }

    private static ByteBuffer native_(SockAddr a) { return ByteBuffer.wrap(a.toBytes()).order(ByteOrder.nativeOrder()); }

    @Test
    void ipv4() {
        InetSocketAddress std = new InetSocketAddress(V4, 9876);
        SockAddr addr = SockAddr.of(std);
        assertEquals(C.AF_INET, addr.family());
        assertEquals(Domain.IPV4, addr.domain());
        assertEquals(16, addr.len());
        assertTrue(addr.isIpv4());
        assertFalse(addr.isIpv6());
        assertFalse(addr.isUnix());
        assertEquals(std, addr.asSocket().orElseThrow());
        assertEquals(std, addr.asSocketIpv4().orElseThrow());
        assertTrue(addr.asSocketIpv6().isEmpty());
        assertTrue(addr.asPathname().isEmpty());
        assertTrue(addr.asAbstractNamespace().isEmpty());
        assertTrue(addr.asVsockAddress().isEmpty());
        assertFalse(addr.isUnnamed());
    }

    @Test
    void ipv6() {
        SockAddr addr = SockAddr.ipv6(V6, 9876, 11, 12);
        assertEquals(C.AF_INET6, addr.family());
        assertEquals(Domain.IPV6, addr.domain());
        assertEquals(28, addr.len());
        assertFalse(addr.isIpv4());
        assertTrue(addr.isIpv6());
        assertEquals(11, addr.flowinfo());
        assertEquals(12, addr.scopeId());
        InetSocketAddress back = addr.asSocketIpv6().orElseThrow();
        assertEquals(9876, back.getPort());
        assertArrayEquals(V6.getAddress(), back.getAddress().getAddress());
        assertEquals(12, ((Inet6Address) back.getAddress()).getScopeId());
        assertTrue(addr.asSocketIpv4().isEmpty());
        assertTrue(addr.asPathname().isEmpty());
        assertTrue(addr.asAbstractNamespace().isEmpty());
        // and back again: the scope id survives, flow info (which InetSocketAddress cannot hold) becomes 0
        SockAddr again = SockAddr.of(back);
        assertEquals(12, again.scopeId());
        assertEquals(0, again.flowinfo());
    }

    @Test
    void ipv4Eq() {
        SockAddr a = SockAddr.of(new InetSocketAddress(V4, 9876));
        SockAddr b = SockAddr.of(new InetSocketAddress(V4, 9876));
        SockAddr c = SockAddr.of(new InetSocketAddress(V4, 9877));
        assertEquals(a, b);
        assertEquals(b, a);
        assertNotEquals(a, c);
        assertNotEquals(c, b);
    }

    @Test
    void ipv4Hash() {
        SockAddr a = SockAddr.of(new InetSocketAddress(V4, 9876));
        SockAddr b = SockAddr.of(new InetSocketAddress(V4, 9876));
        SockAddr c = SockAddr.of(new InetSocketAddress(V4, 9877));
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a.hashCode(), c.hashCode());
    }

    @Test
    void ipv6Eq() {
        SockAddr a = SockAddr.ipv6(V6, 9876, 11, 12);
        SockAddr b = SockAddr.ipv6(V6, 9876, 11, 12);
        assertEquals(a, b);
        assertNotEquals(a, SockAddr.ipv6(V6, 9877, 11, 12));
        assertNotEquals(a, SockAddr.ipv6(V6, 9876, 13, 12));
        assertNotEquals(a, SockAddr.ipv6(V6, 9876, 11, 14));
    }

    @Test
    void ipv6Hash() {
        SockAddr a = SockAddr.ipv6(V6, 9876, 11, 12);
        assertEquals(a.hashCode(), SockAddr.ipv6(V6, 9876, 11, 12).hashCode());
        assertNotEquals(a.hashCode(), SockAddr.ipv6(V6, 9877, 11, 12).hashCode());
    }

    @Test
    void ipv4Ipv6Eq() {
        SockAddr a = SockAddr.of(new InetSocketAddress(V4, 9876));
        SockAddr b = SockAddr.ipv6(V6, 9876, 11, 12);
        assertNotEquals(a, b);
        assertNotEquals(b, a);
    }

    @Test
    void ipv4Ipv6Hash() {
        SockAddr a = SockAddr.of(new InetSocketAddress(V4, 9876));
        SockAddr b = SockAddr.ipv6(V6, 9876, 11, 12);
        assertNotEquals(a.hashCode(), b.hashCode());
    }

    /** sa_family in host order, port in network order, address octets in order (socket2's in_addr test). */
    @Test
    void inAddrConvertion() {
        SockAddr a = SockAddr.of(new InetSocketAddress(V4, 0x1234));
        ByteBuffer b = native_(a);
        assertEquals(C.AF_INET, b.getShort(0));
        assertEquals(0x12, b.get(2));
        assertEquals(0x34, b.get(3));
        assertArrayEquals(new byte[] {1, 2, 3, 4}, Arrays.copyOfRange(a.toBytes(), 4, 8));
        assertArrayEquals(new byte[8], Arrays.copyOfRange(a.toBytes(), 8, 16), "sin_zero");
    }

    @Test
    void in6AddrConvertion() {
        SockAddr a = SockAddr.ipv6(V6, 0x1234, 0x01020304, 0x05060708);
        ByteBuffer b = native_(a);
        assertEquals(C.AF_INET6, b.getShort(0));
        assertEquals(0x12, b.get(2));
        assertEquals(0x34, b.get(3));
        assertEquals(0x01020304, b.getInt(4));
        assertArrayEquals(V6.getAddress(), Arrays.copyOfRange(a.toBytes(), 8, 24));
        assertEquals(0x05060708, b.getInt(24));
    }

    /** The kernel agrees with our byte order: getsockname of a bound socket decodes to what was bound. */
    @Test
    void kernelRoundTrip() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.DGRAM)) {
            s.bind(TestSockets.any4());
            SockAddr local = s.localAddr();
            InetSocketAddress std = local.asSocketIpv4().orElseThrow();
            assertEquals(TestSockets.loopback4(), std.getAddress());
            assertTrue(std.getPort() > 0);
            assertEquals(local, SockAddr.of(std));
            try (Socket t = Socket.open(Domain.IPV4, Type.DGRAM)) {
                t.bind(SockAddr.of(new InetSocketAddress(TestSockets.loopback4(), 0)));
                t.sendTo(new byte[] {1}, SockAddr.of(std));
                byte[] buf = new byte[4];
                assertEquals(t.localAddr(), s.recvFrom(buf).address());
            }
        }
    }

    @Test
    void ipv4MappedReachesAnIpv4Listener() throws IOException {
        assumeTrue(TestSockets.ipv6Available(), "no IPv6 loopback (::1)");
        try (Socket l = TestSockets.listener(Domain.IPV4, 1); Socket c = Socket.open(Domain.IPV6, Type.STREAM)) {
            SockAddr mapped = l.localAddr().toIpv4Mapped();
            assertTrue(mapped.isIpv6());
            assertEquals(28, mapped.len());
            assertEquals(l.localAddr().asSocket().orElseThrow(), mapped.asSocket().orElseThrow());  // the JDK unmaps
            c.connect(mapped);
            assertEquals(mapped, c.peerAddr());
            try (Socket a = l.accept().socket()) {
                assertEquals(TestSockets.loopback4(), a.peerAddr().asSocket().orElseThrow().getAddress());
            }
        }
        SockAddr v6 = SockAddr.ipv6(V6, 1, 0, 0);
        assertEquals(v6, v6.toIpv4Mapped());
    }

    @Test
    void socketAddressUnix() {
        Path path = Path.of(System.getProperty("java.io.tmpdir"), "socket2j-test", "unix", "path");
        SockAddr addr = SockAddr.unix(path);
        assertFalse(addr.isIpv4());
        assertFalse(addr.isIpv6());
        assertTrue(addr.isUnix());
        assertEquals(Domain.UNIX, addr.domain());
        assertFalse(addr.isUnnamed());
        assertEquals(path, addr.asPathname().orElseThrow());
        assertTrue(addr.asAbstractNamespace().isEmpty());
        assertEquals(UnixDomainSocketAddress.of(path), addr.asUnix().orElseThrow());
        assertEquals(2 + path.toString().length() + 1, addr.len());
        assertEquals(addr, SockAddr.of(UnixDomainSocketAddress.of(path)));
    }

    @Test
    void socketAddressUnixUnnamed() {
        SockAddr addr = SockAddr.unix("");
        assertTrue(addr.isUnix());
        assertTrue(addr.isUnnamed());
        assertEquals(2, addr.len());
        assertTrue(addr.asPathname().isEmpty());
        assertTrue(addr.asAbstractNamespace().isEmpty());
        assertTrue(addr.asUnix().isEmpty());
        assertEquals(addr, SockAddr.unixUnnamed());
    }

    @Test
    void socketAddressUnixAbstractNamespace() {
        byte[] path = "\0h".repeat(54).getBytes(StandardCharsets.US_ASCII);
        assertEquals(108, path.length);
        SockAddr addr = SockAddr.unix(path);
        assertEquals(110, addr.len());  // sizeof(sockaddr_un)
        assertArrayEquals(Arrays.copyOfRange(path, 1, path.length), addr.asAbstractNamespace().orElseThrow());
        assertTrue(addr.asPathname().isEmpty());
        assertFalse(addr.isUnnamed());
        assertEquals(addr, SockAddr.unixAbstract(Arrays.copyOfRange(path, 1, path.length)));
    }

    @Test
    void unixAbstractBindAndConnect() throws IOException {
        byte[] name = ("socket2j-" + ProcessHandle.current().pid() + "-" + System.nanoTime()).getBytes(StandardCharsets.US_ASCII);
        SockAddr addr = SockAddr.unixAbstract(name);
        try (Socket l = Socket.open(Domain.UNIX, Type.STREAM); Socket c = Socket.open(Domain.UNIX, Type.STREAM)) {
            l.bind(addr);
            l.listen(1);
            assertEquals(addr, l.localAddr());
            c.connect(addr);
            try (Socket a = l.accept().socket()) {
                assertEquals(addr, c.peerAddr());
                assertTrue(a.peerAddr().isUnnamed());
            }
        }
    }

    @Test
    void unixPathLimits() {
        assertEquals(2 + 107 + 1, SockAddr.unix("a".repeat(107)).len());
        assertThrows(IllegalArgumentException.class, () -> SockAddr.unix("a".repeat(108)));
        assertThrows(IllegalArgumentException.class, () -> SockAddr.unix(Path.of("/" + "d".repeat(200))));
        assertThrows(IllegalArgumentException.class, () -> SockAddr.unixAbstract(new byte[108]));
    }

    @Test
    void socketAddressVsock() {
        SockAddr addr = SockAddr.vsock(1, 9999);
        assertFalse(addr.isIpv4());
        assertFalse(addr.isIpv6());
        assertFalse(addr.isUnix());
        assertEquals(Domain.VSOCK, addr.domain());
        assertEquals(16, addr.len());
        assertEquals(new SockAddr.VsockAddress(1, 9999), addr.asVsockAddress().orElseThrow());
        assertTrue(addr.asSocket().isEmpty());
    }

    @Test
    void bytesRoundTripAndImmutability() {
        SockAddr a = SockAddr.of(new InetSocketAddress(V4, 80));
        byte[] b = a.toBytes();
        b[3] = 81;
        assertEquals(80, a.asSocket().orElseThrow().getPort(), "toBytes must return a copy");
        SockAddr c = SockAddr.fromBytes(b, b.length);
        assertEquals(81, c.asSocket().orElseThrow().getPort());
        b[3] = 82;
        assertEquals(81, c.asSocket().orElseThrow().getPort(), "fromBytes must copy");
        assertThrows(IllegalArgumentException.class, () -> SockAddr.fromBytes(new byte[200], 129));
        assertThrows(IllegalArgumentException.class, () -> SockAddr.fromBytes(new byte[4], 5));
    }

    @Test
    void portRange() {
        assertThrows(IllegalArgumentException.class, () -> SockAddr.ipv4(V4, -1));
        assertThrows(IllegalArgumentException.class, () -> SockAddr.ipv4(V4, 65536));
        assertThrows(IllegalArgumentException.class, () -> SockAddr.ipv6(V6, 65536, 0, 0));
        assertEquals(65535, SockAddr.ipv4(V4, 65535).asSocket().orElseThrow().getPort());
        assertThrows(IllegalArgumentException.class, () -> SockAddr.of(InetSocketAddress.createUnresolved("localhost", 80)));
    }
}
