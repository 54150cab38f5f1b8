package dev.socket2j;

import dev.socket2j.internal.C;
import dev.socket2j.internal.Sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** Shared set-up for the message tests: loopback sockets, raw option switches, receive timeouts, fd checks. */
final class MsgTestSupport {
    private MsgTestSupport() {}

    static final InetAddress V4 = InetAddress.getLoopbackAddress();

    static InetAddress v6() throws IOException { return InetAddress.getByName("::1"); }

    /** Whether ::1 is configured (an IPv6-less container has none). */
    static boolean hasIpv6Loopback() {
        try (Socket s = Socket.open(Domain.IPV6, Type.DGRAM)) {
            s.bind(new InetSocketAddress(v6(), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A UDP socket bound to an ephemeral loopback port, with a 20 s receive timeout (a lost datagram fails, never hangs). */
    static Socket udp(boolean ipv6) throws IOException {
        Socket s = Socket.open(ipv6 ? Domain.IPV6 : Domain.IPV4, Type.DGRAM);
        try {
            s.bind(new InetSocketAddress(ipv6 ? v6() : V4, 0));
            recvTimeout(s, 20);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** An int socket option through a custom descriptor (the option table may not list it). */
    static void setInt(BaseSocket s, String name, int level, int opt, int value) throws IOException {
        s.setOption(SockOpt.custom(name, level, opt, Codecs.INT, true, true), value);
    }

    static int getInt(BaseSocket s, String name, int level, int opt) throws IOException {
        return s.getOption(SockOpt.custom(name, level, opt, Codecs.INT, true, true));
    }

    /** SO_RCVTIMEO through setsockopt with a struct timeval. */
    static void recvTimeout(BaseSocket s, long seconds) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment tv = a.allocate(16, 8);
            tv.set(JAVA_LONG, 0, seconds);
            tv.set(JAVA_LONG, 8, 0);
            Sys.setsockopt(s.rawFd(), C.SOL_SOCKET, C.SO_RCVTIMEO, tv, 16, "setsockopt(SO_RCVTIMEO)");
        }
    }

    /** What /proc/self/fd/N points at ("socket:[inode]"), or null if N is not open. */
    static String fdTarget(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether descriptor {@code fd} still refers to the socket it did when {@code target} was read. */
    static boolean stillOpen(int fd, String target) {
        return target.equals(fdTarget(fd));
    }

    static int loopbackIndex() throws IOException {
        NetworkInterface lo = NetworkInterface.getByName("lo");
        return lo == null ? -1 : lo.getIndex();
    }
}
