package dev.socket2j;

import dev.socket2j.internal.C;
import dev.socket2j.internal.Errno;
import dev.socket2j.internal.Sys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

import static dev.socket2j.TestSockets.DATA;
import static dev.socket2j.TestSockets.any4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Java twins of socket2's tests/socket.rs hand-written tests that are about the non-option API (spec §5.3). */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SocketTest {

    private static String s(byte[] b, int n) { return new String(b, 0, n, StandardCharsets.US_ASCII); }

    private static String s(ByteBuffer b) {
        return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII);
    }

    // ------------------------------------------------------------ Domain / Type / Protocol

    @Test
    void domainForAddress() {
        assertEquals(Domain.IPV4, Domain.forAddress(new InetSocketAddress(TestSockets.loopback4(), 8080)));
        assertEquals(Domain.IPV6, Domain.forAddress(new InetSocketAddress(TestSockets.loopback6(), 8080)));
        assertThrows(IllegalArgumentException.class, () -> Domain.forAddress(InetSocketAddress.createUnresolved("x", 1)));
    }

    @Test
    void domainFmtDebug() {
        assertEquals("AF_INET", Domain.IPV4.toString());
        assertEquals("AF_INET6", Domain.IPV6.toString());
        assertEquals("AF_UNIX", Domain.UNIX.toString());
        assertEquals("AF_PACKET", Domain.PACKET.toString());
        assertEquals("AF_VSOCK", Domain.VSOCK.toString());
        assertEquals("AF_UNSPEC", new Domain(0).toString());
        assertEquals("500", new Domain(500).toString());
    }

    @Test
    void typeFmtDebug() {
        assertEquals("SOCK_STREAM", Type.STREAM.toString());
        assertEquals("SOCK_DGRAM", Type.DGRAM.toString());
        assertEquals("SOCK_SEQPACKET", Type.SEQPACKET.toString());
        assertEquals("SOCK_RAW", Type.RAW.toString());
        assertEquals("SOCK_DCCP", Type.DCCP.toString());
        assertEquals("500", new Type(500).toString());
    }

    @Test
    void protocolFmtDebug() {
        assertEquals("IPPROTO_ICMP", Protocol.ICMPV4.toString());
        assertEquals("IPPROTO_ICMPV6", Protocol.ICMPV6.toString());
        assertEquals("IPPROTO_TCP", Protocol.TCP.toString());
        assertEquals("IPPROTO_UDP", Protocol.UDP.toString());
        assertEquals("IPPROTO_MPTCP", Protocol.MPTCP.toString());
        assertEquals("IPPROTO_DCCP", Protocol.DCCP.toString());
        assertEquals("IPPROTO_SCTP", Protocol.SCTP.toString());
        assertEquals("IPPROTO_UDPLITE", Protocol.UDPLITE.toString());
        assertEquals("500", new Protocol(500).toString());
    }

    @Test
    void fromInvalidRawFdShouldPanic() {
        assertThrows(IllegalArgumentException.class, () -> Socket.fromFd(-1));
        assertThrows(IllegalArgumentException.class, () -> SockRef.of(-1));
    }

    // ------------------------------------------------------------ descriptor flags

    @Test
    void setNonblocking() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM)) {
            assertFalse(s.nonblocking());
            assertEquals(0, Sys.fcntl(s.rawFd(), C.F_GETFL, 0) & C.O_NONBLOCK);
            s.setNonblocking(true);
            assertTrue(s.nonblocking());
            assertEquals(C.O_NONBLOCK, Sys.fcntl(s.rawFd(), C.F_GETFL, 0) & C.O_NONBLOCK);
            s.setNonblocking(false);
            assertFalse(s.nonblocking());
        }
    }

    private static boolean cloexecRaw(BaseSocket s) throws IOException {
        return (Sys.fcntl(s.rawFd(), C.F_GETFD, 0) & C.FD_CLOEXEC) != 0;
    }

    @Test
    void commonFlags() throws IOException {
        try (Socket l = TestSockets.listener(Domain.IPV4, 1); Socket c = Socket.open(Domain.IPV4, Type.STREAM)) {
            assertTrue(l.cloexec());
            assertTrue(cloexecRaw(l));
            c.connect(l.localAddr());
            try (Socket a = l.accept().socket()) {
                assertTrue(a.cloexec());
                assertTrue(cloexecRaw(a));
            }
        }
    }

    @Test
    void noCommonFlags() throws IOException {
        try (Socket l = Socket.openRaw(Domain.IPV4, Type.STREAM, null); Socket c = Socket.open(Domain.IPV4, Type.STREAM)) {
            l.bind(any4());
            l.listen(1);
            assertFalse(l.cloexec());
            assertFalse(cloexecRaw(l));
            c.connect(l.localAddr());
            try (Socket a = l.acceptRaw().socket()) {
                assertFalse(a.cloexec());
                assertFalse(cloexecRaw(a));
            }
        }
    }

    @Test
    void typeNonblocking() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM.nonblocking())) {
            assertTrue(s.nonblocking());
        }
    }

    @Test
    void setCloexec() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM)) {
            assertTrue(s.cloexec());
            s.setCloexec(false);
            assertFalse(s.cloexec());
            assertFalse(cloexecRaw(s));
            s.setCloexec(true);
            assertTrue(s.cloexec());
            assertTrue(cloexecRaw(s));
        }
    }

    @Test
    void typeCloexec() throws IOException {
        try (Socket s = Socket.openRaw(Domain.IPV4, Type.STREAM.cloexec(), null)) {
            assertTrue(cloexecRaw(s));
        }
        try (Socket s = Socket.openRaw(Domain.IPV4, Type.STREAM, null)) {
            assertFalse(cloexecRaw(s));
        }
    }

    // ------------------------------------------------------------ connect_timeout

    /**
     * socket2 dials 10.255.255.1; this twin stays on the machine: a listener with backlog 0 whose accept queue
     * already holds one connection drops further SYNs (Linux counts a full queue as ListenOverflows), so a
     * second connect never completes and must time out.
     */
    @Test
    void connectTimeoutUnrouteable() throws IOException {
        try (Socket l = TestSockets.listener(Domain.IPV4, 0); Socket filler = Socket.open(Domain.IPV4, Type.STREAM)) {
            filler.connect(l.localAddr());
            TestSockets.awaitReadable(l);  // the accept queue now holds the filler: it is full
            try (Socket c = Socket.open(Domain.IPV4, Type.STREAM)) {
                IOException e = assertThrows(IOException.class, () -> c.connectTimeout(l.localAddr(), Duration.ofMillis(250)));
                assertInstanceOf(SocketTimeoutException.class, e, () -> "expected a timeout, got " + e);
                assertEquals("connect(2) timed out after 250 ms", e.getMessage());
                assertFalse(c.nonblocking(), "connectTimeout must restore blocking mode");
            }
        }
    }

    @Test
    void connectTimeoutUnbound() throws IOException {
        SockAddr addr;
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM)) {
            s.bind(any4());
            addr = s.localAddr();
        }
        try (Socket c = Socket.open(Domain.IPV4, Type.STREAM)) {
            IOException e = assertThrows(IOException.class, () -> c.connectTimeout(addr, Duration.ofMillis(250)));
            assertTrue(e instanceof ConnectException || e instanceof SocketTimeoutException, () -> "unexpected " + e);
            if (e instanceof ConnectException) assertEquals(Errno.ECONNREFUSED, ((OsError) e).errno());
            assertFalse(c.nonblocking());
        }
    }

    @Test
    void connectTimeoutValid() throws IOException {
        try (Socket l = TestSockets.listener(Domain.IPV4, 128); Socket c = Socket.open(Domain.IPV4, Type.STREAM)) {
            c.connectTimeout(l.localAddr(), Duration.ofMillis(250));
            assertFalse(c.nonblocking());
            assertEquals(l.localAddr(), c.peerAddr());
        }
    }

    @Test
    void connectTimeoutKeepsNonblockingMode() throws IOException {
        try (Socket l = TestSockets.listener(Domain.IPV4, 128);
             Socket c = Socket.open(Domain.IPV4, Type.STREAM.nonblocking())) {
            c.connectTimeout(l.localAddr(), Duration.ofSeconds(30));
            assertTrue(c.nonblocking());
        }
    }

    // ------------------------------------------------------------ pairs and Unix sockets

    @Test
    void pair() throws IOException {
        Socket[] p = Socket.pair(Domain.UNIX, Type.STREAM, null);
        try (Socket a = p[0]; Socket b = p[1]) {
            assertTrue(a.cloexec() && b.cloexec());
            assertEquals(DATA.length, a.send(DATA));
            byte[] buf = new byte[64];
            assertEquals("hello world", s(buf, b.recv(buf)));
        }
    }

    @Test
    void pairRaw() throws IOException {
        Socket[] p = Socket.pairRaw(Domain.UNIX, Type.SEQPACKET, null);
        try (Socket a = p[0]; Socket b = p[1]) {
            assertFalse(a.cloexec() || b.cloexec());
            assertEquals(Type.SEQPACKET, a.type());
        }
    }

    @Test
    void unix(@TempDir Path dir) throws IOException {
        Path path = dir.resolve("socket2.unix").resolve("unix");
        Files.createDirectories(path.getParent());
        try (Socket l = Socket.open(Domain.UNIX, Type.STREAM); Socket c = Socket.open(Domain.UNIX, Type.STREAM)) {
            l.bind(SockAddr.unix(path));
            l.listen(128);
            assertEquals(path, l.localAddr().asPathname().orElseThrow());
            c.connect(SockAddr.unix(path));
            Accepted acc = l.accept();
            try (Socket a = acc.socket()) {
                assertTrue(acc.address().isUnnamed());
                assertEquals(DATA.length, c.send(DATA));
                byte[] buf = new byte[64];
                assertEquals("hello world", s(buf, a.recv(buf)));
            }
        }
    }

    @Test
    void unixAccept(@TempDir Path dir) throws IOException {
        Path path = dir.resolve("s");
        try (Socket l = Socket.open(Domain.UNIX, Type.STREAM); Socket c = Socket.open(Domain.UNIX, Type.STREAM)) {
            l.bind(SockAddr.unix(path));
            l.listen(1);
            c.connect(SockAddr.unix(path));
            try (Socket a = l.accept().socket()) {
                assertTrue(a.cloexec());
                assertTrue(cloexecRaw(a));
            }
        }
    }

    @Test
    void vsock() throws IOException {
        Socket l;
        try {
            l = Socket.open(Domain.VSOCK, Type.STREAM);
        } catch (IOException e) {
            assumeTrue(false, "AF_VSOCK not available: " + e.getMessage());
            return;
        }
        try (l) {
            try {
                l.bind(SockAddr.vsock(C.VMADDR_CID_LOCAL, C.VMADDR_PORT_ANY));
                l.listen(1);
            } catch (IOException e) {
                assumeTrue(false, "vsock loopback (vsock_loopback module) not available: " + e.getMessage());
            }
            SockAddr local = l.localAddr();
            var va = local.asVsockAddress().orElseThrow();
            try (Socket c = Socket.open(Domain.VSOCK, Type.STREAM)) {
                c.connect(SockAddr.vsock(C.VMADDR_CID_LOCAL, va.port()));
                try (Socket a = l.accept().socket()) {
                    assertEquals(DATA.length, c.send(DATA));
                    byte[] buf = new byte[64];
                    assertEquals("hello world", s(buf, a.recv(buf)));
                }
            }
        }
    }

    // ------------------------------------------------------------ out of band, peek

    @Test
    void outOfBand() throws IOException {
        Socket[] p = TestSockets.tcpPair();
        try (Socket c = p[0]; Socket a = p[1]) {
            assertEquals(DATA.length, c.send(DATA));
            assertEquals(1, c.sendOutOfBand(new byte[] {'!'}));
            assertTrue((TestSockets.poll(a, C.POLLPRI, 30_000) & C.POLLPRI) != 0, "urgent data never arrived");
            byte[] buf = new byte[64];
            int n = a.recvOutOfBand(buf);
            assertEquals("!", s(buf, n));
            assertEquals("hello world", s(buf, a.recv(buf)));
        }
    }

    @Test
    void udpPeekSender() throws IOException {
        assumeTrue(TestSockets.ipv6Available(), "no IPv6 loopback (::1)");
        Socket[] p = TestSockets.udpPairUnconnected();
        try (Socket a = p[0]; Socket b = p[1]) {
            b.sendTo(DATA, a.localAddr());
            assertEquals(b.localAddr(), a.peekSender());
            assertEquals(b.localAddr(), a.peekSender(), "peek_sender must leave the datagram queued");
            byte[] buf = new byte[64];
            Received r = a.recvFrom(buf);
            assertEquals("hello world", s(buf, (int) r.bytes()));
            assertEquals(b.localAddr(), r.address());
        }
    }

    // ------------------------------------------------------------ vectored I/O

    private static ByteBuffer[] heap(int... sizes) {
        return Arrays.stream(sizes).mapToObj(ByteBuffer::allocate).toArray(ByteBuffer[]::new);
    }

    private static ByteBuffer[] ascii(String... parts) {
        return Arrays.stream(parts).map(x -> ByteBuffer.wrap(x.getBytes(StandardCharsets.US_ASCII))).toArray(ByteBuffer[]::new);
    }

    @Test
    void sendRecvVectored() throws IOException {
        assumeTrue(TestSockets.ipv6Available(), "no IPv6 loopback (::1)");
        Socket[] p = TestSockets.udpPairConnected();
        try (Socket a = p[0]; Socket b = p[1]) {
            ByteBuffer[] out = ascii("the", "weeknight", "would", "yellow");
            // one direct buffer among heap ones: both kinds go through the same iovec array
            ByteBuffer direct = ByteBuffer.allocateDirect(9).put(out[1].duplicate());
            out[1] = direct.flip();
            assertEquals(23, a.sendVectored(out));
            for (ByteBuffer bb : out) assertFalse(bb.hasRemaining());
            ByteBuffer[] in = heap(3, 3, 6, 5, 4, 2);
            Received r = b.recvVectored(in);
            assertEquals(23, r.bytes());
            assertEquals("the", s(in[0]));
            assertEquals("wee", s(in[1]));
            assertEquals("knight", s(in[2]));
            assertEquals("would", s(in[3]));
            assertEquals("yell", s(in[4]));
            assertEquals("ow", s(in[5]));
            assertFalse(r.flags().isEndOfRecord());
            assertFalse(r.flags().isOutOfBand());
            assertFalse(r.flags().isTruncated());
        }
    }

    @Test
    void sendFromRecvToVectored() throws IOException {
        assumeTrue(TestSockets.ipv6Available(), "no IPv6 loopback (::1)");
        Socket[] p = TestSockets.udpPairUnconnected();
        try (Socket a = p[0]; Socket b = p[1]) {
            assertEquals(18, a.sendToVectored(ascii("surgeon", "has", "menswear"), b.localAddr()));
            ByteBuffer[] in = heap(7, 3, 3, 5);
            Received r = b.recvFromVectored(in);
            assertEquals(18, r.bytes());
            assertEquals("surgeon", s(in[0]));
            assertEquals("has", s(in[1]));
            assertEquals("men", s(in[2]));
            assertEquals("swear", s(in[3]));
            assertFalse(r.flags().isEndOfRecord());
            assertFalse(r.flags().isOutOfBand());
            assertFalse(r.flags().isTruncated());
            assertFalse(r.flags().isConfirm());
            assertFalse(r.flags().isDontroute());
            assertEquals(a.localAddr(), r.address());
        }
    }

    private static final String LONG = "the quick brown fox jumps over the lazy";  // 39 bytes

    @Test
    void recvVectoredTruncated() throws IOException {
        assumeTrue(TestSockets.ipv6Available(), "no IPv6 loopback (::1)");
        Socket[] p = TestSockets.udpPairConnected();
        try (Socket a = p[0]; Socket b = p[1]) {
            assertEquals(39, a.send(LONG.getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer[] in = heap(24);
            Received r = b.recvVectored(in);
            assertEquals(24, r.bytes());
            assertTrue(r.flags().isTruncated());
            assertEquals(LONG.substring(0, 24), s(in[0]));
        }
    }

    @Test
    void recvFromVectoredTruncated() throws IOException {
        assumeTrue(TestSockets.ipv6Available(), "no IPv6 loopback (::1)");
        Socket[] p = TestSockets.udpPairUnconnected();
        try (Socket a = p[0]; Socket b = p[1]) {
            assertEquals(39, a.sendTo(LONG.getBytes(StandardCharsets.US_ASCII), b.localAddr()));
            ByteBuffer[] in = {ByteBuffer.allocateDirect(24)};
            Received r = b.recvFromVectored(in);
            assertEquals(24, r.bytes());
            assertTrue(r.flags().isTruncated());
            byte[] got = new byte[24];
            in[0].flip().get(got);
            assertEquals(LONG.substring(0, 24), s(got, 24));
            assertEquals(a.localAddr(), r.address());
        }
    }

    // ------------------------------------------------------------ sendfile, type

    private static Path resource(String name) {
        try {
            return Path.of(Objects.requireNonNull(SocketTest.class.getResource("/" + name), name).toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /** Reads exactly {@code n} bytes (bounded by the test's timeout). */
    private static byte[] recvExactly(Socket s, int n) throws IOException {
        byte[] out = new byte[n];
        int got = 0;
        while (got < n) {
            int r = s.recv(out, got, n - got);
            if (r == 0) fail("EOF after " + got + " of " + n + " bytes");
            got += r;
        }
        return out;
    }

    @Test
    void sendfile() throws IOException {
        Socket[] p = TestSockets.tcpPair();
        try (Socket c = p[0]; Socket a = p[1]) {
            Path hello = resource("hello_world.txt");
            byte[] helloBytes = Files.readAllBytes(hello);
            assertEquals(helloBytes.length, c.sendfile(hello, 0, 0));
            assertArrayEquals(helloBytes, recvExactly(a, helloBytes.length));

            Path lorem = resource("lorem_ipsum.txt");
            byte[] loremBytes = Files.readAllBytes(lorem);
            int half = loremBytes.length / 2;
            assertTrue(loremBytes.length > 1000);
            long first = c.sendfile(lorem, 0, half);
            assertEquals(half, first);
            long second = c.sendfile(lorem, half, 0);
            assertEquals(loremBytes.length - half, second);
            assertArrayEquals(loremBytes, recvExactly(a, loremBytes.length));
        }
    }

    @Test
    void type() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM)) {
            assertEquals(Type.STREAM, s.type());
        }
        try (Socket s = Socket.open(Domain.IPV6, Type.DGRAM)) {
            assertEquals(Type.DGRAM, s.type());
        }
        try (Socket s = Socket.open(Domain.UNIX, Type.SEQPACKET)) {
            assertEquals(Type.SEQPACKET, s.type());
        }
    }

    // ------------------------------------------------------------ beyond socket2's suite

    @Test
    void buffersOfEveryKind() throws IOException {
        Socket[] p = Socket.pair(Domain.UNIX, Type.DGRAM, null);
        try (Socket a = p[0]; Socket b = p[1]) {
            byte[] arr = "xxhelloxx".getBytes(StandardCharsets.US_ASCII);
            assertEquals(5, a.send(arr, 2, 5));
            byte[] in = new byte[10];
            assertEquals(5, b.recv(in, 3, 5));
            assertEquals("hello", new String(in, 3, 5, StandardCharsets.US_ASCII));

            ByteBuffer direct = ByteBuffer.allocateDirect(16).put(DATA).flip();
            direct.position(6);
            assertEquals(5, a.send(direct));
            assertEquals(11, direct.position());
            ByteBuffer heapIn = ByteBuffer.allocate(16).position(2);
            assertEquals(5, b.recv(heapIn));
            assertEquals(7, heapIn.position());
            assertEquals("world", new String(heapIn.array(), 2, 5, StandardCharsets.US_ASCII));

            try (var arena = java.lang.foreign.Arena.ofConfined()) {
                var seg = arena.allocateFrom("abc");
                assertEquals(4, a.send(seg));
                var into = arena.allocate(8);
                assertEquals(4, b.recv(into));
                assertEquals("abc", into.getString(0));
                var heapSeg = java.lang.foreign.MemorySegment.ofArray(new byte[8]);
                assertEquals(3, a.send(java.lang.foreign.MemorySegment.ofArray("xyz".getBytes(StandardCharsets.US_ASCII))));
                assertEquals(3, b.recv(heapSeg));
                assertEquals('z', heapSeg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 2));
            }
        }
    }

    @Test
    void recvWithMsgTruncReportsTheDatagramLength() throws IOException {
        Socket[] p = Socket.pair(Domain.UNIX, Type.DGRAM, null);
        try (Socket a = p[0]; Socket b = p[1]) {
            byte[] big = LONG.getBytes(StandardCharsets.US_ASCII);
            a.send(big);
            a.send(big);
            a.send(big);
            byte[] small = new byte[4];
            assertEquals(39, b.recvWithFlags(small, 0, 4, C.MSG_TRUNC));
            assertEquals("the ", s(small, 4));
            ByteBuffer bb = ByteBuffer.allocate(6);
            assertEquals(39, b.recvWithFlags(bb, C.MSG_TRUNC));
            assertEquals(6, bb.position());
            ByteBuffer direct = ByteBuffer.allocateDirect(5);
            assertEquals(39, b.recvWithFlags(direct, C.MSG_TRUNC));
            assertEquals(5, direct.position());
        }
    }

    @Test
    void connectTimeoutWithAnEnormousDuration() throws IOException {
        try (Socket l = TestSockets.listener(Domain.IPV4, 128); Socket c = Socket.open(Domain.IPV4, Type.STREAM)) {
            c.connectTimeout(l.localAddr(), Duration.ofSeconds(Long.MAX_VALUE));
            assertEquals(l.localAddr(), c.peerAddr());
        }
    }

    @Test
    void datagramOverloads() throws IOException {
        try (Socket a = Socket.open(Domain.IPV4, Type.DGRAM); Socket b = Socket.open(Domain.IPV4, Type.DGRAM);
             var arena = java.lang.foreign.Arena.ofConfined()) {
            a.bind(any4());
            b.bind(any4());
            assertEquals(6, a.sendTo(arena.allocateFrom("datag"), b.localAddr()));
            ByteBuffer peeked = ByteBuffer.allocate(3);
            Received r = b.peekFrom(peeked);
            assertEquals(3, r.bytes());
            assertEquals(a.localAddr(), r.address());
            assertEquals("dat", s(peeked));
            var seg = arena.allocate(16);
            r = b.recvFrom(seg);
            assertEquals(6, r.bytes());
            assertEquals("datag", seg.getString(0));
            assertEquals(a.localAddr(), r.address());
            assertEquals(3, a.sendTo(ByteBuffer.wrap(new byte[] {7, 8, 9}), b.localAddr()));
            ByteBuffer into = ByteBuffer.allocateDirect(8);
            r = b.recvFrom(into);
            assertEquals(3, r.bytes());
            assertEquals(9, into.get(2));
        }
    }

    @Test
    void peekAndPeekFrom() throws IOException {
        Socket[] p = TestSockets.tcpPair();
        try (Socket c = p[0]; Socket a = p[1]) {
            c.send(DATA);
            TestSockets.awaitReadable(a);
            byte[] buf = new byte[5];
            assertEquals(5, a.peek(buf));
            assertEquals("hello", s(buf, 5));
            Received r = a.peekFrom(buf);
            assertEquals(5, r.bytes());
            byte[] all = recvExactly(a, DATA.length);
            assertArrayEquals(DATA, all);
        }
    }

    @Test
    void shutdownWriteGivesEof() throws IOException {
        Socket[] p = TestSockets.tcpPair();
        try (Socket c = p[0]; Socket a = p[1]) {
            c.shutdown(Shutdown.WRITE);
            assertEquals(0, a.recv(new byte[8]));
        }
    }

    @Test
    void tryCloneSharesTheSocket() throws IOException {
        Socket[] p = TestSockets.tcpPair();
        try (Socket c = p[0]; Socket a = p[1]; Socket dup = c.tryClone()) {
            assertTrue(dup.rawFd() != c.rawFd());
            assertTrue(dup.cloexec());
            assertEquals(c.localAddr(), dup.localAddr());
            dup.send(DATA);
            assertArrayEquals(DATA, recvExactly(a, DATA.length));
        }
    }

    @Test
    void sockRefBorrowsWithoutClosing() throws IOException {
        Socket[] p = TestSockets.tcpPair();
        try (Socket c = p[0]; Socket a = p[1]) {
            SockRef r = SockRef.of(c.rawFd());
            assertEquals(c.localAddr(), r.localAddr());
            assertEquals(Type.STREAM, r.type());
            r.setTcpNodelay(true);
            assertTrue(c.tcpNodelay());
            r.send(DATA);
            assertArrayEquals(DATA, recvExactly(a, DATA.length));
            assertFalse(java.io.Closeable.class.isAssignableFrom(SockRef.class), "SockRef must not offer close");
            assertEquals(c.localAddr(), c.localAddr());  // still open
        }
    }

    @Test
    void sockRefOfFileDescriptor() {
        boolean open = Object.class.getModule().isOpen("java.io", SockRef.class.getModule());
        if (open) {
            assertEquals(0, SockRef.of(java.io.FileDescriptor.in).rawFd());
            assertThrows(IllegalArgumentException.class, () -> SockRef.of(new java.io.FileDescriptor()));
        } else {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> SockRef.of(java.io.FileDescriptor.in));
            assertTrue(e.getMessage().contains("--add-opens java.base/java.io"), e.getMessage());
        }
    }

    @Test
    void intoFdGivesUpOwnership() throws IOException {
        Socket s = Socket.open(Domain.IPV4, Type.STREAM);
        int fd = s.intoFd();
        assertTrue(s.isClosed());
        try (Socket again = Socket.fromFd(fd)) {
            assertEquals(Type.STREAM, again.type());
        }
    }

    @Test
    void accept4WithNonblock() throws IOException {
        try (Socket l = TestSockets.listener(Domain.IPV4, 1); Socket c = Socket.open(Domain.IPV4, Type.STREAM)) {
            c.connect(l.localAddr());
            Accepted acc = l.accept4(C.SOCK_NONBLOCK | C.SOCK_CLOEXEC);
            try (Socket a = acc.socket()) {
                assertTrue(a.nonblocking());
                assertEquals(c.localAddr(), acc.address());
                assertEquals(c.localAddr(), a.peerAddr());
            }
        }
    }
}
