package dev.socket2j.netty;

import dev.socket2j.SockAddr;
import dev.socket2j.internal.C;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteOrder;

/** Address conversions between Netty's {@code SocketAddress}es and the kernel's, for dual-stack sockets. */
final class Addresses {
    private Addresses() {}

    private static final VarHandle FAMILY =
        MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.nativeOrder());

    /** {@code address} for a socket of family {@code ipv6Socket}: IPv4 becomes {@code ::ffff:a.b.c.d} on IPv6. */
    static SockAddr toKernel(SocketAddress address, boolean ipv6Socket) {
        if (address instanceof InetSocketAddress inet && ipv6Socket) {
            if (inet.isUnresolved()) throw new IllegalArgumentException("unresolved address: " + inet);
            if (inet.getAddress() instanceof Inet4Address v4) {
                byte[] b = new byte[28];
                FAMILY.set(b, 0, (short) C.AF_INET6);
                b[2] = (byte) (inet.getPort() >>> 8);
                b[3] = (byte) inet.getPort();
                b[18] = (byte) 0xff;
                b[19] = (byte) 0xff;
                System.arraycopy(v4.getAddress(), 0, b, 20, 4);
                return SockAddr.fromBytes(b, b.length);
            }
        }
        return SockAddr.of(address);
    }

    /** The Java form of a kernel address; a v4-mapped IPv6 address comes back as IPv4. */
    static SocketAddress fromKernel(SockAddr a) {
        return a.asSocketAddress().orElse(null);
    }
}
