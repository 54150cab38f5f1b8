package dev.socket2j;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Helpers of the option tests: capabilities, loopback addresses, connected sockets. */
final class OptionTestSupport {
    private OptionTestSupport() {}

    static final int CAP_NET_ADMIN = 12, CAP_NET_RAW = 13;

    /** Whether the effective capability set of this process holds {@code cap} (from /proc/self/status). */
    static boolean hasCap(int cap) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) return (Long.parseUnsignedLong(line.substring(7).trim(), 16) >>> cap & 1) != 0;
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    static Inet4Address v4(String literal) { return (Inet4Address) InetAddress.ofLiteral(literal); }

    static Inet6Address v6(String literal) { return (Inet6Address) InetAddress.ofLiteral(literal); }

    static int loIndex() {
        try {
            return NetworkInterface.getByName("lo").getIndex();
        } catch (SocketException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The loopback address of the kind's family. */
    static InetAddress loopback(SocketKind kind) {
        return kind.domain().equals(Domain.IPV6) ? v6("::1") : v4("127.0.0.1");
    }

    /**
     * Connects {@code s} (TCP or UDP) to a loopback peer; the peer sockets are added to {@code keep} for the
     * caller to close.
     */
    static void connectLoopback(Socket s, SocketKind kind, List<Socket> keep) throws IOException {
        InetAddress lo = loopback(kind);
        Socket peer = Socket.open(kind.domain(), kind.type(), kind.protocol().orElse(null));
        keep.add(peer);
        peer.bind(new InetSocketAddress(lo, 0));
        if (kind.type().equals(Type.STREAM)) peer.listen(4);
        s.connect(peer.localAddr());
    }

    static void closeAll(List<Socket> sockets) throws IOException {
        for (Socket s : sockets) s.close();
    }

    /** A new, empty list for {@link #connectLoopback}. */
    static List<Socket> keep() { return new ArrayList<>(); }
}
