package dev.socket2j;

import dev.socket2j.internal.C;
import dev.socket2j.internal.Scratch;
import dev.socket2j.internal.Sys;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared helpers for the core tests: loopback addresses, socket pairs, poll, descriptor counts. */
public final class TestSockets {
    private TestSockets() {}

    static final byte[] DATA = "hello world".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    static InetSocketAddress any4() { return new InetSocketAddress(loopback4(), 0); }

    static InetSocketAddress any6() { return new InetSocketAddress(loopback6(), 0); }

    static InetAddress loopback4() {
        try { return InetAddress.getByAddress(new byte[] {127, 0, 0, 1}); } catch (UnknownHostException e) { throw new AssertionError(e); }
    }

    static InetAddress loopback6() {
        byte[] a = new byte[16];
        a[15] = 1;
        try { return InetAddress.getByAddress(a); } catch (UnknownHostException e) { throw new AssertionError(e); }
    }

    /** Whether this machine has a usable {@code ::1}. */
    static boolean ipv6Available() {
        try (Socket s = Socket.open(Domain.IPV6, Type.DGRAM)) {
            s.bind(any6());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A listener on 127.0.0.1 (or ::1) with an ephemeral port. */
    static Socket listener(Domain domain, int backlog) throws IOException {
        Socket l = Socket.open(domain, Type.STREAM);
        try {
            l.bind(domain.equals(Domain.IPV6) ? any6() : any4());
            l.listen(backlog);
            return l;
        } catch (IOException | RuntimeException e) {
            l.close();
            throw e;
        }
    }

    /** A connected TCP pair over IPv4 loopback: [client, server]. */
    static Socket[] tcpPair() throws IOException {
        try (Socket l = listener(Domain.IPV4, 1)) {
            Socket c = Socket.open(Domain.IPV4, Type.STREAM);
            try {
                c.connect(l.localAddr());
                return new Socket[] {c, l.accept().socket()};
            } catch (IOException | RuntimeException e) {
                c.close();
                throw e;
            }
        }
    }

    /** Two IPv6 UDP sockets bound to [::1]:0, as socket2's {@code udp_pair_unconnected}. */
    static Socket[] udpPairUnconnected() throws IOException {
        Socket a = Socket.open(Domain.IPV6, Type.DGRAM);
        Socket b = Socket.open(Domain.IPV6, Type.DGRAM);
        a.bind(any6());
        b.bind(any6());
        return new Socket[] {a, b};
    }

    /** {@link #udpPairUnconnected()}, each connected to the other. */
    static Socket[] udpPairConnected() throws IOException {
        Socket[] p = udpPairUnconnected();
        p[0].connect(p[1].localAddr());
        p[1].connect(p[0].localAddr());
        return p;
    }

    /** poll(2) on one descriptor; returns revents (0 on timeout). */
    static int poll(BaseSocket s, int events, int timeoutMs) throws IOException {
        Scratch sc = Scratch.get();
        sc.pollfd.set(JAVA_INT, 0, s.rawFd());
        sc.pollfd.set(JAVA_SHORT, 4, (short) events);
        sc.pollfd.set(JAVA_SHORT, 6, (short) 0);
        int rc = Sys.pollRaw(sc.pollfd, 1, timeoutMs, sc.capture);
        if (rc < 0) throw new IOException("poll failed");
        return rc == 0 ? 0 : sc.pollfd.get(JAVA_SHORT, 6);
    }

    /** Waits (bounded) until {@code s} is readable; fails the test if it never is. */
    static void awaitReadable(BaseSocket s) throws IOException {
        assertTrue((poll(s, C.POLLIN, 30_000) & C.POLLIN) != 0, "socket not readable within 30 s");
    }

    /**
     * Runs the collector until the sockets dropped so far have been closed by {@link Socket}'s cleaner: stops when
     * {@link Socket#collectedUnclosed()} has stood still for a few collections (at most about 3 s).
     */
    public static void collectDroppedSockets() throws InterruptedException {
        long last = -1;
        int still = 0;
        for (int i = 0; i < 100 && still < 4; i++) {
            System.gc();
            Thread.sleep(30);
            long now = Socket.collectedUnclosed();
            still = now == last ? still + 1 : 0;
            last = now;
        }
    }

    /**
     * The number of open descriptors once sockets that earlier code dropped unclosed have been collected (their
     * cleaner closes them at a time of the collector's choosing, which would otherwise move a test's count).
     */
    public static long settledFdCount() throws IOException, InterruptedException {
        collectDroppedSockets();
        return fdCount();
    }

    /** Number of open descriptors of this process. */
    public static long fdCount() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /**
     * Waits up to {@code ms} until some thread of this process is inside a system call whose first argument is
     * {@code fd} (read from {@code /proc/self/task/N/syscall}); returns whether it saw one. Makes the race
     * tests close while the call is really blocked in the kernel, not merely about to start.
     */
    static boolean awaitBlockedOn(int fd, long ms) {
        String arg0 = " 0x" + Integer.toHexString(fd) + " ";
        long deadline = System.nanoTime() + ms * 1_000_000;
        while (System.nanoTime() < deadline) {
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                boolean found = tasks.anyMatch(t -> {
                    try {
                        String line = Files.readString(t.resolve("syscall"));
                        return !line.startsWith("running") && line.indexOf(arg0) == line.indexOf(' ');
                    } catch (IOException | RuntimeException e) {
                        return false;
                    }
                });
                if (found) return true;
                Thread.sleep(5);
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
