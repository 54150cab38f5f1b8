package dev.socket2j.netty.testsuite;

import dev.socket2j.Domain;
import dev.socket2j.SockAddr;
import dev.socket2j.Socket;
import dev.socket2j.Type;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;

/**
 * Keeps Netty's shared tests on this machine. Netty dials {@code io.netty.testsuite.badHost} (TEST-NET-2 by
 * default) for connect timeouts, and picks the first multicast-capable interface for multicast; the pom points
 * the bad host at {@link #BAD_HOST}, where {@link #blackhole()} makes a listener whose accept queue is full (Linux
 * then drops SYNs, so a connect stays pending), and the multicast tests run only when {@code lo} carries the
 * MULTICAST flag ({@code .ci/run} sets it), so that they never leave the loopback interface.
 */
final class LoopbackOnly {
    private LoopbackOnly() {}

    static final String BAD_HOST = System.getProperty("io.netty.testsuite.badHost", "");
    static final int BAD_PORT = Integer.getInteger("io.netty.testsuite.badPort", 65535);

    private static Socket listener;
    private static Socket filler;

    /** Starts (once) the full-queue listener at the bad host; false if the bad host is not a loopback address. */
    static synchronized boolean blackhole() {
        if (listener != null) return true;
        try {
            InetAddress host = InetAddress.getByName(BAD_HOST);
            if (!host.isLoopbackAddress()) return false;
            Socket l = Socket.open(Domain.IPV4, Type.STREAM);
            l.setReuseAddress(true);
            l.bind(new InetSocketAddress(host, BAD_PORT));
            l.listen(0);
            Socket f = Socket.open(Domain.IPV4, Type.STREAM);
            f.connectTimeout(SockAddr.of(new InetSocketAddress(host, BAD_PORT)), Duration.ofSeconds(5));
            listener = l;  // kept for the JVM's life: the queue must stay full
            filler = f;
            return true;
        } catch (IOException e) {
            throw new IllegalStateException("cannot set up the loopback blackhole at " + BAD_HOST + ":" + BAD_PORT, e);
        }
    }

    /** Whether {@code lo} can carry multicast, so Netty's multicast tests choose it over a real interface. */
    static boolean loopbackMulticast() {
        try {
            NetworkInterface lo = NetworkInterface.getByName("lo");
            return lo != null && lo.isUp() && lo.supportsMulticast();
        } catch (SocketException e) {
            return false;
        }
    }

    static final String NO_LOOPBACK_MULTICAST = "lo has no MULTICAST flag (`ip link set lo multicast on`, as .ci/run "
        + "does); without it Netty's multicast test would send over a real interface";
}
