package dev.socket2j;

import dev.socket2j.internal.C;
import dev.socket2j.internal.Errno;
import dev.socket2j.internal.Scratch;
import dev.socket2j.internal.VtPoller;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Blocking-mode core calls made from virtual threads park on socket2j's poller instead of pinning their carrier
 * (this machine has 2 cores, so 2 carriers: a pinning call would stall everything), with the semantics of the
 * blocking call: timeouts, close, interrupt, full send buffers, and no descriptor or native memory left behind.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class VirtualThreadTest {

    /** Threads parked in socket2j's poller right now. */
    private static int parked() {
        return VtPoller.of(C.POLLIN).waiting() + VtPoller.of(C.POLLOUT).waiting();
    }

    /** Waits (bounded) until at least {@code n} threads are parked in the poller; fails otherwise. */
    private static void awaitParked(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (parked() < n) {
            assertTrue(System.nanoTime() < deadline, () -> "only " + parked() + " of " + n + " threads parked in 60 s");
            Thread.sleep(5);
        }
    }

    /** Runs {@code task} on a new virtual thread; the future holds its result or what it threw. */
    private static <T> CompletableFuture<Object> virtual(ThrowingSupplier<T> task) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(task.get());
            } catch (Throwable e) {
                f.complete(e);
            }
        });
        return f;
    }

    @FunctionalInterface
    interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    private static Object result(CompletableFuture<Object> f) throws Exception {
        return f.get(60, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------ scale: many parked threads, few carriers

    @Test
    void fiveThousandVirtualThreadsBlockedInRecvAllComplete() throws Exception {
        int n = 5_000;
        long fdsBefore = TestSockets.settledFdCount();
        long limit = openFileLimit();
        assumeTrue(fdsBefore + 2L * n + 100 < limit, "needs 10,000 free descriptors; the limit is " + limit);
        Socket[][] pairs = new Socket[n][];
        try {
            for (int i = 0; i < n; i++) pairs[i] = Socket.pair(Domain.UNIX, Type.STREAM, null);
            List<CompletableFuture<Object>> readers = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Socket r = pairs[i][0];
                readers.add(virtual(() -> {
                    byte[] b = new byte[4];
                    int k = r.recv(b);
                    return k == 1 ? (int) b[0] : -1;
                }));
            }
            awaitParked(n);  // every reader is parked, none holds a carrier
            List<CompletableFuture<Object>> senders = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Socket w = pairs[i][1];
                byte v = (byte) (i % 100);
                senders.add(virtual(() -> w.send(new byte[] {v})));
            }
            for (int i = 0; i < n; i++) {
                assertEquals(1, result(senders.get(i)));
                assertEquals(i % 100, result(readers.get(i)), "reader " + i);
            }
            assertEquals(0, parked());
        } finally {
            for (Socket[] p : pairs) {
                if (p == null) continue;
                p[0].close();
                p[1].close();
            }
        }
        assertEquals(fdsBefore, TestSockets.fdCount());
    }

    /** The soft limit on open descriptors ({@code ulimit -n}), from {@code /proc/self/limits}. */
    private static long openFileLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        return 1024;
    }

    @Test
    void echoServerOnVirtualThreadsServesAThousandConcurrentClients() throws Exception {
        int clients = 1_000;
        assumeTrue(TestSockets.fdCount() + 2L * clients + 100 < openFileLimit(), "needs 2,000 free descriptors");
        try (Socket listener = TestSockets.listener(Domain.IPV4, 4096);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            SockAddr addr = listener.localAddr();
            AtomicInteger served = new AtomicInteger();
            pool.submit(() -> {
                while (served.get() < clients) {
                    Accepted a = listener.accept();
                    served.incrementAndGet();
                    pool.submit(() -> {
                        try (Socket c = a.socket()) {
                            byte[] buf = new byte[512];
                            int k;
                            while ((k = c.recv(buf)) > 0) c.send(buf, 0, k);
                        }
                        return null;
                    });
                }
                return null;
            });
            List<Future<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                byte[] msg = ("client " + i + " says hello").repeat(10).getBytes();
                results.add(pool.submit(() -> {
                    try (Socket c = Socket.open(Domain.IPV4, Type.STREAM)) {
                        c.connect(addr);
                        assertEquals(msg.length, c.send(msg));
                        byte[] back = new byte[msg.length];
                        int got = 0;
                        while (got < back.length) {
                            int k = c.recv(back, got, back.length - got);
                            if (k == 0) break;
                            got += k;
                        }
                        c.shutdown(Shutdown.WRITE);
                        return java.util.Arrays.copyOf(back, got);
                    }
                }));
            }
            for (int i = 0; i < clients; i++) {
                byte[] want = ("client " + i + " says hello").repeat(10).getBytes();
                assertArrayEquals(want, results.get(i).get(60, TimeUnit.SECONDS), "client " + i);
            }
            assertEquals(clients, served.get());
        }
    }

    @Test
    void acceptAndConnectFromVirtualThreadsPark() throws Exception {
        try (Socket l = TestSockets.listener(Domain.IPV4, 8)) {
            int before = parked();
            CompletableFuture<Object> accepted = virtual(() -> l.accept());
            awaitParked(before + 1);
            CompletableFuture<Object> connected = virtual(() -> {
                Socket c = Socket.open(Domain.IPV4, Type.STREAM);
                c.connect(l.localAddr());
                return c;
            });
            Socket client = (Socket) result(connected);
            Object a = result(accepted);
            Socket server = assertInstanceOf(Accepted.class, a, () -> "accept failed: " + a).socket();
            try (client; server) {
                assertEquals(client.localAddr(), server.peerAddr());
                assertFalse(l.nonblocking(), "the user's mode is still blocking after the internal switch");
                assertFalse(server.nonblocking());
                assertFalse(client.nonblocking(), "connect restores the blocking mode");
            }
            // a platform thread on the now internally non-blocking listener still blocks (in poll) and times out
            l.setReadTimeout(Optional.of(Duration.ofMillis(100)));
            IOException e = assertThrows(SocketTimeoutException.class, l::accept);
            assertEquals(Errno.EAGAIN, ((OsError) e).errno());
            l.setNonblocking(true);
            assertTrue(l.nonblocking());
            assertInstanceOf(SocketTimeoutException.class, result(virtual(l::accept)));
        }
    }

    @Test
    void connectTimeoutFromAVirtualThread() throws Exception {
        try (Socket l = TestSockets.listener(Domain.IPV4, 0); Socket filler = Socket.open(Domain.IPV4, Type.STREAM)) {
            filler.connect(l.localAddr());
            TestSockets.awaitReadable(l);  // the accept queue is full: the next SYN is dropped
            try (Socket c = Socket.open(Domain.IPV4, Type.STREAM)) {
                Object r = result(virtual(() -> { c.connectTimeout(l.localAddr(), Duration.ofMillis(300)); return c; }));
                assertInstanceOf(SocketTimeoutException.class, r);
            }
            try (Socket c = Socket.open(Domain.IPV4, Type.STREAM)) {
                c.setWriteTimeout(Optional.of(Duration.ofMillis(300)));  // a blocking connect's deadline
                Object r = result(virtual(() -> { c.connect(l.localAddr()); return c; }));
                assertEquals(Errno.EINPROGRESS, OsError.errnoOf(assertInstanceOf(IOException.class, r)).orElseThrow(),
                    "the blocking connect fails with EINPROGRESS when SO_SNDTIMEO expires");
            }
        }
    }

    @Test
    void connectRefusedFromAVirtualThread() throws Exception {
        SockAddr dead;
        try (Socket g = Socket.open(Domain.IPV4, Type.STREAM)) {
            g.bind(TestSockets.any4());
            dead = g.localAddr();
            try (Socket c = Socket.open(Domain.IPV4, Type.STREAM)) {
                Object r = result(virtual(() -> { c.connect(dead); return c; }));
                assertEquals("connect(2) failed: ECONNREFUSED (Connection refused)",
                    assertInstanceOf(java.net.ConnectException.class, r).getMessage());
            }
        }
    }

    // ------------------------------------------------------------ full send buffers, timeouts

    @Test
    void sendOfALargeBufferOnAFullSocketWritesAll() throws Exception {
        Socket[] p = TestSockets.tcpPair();
        try (Socket a = p[0]; Socket b = p[1]) {
            a.setSendBufferSize(16384);
            b.setRecvBufferSize(16384);
            int total = 2 << 20;
            ByteBuffer data = ByteBuffer.allocateDirect(total);
            for (int i = 0; i < total; i++) data.put((byte) (i * 31));
            data.flip();
            CompletableFuture<Object> sent = virtual(() -> a.send(data));
            awaitParked(1);  // the buffer is full: the sender parks
            byte[] buf = new byte[65536];
            long got = 0, sum = 0, want = 0;
            while (got < total) {
                int k = b.recv(buf);
                assertTrue(k > 0, "stream ended after " + got);
                for (int i = 0; i < k; i++) sum += buf[i] & 0xff;
                got += k;
            }
            for (int i = 0; i < total; i++) want += (byte) (i * 31) & 0xff;
            assertEquals(total, result(sent), "one send call wrote everything, as the blocking call does");
            assertEquals(want, sum);
            assertEquals(0, data.remaining());
        }
    }

    @Test
    void receiveTimeoutHonouredWhileParked() throws Exception {
        Socket[] p = Socket.pair(Domain.UNIX, Type.STREAM, null);
        try (Socket a = p[0]; Socket b = p[1]) {
            a.setReadTimeout(Optional.of(Duration.ofMillis(200)));
            Object r = result(virtual(() -> a.recv(new byte[8])));
            SocketTimeoutException e = assertInstanceOf(SocketTimeoutException.class, r);
            assertEquals(Errno.EAGAIN, ((OsError) e).errno());
            assertEquals("recv(2)", ((OsError) e).call());
            assertFalse(a.isClosed(), "a timeout leaves the socket usable");
            b.send(new byte[] {7});
            assertEquals(1, result(virtual(() -> a.recv(new byte[8]))));
        }
    }

    @Test
    void sendTimeoutHonouredWhileParked() throws Exception {
        Socket[] p = Socket.pair(Domain.UNIX, Type.STREAM, null);
        try (Socket a = p[0]; Socket b = p[1]) {
            byte[] chunk = new byte[4096];
            for (int i = 0; i < 100_000; i++) {  // fill both buffers without blocking
                try {
                    a.sendWithFlags(chunk, 0, chunk.length, C.MSG_DONTWAIT);
                } catch (IOException full) {
                    break;
                }
            }
            a.setWriteTimeout(Optional.of(Duration.ofMillis(200)));
            Object r = result(virtual(() -> a.send(chunk)));
            IOException e = assertInstanceOf(IOException.class, r, () -> "send returned " + r);
            assertEquals(Errno.EAGAIN, OsError.errnoOf(e).orElseThrow(), "as the kernel's blocking send with SO_SNDTIMEO");
        }
    }

    @Test
    void nonblockingModeAndDontwaitStayNonblockingOnVirtualThreads() throws Exception {
        Socket[] p = Socket.pair(Domain.UNIX, Type.DGRAM, null);
        try (Socket a = p[0]; Socket b = p[1]) {
            Object r = result(virtual(() -> a.recvWithFlags(new byte[4], 0, 4, C.MSG_DONTWAIT)));
            assertInstanceOf(SocketTimeoutException.class, r);
            a.setNonblocking(true);
            assertInstanceOf(SocketTimeoutException.class, result(virtual(() -> a.recv(new byte[4]))));
            assertEquals(0, parked());
        }
    }

    // ------------------------------------------------------------ close and interrupt while parked

    /** Parks {@code op} on a virtual thread, closes {@code s} from this thread, expects a closed-channel exception. */
    private static void closeWakesParked(Socket s, ThrowingSupplier<Object> op) throws Exception {
        String inode = fdTarget(s.rawFd());
        int before = parked();
        CompletableFuture<Object> f = virtual(op);
        awaitParked(before + 1);
        assertFalse(f.isDone(), () -> "returned before close: " + f.getNow(null));
        s.close();
        Object r = result(f);
        assertInstanceOf(ClosedChannelException.class, r, () -> "expected a closed-channel exception, got " + r);
        assertNotEquals(inode, fdTarget(s.rawFd()), "the last call to return closed the descriptor");
        assertThrows(ClosedChannelException.class, s::localAddr);
    }

    private static String fdTarget(int fd) throws IOException {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
    }

    @Test
    void closeWakesParkedTcpRecv() throws Exception {
        Socket[] p = TestSockets.tcpPair();
        closeWakesParked(p[0], () -> p[0].recv(new byte[16]));
        p[1].close();
    }

    @Test
    void closeWakesParkedAccept() throws Exception {
        Socket l = TestSockets.listener(Domain.IPV4, 1);
        closeWakesParked(l, l::accept);
    }

    @Test
    void closeWakesParkedSendOnAFullBuffer() throws Exception {
        Socket[] p = TestSockets.tcpPair();
        try {
            Socket s = p[0];
            byte[] chunk = new byte[1 << 16];
            for (int i = 0; i < 100_000; i++) {
                try {
                    s.sendWithFlags(chunk, 0, chunk.length, C.MSG_DONTWAIT);
                } catch (IOException full) {
                    break;
                }
            }
            closeWakesParked(s, () -> s.send(chunk));
        } finally {
            p[1].close();
        }
    }

    @Test
    void closeWakesParkedUnixDatagramRecvAndUdpRecv() throws Exception {
        Socket[] p = Socket.pair(Domain.UNIX, Type.DGRAM, null);
        closeWakesParked(p[0], () -> p[0].recvVectored(ByteBuffer.allocate(16)));
        p[1].close();
        Socket u = Socket.open(Domain.IPV4, Type.DGRAM);
        u.bind(TestSockets.any4());
        closeWakesParked(u, () -> u.recvFrom(new byte[16]));
    }

    @Test
    void closeWakesAUnixConnectWaitingForAFullListener() throws Exception {
        // on a platform thread shutdown cannot wake this connect (see Socket); a parked virtual thread is woken
        SockAddr addr = SockAddr.unixAbstract(("socket2j-vt-" + ProcessHandle.current().pid()).getBytes());
        try (Socket l = Socket.open(Domain.UNIX, Type.STREAM)) {
            l.bind(addr);
            l.listen(0);
            List<Socket> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {  // fill the backlog with non-blocking connects
                    Socket f = Socket.open(Domain.UNIX, new Type(C.SOCK_STREAM | C.SOCK_NONBLOCK));
                    fillers.add(f);
                    try {
                        f.connect(addr);
                    } catch (IOException full) {
                        break;
                    }
                }
                Socket c = Socket.open(Domain.UNIX, Type.STREAM);
                CompletableFuture<Object> f = virtual(() -> { c.connect(addr); return c; });
                Thread.sleep(200);
                assertFalse(f.isDone(), () -> "connect returned: " + f.getNow(null));
                c.close();
                assertInstanceOf(ClosedChannelException.class, result(f));
            } finally {
                for (Socket f : fillers) f.close();
            }
        }
    }

    @Test
    void interruptOfAParkedVirtualThreadClosesTheSocket() throws Exception {
        Socket[] p = Socket.pair(Domain.UNIX, Type.STREAM, null);
        try (Socket a = p[0]; Socket b = p[1]) {
            CompletableFuture<Object> f = new CompletableFuture<>();
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    f.complete(a.recv(new byte[4]));
                } catch (Throwable e) {
                    f.complete(new Object[] {e, Thread.currentThread().isInterrupted()});
                }
            });
            awaitParked(1);
            t.interrupt();
            Object[] r = (Object[]) result(f);
            SocketException e = assertInstanceOf(SocketException.class, r[0]);
            assertEquals("Closed by interrupt", e.getMessage());
            assertTrue((Boolean) r[1], "the interrupt status stays set");
            assertTrue(a.isClosed());
            assertEquals(0, b.recv(new byte[4]), "the peer sees the connection end");
        }
    }

    @Test
    void platformThreadsIgnoreInterruptsAsBefore() throws Exception {
        Socket[] p = Socket.pair(Domain.UNIX, Type.STREAM, null);
        try (Socket a = p[0]; Socket b = p[1]) {
            CompletableFuture<Object> f = new CompletableFuture<>();
            Thread t = Thread.ofPlatform().daemon().start(() -> {
                try {
                    f.complete(a.recv(new byte[4]));
                } catch (Throwable e) {
                    f.complete(e);
                }
            });
            TestSockets.awaitBlockedOn(a.rawFd(), 10_000);
            t.interrupt();
            Thread.sleep(100);
            assertFalse(f.isDone());
            b.send(new byte[] {1});
            assertEquals(1, result(f));
            assertFalse(a.isClosed());
        }
    }

    // ------------------------------------------------------------ messages, batches, sendfile

    @Test
    void recvmsgSendmsgBatchesAndSendfileFromVirtualThreads() throws Exception {
        Socket[] p = Socket.pair(Domain.UNIX, Type.DGRAM, null);
        try (Socket a = p[0]; Socket b = p[1]; MsgBatch in = MsgBatch.allocate(4, 64, 0)) {
            CompletableFuture<Object> got = virtual(() -> a.recvmmsg(in, 3, 0));  // waits for all three
            awaitParked(1);
            for (int i = 0; i < 3; i++) {
                b.send(new byte[] {(byte) i});
                Thread.sleep(20);
            }
            assertEquals(3, result(got));
            ByteBuffer into = ByteBuffer.allocate(8);
            CompletableFuture<Object> r = virtual(() -> a.recvVectored(into));
            awaitParked(1);
            b.sendVectored(ByteBuffer.wrap(new byte[] {4, 5}));
            assertEquals(2L, ((Received) result(r)).bytes());
        }
        Socket[] s = Socket.pair(Domain.UNIX, Type.STREAM, null);
        try (Socket a = s[0]; Socket b = s[1]) {
            Path file = Files.createTempFile("socket2j-vt", ".bin");
            try {
                byte[] content = new byte[300_000];
                for (int i = 0; i < content.length; i++) content[i] = (byte) i;
                Files.write(file, content);
                CompletableFuture<Object> sent = virtual(() -> a.sendfile(file, 0, content.length));
                byte[] back = new byte[content.length];
                int n = 0;
                while (n < back.length) n += b.recv(back, n, back.length - n);
                assertEquals((long) content.length, result(sent), "sendfile wrote all, as the blocking call does");
                assertArrayEquals(content, back);
                assertFalse(a.nonblocking());
            } finally {
                Files.delete(file);
            }
        }
    }

    // ------------------------------------------------------------ leaks and scratch memory

    @Test
    void noDescriptorOrNativeMemoryLeftAfterTenThousandCycles() throws Exception {
        long fds = TestSockets.settledFdCount();
        long buffers = Scratch.liveBuffers(), collected = Socket.collectedUnclosed();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Object>> batch = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                int kind = i % 4;
                batch.add(pool.submit(() -> {
                    Socket[] p = Socket.pair(Domain.UNIX, Type.STREAM, null);
                    try (Socket a = p[0]; Socket b = p[1]) {
                        switch (kind) {
                            case 0 -> {  // park, then data
                                Thread.ofVirtual().start(() -> {
                                    try { b.send(new byte[100_000]); } catch (IOException ignored) { }
                                });
                                byte[] big = new byte[200_000];
                                int n = 0;
                                while (n < 100_000) n += a.recv(big, n, big.length - n);
                            }
                            case 1 -> {  // timeout
                                a.setReadTimeout(Optional.of(Duration.ofMillis(1)));
                                assertThrows(SocketTimeoutException.class, () -> a.recv(new byte[8]));
                            }
                            case 2 -> {  // close while parked
                                Thread.ofVirtual().start(() -> {
                                    try { Thread.sleep(1); a.close(); } catch (Exception ignored) { }
                                });
                                assertThrows(ClosedChannelException.class, () -> a.recv(new byte[8]));
                            }
                            default -> {  // vectored heap buffers: bounce and iovec beyond what a thread keeps
                                ByteBuffer[] bufs = new ByteBuffer[64];
                                for (int k = 0; k < bufs.length; k++) bufs[k] = ByteBuffer.allocate(1024);
                                b.send(new byte[5000]);
                                assertTrue(a.recvVectored(bufs).bytes() > 0);
                            }
                        }
                    }
                    return null;
                }));
                if (batch.size() == 200) {
                    for (Future<Object> f : batch) f.get(60, TimeUnit.SECONDS);
                    batch.clear();
                }
            }
            for (Future<Object> f : batch) f.get(60, TimeUnit.SECONDS);
        }
        assertEquals(0, parked(), "no registration left in the poller");
        assertEquals(fds, TestSockets.settledFdCount(), "descriptors leaked");
        assertEquals(collected, Socket.collectedUnclosed(), "sockets dropped without close");
        for (int i = 0; i < 100 && Scratch.liveBuffers() > buffers; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(Scratch.liveBuffers() <= buffers, () -> Scratch.liveBuffers() - buffers
            + " scratch buffers of finished threads were never freed");
    }

    @Test
    void keptScratchStaysUnderTheCapAfterLargeTransfers() throws Exception {
        for (boolean onVirtual : new boolean[] {true, false}) {
            CompletableFuture<Object> f = new CompletableFuture<>();
            Runnable task = () -> {
                try {
                    Socket[] p = Socket.pair(Domain.UNIX, Type.STREAM, null);
                    try (Socket a = p[0]; Socket b = p[1]) {
                        Scratch s = Scratch.get();
                        byte[] big = new byte[1 << 20];
                        Thread.ofPlatform().daemon().start(() -> {
                            try {
                                byte[] sink = new byte[1 << 16];
                                while (b.recv(sink) > 0) { }
                            } catch (IOException ignored) { }
                        });
                        long sent = 0;
                        while (sent < big.length) sent += a.send(big, (int) sent, big.length - (int) sent);
                        ByteBuffer[] many = new ByteBuffer[900];
                        for (int i = 0; i < many.length; i++) many[i] = ByteBuffer.allocate(100);
                        a.sendVectored(many);
                        a.setOption(SockOpt.SO_RCVBUF, 1 << 16);
                        assertTrue(s.nativeBytes() <= s.keepLimit(),
                            s.nativeBytes() + " bytes kept, above the cap of " + s.keepLimit());
                        f.complete(s.keepLimit());
                    }
                } catch (Throwable e) {
                    f.complete(e);
                }
            };
            if (onVirtual) Thread.ofVirtual().start(task); else Thread.ofPlatform().start(task);
            Object r = result(f);
            if (r instanceof Throwable t) throw new AssertionError((onVirtual ? "virtual" : "platform") + " thread", t);
            if (onVirtual) assertTrue((Long) r < 4096, "a virtual thread keeps under 4 KiB: " + r);
        }
    }
}
