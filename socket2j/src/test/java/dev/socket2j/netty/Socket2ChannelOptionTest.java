package dev.socket2j.netty;

import dev.socket2j.SockOpt;
import dev.socket2j.SockRef;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.unix.RawUnixChannelOption;
import dev.socket2j.internal.C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.DynamicTest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Options through {@code ChannelOption} on live connections, read back through {@code channel.socket()} (the kernel),
 * so that a setter that does nothing cannot pass: each value differs from the socket's initial one.
 */
class Socket2ChannelOptionTest {
    private static Loopback loop;

    @BeforeAll static void start() throws Exception { loop = new Loopback(new ChannelInboundHandlerAdapter()); }

    @AfterAll static void stop() { loop.close(); }

    /** One option: its value to set, and how the kernel reports it back through the core socket. */
    record Case<T>(ChannelOption<T> option, T value, Function<SockRef, Object> readBack, Object expected) {}

    private static <T> Case<T> c(ChannelOption<T> o, T v, SockOpt<?> d) {
        return new Case<>(o, v, s -> { try { return s.getOption(d); } catch (Exception e) { throw new AssertionError(e); } }, v);
    }

    private static SockOpt<Integer> intOpt(String name, int level, int opt) {
        return SockOpt.custom(name, level, opt, dev.socket2j.Codecs.INT, true, false);
    }

    private static SockOpt<Boolean> boolOpt(String name, int level, int opt) {
        return SockOpt.custom(name, level, opt, dev.socket2j.Codecs.BOOL, true, false);
    }

    static List<Case<?>> cases() {
        List<Case<?>> l = new ArrayList<>();
        l.add(c(ChannelOption.TCP_NODELAY, false, SockOpt.TCP_NODELAY));  // socket2j channels start with it on
        l.add(c(ChannelOption.SO_KEEPALIVE, true, SockOpt.SO_KEEPALIVE));
        l.add(c(ChannelOption.SO_REUSEADDR, true, SockOpt.SO_REUSEADDR));
        // Linux doubles the buffer sizes it is given
        l.add(new Case<>(ChannelOption.SO_RCVBUF, 32768, s -> get(s, intOpt("SO_RCVBUF", C.SOL_SOCKET, C.SO_RCVBUF)), 65536));
        l.add(new Case<>(ChannelOption.SO_SNDBUF, 32768, s -> get(s, intOpt("SO_SNDBUF", C.SOL_SOCKET, C.SO_SNDBUF)), 65536));
        l.add(new Case<>(ChannelOption.SO_LINGER, 7,
            s -> ((java.util.Optional<?>) get(s, SockOpt.SO_LINGER)).map(d -> (int) ((java.time.Duration) d).toSeconds()).orElse(-1), 7));
        l.add(c(ChannelOption.IP_TOS, 0x10, intOpt("IP_TOS", C.IPPROTO_IP, C.IP_TOS)));
        l.add(c(Socket2ChannelOption.TCP_CORK, true, boolOpt("TCP_CORK", C.IPPROTO_TCP, C.TCP_CORK)));
        l.add(new Case<>(Socket2ChannelOption.TCP_NOTSENT_LOWAT, 16384L,
            s -> get(s, intOpt("TCP_NOTSENT_LOWAT", C.IPPROTO_TCP, C.TCP_NOTSENT_LOWAT)), 16384));
        l.add(c(Socket2ChannelOption.TCP_KEEPIDLE, 77, intOpt("TCP_KEEPIDLE", C.IPPROTO_TCP, C.TCP_KEEPIDLE)));
        l.add(c(Socket2ChannelOption.TCP_KEEPINTVL, 13, intOpt("TCP_KEEPINTVL", C.IPPROTO_TCP, C.TCP_KEEPINTVL)));
        l.add(c(Socket2ChannelOption.TCP_KEEPCNT, 4, intOpt("TCP_KEEPCNT", C.IPPROTO_TCP, C.TCP_KEEPCNT)));
        l.add(c(Socket2ChannelOption.TCP_USER_TIMEOUT, 1234, intOpt("TCP_USER_TIMEOUT", C.IPPROTO_TCP, C.TCP_USER_TIMEOUT)));
        l.add(c(Socket2ChannelOption.IP_FREEBIND, true, boolOpt("IP_FREEBIND", C.IPPROTO_IP, C.IP_FREEBIND)));
        l.add(c(Socket2ChannelOption.IP_BIND_ADDRESS_NO_PORT, true,
            boolOpt("IP_BIND_ADDRESS_NO_PORT", C.IPPROTO_IP, C.IP_BIND_ADDRESS_NO_PORT)));
        l.add(c(Socket2ChannelOption.SO_REUSEPORT, true, boolOpt("SO_REUSEPORT", C.SOL_SOCKET, C.SO_REUSEPORT)));
        l.add(c(new IntegerUnixChannelOption("RAW_KEEPCNT", C.IPPROTO_TCP, C.TCP_KEEPCNT), 6,
            intOpt("TCP_KEEPCNT", C.IPPROTO_TCP, C.TCP_KEEPCNT)));
        return l;
    }

    private static Object get(SockRef s, SockOpt<?> d) {
        try { return s.getOption(d); } catch (Exception e) { throw new AssertionError(e); }
    }

    @TestFactory
    List<DynamicTest> optionsReachTheKernelOfALiveConnection() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case<?> k : cases()) {
            tests.add(DynamicTest.dynamicTest(k.option().name(), () -> roundTrip(k)));
        }
        return tests;
    }

    private static <T> void roundTrip(Case<T> k) throws Exception {
        Socket2SocketChannel ch = loop.connect();
        try {
            SockRef s = ch.socket();
            assertNotEquals(k.expected(), k.readBack().apply(s), "initial value must differ from the one set");
            assertTrue(ch.config().setOption(k.option(), k.value()));
            assertEquals(k.expected(), k.readBack().apply(s));
            if (!(k.option() instanceof IntegerUnixChannelOption)) {
                // the config reads the kernel too: the doubled buffer sizes come back doubled
                Object viaConfig = ch.config().getOption(k.option());
                assertEquals(k.expected().equals(k.value()) ? k.value() : k.expected(),
                    viaConfig instanceof Long l && k.expected() instanceof Integer ? (Object) (int) (long) l : viaConfig);
            }
        } finally {
            ch.close().sync();
        }
    }

    /** Values the kernel moves by itself between two reads. */
    private static final java.util.Set<String> CHANGING = java.util.Set.of("SO_ERROR", "TCP_INFO", "TCP_QUICKACK",
        "SO_INCOMING_CPU", "SO_INCOMING_NAPI_ID", "IP_MTU", "IPV6_MTU", "TCP_MAXSEG");

    private static dev.socket2j.SocketKind kind(Socket2SocketChannel ch) throws java.io.IOException {
        return ch.socket().localAddr().isIpv6() ? dev.socket2j.SocketKind.TCP_V6 : dev.socket2j.SocketKind.TCP_V4;
    }

    @Test
    void everyTableDescriptorIsAChannelOptionListedByGetOptions() throws Exception {
        Socket2SocketChannel ch = loop.connect();
        try {
            Map<ChannelOption<?>, Object> listed = ch.config().getOptions();
            for (SockOpt<?> d : SockOpt.all()) {
                ChannelOption<?> o = Socket2ChannelOption.of(d);
                assertEquals(d, Socket2ChannelOption.descriptor(o));
                if (!d.readable() || !d.appliesTo(kind(ch))) {
                    // another kind's option, or one that cannot be read: not listed, unknown to getOption
                    assertFalse(listed.containsKey(o), d.name());
                    if (!d.appliesTo(kind(ch))) assertNull(ch.config().getOption(o), d.name());
                    continue;
                }
                Object direct;
                try {
                    direct = ch.socket().getOption(d);
                } catch (java.io.IOException e) {
                    // this kernel refuses it on TCP: the config must say so too, as a ChannelException, and not list it
                    assertThrows(ChannelException.class, () -> ch.config().getOption(o), d.name());
                    assertFalse(listed.containsKey(o), d.name());
                    continue;
                }
                // listed with its value exactly when it can be written back
                assertEquals(d.writable(), listed.containsKey(o), d.name());
                if (d.writable() && !CHANGING.contains(d.name())) assertEquals(direct, listed.get(o), d.name());
                Object viaConfig = ch.config().getOption(o);
                if (!CHANGING.contains(d.name())) assertEquals(direct, viaConfig, d.name());
            }
            for (ChannelOption<?> o : List.of(Socket2ChannelOption.TCP_KEEPIDLE, Socket2ChannelOption.IPV6_V6ONLY,
                    ChannelOption.SO_LINGER, ChannelOption.ALLOW_HALF_CLOSURE, ChannelOption.TCP_FASTOPEN_CONNECT)) {
                assertTrue(listed.containsKey(o), o.name());
            }
        } finally {
            ch.close().sync();
        }
    }

    @Test
    void everyWritableBooleanOfTheTableFlipsOnALiveConnection() throws Exception {
        Socket2SocketChannel ch = loop.connect();
        try {
            int flipped = 0;
            for (SockOpt<?> d : SockOpt.all()) {
                if (!d.readable() || !d.writable() || d.codec().type() != Boolean.class || !d.appliesTo(kind(ch))) continue;
                @SuppressWarnings("unchecked") ChannelOption<Boolean> o = (ChannelOption<Boolean>) Socket2ChannelOption.of(d);
                boolean before;
                try {
                    before = (Boolean) ch.socket().getOption(d);
                } catch (java.io.IOException e) {
                    continue;  // not on this kernel for TCP
                }
                try {
                    ch.config().setOption(o, !before);
                } catch (ChannelException e) {
                    continue;  // not for a connected TCP socket (or a capability is missing): the kernel said so
                }
                if (d.name().equals("TCP_QUICKACK")) continue;  // the kernel turns quick-ack mode off by itself
                assertEquals(!before, ch.socket().getOption(d), d.name());
                flipped++;
            }
            assertTrue(flipped >= 5, "booleans flipped: " + flipped);
        } finally {
            ch.close().sync();
        }
    }

    @Test
    void rawUnixChannelOptionWritesAndReadsBytes() throws Exception {
        Socket2SocketChannel ch = loop.connect();
        try {
            RawUnixChannelOption raw = new RawUnixChannelOption("RAW_USER_TIMEOUT", C.IPPROTO_TCP, C.TCP_USER_TIMEOUT, 4);
            ByteBuffer v = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, 4321);
            ch.config().setOption(raw, v);
            assertEquals(4321, ch.socket().getOption(intOpt("TCP_USER_TIMEOUT", C.IPPROTO_TCP, C.TCP_USER_TIMEOUT)));
            assertEquals(4321, ch.config().getOption(raw).order(ByteOrder.nativeOrder()).getInt(0));
        } finally {
            ch.close().sync();
        }
    }

    @Test
    void kernelRefusalThrowsChannelExceptionWithTheErrno() throws Exception {
        Socket2SocketChannel ch = loop.connect();
        try {
            ChannelException e = assertThrows(ChannelException.class,
                () -> ch.config().setOption(Socket2ChannelOption.of(SockOpt.TCP_CONGESTION), "no-such-cc"));
            assertInstanceOf(dev.socket2j.OsError.class, e.getCause());
            assertEquals("ENOENT", ((dev.socket2j.OsError) e.getCause()).errnoName());
        } finally {
            ch.close().sync();
        }
    }

    @Test
    void optionRefusedByTheKernelFailsTheBootstrap() throws Exception {
        ChannelFuture f = loop.client().option(Socket2ChannelOption.of(SockOpt.TCP_CONGESTION), "no-such-cc")
            .connect(loop.server.localAddress());
        assertTrue(f.await(10_000));
        assertFalse(f.isSuccess());
        assertInstanceOf(ChannelException.class, f.cause());
        assertEquals("ENOENT", ((dev.socket2j.OsError) f.cause().getCause()).errnoName());
        assertFalse(f.channel().isOpen());
    }

    @Test
    void serverOptionsReachTheListeningSocket() throws Exception {
        SocketChannel ch = loop.connect();
        try {
            Socket2ServerSocketChannel server = (Socket2ServerSocketChannel) loop.server;
            assertTrue(server.config().isReuseAddress());
            assertNotNull(server.config().getOptions().get(ChannelOption.SO_BACKLOG));
            assertEquals(5, server.socket().getOption(SockOpt.TCP_FASTOPEN));  // set before listen by the bootstrap
            server.config().setOption(Socket2ChannelOption.TCP_DEFER_ACCEPT, 3);
            assertTrue((Integer) get(server.socket(), intOpt("TCP_DEFER_ACCEPT", C.IPPROTO_TCP, C.TCP_DEFER_ACCEPT)) > 0);
        } finally {
            ch.close().sync();
        }
    }

    @org.junit.jupiter.api.Test
    void epollSoReuseportIsNettysOwnInstance() {
        // code written for epoll passes EpollChannelOption.SO_REUSEPORT, which is UnixChannelOption's
        org.junit.jupiter.api.Assertions.assertSame(io.netty.channel.unix.UnixChannelOption.SO_REUSEPORT,
            Socket2ChannelOption.SO_REUSEPORT);
    }
}
