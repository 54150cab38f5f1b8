package dev.socket2j;

import dev.socket2j.internal.C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Descriptor leaks: many open/close cycles of every socket kind, including the failure paths (refused connects,
 * failed binds, accepts with nothing queued, refused arguments); the number of entries in {@code /proc/self/fd}
 * must end where it started.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LeakTest {
    private static final int CYCLES = 10_000;

    @FunctionalInterface
    interface Cycle {
        void run(int i) throws Exception;
    }

    /**
     * Runs a short warm-up (class loading may open jars), lets the collector close what earlier tests dropped, then
     * runs {@code CYCLES} cycles and compares counts. A socket the cycles dropped unclosed is a leak even if the
     * collector's cleaner closed it meanwhile: {@link Socket#collectedUnclosed()} must not move either.
     */
    private static void noLeak(String what, Cycle cycle) throws Exception {
        for (int i = 0; i < 20; i++) cycle.run(i);
        TestSockets.collectDroppedSockets();
        long before = TestSockets.fdCount(), collected = Socket.collectedUnclosed();
        for (int i = 0; i < CYCLES; i++) cycle.run(i);
        TestSockets.collectDroppedSockets();
        assertEquals(before, TestSockets.fdCount(), what + ": descriptors leaked over " + CYCLES + " cycles");
        assertEquals(collected, Socket.collectedUnclosed(), what + ": sockets dropped without close");
    }

    @Test
    void droppedSocketIsClosedByTheCollector() throws Exception {
        TestSockets.collectDroppedSockets();
        long before = TestSockets.fdCount(), collected = Socket.collectedUnclosed();
        for (int i = 0; i < 100; i++) Socket.open(Domain.IPV4, Type.STREAM);   // dropped on purpose
        assertEquals(before + 100, TestSockets.fdCount());
        for (int i = 0; i < 200 && TestSockets.fdCount() != before; i++) {
            System.gc();
            Thread.sleep(25);
        }
        assertEquals(before, TestSockets.fdCount(), "the cleaner closed every dropped socket");
        assertEquals(collected + 100, Socket.collectedUnclosed());
    }

    @Test
    void collectorLeavesClosedAndReleasedDescriptorsAlone() throws Exception {
        Socket closed = Socket.open(Domain.IPV4, Type.STREAM);
        closed.close();
        // likely the same number as the closed one: the collector must not close it when `closed` goes
        Socket reused = Socket.open(Domain.IPV4, Type.STREAM);
        int released = Socket.open(Domain.IPV4, Type.DGRAM).intoFd();
        closed = null;
        long collected = Socket.collectedUnclosed();
        TestSockets.collectDroppedSockets();
        assertEquals(collected, Socket.collectedUnclosed());
        try (Socket again = Socket.fromFd(released)) {
            assertEquals(Type.DGRAM, again.type(), "a descriptor given up with intoFd stays open");
            assertEquals(Type.STREAM, reused.type());
        } finally {
            reused.close();
        }
    }

    private static void openClose(Domain d, Type t) throws Exception {
        noLeak(d + "/" + t, i -> Socket.open(d, t).close());
    }

    @Test
    void tcpV4() throws Exception { openClose(Domain.IPV4, Type.STREAM); }

    @Test
    void tcpV6() throws Exception {
        assumeTrue(TestSockets.ipv6Available(), "no IPv6 loopback (::1)");
        openClose(Domain.IPV6, Type.STREAM);
    }

    @Test
    void udpV4() throws Exception { openClose(Domain.IPV4, Type.DGRAM); }

    @Test
    void udpV6() throws Exception {
        assumeTrue(TestSockets.ipv6Available(), "no IPv6 loopback (::1)");
        openClose(Domain.IPV6, Type.DGRAM);
    }

    @Test
    void unixStream() throws Exception { openClose(Domain.UNIX, Type.STREAM); }

    @Test
    void unixDgram() throws Exception { openClose(Domain.UNIX, Type.DGRAM); }

    @Test
    void unixSeqpacket() throws Exception { openClose(Domain.UNIX, Type.SEQPACKET); }

    @Test
    void socketpair() throws Exception {
        noLeak("socketpair", i -> {
            Socket[] p = Socket.pair(Domain.UNIX, i % 2 == 0 ? Type.STREAM : Type.DGRAM, null);
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void tryCloneAndIntoFd() throws Exception {
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM)) {
            noLeak("tryClone", i -> s.tryClone().close());
            noLeak("intoFd/fromFd", i -> Socket.fromFd(Socket.open(Domain.UNIX, Type.DGRAM).intoFd()).close());
        }
    }

    @Test
    void refusedConnects() throws Exception {
        try (Socket holder = Socket.open(Domain.IPV4, Type.STREAM)) {
            holder.bind(TestSockets.any4());  // bound, never listening: every SYN gets a RST
            SockAddr dead = holder.localAddr();
            noLeak("connect ECONNREFUSED", i -> {
                try (Socket c = Socket.open(Domain.IPV4, Type.STREAM)) {
                    assertThrows(ConnectException.class, () -> c.connect(dead));
                }
            });
            noLeak("connectTimeout ECONNREFUSED", i -> {
                try (Socket c = Socket.open(Domain.IPV4, Type.STREAM)) {
                    assertThrows(ConnectException.class, () -> c.connectTimeout(dead, Duration.ofSeconds(30)));
                }
            });
        }
    }

    @Test
    void failedBinds() throws Exception {
        try (Socket holder = Socket.open(Domain.IPV4, Type.DGRAM)) {
            holder.bind(TestSockets.any4());
            SockAddr taken = holder.localAddr();
            noLeak("bind EADDRINUSE", i -> {
                try (Socket c = Socket.open(Domain.IPV4, Type.DGRAM)) {
                    assertThrows(BindException.class, () -> c.bind(taken));
                }
            });
        }
    }

    @Test
    void acceptsWithNothingQueued() throws Exception {
        try (Socket l = TestSockets.listener(Domain.IPV4, 8)) {
            l.setNonblocking(true);
            noLeak("accept EAGAIN", i -> assertThrows(SocketTimeoutException.class, l::accept));
        }
    }

    @Test
    void acceptedConnections() throws Exception {
        try (Socket l = Socket.open(Domain.UNIX, Type.STREAM)) {
            SockAddr addr = SockAddr.unixAbstract(("socket2j-leak-" + ProcessHandle.current().pid()).getBytes());
            l.bind(addr);
            l.listen(8);
            noLeak("unix connect/accept", i -> {
                try (Socket c = Socket.open(Domain.UNIX, Type.STREAM)) {
                    c.connect(addr);
                    l.accept().socket().close();
                }
            });
        }
    }

    @Test
    void refusedArguments() throws Exception {
        try (Socket s = Socket.open(Domain.IPV4, Type.DGRAM)) {
            ByteBuffer[] many = new ByteBuffer[C.IOV_MAX + 1];
            java.util.Arrays.fill(many, ByteBuffer.allocate(1));
            byte[] b = new byte[4];
            noLeak("refused arguments", i -> {
                assertThrows(IllegalArgumentException.class, () -> s.listen(-1));
                assertThrows(IllegalArgumentException.class, () -> s.send(b, 3, 2));
                assertThrows(IllegalArgumentException.class, () -> s.sendVectored(many));
                assertThrows(IllegalArgumentException.class,
                    () -> s.connectTimeout(SockAddr.unix("x"), Duration.ofSeconds(-1)));
                assertThrows(IllegalArgumentException.class, () -> s.bind(java.net.UnixDomainSocketAddress.of("y".repeat(120))));
                assertThrows(IllegalArgumentException.class, () -> s.sendfile(java.nio.file.Path.of("/dev/null"), -1, 0));
            });
        }
    }
}
