package dev.socket2j.netty;

import dev.socket2j.Domain;
import dev.socket2j.SockOpt;
import dev.socket2j.SockRef;
import dev.socket2j.Socket;
import dev.socket2j.SocketKind;
import dev.socket2j.Type;
import dev.socket2j.internal.C;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.RawUnixChannelOption;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.util.NetUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one option dispatch of the six configs ({@link ConfigSupport}): the same policy on every channel kind, the
 * IPv4/IPv6 twin from the descriptor, values in {@code getOptions()}, refusals before registration, and the close
 * guard on everything a channel hands out.
 */
class Socket2ConfigDispatchTest {
    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1, Socket2IoHandler.newFactory());

    @AfterAll
    static void shutdown() { GROUP.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly(); }

    /** One of the six channel classes: how to make a fresh one, its kind, and an option of another kind. */
    record Kind(String name, Supplier<AbstractSocket2Channel> open, SocketKind kind, ChannelOption<?> foreign, Object value) {}

    static List<Kind> kinds() {
        return List.of(
            new Kind("tcp", () -> new Socket2SocketChannel(SocketProtocolFamily.INET), SocketKind.TCP_V4,
                Socket2ChannelOption.UDP_GRO, true),
            new Kind("tcp server", () -> new Socket2ServerSocketChannel(SocketProtocolFamily.INET), SocketKind.TCP_V4,
                Socket2ChannelOption.of(SockOpt.UDP_SEGMENT), 1400),
            new Kind("udp", () -> new Socket2DatagramChannel(SocketProtocolFamily.INET), SocketKind.UDP_V4,
                Socket2ChannelOption.TCP_KEEPIDLE, 30),
            new Kind("unix stream", Socket2DomainSocketChannel::new, SocketKind.UNIX_STREAM,
                Socket2ChannelOption.of(SockOpt.IP_TOS), 0x10),
            new Kind("unix server", Socket2ServerDomainSocketChannel::new, SocketKind.UNIX_STREAM,
                Socket2ChannelOption.TCP_CORK, true),
            new Kind("unix datagram", Socket2DomainDatagramChannel::new, SocketKind.UNIX_DGRAM,
                Socket2ChannelOption.of(SockOpt.SO_REUSEPORT), true));
    }

    @SuppressWarnings("unchecked")
    private static <T> void set(ChannelConfig c, ChannelOption<T> o, Object v) { c.setOption(o, (T) v); }

    @Test
    void anOptionOfAnotherKindFailsLoudlyOnEveryConfig() throws InterruptedException {
        for (Kind k : kinds()) {
            AbstractSocket2Channel ch = k.open().get();
            try {
                assertEquals(k.kind(), ch.options.kind(), k.name());
                ChannelException e = assertThrows(ChannelException.class, () -> set(ch.config(), k.foreign(), k.value()),
                    k.name() + ": " + k.foreign());
                assertTrue(e.getMessage().contains(k.kind().name()), e.getMessage());
                assertNull(ch.config().getOption(k.foreign()), k.name() + ": unknown to this config when read");
                assertFalse(ch.config().getOptions().containsKey(k.foreign()), k.name() + ": not listed");
                // not a standing refusal: the channel still registers
                assertTrue(GROUP.register(ch).await().isSuccess(), k.name() + ": registration after a foreign option");
            } finally {
                ch.close().syncUninterruptibly();
            }
        }
    }

    /** Netty's transport-neutral names of another kind stay unknown, as in Netty's own configs: code for any transport. */
    @Test
    void nettysOwnNamesOfAnotherKindAreUnknownNotErrors() throws InterruptedException {
        Socket2DomainSocketChannel unix = new Socket2DomainSocketChannel();
        Socket2DatagramChannel udp = new Socket2DatagramChannel(SocketProtocolFamily.INET);
        try {
            assertFalse(unix.config().setOption(ChannelOption.TCP_NODELAY, true));
            assertFalse(unix.config().setOption(ChannelOption.IP_TOS, 0x10));
            assertFalse(unix.config().setOption(UnixChannelOption.SO_REUSEPORT, true));
            assertFalse(udp.config().setOption(ChannelOption.TCP_NODELAY, true));
            assertNull(unix.config().getOption(ChannelOption.TCP_NODELAY));
            assertTrue(GROUP.register(unix).await().isSuccess());
        } finally {
            unix.close().syncUninterruptibly();
            udp.unsafe().closeForcibly();
        }
    }

    @Test
    void getOptionsListsWhatAppliesWithValuesAndSetOptionsTakesItBack() {
        for (Kind k : kinds()) {
            AbstractSocket2Channel a = k.open().get();
            AbstractSocket2Channel b = k.open().get();
            try {
                Map<ChannelOption<?>, Object> listed = a.config().getOptions();
                for (var e : listed.entrySet()) {
                    assertNotNull(e.getValue(), k.name() + ": " + e.getKey() + " mapped to null");
                    OptionTable.Binding<?, ?> binding = OptionTable.binding(e.getKey());
                    if (binding != null) assertTrue(binding.appliesTo(k.kind()), k.name() + " lists " + e.getKey());
                }
                assertTrue(listed.containsKey(ChannelOption.SO_RCVBUF), k.name());
                assertTrue(listed.containsKey(Socket2ChannelOption.of(SockOpt.SO_RCVBUF)), k.name());
                assertFalse(listed.containsKey(Socket2ChannelOption.of(SockOpt.SO_ERROR)), k.name() + ": read-only");
                assertTrue(b.config().setOptions(listed), k.name());
            } finally {
                a.unsafe().closeForcibly();
                b.unsafe().closeForcibly();
            }
        }
        Socket2SocketChannel tcp = new Socket2SocketChannel(SocketProtocolFamily.INET);
        try {
            assertEquals(Boolean.TRUE, tcp.config().getOptions().get(ChannelOption.TCP_NODELAY));
            assertEquals(Boolean.FALSE, tcp.config().getOptions().get(ChannelOption.ALLOW_HALF_CLOSURE));
        } finally {
            tcp.unsafe().closeForcibly();
        }
    }

    /** The options a config keeps itself (its {@code localOption}), each with a value other than the default. */
    private static final Map<String, Map<ChannelOption<?>, Object>> OWN = Map.of(
        "tcp", Map.of(ChannelOption.ALLOW_HALF_CLOSURE, true, ChannelOption.TCP_FASTOPEN_CONNECT, true),
        "tcp server", Map.of(ChannelOption.SO_BACKLOG, 7, ChannelOption.TCP_FASTOPEN, 5),
        "udp", Map.of(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, true,
            Socket2ChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 1500),
        "unix stream", Map.of(UnixChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.FILE_DESCRIPTORS,
            ChannelOption.ALLOW_HALF_CLOSURE, true),
        "unix server", Map.of(ChannelOption.SO_BACKLOG, 7),
        "unix datagram", Map.of(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, true));

    @Test
    void eachConfigsOwnOptionsAreWrittenReadAndListed() {
        for (Kind k : kinds()) {
            AbstractSocket2Channel ch = k.open().get();
            try {
                for (var e : OWN.get(k.name()).entrySet()) {
                    String what = k.name() + ": " + e.getKey();
                    assertNotEquals(e.getValue(), ch.config().getOption(e.getKey()), what + " (a no-op set must not pass)");
                    set(ch.config(), e.getKey(), e.getValue());
                    assertEquals(e.getValue(), ch.config().getOption(e.getKey()), what);
                    assertEquals(e.getValue(), ch.config().getOptions().get(e.getKey()), what + " listed");
                }
                assertEquals(k.name().endsWith("server"), ch.config().getOption(ChannelOption.SO_BACKLOG) != null, k.name());
            } finally {
                ch.unsafe().closeForcibly();
            }
        }
        Socket2ServerSocketChannel server = new Socket2ServerSocketChannel(SocketProtocolFamily.INET);
        try {
            assertThrows(IllegalArgumentException.class, () -> server.config().setOption(ChannelOption.SO_BACKLOG, -1));
            assertThrows(NullPointerException.class, () -> server.config().setOption(ChannelOption.SO_BACKLOG, null));
            assertEquals(NetUtil.SOMAXCONN, server.config().getBacklog(), "validated before it is set");
        } finally {
            server.unsafe().closeForcibly();
        }
    }

    /** A real IPv6 connection over ::1; the default Socket2SocketChannel is dual-stack (AF_INET6). */
    @Test
    void ipTosOnADualStackConnectionSetsIpv6TclassToo() throws Exception {
        Assumptions.assumeTrue(Sockets.preferredFamily() == SocketProtocolFamily.INET6, "no IPv6 on this host");
        Channel server = new ServerBootstrap().group(GROUP).channel(Socket2ServerSocketChannel.class)
            .childHandler(new ChannelInboundHandlerAdapter())
            .bind(new InetSocketAddress(InetAddress.getByName("::1"), 0)).sync().channel();
        try {
            Socket2SocketChannel ch = new Socket2SocketChannel();
            GROUP.register(ch).sync();
            ch.connect(server.localAddress()).sync();
            assertInstanceOf(Inet6Address.class, ch.remoteAddress().getAddress());
            SockRef s = ch.socket();
            assertEquals(0, s.getOption(SockOpt.IPV6_TCLASS));
            ch.config().setOption(ChannelOption.IP_TOS, 0xb8);
            assertEquals(0xb8, s.getOption(SockOpt.IPV6_TCLASS), "the traffic class of IPv6 packets");
            assertEquals(0xb8, s.getOption(SockOpt.IP_TOS), "and the TOS for IPv4-mapped peers");
            assertEquals(0xb8, ch.config().getTrafficClass());
            ch.config().setTrafficClass(0x28);
            assertEquals(0x28, s.getOption(SockOpt.IPV6_TCLASS));
            ch.close().sync();
            // the listener too, and the server's config reads the IPv6 option back
            Socket2ServerSocketChannel listener = (Socket2ServerSocketChannel) server;
            listener.config().setOption(ChannelOption.IP_TOS, 0x48);
            assertEquals(0x48, listener.socket().getOption(SockOpt.IPV6_TCLASS));
            assertEquals(0x48, listener.config().getOption(ChannelOption.IP_TOS));
        } finally {
            server.close().sync();
        }
    }

    @Test
    void ipTosOnAnIpv4ChannelSetsOnlyIpTos() throws Exception {
        Socket2SocketChannel ch = new Socket2SocketChannel(SocketProtocolFamily.INET);
        try {
            ch.config().setOption(ChannelOption.IP_TOS, 0x20);
            assertEquals(0x20, ch.socket().getOption(SockOpt.IP_TOS));
            // the generated option is the exact kernel option, whatever the family
            assertThrows(ChannelException.class, () -> ch.config().setOption(Socket2ChannelOption.of(SockOpt.IPV6_TCLASS), 8));
        } finally {
            ch.unsafe().closeForcibly();
        }
    }

    /** Options, traffic class, TCP_INFO and an earlier SockRef, on every channel kind, after close and fd reuse. */
    @Test
    void aClosedChannelNeverTouchesTheSocketThatGotItsNumber() throws Exception {
        for (Kind k : kinds()) {
            AbstractSocket2Channel ch = k.open().get();
            SockRef before = ch.socket();
            int number = ch.fd().intValue();
            ch.unsafe().closeForcibly();
            assertFalse(ch.isOpen());
            try (Socket reused = reuse(number, k.kind())) {
                Assumptions.assumeTrue(reused != null, "descriptor number " + number + " not reused");
                int rcvbuf = reused.recvBufferSize();
                long priority = reused.priority();
                boolean inet = !k.kind().domain().equals(Domain.UNIX);
                int tos = inet ? reused.getOption(SockOpt.IP_TOS) : 0;

                closedAsChannelException(() -> ch.config().setOption(ChannelOption.SO_RCVBUF, 40000));
                closedAsChannelException(() -> ch.config().getOption(ChannelOption.SO_RCVBUF));
                closedAsChannelException(() -> ch.config().setOption(Socket2ChannelOption.of(SockOpt.SO_PRIORITY), 6L));
                closedAsChannelException(() -> ch.config().getOptions());
                if (inet) closedAsChannelException(() -> ch.config().setOption(ChannelOption.IP_TOS, 0x28));
                if (ch instanceof Socket2SocketChannel tcp) {
                    closedAsChannelException(() -> tcp.config().setTrafficClass(0x28));
                    closedAsChannelException(tcp::tcpInfo);
                }
                if (ch instanceof Socket2DatagramChannel udp) closedAsChannelException(() -> udp.config().setTrafficClass(0x28));
                assertThrows(ClosedChannelException.class, () -> before.setPriority(6));
                assertThrows(ClosedChannelException.class, () -> before.setRecvBufferSize(40000));
                assertThrows(ClosedChannelException.class, before::recvBufferSize);
                assertThrows(ClosedChannelException.class, () -> ch.socket().setPriority(6));

                assertEquals(rcvbuf, reused.recvBufferSize(), k.name() + ": SO_RCVBUF of the new socket");
                assertEquals(priority, reused.priority(), k.name() + ": SO_PRIORITY of the new socket");
                if (inet) assertEquals(tos, reused.getOption(SockOpt.IP_TOS), k.name() + ": IP_TOS of the new socket");
            }
        }
    }

    /** Options set from another thread while the channel closes: none reaches the socket that gets the number. */
    @Test
    void optionsRacingCloseNeverReachTheReusedNumber() throws Exception {
        for (int round = 0; round < 20; round++) {
            Socket2SocketChannel ch = new Socket2SocketChannel(SocketProtocolFamily.INET);
            int number = ch.fd().intValue();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            Thread setter = new Thread(() -> {
                for (int i = 0; i < 100_000 && !stop.get(); i++) {
                    try {
                        ch.config().setOption(Socket2ChannelOption.of(SockOpt.SO_PRIORITY), 6L);
                    } catch (ChannelException e) {
                        if (!(e.getCause() instanceof ClosedChannelException)) unexpected.set(e);
                    }
                }
            });
            setter.start();
            ch.unsafe().closeForcibly();
            try (Socket reused = reuse(number, SocketKind.TCP_V4)) {
                Thread.sleep(2);
                stop.set(true);
                setter.join(10_000);
                assertFalse(setter.isAlive());
                assertNull(unexpected.get());
                if (reused != null) assertEquals(0, reused.priority(), "round " + round);
            }
        }
    }

    private static void closedAsChannelException(Runnable r) {
        ChannelException e = assertThrows(ChannelException.class, r::run);
        assertInstanceOf(ClosedChannelException.class, e.getCause(), String.valueOf(e));
    }

    /** Opens sockets until one gets {@code number} (the kernel gives the lowest free one); null if none did. */
    private static Socket reuse(int number, SocketKind kind) throws IOException {
        List<Socket> others = new ArrayList<>();
        try {
            for (int i = 0; i < 64; i++) {
                Socket s = Socket.open(kind.domain(), kind.type() == Type.DGRAM ? Type.DGRAM : Type.STREAM);
                if (s.rawFd() == number) return s;
                others.add(s);
            }
            return null;
        } finally {
            for (Socket s : others) s.close();
        }
    }

    @Test
    void aRefusedOptionSetAgainSuccessfullyNoLongerFailsRegistration() throws Exception {
        Socket2SocketChannel ch = new Socket2SocketChannel(SocketProtocolFamily.INET);
        try {
            ChannelOption<String> cc = Socket2ChannelOption.of(SockOpt.TCP_CONGESTION);
            assertThrows(ChannelException.class, () -> ch.config().setOption(cc, "no-such-cc"));
            ch.config().setOption(cc, available());
            assertTrue(GROUP.register(ch).await().isSuccess(), "registration after the retry succeeded");
        } finally {
            ch.close().sync();
        }
        Socket2SocketChannel refused = new Socket2SocketChannel(SocketProtocolFamily.INET);
        // a value outside the option's range (IllegalArgumentException) fails the registration as a kernel refusal does
        assertThrows(IllegalArgumentException.class,
            () -> refused.config().setOption(Socket2ChannelOption.of(SockOpt.TCP_KEEPCNT), 0));
        assertInstanceOf(ChannelException.class, GROUP.register(refused).await().cause(), "a standing refusal fails it");
        refused.unsafe().closeForcibly();
    }

    private static String available() throws IOException {
        return Files.readString(Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control")).trim().split("\\s+")[0];
    }

    /** RawUnixChannelOption values longer than the 512-byte scratch buffer are read as they are written. */
    @Test
    void rawOptionLongerThan512BytesIsRead() throws Exception {
        Socket2SocketChannel ch = new Socket2SocketChannel(SocketProtocolFamily.INET);
        try {
            // TCP_INFO with room for 1024 bytes: the kernel writes what it has (a few hundred) and says so
            RawUnixChannelOption info = new RawUnixChannelOption("RAW_TCP_INFO", C.IPPROTO_TCP, C.TCP_INFO, 1024);
            ByteBuffer b = ch.config().getOption(info);
            assertTrue(b.remaining() > 100 && b.remaining() < 1024, "tcp_info length " + b.remaining());
            assertEquals(7, b.get(0), "tcpi_state: TCP_CLOSE");
        } finally {
            ch.unsafe().closeForcibly();
        }
    }
}
