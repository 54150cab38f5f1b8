package dev.socket2j.proxy;

import dev.socket2j.SockOpt;
import dev.socket2j.SockRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The proxy against plain blocking JDK sockets on both ends, so nothing here trusts the transport under test. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProxyTest {
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final List<String> reports = new CopyOnWriteArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "proxy-test");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) c.close();
        pool.shutdownNow();
    }

    private ProxyServer proxy(int upstreamPort, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:" + upstreamPort,
            "--threads", "2", "--connect-timeout", "10s"));
        args.addAll(List.of(extra));
        ProxyServer p = ProxyServer.start(ProxyConfig.parse(args.toArray(String[]::new)), reports::add);
        cleanup.add(p);
        return p;
    }

    /** The flags of a test's forwarding mode: a transport, or {@code splice} (socket2j with --splice). */
    private static String[] mode(String mode) {
        return mode.equals("splice") ? new String[] {"--transport", "socket2j", "--splice"} : new String[] {"--transport", mode};
    }

    /** A backend that serves each connection on its own thread with {@code handler}. */
    private ServerSocket backend(Handler handler) throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.bind(new InetSocketAddress("127.0.0.1", 0), 256);
        cleanup.add(ss);
        pool.submit(() -> {
            while (!ss.isClosed()) {
                Socket s;
                try {
                    s = ss.accept();
                } catch (IOException e) {
                    return null;
                }
                pool.submit(() -> {
                    try (s) {
                        handler.serve(s);
                    }
                    return null;
                });
            }
            return null;
        });
        return ss;
    }

    interface Handler { void serve(Socket s) throws IOException; }

    private static Socket connect(InetSocketAddress to) throws IOException {
        Socket s = new Socket();
        s.connect(to, 10_000);
        s.setSoTimeout(60_000);
        return s;
    }

    @ParameterizedTest
    @ValueSource(strings = {"socket2j", "nio", "splice"})
    void forwardsBytesExactly(String transport) throws Exception {
        // 20 connections x (2.5 MB up + 2.5 MB down) = 100 MB, each direction checksummed by the receiver.
        int conns = 20, perDirection = 2_500_000;
        ServerSocket backend = backend(s -> {
            DataInputStream in = new DataInputStream(s.getInputStream());
            long seed = in.readLong();
            CRC32 crc = new CRC32();
            long n = drain(in, crc);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeLong(n);
            out.writeLong(crc.getValue());
            out.write(payload(seed + 1, perDirection));
            out.flush();
        });
        ProxyServer proxy = proxy(backend.getLocalPort(), mode(transport));
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < conns; i++) {
            long seed = 1000L * i;
            done.add(pool.submit(() -> {
                try (Socket c = connect(proxy.localAddress())) {
                    DataOutputStream out = new DataOutputStream(c.getOutputStream());
                    byte[] up = payload(seed, perDirection);
                    out.writeLong(seed);
                    out.write(up);
                    out.flush();
                    c.shutdownOutput();
                    DataInputStream in = new DataInputStream(c.getInputStream());
                    assertEquals(perDirection, in.readLong(), "bytes the backend received");
                    assertEquals(crc(up), in.readLong(), "checksum of what the backend received");
                    CRC32 crc = new CRC32();
                    assertEquals(perDirection, drain(in, crc), "bytes the client received");
                    assertEquals(crc(payload(seed + 1, perDirection)), crc.getValue(), "checksum of what the client received");
                }
                return null;
            }));
        }
        for (Future<?> f : done) f.get(100, TimeUnit.SECONDS);
        assertEquals(conns, proxy.stats().accepted.sum());
        assertEquals((long) conns * (perDirection + 8), proxy.stats().upstreamBytes.sum());
        assertEquals((long) conns * (perDirection + 16), proxy.stats().downstreamBytes.sum());
        assertEquals(0, proxy.stats().errors.sum(), () -> "errors: " + reports);
    }

    @ParameterizedTest
    @ValueSource(strings = {"socket2j", "nio", "splice"})
    void passesHalfClose(String transport) throws Exception {
        ServerSocket backend = backend(s -> {
            byte[] got = s.getInputStream().readAllBytes();   // returns only at the client's FIN
            s.getOutputStream().write(("after EOF: " + new String(got, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII));
        });
        ProxyServer proxy = proxy(backend.getLocalPort(), mode(transport));
        try (Socket c = connect(proxy.localAddress())) {
            c.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            c.shutdownOutput();
            byte[] reply = c.getInputStream().readAllBytes();
            assertEquals("after EOF: ping", new String(reply, StandardCharsets.US_ASCII));
        }
        assertTrue(reports.isEmpty(), () -> "reports: " + reports);
    }

    @Test
    void appliesOptionsOnBothSides() throws Exception {
        ServerSocket backend = backend(s -> s.getInputStream().readAllBytes());
        ProxyServer proxy = proxy(backend.getLocalPort(), "--transport", "socket2j",
            "--listen-opt", "so_keepalive=true", "--listen-opt", "tcp_nodelay=on", "--listen-opt", "tcp_keepalive_time=42s",
            "--upstream-opt", "so_keepalive=yes", "--upstream-opt", "tcp_nodelay=false", "--upstream-opt", "ip_tos=0x10",
            "--upstream-opt", "tcp_congestion=reno", "--upstream-opt", "tcp_user_timeout=7s");
        try (Socket c = connect(proxy.localAddress())) {
            c.getOutputStream().write(1);
            Connection conn = awaitConnection(proxy);
            SockRef in = ProxyTransport.sockRef(conn.inbound());
            SockRef up = ProxyTransport.sockRef(conn.upstream());
            assertTrue(in.getOption(SockOpt.SO_KEEPALIVE));
            assertTrue(in.getOption(SockOpt.TCP_NODELAY));
            assertTrue(up.getOption(SockOpt.SO_KEEPALIVE));
            assertEquals(false, up.getOption(SockOpt.TCP_NODELAY));
            assertEquals(java.time.Duration.ofSeconds(42), in.tcpKeepaliveTime());
            assertEquals(0x10, up.tosV4());
            assertEquals("reno", up.tcpCongestion());
            assertEquals(java.util.Optional.of(java.time.Duration.ofSeconds(7)), up.tcpUserTimeout());
            // The other side keeps the kernel's defaults: nothing leaked across.
            assertEquals(0, in.tosV4());
        }
    }

    private static Connection awaitConnection(ProxyServer proxy) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (Connection c : proxy.connections()) {
                if (c.upstream() != null && c.upstream().isActive()) return c;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no proxied connection within 30 s");
    }

    @ParameterizedTest
    @ValueSource(strings = {"socket2j", "nio", "splice"})
    void slowUpstreamKeepsMemoryBounded(String transport) throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        ServerSocket backend = backend(s -> {
            try {
                release.await(60, TimeUnit.SECONDS);     // reads nothing until released
            } catch (InterruptedException e) {
                return;
            }
            drain(s.getInputStream(), new CRC32());
        });
        ProxyServer proxy = proxy(backend.getLocalPort(), mode(transport));
        try (Socket c = connect(proxy.localAddress())) {
            java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
            Future<?> writer = pool.submit(() -> {
                byte[] chunk = new byte[64 * 1024];
                OutputStream out = c.getOutputStream();
                for (int i = 0; i < 1024; i++) {          // at most 64 MiB; blocks long before that
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
                return null;
            });
            // Wait until the writer is stuck (no progress for a while): every buffer on the way is full.
            long last = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                Thread.sleep(300);
                long now = written.get();
                if (now == last && now > 0) break;
                last = now;
            }
            Connection conn = awaitConnection(proxy);
            long pending = conn.upstream().unsafe().outboundBuffer() == null ? 0
                : conn.upstream().unsafe().outboundBuffer().totalPendingWriteBytes();
            assertTrue(pending <= ProxyServer.WATER_MARK.high() + 4L * 1024 * 1024,
                "pending bytes in the proxy stay near the high water mark, got " + pending);
            if (transport.equals("splice")) {
                // spliced bytes wait in one pipe of the kernel's, never in the JVM
                assertTrue(pending <= 1 << 20, "at most one pipe (1 MiB) of spliced bytes queued, got " + pending);
            } else {
                assertTrue(proxy.stats().pauses.sum() > 0, "the proxy paused reading from the fast side");
            }
            assertTrue(written.get() < 64L * 1024 * 1024, "the writer was held back");
            release.countDown();
            try {
                writer.get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new AssertionError("writer failed; proxy reports: " + reports, e);
            }
        }
    }

    @Test
    void reportsUpstreamConnectFailurePerConnection() throws Exception {
        int closedPort;
        try (ServerSocket ss = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = ss.getLocalPort();
        }
        ProxyServer proxy = proxy(closedPort);
        try (Socket c = connect(proxy.localAddress())) {
            assertEquals(-1, c.getInputStream().read(), "the proxy closes the client connection");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (reports.isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(1, reports.size(), () -> "reports: " + reports);
        assertTrue(reports.getFirst().matches("conn 1 127\\.0\\.0\\.1:\\d+: upstream .*:" + closedPort + ": .*(refused|ECONNREFUSED).*"),
            reports.getFirst());
        assertEquals(1, proxy.stats().errors.sum());
    }

    @Test
    void refusesBadFlagsWithExitCode2() {
        String[][] bad = {
            {"--listen-opt", "no_such_option=1", "--listen", "1", "--upstream", "h:1"},
            {"--upstream-opt", "tcp_nodelay=perhaps"},
            {"--upstream-opt", "tcp_nodelay"},
            {"--listen-opt", "so_type=1"},
            {"--listen", "127.0.0.1:70000", "--upstream", "127.0.0.1:1"},
            {"--listen", "127.0.0.1:1"},
            {"--transport", "carrier-pigeon"},
            {"--threads", "0"},
            {"--connect-timeout", "soon"},
            {"--frobnicate"},
            {"--splice", "--transport", "nio", "--listen", "1", "--upstream", "127.0.0.1:1"},
            {"--splice", "--udp", "--listen", "1", "--upstream", "127.0.0.1:1"},
            {"--listen"},
        };
        for (String[] args : bad) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            int code = ProxyMain.run(args, new PrintStream(out, true), new PrintStream(err, true));
            String msg = err.toString(StandardCharsets.UTF_8);
            assertEquals(2, code, () -> String.join(" ", args) + " -> " + msg);
            assertTrue(msg.startsWith("socket2j-proxy: "), msg);
            assertEquals("", out.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void resolvesTableNamesAndGetterNames() throws Exception {
        assertEquals(SockOpt.TCP_NODELAY, OptionSetting.parse("--x", "TCP_NODELAY=1").opt());
        assertEquals(SockOpt.TCP_NODELAY, OptionSetting.parse("--x", "tcp-nodelay=1").opt());
        // The socket2 getter name of SO_KEEPALIVE is keepalive().
        assertEquals(SockOpt.SO_KEEPALIVE, OptionSetting.parse("--x", "keepalive=true").opt());
        assertEquals(true, OptionSetting.parse("--x", "reuse_address=on").value());
        assertEquals(SockOpt.SO_REUSEADDR, OptionSetting.parse("--x", "reuse_address=on").opt());
        assertEquals(SockOpt.TCP_KEEPIDLE, OptionSetting.parse("--x", "tcp_keepalive_time=30s").opt());
        assertEquals(java.time.Duration.ofSeconds(30), OptionSetting.parse("--x", "tcp_keepalive_time=30s").value());
    }

    private static byte[] payload(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static long crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }

    private static long drain(InputStream in, CRC32 crc) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long n = 0;
        for (int r; (r = in.read(buf)) > 0; ) {
            crc.update(buf, 0, r);
            n += r;
        }
        return n;
    }
}
