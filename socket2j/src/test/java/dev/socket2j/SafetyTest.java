package dev.socket2j;

import dev.socket2j.internal.C;
import dev.socket2j.internal.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static dev.socket2j.TestSockets.DATA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Java-shaped safety: close racing blocking calls, closed sockets never reaching the kernel, SIGPIPE, the
 * errno → exception mapping, and bad input refused before any system call.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SafetyTest {

    // ------------------------------------------------------------ close versus a blocking call

    /** An operation that blocks on the socket until something happens. */
    @FunctionalInterface
    interface Blocking {
        void run(Socket s) throws Exception;
    }

    /**
     * Starts {@code op} on another thread, waits until that thread is inside the kernel on the socket, closes the
     * socket from this thread, and checks the blocked call ends (within generous bounds) with the exception a
     * closed channel gives.
     */
    private static void closeWakes(Socket s, boolean waitInKernel, Blocking op) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Throwable> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            started.countDown();
            try {
                op.run(s);
                result.complete(null);
            } catch (Throwable e) {
                result.complete(e);
            }
        }, "blocked-call");
        t.setDaemon(true);
        t.start();
        assertTrue(started.await(30, TimeUnit.SECONDS));
        int fd = s.rawFd();
        String inode = fdTarget(fd);
        if (waitInKernel) {
            // best effort: if /proc cannot tell, closing early is still a valid run (acquire then fails)
            TestSockets.awaitBlockedOn(fd, 10_000);
        } else {
            Thread.sleep(200);
        }
        assertFalse(result.isDone(), () -> "the call returned before close: " + result.getNow(null));
        s.close();
        Throwable thrown;
        try {
            thrown = result.get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            fail("the blocked call did not return within 60 s after close");
            return;
        }
        assertInstanceOf(ClosedChannelException.class, thrown, () -> "expected a closed-channel exception, got " + thrown);
        t.join(10_000);
        assertThrows(ClosedChannelException.class, s::localAddr);
        assertNotEquals(inode, fdTarget(fd), "the last call to return must have closed the descriptor");
    }

    /** What {@code /proc/self/fd/N} points to ({@code socket:[inode]}), or null if N is not open. */
    private static String fdTarget(int fd) throws IOException {
        try {
            return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/" + fd)).toString();
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
    }

    @Test
    void closeWakesEveryBlockedThread() throws Exception {
        Socket u = Socket.open(Domain.IPV4, Type.DGRAM);
        u.bind(TestSockets.any4());
        String inode = fdTarget(u.rawFd());
        int n = 4;
        var results = new java.util.ArrayList<CompletableFuture<Throwable>>();
        for (int i = 0; i < n; i++) {
            CompletableFuture<Throwable> f = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    u.recv(new byte[8]);
                    f.complete(null);
                } catch (Throwable e) {
                    f.complete(e);
                }
            });
            t.setDaemon(true);
            t.start();
            results.add(f);
        }
        TestSockets.awaitBlockedOn(u.rawFd(), 10_000);
        Thread.sleep(100);  // let the other readers reach the kernel too (not required for correctness)
        u.close();
        for (CompletableFuture<Throwable> f : results) {
            Throwable e = f.get(60, TimeUnit.SECONDS);
            assertInstanceOf(ClosedChannelException.class, e, () -> "expected a closed-channel exception, got " + e);
        }
        assertNotEquals(inode, fdTarget(u.rawFd()));
    }

    @Test
    void closeWakesTcpRecv() throws Exception {
        Socket[] p = TestSockets.tcpPair();
        try {
            closeWakes(p[0], true, s -> s.recv(new byte[16]));
        } finally {
            p[1].close();
        }
    }

    @Test
    void closeWakesTcpSendOnAFullBuffer() throws Exception {
        Socket[] p = TestSockets.tcpPair();
        try {  // the peer never reads: the sender's buffer fills and send blocks
            closeWakes(p[0], true, s -> {
                byte[] chunk = new byte[1 << 16];
                for (int i = 0; i < 1_000_000; i++) s.send(chunk);
            });
        } finally {
            p[1].close();
        }
    }

    /**
     * A send that queued bytes before a racing close woke it returns their count instead of reporting failure
     * (review B5; the JDK's {@code NioSocketImpl.endWrite(completed)} does the same): the kernel copied part of
     * the buffer, blocked for room, and returns the partial count when close's shutdown wakes it.
     */
    private static void sendThatQueuedBytesReturnsTheirCountAfterARacingClose(boolean virtual) throws Exception {
        Socket[] p = TestSockets.tcpPair();
        try (Socket peer = p[1]) {
            Socket s = p[0];
            s.setSendBufferSize(8192);
            peer.setRecvBufferSize(8192);
            ByteBuffer big = ByteBuffer.allocateDirect(8 << 20);  // direct: no bounce cap, one send of all of it
            CompletableFuture<Object> result = new CompletableFuture<>();
            Runnable send = () -> {
                try {
                    result.complete(s.send(big));
                } catch (Throwable e) {
                    result.complete(e);
                }
            };
            Thread t = virtual ? Thread.ofVirtual().start(send) : Thread.ofPlatform().daemon().start(send);
            if (virtual) {
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (dev.socket2j.internal.VtPoller.of(C.POLLOUT).waiting() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
            } else {
                TestSockets.awaitBlockedOn(s.rawFd(), 10_000);
            }
            Thread.sleep(50);
            assertFalse(result.isDone(), () -> "send returned before close: " + result.getNow(null));
            s.close();
            Object r = result.get(60, TimeUnit.SECONDS);
            assertInstanceOf(Integer.class, r, () -> "a send that queued bytes was reported as failed: " + r);
            int n = (Integer) r;
            assertTrue(n > 0 && n < big.capacity(), "partial count " + n);
            assertEquals(n, big.position(), "the buffer's position moved by what was queued");
            t.join(10_000);
        }
    }

    @Test
    void sendThatQueuedBytesReturnsTheirCountAfterARacingClose() throws Exception {
        sendThatQueuedBytesReturnsTheirCountAfterARacingClose(false);
    }

    @Test
    void sendThatQueuedBytesReturnsTheirCountAfterARacingCloseOnAVirtualThread() throws Exception {
        sendThatQueuedBytesReturnsTheirCountAfterARacingClose(true);
    }

    @Test
    void closeWakesUdpRecv() throws Exception {
        Socket u = Socket.open(Domain.IPV4, Type.DGRAM);
        u.bind(TestSockets.any4());
        closeWakes(u, true, s -> s.recvFrom(new byte[16]));
    }

    @Test
    void closeWakesUnixDatagramRecv() throws Exception {
        Socket[] p = Socket.pair(Domain.UNIX, Type.DGRAM, null);
        try {
            closeWakes(p[0], true, s -> s.recvVectored(ByteBuffer.allocate(16)));
        } finally {
            p[1].close();
        }
    }

    @Test
    void closeWakesAccept() throws Exception {
        closeWakes(TestSockets.listener(Domain.IPV4, 1), true, Socket::accept);
    }

    @Test
    void closeWakesConnectTimeout() throws Exception {
        try (Socket l = TestSockets.listener(Domain.IPV4, 0); Socket filler = Socket.open(Domain.IPV4, Type.STREAM)) {
            filler.connect(l.localAddr());
            TestSockets.awaitReadable(l);  // accept queue full: the next SYN is dropped and connect waits in poll
            SockAddr target = l.localAddr();
            closeWakes(Socket.open(Domain.IPV4, Type.STREAM), false,
                s -> s.connectTimeout(target, Duration.ofSeconds(100)));
        }
    }

    @Test
    void callsAfterCloseNeverReachARecycledDescriptor() throws IOException {
        Socket a = Socket.open(Domain.IPV4, Type.STREAM);
        int fdA = a.rawFd();
        a.close();
        a.close();  // idempotent
        assertTrue(a.isClosed());
        try (Socket b = Socket.open(Domain.IPV4, Type.DGRAM)) {
            b.bind(TestSockets.any4());
            SockAddr bAddr = b.localAddr();
            // the kernel hands out the lowest free number, so B normally reuses A's; either way A must not touch it
            assertThrows(ClosedChannelException.class, a::localAddr);
            assertThrows(ClosedChannelException.class, () -> a.setNonblocking(true));
            assertThrows(ClosedChannelException.class, () -> a.shutdown(Shutdown.BOTH));
            assertThrows(ClosedChannelException.class, () -> a.send(DATA));
            assertThrows(ClosedChannelException.class, () -> a.recv(new byte[1]));
            assertThrows(ClosedChannelException.class, () -> a.setTcpNodelay(true));
            assertThrows(ClosedChannelException.class, a::tryClone);
            assertThrows(ClosedChannelException.class, a::intoFd);
            assertFalse(b.nonblocking(), () -> "B (fd " + b.rawFd() + "; A had " + fdA + ") must be unaffected");
            assertEquals(bAddr, b.localAddr());
            assertEquals(Type.DGRAM, b.type());
        }
    }

    @Test
    void closeRacingManyCallsLeavesNothingOpen() throws Exception {
        long before = TestSockets.settledFdCount();
        for (int round = 0; round < 200; round++) {
            Socket[] p = Socket.pair(Domain.UNIX, Type.STREAM, null);
            Socket s = p[0];
            CountDownLatch go = new CountDownLatch(1);
            Thread[] callers = new Thread[3];
            for (int i = 0; i < callers.length; i++) {
                callers[i] = new Thread(() -> {
                    try {
                        go.await();
                        for (int k = 0; k < 50; k++) s.localAddr();
                    } catch (IOException | InterruptedException expected) {
                        // ClosedChannelException or AsynchronousCloseException once close wins
                    }
                });
                callers[i].start();
            }
            go.countDown();
            s.close();
            for (Thread t : callers) t.join(30_000);
            p[1].close();
            assertThrows(ClosedChannelException.class, s::localAddr);
        }
        assertEquals(before, TestSockets.fdCount(), "descriptors leaked by racing close");
    }

    // ------------------------------------------------------------ SIGPIPE

    private static void assertBrokenPipe(IOException e) {
        int errno = OsError.errnoOf(e).orElseThrow(() -> new AssertionError("no errno in " + e, e));
        assertTrue(errno == Errno.EPIPE || errno == Errno.ECONNRESET, () -> "expected EPIPE or ECONNRESET: " + e);
    }

    /** Sends until the kernel reports the broken connection (bounded), with each send method. */
    private static void writeToClosedPeer(Socket s, SockAddr peerAddr) {
        int failures = 0;
        for (int i = 0; i < 2000 && failures < 5; i++) {
            try {
                switch (failures) {
                    case 0 -> s.send(DATA);
                    case 1 -> s.send(ByteBuffer.allocateDirect(8));
                    case 2 -> s.sendVectored(ByteBuffer.wrap(DATA), ByteBuffer.allocateDirect(4));
                    case 3 -> s.sendWithFlags(DATA, 0, DATA.length, C.MSG_DONTWAIT);
                    default -> s.sendfile(resourceFd(), 0, 1);
                }
            } catch (IOException e) {
                assertBrokenPipe(e);
                failures++;
            }
        }
        assertEquals(5, failures, "writes to a closed peer kept succeeding");
    }

    private static int resourceFdCache = -1;

    private static int resourceFd() throws IOException {
        if (resourceFdCache < 0) {
            try (var arena = java.lang.foreign.Arena.ofConfined()) {
                String p = java.nio.file.Path.of(SafetyTest.class.getResource("/hello_world.txt").getPath()).toString();
                resourceFdCache = dev.socket2j.internal.Sys.open(arena.allocateFrom(p), C.O_RDONLY | C.O_CLOEXEC);
            }
        }
        return resourceFdCache;
    }

    @Test
    void sigpipeTcp() throws IOException {
        Socket[] p = TestSockets.tcpPair();
        try (Socket c = p[0]) {
            p[1].close();
            writeToClosedPeer(c, null);
        } finally {
            if (resourceFdCache >= 0) dev.socket2j.internal.Sys.closeQuietly(resourceFdCache);
            resourceFdCache = -1;
        }
        assertTrue(Runtime.getRuntime().availableProcessors() > 0, "JVM alive");
    }

    @Test
    void sigpipeUnixStream() throws IOException {
        Socket[] p = Socket.pair(Domain.UNIX, Type.STREAM, null);
        try (Socket a = p[0]) {
            p[1].close();
            writeToClosedPeer(a, null);
        } finally {
            if (resourceFdCache >= 0) dev.socket2j.internal.Sys.closeQuietly(resourceFdCache);
            resourceFdCache = -1;
        }
    }

    // ------------------------------------------------------------ errors

    @Test
    void connectRefusedIsConnectException() throws IOException {
        SockAddr dead;
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM)) {
            s.bind(TestSockets.any4());  // bound, not listening: connections are refused with a RST
            dead = s.localAddr();
            try (Socket c = Socket.open(Domain.IPV4, Type.STREAM)) {
                ConnectException e = assertThrows(ConnectException.class, () -> c.connect(dead));
                assertEquals("connect(2) failed: ECONNREFUSED (Connection refused)", e.getMessage());
                OsError os = assertInstanceOf(OsError.class, e);
                assertEquals(Errno.ECONNREFUSED, os.errno());
                assertEquals(111, os.errno());
                assertEquals("ECONNREFUSED", os.errnoName());
                assertEquals("connect(2)", os.call());
            }
        }
    }

    @Test
    void addressInUseIsBindException() throws IOException {
        try (Socket a = Socket.open(Domain.IPV4, Type.STREAM); Socket b = Socket.open(Domain.IPV4, Type.STREAM)) {
            a.bind(TestSockets.any4());
            a.listen(1);
            BindException e = assertThrows(BindException.class, () -> b.bind(a.localAddr()));
            assertEquals("bind(2) failed: EADDRINUSE (Address already in use)", e.getMessage());
            assertEquals(Errno.EADDRINUSE, ((OsError) e).errno());
            assertEquals(Errno.EADDRINUSE, OsError.errnoOf(new IOException("wrapped", e)).orElseThrow());
        }
    }

    @Test
    void otherErrorsCarryCallErrnoAndText() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM)) {
            IOException e = assertThrows(IOException.class, s::peerAddr);
            assertEquals("getpeername(2) failed: ENOTCONN (Transport endpoint is not connected)", e.getMessage());
            assertEquals(Errno.ENOTCONN, ((OsError) e).errno());
        }
        IOException e = assertThrows(IOException.class, () -> Socket.open(new Domain(12345), Type.STREAM));
        assertEquals(Errno.EAFNOSUPPORT, ((OsError) e).errno());
        assertTrue(e.getMessage().startsWith("socket(2) failed: EAFNOSUPPORT ("), e.getMessage());
    }

    @Test
    void icmpPortUnreachableIsPortUnreachableException() throws IOException {
        SockAddr gone;
        try (Socket g = Socket.open(Domain.IPV4, Type.DGRAM)) {
            g.bind(TestSockets.any4());
            gone = g.localAddr();
        }
        try (Socket u = Socket.open(Domain.IPV4, Type.DGRAM)) {
            u.bind(TestSockets.any4());
            u.connect(gone);
            u.send(DATA);  // loopback answers with ICMP port unreachable, which the socket reports on its next call
            assertTrue((TestSockets.poll(u, C.POLLIN, 30_000) & C.POLLERR) != 0, "no ICMP error within 30 s");
            java.net.PortUnreachableException e =
                assertThrows(java.net.PortUnreachableException.class, () -> u.recv(new byte[8]));
            assertEquals(Errno.ECONNREFUSED, ((OsError) e).errno());
            assertEquals("recv(2)", ((OsError) e).call());
        }
    }

    @Test
    void errnoTable() {
        assertInstanceOf(java.net.NoRouteToHostException.class, OsError.of("connect(2)", Errno.ENETUNREACH));
        assertInstanceOf(java.net.NoRouteToHostException.class, OsError.of("connect(2)", Errno.EHOSTUNREACH));
        assertInstanceOf(ConnectException.class, OsError.ofConnect("connect(2)", Errno.ETIMEDOUT));
        assertInstanceOf(BindException.class, OsError.of("bind(2)", Errno.EADDRNOTAVAIL));
        assertInstanceOf(java.net.PortUnreachableException.class, OsError.of("sendto(2)", Errno.ECONNREFUSED));
        assertInstanceOf(java.net.SocketTimeoutException.class, OsError.ofReceive("recvmsg(2)", Errno.EAGAIN));
        IOException other = OsError.of("setsockopt(2)", Errno.ENOPROTOOPT);
        assertEquals("setsockopt(2) failed: ENOPROTOOPT (Protocol not available)", other.getMessage());
        assertEquals("errno 4000", ((OsError) OsError.of("x", 4000)).errnoName());
    }

    @Test
    void nonblockingAcceptIsTimeoutWithEagain() throws IOException {
        try (Socket l = TestSockets.listener(Domain.IPV4, 1)) {
            l.setNonblocking(true);
            IOException e = assertThrows(java.net.SocketTimeoutException.class, l::accept);
            assertEquals(Errno.EAGAIN, ((OsError) e).errno());
        }
    }

    // ------------------------------------------------------------ bad input, refused before any syscall

    /**
     * Runs {@code call} on a socket that is already closed: an argument check that comes before the socket is
     * touched throws {@code expected}; a check that came after the descriptor was acquired would throw
     * {@link ClosedChannelException} instead. Also runs it on an open socket, which must stay usable.
     */
    private static void refusedBeforeSyscall(Class<? extends Throwable> expected, SocketCall call) throws IOException {
        Socket closed = Socket.open(Domain.IPV4, Type.DGRAM);
        closed.close();
        assertThrows(expected, () -> call.run(closed));
        try (Socket open = Socket.open(Domain.IPV4, Type.DGRAM)) {
            long fds = TestSockets.fdCount();
            assertThrows(expected, () -> call.run(open));
            assertEquals(fds, TestSockets.fdCount());
            open.bind(TestSockets.any4());
            assertEquals(Type.DGRAM, open.type());
        }
    }

    @FunctionalInterface
    interface SocketCall {
        void run(Socket s) throws Exception;
    }

    private static final SockAddr LOOP = SockAddr.of(new InetSocketAddress(TestSockets.loopback4(), 9));

    @Test
    void unixPathLongerThanSunPath() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> SockAddr.unix("/tmp/" + "x".repeat(200)));
        refusedBeforeSyscall(IllegalArgumentException.class,
            s -> s.bind(java.net.UnixDomainSocketAddress.of("/tmp/" + "x".repeat(200))));
    }

    @Test
    void portOutsideRange() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> SockAddr.ipv4((java.net.Inet4Address) TestSockets.loopback4(), 65536));
        assertThrows(IllegalArgumentException.class, () -> SockAddr.ipv4((java.net.Inet4Address) TestSockets.loopback4(), -1));
        refusedBeforeSyscall(IllegalArgumentException.class,
            s -> s.connect(SockAddr.ipv6((java.net.Inet6Address) TestSockets.loopback6(), 70000, 0, 0)));
    }

    @Test
    void negativeLengthOrRangeOutsideArray() throws IOException {
        byte[] b = new byte[8];
        refusedBeforeSyscall(IllegalArgumentException.class, s -> s.send(b, 0, -1));
        refusedBeforeSyscall(IllegalArgumentException.class, s -> s.send(b, -1, 2));
        refusedBeforeSyscall(IllegalArgumentException.class, s -> s.send(b, 4, 5));
        refusedBeforeSyscall(IllegalArgumentException.class, s -> s.recv(b, 0, 9));
        refusedBeforeSyscall(IllegalArgumentException.class, s -> s.recv(b, Integer.MAX_VALUE, 2));
        refusedBeforeSyscall(IllegalArgumentException.class, s -> s.recvWithFlags(b, 8, 1, 0));
        refusedBeforeSyscall(IllegalArgumentException.class, s -> s.sendToWithFlags(b, 2, 7, LOOP, 0));
        refusedBeforeSyscall(IllegalArgumentException.class, s -> s.recvFromWithFlags(b, -3, 1, 0));
        refusedBeforeSyscall(IllegalArgumentException.class, s -> s.sendfile(0, -1, 1));
        refusedBeforeSyscall(IllegalArgumentException.class, s -> s.sendfile(0, 0, -1));
    }

    @Test
    void negativeTimeout() throws IOException {
        refusedBeforeSyscall(IllegalArgumentException.class, s -> s.connectTimeout(LOOP, Duration.ofMillis(-1)));
    }

    @Test
    void negativeBacklog() throws IOException {
        refusedBeforeSyscall(IllegalArgumentException.class, s -> s.listen(-1));
    }

    @Test
    void nullArguments() throws IOException {
        refusedBeforeSyscall(NullPointerException.class, s -> s.bind((SockAddr) null));
        refusedBeforeSyscall(NullPointerException.class, s -> s.bind((SocketAddress) null));
        refusedBeforeSyscall(NullPointerException.class, s -> s.connect((SockAddr) null));
        refusedBeforeSyscall(NullPointerException.class, s -> s.connectTimeout((SockAddr) null, Duration.ZERO));
        refusedBeforeSyscall(NullPointerException.class, s -> s.connectTimeout(LOOP, null));
        refusedBeforeSyscall(NullPointerException.class, s -> s.send((byte[]) null));
        refusedBeforeSyscall(NullPointerException.class, s -> s.send((ByteBuffer) null));
        refusedBeforeSyscall(NullPointerException.class, s -> s.recv((byte[]) null));
        refusedBeforeSyscall(NullPointerException.class, s -> s.recvFrom((byte[]) null));
        refusedBeforeSyscall(NullPointerException.class, s -> s.sendTo(DATA, null));
        refusedBeforeSyscall(NullPointerException.class, s -> s.sendVectored((ByteBuffer[]) null));
        refusedBeforeSyscall(NullPointerException.class, s -> s.sendVectored(ByteBuffer.allocate(1), null));
        refusedBeforeSyscall(NullPointerException.class, s -> s.recvVectored((ByteBuffer) null));
        refusedBeforeSyscall(NullPointerException.class, s -> s.sendToVectored(new ByteBuffer[0], null));
        refusedBeforeSyscall(NullPointerException.class, s -> s.shutdown(null));
        refusedBeforeSyscall(NullPointerException.class, s -> s.setOption(SockOpt.SO_REUSEADDR, null));
        assertThrows(NullPointerException.class, () -> SockAddr.of((SocketAddress) null));
        assertThrows(NullPointerException.class, () -> Socket.open(null, Type.STREAM));
        assertThrows(NullPointerException.class, () -> Socket.open(Domain.IPV4, null));
    }

    @Test
    void moreThanIovMaxBuffers() throws IOException {
        ByteBuffer[] many = new ByteBuffer[C.IOV_MAX + 1];
        for (int i = 0; i < many.length; i++) many[i] = ByteBuffer.allocate(1);
        refusedBeforeSyscall(IllegalArgumentException.class, s -> s.sendVectored(many));
        refusedBeforeSyscall(IllegalArgumentException.class, s -> s.recvVectored(many));
        refusedBeforeSyscall(IllegalArgumentException.class, s -> s.sendToVectored(many, LOOP));
        refusedBeforeSyscall(IllegalArgumentException.class, s -> s.recvFromVectored(many));
    }

    @Test
    void readOnlyReceiveBuffer() throws IOException {
        refusedBeforeSyscall(IllegalArgumentException.class, s -> s.recv(ByteBuffer.allocate(4).asReadOnlyBuffer()));
        refusedBeforeSyscall(IllegalArgumentException.class, s -> s.recvVectored(ByteBuffer.allocateDirect(4).asReadOnlyBuffer()));
    }

    @Test
    void recvTimesOutAsSocketTimeout() throws Exception {
        Executable e = () -> {
            try (Socket u = Socket.open(Domain.IPV4, Type.DGRAM)) {
                u.bind(TestSockets.any4());
                u.recvWithFlags(new byte[4], 0, 4, C.MSG_DONTWAIT);
            }
        };
        java.net.SocketTimeoutException t = assertThrows(java.net.SocketTimeoutException.class, e);
        assertEquals(Errno.EAGAIN, ((OsError) t).errno());
    }
}
