package dev.socket2j.proxy;

import dev.socket2j.Domain;
import dev.socket2j.Received;
import dev.socket2j.SockAddr;
import dev.socket2j.SockOpt;
import dev.socket2j.Socket;
import dev.socket2j.Type;
import io.netty.channel.Channel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The UDP proxy between plain JDK datagram sockets (echo backend and clients), on loopback. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UdpProxyTest {
    private static final int[] SIZES = {1, 2, 7, 8, 64, 512, 1200, 1400, 1472};

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final List<String> reports = new CopyOnWriteArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "udp-proxy-test");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) c.close();
        pool.shutdownNow();
    }

    private UdpProxyServer proxy(int upstreamPort, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--udp", "--listen", "127.0.0.1:0",
            "--upstream", "127.0.0.1:" + upstreamPort, "--threads", "2"));
        args.addAll(List.of(extra));
        ProxyConfig config = ProxyConfig.parse(args.toArray(String[]::new));
        UdpProxyServer p = (UdpProxyServer) Forwarder.start(config, reports::add);
        cleanup.add(p);
        return p;
    }

    /** A blocking echo backend on {@code port} (0: any): every datagram goes back to its sender as it came. */
    private DatagramChannel echo(int port) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        ch.bind(new InetSocketAddress("127.0.0.1", port));
        cleanup.add(ch);
        pool.submit(() -> {
            ByteBuffer buf = ByteBuffer.allocate(65536);
            while (ch.isOpen()) {
                buf.clear();
                var from = ch.receive(buf);
                buf.flip();
                ch.send(buf, from);
            }
            return null;
        });
        return ch;
    }

    private DatagramSocket client(InetSocketAddress proxy) throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        s.connect(proxy);   // only the proxy's datagrams are received
        s.setSoTimeout(10_000);
        cleanup.add(s);
        return s;
    }

    private static byte[] roundTrip(DatagramSocket s, byte[] payload) throws IOException {
        s.send(new DatagramPacket(payload, payload.length));
        DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
        s.receive(p);
        byte[] got = new byte[p.getLength()];
        System.arraycopy(p.getData(), 0, got, 0, got.length);
        return got;
    }

    private static void await(BooleanSupplier cond, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting for: " + what);
            Thread.sleep(20);
        }
    }

    /**
     * Client {@code id}: its datagrams of {@code size} bytes carry its id (and, from 8 bytes, a sequence
     * number), the rest random, so a reply that is altered, merged, split or meant for another client
     * matches none of its outstanding datagrams.
     */
    private static byte[] payload(int id, int seq, int size, Random rnd) {
        byte[] b = new byte[size];
        if (size < 8) {
            Arrays.fill(b, (byte) (id + 1));
            return b;
        }
        rnd.nextBytes(b);
        ByteBuffer.wrap(b).putInt(id).putInt(seq);
        return b;
    }

    /**
     * Sends {@code n} datagrams with at most {@code window} unanswered; every reply must be one of the
     * outstanding datagrams, byte for byte. The window stays far below every socket buffer on the path,
     * so on loopback nothing is lost and a missing reply is a failure.
     */
    private static void exchange(DatagramSocket s, int id, int n, int window) throws IOException {
        Random rnd = new Random(id);
        Map<ByteBuffer, Integer> outstanding = new HashMap<>();
        int sent = 0, received = 0;
        DatagramPacket in = new DatagramPacket(new byte[2048], 2048);
        while (received < n) {
            while (sent < n && sent - received < window) {
                byte[] p = payload(id, sent, sent % 5 == 4 ? 1 + rnd.nextInt(1472) : SIZES[sent % SIZES.length], rnd);
                outstanding.merge(ByteBuffer.wrap(p), 1, Integer::sum);
                s.send(new DatagramPacket(p, p.length));
                sent++;
            }
            in.setLength(2048);
            try {
                s.receive(in);
            } catch (SocketTimeoutException e) {
                fail("client " + id + ": no reply after " + received + " of " + n + " datagrams");
            }
            byte[] got = Arrays.copyOf(in.getData(), in.getLength());
            ByteBuffer key = ByteBuffer.wrap(got);
            Integer count = outstanding.get(key);
            if (count == null) {
                fail("client " + id + ": a reply of " + got.length + " bytes matches none of its outstanding "
                    + "datagrams (altered, merged, split, or another client's)");
            }
            if (count == 1) outstanding.remove(key);
            else outstanding.put(key, count - 1);
            received++;
        }
        assertTrue(outstanding.isEmpty(), "client " + id + ": replies did not match what was sent: "
            + outstanding.size() + " datagrams unanswered or altered");
    }

    @ParameterizedTest
    @ValueSource(strings = {"socket2j", "nio"})
    void forwardsEveryDatagramUnchangedToItsClient(String transport) throws Exception {
        DatagramChannel backend = echo(0);
        int port = ((InetSocketAddress) backend.getLocalAddress()).getPort();
        UdpProxyServer proxy = proxy(port, "--transport", transport);
        int clients = 4, n = 400;
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            DatagramSocket s = client(proxy.localAddress());
            int id = c;
            done.add(pool.submit(() -> { exchange(s, id, n, 16); return null; }));
        }
        for (Future<?> f : done) f.get(45, TimeUnit.SECONDS);
        ProxyStats st = proxy.stats();
        assertEquals(clients, st.accepted.sum(), "one session per client address");
        assertEquals(clients, st.active.get());
        assertEquals((long) clients * n, st.upstreamDatagrams.sum());
        assertEquals((long) clients * n, st.downstreamDatagrams.sum());
        assertEquals(st.upstreamBytes.sum(), st.downstreamBytes.sum());
        assertEquals(0, st.drops.sum());
        assertEquals(0, st.errors.sum(), reports.toString());
        assertTrue(st.summary().contains("up " + clients * n + " datagrams"), st.summary());
        assertTrue(st.statusLine().startsWith("sessions " + clients + " active"), st.statusLine());
    }

    @ParameterizedTest
    @ValueSource(strings = {"socket2j", "nio"})
    void forwardsFromIpv6LoopbackToIpv4Upstream(String transport) throws Exception {
        boolean v6;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("::1", 0))) {
            v6 = probe.getLocalPort() > 0;
        } catch (IOException e) {
            v6 = false;
        }
        Assumptions.assumeTrue(v6, "no IPv6 loopback (::1) on this machine");
        DatagramChannel backend = echo(0);
        List<String> args = List.of("--udp", "--listen", "[::1]:0", "--transport", transport,
            "--upstream", "127.0.0.1:" + ((InetSocketAddress) backend.getLocalAddress()).getPort());
        UdpProxyServer proxy = (UdpProxyServer) Forwarder.start(ProxyConfig.parse(args.toArray(String[]::new)), reports::add);
        cleanup.add(proxy);
        DatagramSocket s = new DatagramSocket(new InetSocketAddress("::1", 0));
        cleanup.add(s);
        s.connect(proxy.localAddress());
        s.setSoTimeout(10_000);
        byte[] p = "v6 to v4".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(p, roundTrip(s, p));
    }

    @ParameterizedTest
    @ValueSource(strings = {"socket2j", "nio"})
    void forwardsLargeDatagramsWhole(String transport) throws Exception {
        DatagramChannel backend = echo(0);
        UdpProxyServer proxy = proxy(((InetSocketAddress) backend.getLocalAddress()).getPort(), "--transport", transport);
        DatagramSocket s = client(proxy.localAddress());
        Random rnd = new Random(5);
        for (int size : new int[] {2048, 2049, 9000, 32768, 65507}) {   // 65,507: the IPv4 maximum
            byte[] p = new byte[size];
            rnd.nextBytes(p);
            assertArrayEquals(p, roundTrip(s, p), size + " bytes");
        }
        assertEquals(0, proxy.stats().drops.sum());
    }

    /**
     * GSO senders on both sides and {@code udp_gro} on both of the proxy's sockets: loopback hands each 10-segment
     * send to the proxy as one coalesced receive, which the proxy must forward as 10 datagrams, not one.
     */
    @Test
    void coalescedGroReceivesAreForwardedAsTheirSeparateDatagrams() throws Exception {
        Assumptions.assumeTrue(kernelHasGsoAndGro(), "UDP_SEGMENT (Linux 4.18) and UDP_GRO (Linux 5.0) needed");
        int seg = 100, n = 10;
        Socket backend = gsoSocket(seg);
        UdpProxyServer proxy = proxy(backend.localAddr().asSocket().orElseThrow().getPort(),
            "--listen-opt", "udp_gro=1", "--upstream-opt", "udp_gro=1");
        // the backend collects the 10 datagrams it gets and sends them back in one GSO send
        Future<Integer> echoed = pool.submit(() -> {
            byte[] all = new byte[seg * n], one = new byte[65536];
            SockAddr from = null;
            for (int i = 0; i < n; i++) {
                Received r = backend.recvFrom(one);
                assertEquals(seg, r.bytes(), "datagram " + i + " reached the backend on its own");
                System.arraycopy(one, 0, all, i * seg, seg);
                from = r.address();
            }
            return backend.sendTo(all, from);
        });
        Socket client = gsoSocket(seg);
        client.connect(proxy.localAddress());
        byte[] burst = new byte[seg * n];
        for (int i = 0; i < burst.length; i++) burst[i] = (byte) (i / seg);
        assertEquals(burst.length, client.send(burst), "one GSO send of " + n + " segments");
        assertEquals(burst.length, echoed.get(15, TimeUnit.SECONDS));
        boolean[] seen = new boolean[n];
        byte[] one = new byte[65536];
        for (int i = 0; i < n; i++) {
            int got = client.recv(one);
            assertEquals(seg, got, "reply " + i + " is one datagram of the segment size");
            assertFalse(seen[one[0]], "segment " + one[0] + " once");
            seen[one[0]] = true;
            for (int j = 0; j < seg; j++) assertEquals(one[0], one[j]);
        }
        assertEquals(0, proxy.stats().drops.sum());
    }

    private Socket gsoSocket(int segmentSize) throws IOException {
        Socket s = Socket.open(Domain.IPV4, Type.DGRAM);
        cleanup.add(s);
        s.bind(new InetSocketAddress("127.0.0.1", 0));
        s.setOption(SockOpt.UDP_SEGMENT, segmentSize);
        s.setReadTimeout(Optional.of(Duration.ofSeconds(10)));
        return s;
    }

    private static boolean kernelHasGsoAndGro() {
        try (Socket s = Socket.open(Domain.IPV4, Type.DGRAM)) {
            s.getOption(SockOpt.UDP_SEGMENT);
            s.getOption(SockOpt.UDP_GRO);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void idleSessionExpiresAndClosesItsUpstreamSocket() throws Exception {
        DatagramChannel backend = echo(0);
        UdpProxyServer proxy = proxy(((InetSocketAddress) backend.getLocalAddress()).getPort(),
            "--idle-timeout", "300ms");
        DatagramSocket s = client(proxy.localAddress());
        byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(hello, roundTrip(s, hello));
        List<Channel> ups = proxy.upstreamChannels();
        assertEquals(1, ups.size());
        Channel up = ups.getFirst();
        await(() -> proxy.stats().active.get() == 0, "the session to expire");
        assertFalse(up.isOpen(), "expired session's upstream socket is closed");
        assertEquals(1, proxy.stats().expired.sum());
        assertTrue(proxy.upstreamChannels().isEmpty());
        // The same client comes back: a new session.
        assertArrayEquals(hello, roundTrip(s, hello));
        assertEquals(2, proxy.stats().accepted.sum());
    }

    @Test
    void sessionLimitDropsNewClients() throws Exception {
        DatagramChannel backend = echo(0);
        UdpProxyServer proxy = proxy(((InetSocketAddress) backend.getLocalAddress()).getPort(),
            "--max-sessions", "2");
        byte[] ping = {42};
        DatagramSocket a = client(proxy.localAddress()), b = client(proxy.localAddress()), c = client(proxy.localAddress());
        assertArrayEquals(ping, roundTrip(a, ping));
        assertArrayEquals(ping, roundTrip(b, ping));
        c.send(new DatagramPacket(ping, 1));
        await(() -> proxy.stats().refused.sum() == 1, "the third client's datagram to be refused");
        assertEquals(2, proxy.stats().active.get());
        assertEquals(2, proxy.upstreamChannels().size());
        assertTrue(reports.stream().anyMatch(r -> r.contains("session limit 2")), reports.toString());
        // The admitted clients are still served.
        assertArrayEquals(ping, roundTrip(a, ping));
    }

    @Test
    void appliesOptionsToUpstreamAndListeningSockets() throws Exception {
        DatagramChannel backend = echo(0);
        UdpProxyServer proxy = proxy(((InetSocketAddress) backend.getLocalAddress()).getPort(),
            "--upstream-opt", "ip_tos=0x10", "--listen-opt", "ip_ttl=33");
        DatagramSocket s = client(proxy.localAddress());
        assertArrayEquals(new byte[] {1}, roundTrip(s, new byte[] {1}));
        Channel up = proxy.upstreamChannels().getFirst();
        assertEquals(0x10, ProxyTransport.sockRef(up).getOption(SockOpt.IP_TOS));
        for (Channel l : proxy.listenChannels()) {
            assertEquals(33, ProxyTransport.sockRef(l).getOption(SockOpt.IP_TTL));
        }
    }

    @Test
    void upstreamPortUnreachableIsCountedAndSessionKept() throws Exception {
        DatagramChannel gone = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        int port = ((InetSocketAddress) gone.getLocalAddress()).getPort();
        gone.close();
        UdpProxyServer proxy = proxy(port);
        DatagramSocket s = client(proxy.localAddress());
        byte[] ping = {7, 7};
        // Each datagram to the closed port draws an ICMP port unreachable, seen on the session's socket.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (proxy.stats().unreachable.sum() == 0) {
            if (System.nanoTime() > deadline) fail("no ICMP unreachable counted; reports: " + reports);
            s.send(new DatagramPacket(ping, ping.length));
            Thread.sleep(50);
        }
        assertEquals(1, proxy.stats().active.get(), "session kept");
        assertTrue(reports.stream().anyMatch(r -> r.contains("ICMP unreachable")), reports.toString());
        // The backend comes back on the same port: the same session carries traffic again.
        echo(port);
        s.setSoTimeout(200);
        byte[] got = null;
        for (int i = 0; i < 50 && got == null; i++) {
            try {
                got = roundTrip(s, ping);
            } catch (SocketTimeoutException e) {
                // a datagram sent while an error was pending may be the one the kernel refused
            }
        }
        assertNotNull(got, "no reply once the backend is back");
        assertArrayEquals(ping, got);
        assertEquals(1, proxy.stats().accepted.sum(), "still the first session");
    }

    @Test
    void runsAsAProcessAndSummarizesDatagramsOnSigterm() throws Exception {
        DatagramChannel backend = echo(0);
        String javaBin = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = List.of(javaBin, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
            ProxyMain.class.getName(), "--udp", "--listen", "127.0.0.1:0",
            "--upstream", "127.0.0.1:" + ((InetSocketAddress) backend.getLocalAddress()).getPort(),
            "--threads", "1", "--no-status");
        Path errFile = Files.createTempFile("udp-proxy", ".err");
        Process proc = new ProcessBuilder(cmd).redirectError(errFile.toFile()).start();
        try {
            var out = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8));
            String banner = out.readLine();
            for (int i = 0; i < 1000 && banner != null && !banner.startsWith("socket2j-proxy:"); i++) banner = out.readLine();
            if (banner == null) fail("no banner; stderr: " + Files.readString(errFile));
            var m = Pattern.compile("udp 127\\.0\\.0\\.1:(\\d+) ->").matcher(banner);
            assertTrue(m.find(), banner);
            DatagramSocket s = client(new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1))));
            for (int i = 1; i <= 3; i++) {
                byte[] p = new byte[i * 100];
                Arrays.fill(p, (byte) i);
                assertArrayEquals(p, roundTrip(s, p));
            }
            proc.destroy();   // SIGTERM
            assertTrue(proc.waitFor(30, TimeUnit.SECONDS), "proxy did not stop on SIGTERM");
            String err = Files.readString(errFile);
            assertTrue(err.contains("socket2j-proxy summary (udp):") && err.contains("1 sessions")
                && err.contains("up 3 datagrams 600 B") && err.contains("down 3 datagrams 600 B"), err);
        } finally {
            proc.destroyForcibly();
            Files.deleteIfExists(errFile);
        }
    }

    @Test
    void refusesBadUdpFlagsWithExitCode2() {
        String[][] bad = {
            {"--udp"},
            {"demo", "--udp"},
            {"--udp", "--listen", "0", "--upstream", "127.0.0.1:9", "--connect-timeout", "1s"},
            {"--listen", "0", "--upstream", "127.0.0.1:9", "--idle-timeout", "5s"},
            {"--listen", "0", "--upstream", "127.0.0.1:9", "--max-sessions", "5"},
            {"--udp", "--listen", "0", "--upstream", "127.0.0.1:9", "--max-sessions", "0"},
            {"--udp", "--listen", "0", "--upstream", "127.0.0.1:9", "--idle-timeout", "soon"},
            {"--protocol", "sctp", "--listen", "0", "--upstream", "127.0.0.1:9"},
            {"--udp", "--listen", "0", "--upstream", "127.0.0.1:9", "--upstream-opt", "no_such_opt=1"},
        };
        for (String[] args : bad) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            int code = ProxyMain.run(args, new PrintStream(out, true), new PrintStream(err, true));
            String msg = err.toString(StandardCharsets.UTF_8);
            assertEquals(2, code, String.join(" ", args) + " -> " + msg);
            assertTrue(msg.startsWith("socket2j-proxy: "), msg);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, ProxyMain.run(new String[] {"--help"}, new PrintStream(out, true), System.err));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.contains("--udp") && help.contains("--idle-timeout") && help.contains("--max-sessions"), help);
    }
}
