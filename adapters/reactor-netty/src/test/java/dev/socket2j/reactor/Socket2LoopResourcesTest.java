package dev.socket2j.reactor;

import dev.socket2j.netty.Socket2DatagramChannel;
import dev.socket2j.netty.Socket2DomainDatagramChannel;
import dev.socket2j.netty.Socket2DomainSocketChannel;
import dev.socket2j.netty.Socket2IoHandler;
import dev.socket2j.netty.Socket2ServerDomainSocketChannel;
import dev.socket2j.netty.Socket2ServerSocketChannel;
import dev.socket2j.netty.Socket2SocketChannel;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.unix.DomainDatagramChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.channel.unix.ServerDomainSocketChannel;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;
import reactor.netty.udp.UdpClient;
import reactor.netty.udp.UdpServer;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** reactor-netty's own servers and clients on {@link Socket2LoopResources}: TCP, HTTP, UDP, Unix sockets, DNS. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Socket2LoopResourcesTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static Socket2LoopResources loops;

    @BeforeAll
    static void start() { loops = Socket2LoopResources.create("test", 2, true); }

    @AfterAll
    static void stop() { loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(WAIT); }

    @Test
    void everyChannelKindIsSocket2j() {
        EventLoopGroup g = loops.onServer(true);
        assertEquals(Socket2SocketChannel.class, loops.onChannelClass(SocketChannel.class, g));
        assertEquals(Socket2ServerSocketChannel.class, loops.onChannelClass(ServerSocketChannel.class, g));
        assertEquals(Socket2DatagramChannel.class, loops.onChannelClass(DatagramChannel.class, g));
        assertEquals(Socket2DomainSocketChannel.class, loops.onChannelClass(DomainSocketChannel.class, g));
        assertEquals(Socket2ServerDomainSocketChannel.class, loops.onChannelClass(ServerDomainSocketChannel.class, g));
        assertEquals(Socket2DomainDatagramChannel.class, loops.onChannelClass(DomainDatagramChannel.class, g));
        Channel c = loops.onChannel(DatagramChannel.class, g);
        try {
            assertInstanceOf(Socket2DatagramChannel.class, c);
        } finally {
            c.unsafe().closeForcibly();
        }
        assertThrows(IllegalArgumentException.class, () -> loops.onChannelClass(Channel.class, g));
    }

    @Test
    void httpServerAndClientRunOnSocket2j() {
        Set<Class<?>> seen = ConcurrentHashMap.newKeySet();
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(0).runOn(loops)
            .doOnConnection(c -> seen.add(c.channel().getClass()))
            .route(r -> r.post("/echo", (req, res) -> res.send(req.receive().retain())))
            .bindNow(WAIT);
        try {
            assertInstanceOf(Socket2ServerSocketChannel.class, server.channel());
            HttpClient client = HttpClient.create().runOn(loops).doOnConnected(c -> seen.add(c.channel().getClass()));
            for (int i = 0; i < 3; i++) {   // a pooled connection is reused
                String body = "hello " + i;
                String got = client.post().uri("http://127.0.0.1:" + server.port() + "/echo")
                    .send(Mono.just(Unpooled.copiedBuffer(body, StandardCharsets.UTF_8)))
                    .responseContent().aggregate().asString().block(WAIT);
                assertEquals(body, got);
            }
            assertEquals(Set.of(Socket2SocketChannel.class), seen);
        } finally {
            server.disposeNow(WAIT);
        }
    }

    @Test
    void tcpServerAndClientEchoOnSocket2j() {
        DisposableServer server = TcpServer.create().host("127.0.0.1").port(0).runOn(loops)
            .handle((in, out) -> out.send(in.receive().retain())).bindNow(WAIT);
        try {
            Connection c = TcpClient.create().host("127.0.0.1").port(server.port()).runOn(loops).connectNow(WAIT);
            try {
                assertInstanceOf(Socket2SocketChannel.class, c.channel());
                byte[] big = new byte[256 * 1024];
                for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31);
                c.outbound().sendByteArray(Mono.just(big)).then().block(WAIT);
                ByteBuffer got = ByteBuffer.allocate(big.length);
                c.inbound().receive().asByteArray().takeUntil(b -> {
                    got.put(b);
                    return !got.hasRemaining();
                }).blockLast(WAIT);
                assertEquals(ByteBuffer.wrap(big), got.flip());
            } finally {
                c.disposeNow(WAIT);
            }
        } finally {
            server.disposeNow(WAIT);
        }
    }

    @Test
    void unixDomainSocketsForTcpAndHttp(@TempDir Path dir) {
        DomainSocketAddress tcpPath = new DomainSocketAddress(dir.resolve("tcp.sock").toFile());
        DisposableServer tcp = TcpServer.create().bindAddress(() -> tcpPath).runOn(loops)
            .handle((in, out) -> out.send(in.receive().retain())).bindNow(WAIT);
        try {
            assertInstanceOf(Socket2ServerDomainSocketChannel.class, tcp.channel());
            Connection c = TcpClient.create().remoteAddress(() -> tcpPath).runOn(loops).connectNow(WAIT);
            try {
                assertInstanceOf(Socket2DomainSocketChannel.class, c.channel());
                c.outbound().sendString(Mono.just("ping")).then().block(WAIT);
                assertEquals("ping", c.inbound().receive().asString().next().block(WAIT));
            } finally {
                c.disposeNow(WAIT);
            }
        } finally {
            tcp.disposeNow(WAIT);
        }
        DomainSocketAddress httpPath = new DomainSocketAddress(dir.resolve("http.sock").toFile());
        DisposableServer http = HttpServer.create().bindAddress(() -> httpPath).runOn(loops)
            .route(r -> r.get("/who", (req, res) -> res.sendString(Mono.just("unix")))).bindNow(WAIT);
        try {
            String got = HttpClient.create().remoteAddress(() -> httpPath).runOn(loops)
                .get().uri("/who").responseContent().aggregate().asString().block(WAIT);
            assertEquals("unix", got);
        } finally {
            http.disposeNow(WAIT);
        }
    }

    @Test
    void udpServerAndClientOnSocket2j() {
        Connection server = UdpServer.create().host("127.0.0.1").port(0).runOn(loops)
            .handle((in, out) -> out.sendObject(in.receiveObject().cast(DatagramPacket.class)
                .map(p -> new DatagramPacket(p.content().retain(), p.sender()))))
            .bindNow(WAIT);
        try {
            assertInstanceOf(Socket2DatagramChannel.class, server.channel());
            InetSocketAddress at = (InetSocketAddress) server.channel().localAddress();
            Connection client = UdpClient.create().remoteAddress(() -> at).runOn(loops).connectNow(WAIT);
            try {
                assertInstanceOf(Socket2DatagramChannel.class, client.channel());
                client.outbound().sendString(Mono.just("datagram")).then().block(WAIT);
                assertEquals("datagram", client.inbound().receive().asString().next().block(WAIT));
            } finally {
                client.disposeNow(WAIT);
            }
        } finally {
            server.disposeNow(WAIT);
        }
    }

    /**
     * A client resolves a name through a DNS server on loopback (a tiny one below): the resolver reactor-netty
     * builds from these resources sends its query from a socket2j datagram channel on these loops.
     */
    @Test
    void dnsResolutionRunsOnTheSameLoops() throws Exception {
        try (TinyDns dns = new TinyDns()) {
            DisposableServer server = HttpServer.create().host("127.0.0.1").port(0).runOn(loops)
                .route(r -> r.get("/", (req, res) -> res.sendString(Mono.just("resolved")))).bindNow(WAIT);
            try {
                HttpClient client = HttpClient.create().runOn(loops).resolver(spec -> spec
                    .dnsAddressResolverGroupProvider(b -> new DnsAddressResolverGroup(
                        b.nameServerProvider(new SingletonDnsServerAddressStreamProvider(dns.address())))));
                String got = client.get().uri("http://socket2j.test:" + server.port() + "/")
                    .responseContent().aggregate().asString().block(WAIT);
                assertEquals("resolved", got);
                assertTrue(dns.names.contains("socket2j.test"), dns.names::toString);
            } finally {
                server.disposeNow(WAIT);
            }
        }
    }

    @Test
    void wrappedGroupServesAndOutlivesTheResources() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, Socket2IoHandler.newFactory());
        try {
            LoopResources wrapped = Socket2LoopResources.wrap(group);
            DisposableServer server = TcpServer.create().host("127.0.0.1").port(0).runOn(wrapped)
                // kept open after "hi": reactor-netty drops what a connection received before it closed if nobody
                // had subscribed to its inbound yet, and the client below subscribes only after connectNow returns
                .handle((in, out) -> out.sendString(Mono.just("hi")).then(Mono.never())).bindNow(WAIT);
            try {
                Connection c = TcpClient.create().host("127.0.0.1").port(server.port()).runOn(wrapped).connectNow(WAIT);
                assertEquals("hi", c.inbound().receive().asString().next().block(WAIT));
                c.disposeNow(WAIT);
            } finally {
                server.disposeNow(WAIT);
            }
            wrapped.disposeLater().block(WAIT);
            assertFalse(group.isShuttingDown(), "the wrapped group belongs to its owner");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** A DNS server that answers every A query with 127.0.0.1 and every other query with no record. */
    static final class TinyDns implements AutoCloseable {
        final List<String> names = new CopyOnWriteArrayList<>();
        private final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        private final Thread thread = Thread.ofPlatform().daemon().start(this::serve);

        TinyDns() throws Exception { }

        InetSocketAddress address() { return (InetSocketAddress) socket.getLocalSocketAddress(); }

        private void serve() {
            byte[] buf = new byte[1500];
            try {
                socket.setSoTimeout(200);
                while (!socket.isClosed()) {
                    java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
                    try {
                        socket.receive(p);
                    } catch (SocketTimeoutException e) {
                        continue;
                    }
                    byte[] reply = answer(ByteBuffer.wrap(buf, 0, p.getLength()));
                    socket.send(new java.net.DatagramPacket(reply, reply.length, p.getSocketAddress()));
                }
            } catch (Exception e) {
                // closed
            }
        }

        private byte[] answer(ByteBuffer q) {
            short id = q.getShort(0);
            int pos = 12;
            StringBuilder name = new StringBuilder();
            for (int len; (len = q.get(pos) & 0xff) != 0; pos += len + 1) {
                if (!name.isEmpty()) name.append('.');
                name.append(new String(q.array(), q.arrayOffset() + pos + 1, len, StandardCharsets.US_ASCII));
            }
            int questionEnd = pos + 1 + 4;
            int qtype = q.getShort(pos + 1) & 0xffff;
            names.add(name.toString());
            boolean a = qtype == 1;
            ByteBuffer r = ByteBuffer.allocate(questionEnd + 16);
            r.putShort(id).putShort((short) 0x8180).putShort((short) 1).putShort((short) (a ? 1 : 0))
                .putShort((short) 0).putShort((short) 0);
            r.put(q.array(), q.arrayOffset() + 12, questionEnd - 12);
            if (a) {
                r.putShort((short) 0xc00c).putShort((short) 1).putShort((short) 1).putInt(60).putShort((short) 4)
                    .put(new byte[] {127, 0, 0, 1});
            }
            byte[] out = new byte[r.position()];
            r.flip().get(out);
            return out;
        }

        @Override
        public void close() throws InterruptedException {
            socket.close();
            thread.join(5000);
        }
    }

    /** Netty's JNI transports must not be on this module's class path: socket2j replaces them. */
    @Test
    void noNettyJniJarOnTheClassPath() {
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            assertFalse(entry.matches(".*netty-(transport-native-(epoll|kqueue|io_uring)|codec-native-quic"
                + "|resolver-dns-native-macos|tcnative).*"), entry);
        }
        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.netty.channel.epoll.Native"));
    }
}
