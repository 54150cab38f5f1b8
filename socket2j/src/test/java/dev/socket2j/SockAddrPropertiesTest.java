package dev.socket2j;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Round trips of {@link SockAddr} over generated addresses. */
class SockAddrPropertiesTest {

    @Property
    void ipv4RoundTrip(@ForAll @Size(4) byte[] ip, @ForAll @IntRange(min = 0, max = 65535) int port)
            throws UnknownHostException {
        InetSocketAddress std = new InetSocketAddress(InetAddress.getByAddress(ip), port);
        SockAddr a = SockAddr.of(std);
        assertEquals(std, a.asSocket().orElseThrow());
        assertEquals(a, SockAddr.fromBytes(a.toBytes(), a.len()));
        assertEquals(a.hashCode(), SockAddr.fromBytes(a.toBytes(), a.len()).hashCode());
        assertEquals((byte) (port >>> 8), a.toBytes()[2], "port high byte first (network order)");
    }

    @Property
    void ipv6RoundTrip(@ForAll @Size(16) byte[] ip, @ForAll @IntRange(min = 0, max = 65535) int port,
                       @ForAll int flowinfo, @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int scope)
            throws UnknownHostException {
        Inet6Address v6 = Inet6Address.getByAddress(null, ip, scope);
        SockAddr a = SockAddr.ipv6(v6, port, flowinfo, scope);
        assertEquals(flowinfo, a.flowinfo());
        assertEquals(scope, a.scopeId());
        InetSocketAddress back = a.asSocket().orElseThrow();
        assertEquals(port, back.getPort());
        assertArrayEquals(ip, back.getAddress().getAddress());
        // IPv4-mapped addresses come back from the JDK as Inet4Address, which has no scope
        if (back.getAddress() instanceof Inet6Address b6) assertEquals(scope, b6.getScopeId());
        assertEquals(a, SockAddr.fromBytes(a.toBytes(), a.len()));
    }

    @Property
    void unixPathnameRoundTrip(@ForAll @Size(min = 1, max = 107) byte[] raw) {
        byte[] path = raw.clone();
        for (int i = 0; i < path.length; i++) path[i] = (byte) ('a' + Math.floorMod(path[i], 26));
        SockAddr a = SockAddr.unix(path);
        assertEquals(2 + path.length + 1, a.len());
        assertEquals(new String(path, java.nio.charset.StandardCharsets.US_ASCII), a.asPathname().orElseThrow().toString());
        assertTrue(a.asAbstractNamespace().isEmpty());
    }

    @Property
    void unixAbstractRoundTrip(@ForAll @Size(max = 107) byte[] name) {
        SockAddr a = SockAddr.unixAbstract(name);
        assertEquals(2 + 1 + name.length, a.len());
        assertArrayEquals(name, a.asAbstractNamespace().orElseThrow());
        assertTrue(a.asPathname().isEmpty());
        assertEquals(a, SockAddr.fromBytes(Arrays.copyOf(a.toBytes(), 128), a.len()));
    }

    @Property
    void vsockRoundTrip(@ForAll int cid, @ForAll int port) {
        SockAddr a = SockAddr.vsock(cid, port);
        assertEquals(new SockAddr.VsockAddress(cid, port), a.asVsockAddress().orElseThrow());
    }
}
