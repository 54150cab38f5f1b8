package dev.socket2j;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

import static dev.socket2j.OptionTestSupport.CAP_NET_ADMIN;
import static dev.socket2j.OptionTestSupport.CAP_NET_RAW;
import static dev.socket2j.OptionTestSupport.hasCap;
import static dev.socket2j.OptionTestSupport.loIndex;
import static dev.socket2j.OptionTestSupport.loopback;
import static dev.socket2j.OptionTestSupport.v4;
import static dev.socket2j.OptionTestSupport.v6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Walks every descriptor of {@link SockOpt#all()} on every kind of socket it claims to apply to: a writable and
 * readable option is set to a sample value that differs from its initial one and read back; a write-only one
 * is written; a read-only one is read and refuses writes (in the descriptor, and in the kernel). A descriptor
 * without a sample here fails {@link #everyDescriptorHasASample()}.
 */
class OptionTableTest {

    /** How to exercise one option: the value to write, what to read back, and what to do first. */
    record Sample<T>(SockOpt<T> opt, Function<SocketKind, T> value, Function<SocketKind, T> expected,
                     Prepare prepare, String readErrno, int capability) {
        Sample<T> expect(T e) { return new Sample<>(opt, value, k -> e, prepare, readErrno, capability); }
        Sample<T> expect(Function<SocketKind, T> e) { return new Sample<>(opt, value, e, prepare, readErrno, capability); }
        Sample<T> before(Prepare p) { return new Sample<>(opt, value, expected, p, readErrno, capability); }
        /** Reading on a fresh socket fails with this errno (state-dependent options). */
        Sample<T> readFails(String errno) { return new Sample<>(opt, value, expected, prepare, errno, capability); }
        Sample<T> needs(int cap) { return new Sample<>(opt, value, expected, prepare, readErrno, cap); }
    }

    interface Prepare { void run(Socket s, SocketKind kind, List<Socket> keep) throws IOException; }

    private static final Map<String, Sample<?>> SAMPLES = new HashMap<>();

    private static <T> Sample<T> add(Sample<T> s) { SAMPLES.put(s.opt().name(), s); return s; }

    /** A sample value (read back unchanged unless {@link Sample#expect} says otherwise). */
    private static <T> void sample(SockOpt<T> opt, T value) { add(new Sample<>(opt, k -> value, null, null, null, -1)); }

    private static <T> Sample<T> s(SockOpt<T> opt, T value) { return new Sample<>(opt, k -> value, null, null, null, -1); }

    private static <T> Sample<T> per(SockOpt<T> opt, Function<SocketKind, T> value) { return new Sample<>(opt, value, null, null, null, -1); }

    /** Read-only options: nothing to write. */
    private static <T> Sample<T> ro(SockOpt<T> opt) { return new Sample<>(opt, null, null, null, null, -1); }

    private static final Prepare CONNECT = OptionTestSupport::connectLoopback;
    private static final Duration TEN_S = Duration.ofSeconds(10);

    static {
        // SOL_SOCKET
        sample(SockOpt.SO_BROADCAST, true);
        add(ro(SockOpt.SO_ERROR).expect(0));
        sample(SockOpt.SO_KEEPALIVE, true);
        sample(SockOpt.SO_LINGER, Optional.of(TEN_S));
        sample(SockOpt.SO_OOBINLINE, true);
        sample(SockOpt.SO_PASSCRED, true);
        sample(SockOpt.SO_PRIORITY, 5L);
        add(s(SockOpt.SO_RCVBUF, 4096).expect(8192));
        sample(SockOpt.SO_RCVTIMEO, Optional.of(TEN_S));
        add(per(SockOpt.SO_REUSEADDR, k -> k.type() != Type.RAW)); // raw sockets start with it on
        add(s(SockOpt.SO_SNDBUF, 4096).expect(8192));
        sample(SockOpt.SO_SNDTIMEO, Optional.of(TEN_S));
        add(ro(SockOpt.SO_TYPE).expect(k -> k.type().value()));
        add(ro(SockOpt.SO_ACCEPTCONN).expect(false));
        add(ro(SockOpt.SO_DOMAIN).expect(k -> k.domain().value()));
        add(ro(SockOpt.SO_PROTOCOL).expect(k -> k.protocol().map(Protocol::value).orElse(0)));
        add(s(SockOpt.SO_MARK, 123L).needs(CAP_NET_ADMIN));
        sample(SockOpt.SO_BINDTODEVICE, "lo");
        add(per(SockOpt.SO_BINDTOIFINDEX, k -> loIndex()));
        sample(SockOpt.SO_INCOMING_CPU, 0);
        sample(SockOpt.SO_REUSEPORT, true);
        sample(SockOpt.SO_ATTACH_FILTER, new SockFilter[] { SockFilter.ret(0xFFFF) });
        add(s(SockOpt.SO_DETACH_FILTER, 0)
            .before((sock, k, keep) -> sock.attachFilter(new SockFilter[] { SockFilter.ret(0xFFFF) })));
        add(ro(SockOpt.SO_COOKIE));
        add(s(SockOpt.SO_BUSY_POLL, 5).needs(CAP_NET_ADMIN));
        add(ro(SockOpt.SO_PEERCRED));
        sample(SockOpt.SO_RCVLOWAT, 10);
        add(ro(SockOpt.SO_SNDLOWAT).expect(1));
        sample(SockOpt.SO_TIMESTAMPNS, true);
        add(ro(SockOpt.SO_INCOMING_NAPI_ID).expect(0));
        sample(SockOpt.SO_ZEROCOPY, true);
        sample(SockOpt.SO_RXQ_OVFL, true);
        sample(SockOpt.SO_PEEK_OFF, 4);
        // IPPROTO_IP
        sample(SockOpt.IP_HDRINCL, true);
        add(s(SockOpt.IP_TRANSPARENT, true).needs(CAP_NET_ADMIN));
        var group = new Membership.V4(v4("224.0.1.1"), InterfaceIndexOrAddress.index(0));
        sample(SockOpt.IP_ADD_MEMBERSHIP, group);
        add(s(SockOpt.IP_DROP_MEMBERSHIP, group).before((sock, k, keep) -> sock.setOption(SockOpt.IP_ADD_MEMBERSHIP, group)));
        var ssm = new Membership.SourceV4(v4("62.40.109.31"), v4("232.123.52.36"), v4("0.0.0.0"));
        sample(SockOpt.IP_ADD_SOURCE_MEMBERSHIP, ssm);
        add(s(SockOpt.IP_DROP_SOURCE_MEMBERSHIP, ssm).before((sock, k, keep) -> sock.setOption(SockOpt.IP_ADD_SOURCE_MEMBERSHIP, ssm)));
        add(per(SockOpt.IP_MULTICAST_ALL, k -> k.domain().equals(Domain.IPV6))); // on by default only on IPv4 sockets
        sample(SockOpt.IP_MULTICAST_IF, v4("127.0.0.1"));
        sample(SockOpt.IP_MULTICAST_LOOP, false);
        sample(SockOpt.IP_MULTICAST_TTL, 10);
        sample(SockOpt.IP_TTL, 40);
        sample(SockOpt.IP_TOS, 96);
        sample(SockOpt.IP_RECVTOS, true);
        add(ro(SockOpt.SO_ORIGINAL_DST).readFails("ENOENT"));
        sample(SockOpt.IP_FREEBIND, true);
        sample(SockOpt.IP_BIND_ADDRESS_NO_PORT, true);
        sample(SockOpt.IP_RECVORIGDSTADDR, true);
        sample(SockOpt.IP_PKTINFO, true);
        sample(SockOpt.IP_RECVTTL, true);
        sample(SockOpt.IP_MTU_DISCOVER, 3);
        add(ro(SockOpt.IP_MTU).before(CONNECT).expect(k -> k.domain().equals(Domain.IPV4) ? 65535 : 65536));
        // protocol-independent source filters (group_source_req): join/leave one source, block/unblock one
        var ssmV4 = new GroupSource(loIndex(), ip("232.1.2.3"), ip("127.0.0.9"));
        var anyV4 = new Membership.V4(v4("224.0.1.5"), InterfaceIndexOrAddress.index(loIndex()));
        var blockV4 = new GroupSource(loIndex(), ip("224.0.1.5"), ip("127.0.0.9"));
        sample(SockOpt.MCAST_JOIN_SOURCE_GROUP, ssmV4);
        add(s(SockOpt.MCAST_LEAVE_SOURCE_GROUP, ssmV4)
            .before((sock, k, keep) -> sock.setOption(SockOpt.MCAST_JOIN_SOURCE_GROUP, ssmV4)));
        add(s(SockOpt.MCAST_BLOCK_SOURCE, blockV4).before((sock, k, keep) -> sock.setOption(SockOpt.IP_ADD_MEMBERSHIP, anyV4)));
        add(s(SockOpt.MCAST_UNBLOCK_SOURCE, blockV4).before((sock, k, keep) -> {
            sock.setOption(SockOpt.IP_ADD_MEMBERSHIP, anyV4);
            sock.setOption(SockOpt.MCAST_BLOCK_SOURCE, blockV4);
        }));
        // IPPROTO_IPV6
        sample(SockOpt.IPV6_HDRINCL, true);
        add(s(SockOpt.IPV6_TRANSPARENT, true).needs(CAP_NET_ADMIN));
        var group6 = new Membership.V6(v6("ff02::1:3"), 0);
        add(per(SockOpt.IPV6_ADD_MEMBERSHIP, k -> new Membership.V6(v6("ff02::1:3"), loIndex())));
        add(per(SockOpt.IPV6_DROP_MEMBERSHIP, k -> new Membership.V6(v6("ff02::1:3"), loIndex()))
            .before((sock, k, keep) -> sock.setOption(SockOpt.IPV6_ADD_MEMBERSHIP, new Membership.V6(group6.group(), loIndex()))));
        sample(SockOpt.IPV6_MULTICAST_HOPS, 10);
        sample(SockOpt.IPV6_MULTICAST_ALL, false);
        add(per(SockOpt.IPV6_MULTICAST_IF, k -> loIndex()));
        sample(SockOpt.IPV6_MULTICAST_LOOP, false);
        sample(SockOpt.IPV6_UNICAST_HOPS, 20);
        sample(SockOpt.IPV6_V6ONLY, true);
        sample(SockOpt.IPV6_RECVTCLASS, true);
        sample(SockOpt.IPV6_RECVHOPLIMIT, true);
        add(ro(SockOpt.IP6T_SO_ORIGINAL_DST).readFails("ENOENT"));
        sample(SockOpt.IPV6_FREEBIND, true);
        sample(SockOpt.IPV6_TCLASS, 96);
        sample(SockOpt.IPV6_RECVPKTINFO, true);
        sample(SockOpt.IPV6_RECVORIGDSTADDR, true);
        sample(SockOpt.IPV6_MTU_DISCOVER, 3);
        // reading gives the path MTU (lo: 65536), not the cap written
        add(s(SockOpt.IPV6_MTU, 1400).before(CONNECT).expect(65536));
        var ssmV6 = new GroupSource(loIndex(), ip("ff35::1234"), ip("::1"));
        var anyV6 = new Membership.V6(v6("ff02::1:5"), loIndex());
        var blockV6 = new GroupSource(loIndex(), ip("ff02::1:5"), ip("::1"));
        sample(SockOpt.MCAST_JOIN_SOURCE_GROUP_V6, ssmV6);
        add(s(SockOpt.MCAST_LEAVE_SOURCE_GROUP_V6, ssmV6)
            .before((sock, k, keep) -> sock.setOption(SockOpt.MCAST_JOIN_SOURCE_GROUP_V6, ssmV6)));
        add(s(SockOpt.MCAST_BLOCK_SOURCE_V6, blockV6)
            .before((sock, k, keep) -> sock.setOption(SockOpt.IPV6_ADD_MEMBERSHIP, anyV6)));
        add(s(SockOpt.MCAST_UNBLOCK_SOURCE_V6, blockV6).before((sock, k, keep) -> {
            sock.setOption(SockOpt.IPV6_ADD_MEMBERSHIP, anyV6);
            sock.setOption(SockOpt.MCAST_BLOCK_SOURCE_V6, blockV6);
        }));
        // IPPROTO_TCP
        sample(SockOpt.TCP_NODELAY, true);
        sample(SockOpt.TCP_KEEPIDLE, Duration.ofSeconds(200));
        sample(SockOpt.TCP_KEEPINTVL, Duration.ofSeconds(30));
        sample(SockOpt.TCP_KEEPCNT, 10);
        sample(SockOpt.TCP_MAXSEG, 256);
        sample(SockOpt.TCP_CORK, true);
        sample(SockOpt.TCP_QUICKACK, false);
        sample(SockOpt.TCP_THIN_LINEAR_TIMEOUTS, true);
        sample(SockOpt.TCP_NOTSENT_LOWAT, 16384);
        sample(SockOpt.TCP_USER_TIMEOUT, Optional.of(TEN_S));
        add(per(SockOpt.TCP_CONGESTION, k -> otherCongestion()));
        add(ro(SockOpt.TCP_INFO));
        sample(SockOpt.TCP_DEFER_ACCEPT, Duration.ofSeconds(3));
        sample(SockOpt.TCP_FASTOPEN, 5);
        sample(SockOpt.TCP_FASTOPEN_CONNECT, true);
        add(per(SockOpt.TCP_MD5SIG, k -> new TcpMd5Sig(loopback(k), "secret".getBytes())));
        sample(SockOpt.TCP_SYNCNT, 3);
        sample(SockOpt.TCP_WINDOW_CLAMP, 40000);
        sample(SockOpt.TCP_LINGER2, 30);
        // SOL_UDP
        sample(SockOpt.UDP_SEGMENT, 1400);
        sample(SockOpt.UDP_GRO, true);
        // SOL_DCCP: exercised only where the kernel still has DCCP
        sample(SockOpt.DCCP_SOCKOPT_SERVICE, 45);
        sample(SockOpt.DCCP_SOCKOPT_CCID, 2);
        add(ro(SockOpt.DCCP_SOCKOPT_TX_CCID));
        add(ro(SockOpt.DCCP_SOCKOPT_RX_CCID));
        sample(SockOpt.DCCP_SOCKOPT_SERVER_TIMEWAIT, true);
        sample(SockOpt.DCCP_SOCKOPT_SEND_CSCOV, 4);
        sample(SockOpt.DCCP_SOCKOPT_RECV_CSCOV, 4);
        sample(SockOpt.DCCP_SOCKOPT_QPOLICY_TXQLEN, 6);
        add(ro(SockOpt.DCCP_SOCKOPT_AVAILABLE_CCIDS));
        add(ro(SockOpt.DCCP_SOCKOPT_GET_CUR_MPS));
    }

    /** An IP address literal as a socket address (port 0), for {@code group_source_req}. */
    static SockAddr ip(String literal) { return SockAddr.of(new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral(literal), 0)); }

    /** A congestion control algorithm other than the system default, so the round trip changes something. */
    static String otherCongestion() {
        try {
            String def = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_congestion_control")).trim();
            return def.equals("reno") ? "cubic" : "reno";
        } catch (IOException e) {
            return "reno";
        }
    }

    @Test
    void everyDescriptorHasASample() {
        List<String> missing = new ArrayList<>();
        for (SockOpt<?> o : SockOpt.all()) {
            Sample<?> s = SAMPLES.get(o.name());
            if (s == null || s.opt() != o) missing.add(o.name());
            else if (o.writable() && s.value() == null) missing.add(o.name() + " (writable, no value)");
        }
        assertEquals(List.of(), missing, "descriptors without a sample in OptionTableTest");
        assertTrue(SockOpt.all().stream().allMatch(o -> !o.kinds().isEmpty()), "every option applies somewhere");
    }

    @Test
    void namesAreUniqueAndFoundByName() {
        for (SockOpt<?> o : SockOpt.all()) assertEquals(Optional.of(o), SockOpt.byName(o.name()));
        assertEquals(SockOpt.all().size(), SockOpt.all().stream().map(SockOpt::name).distinct().count());
    }

    @TestFactory
    Stream<DynamicTest> everyOptionOnEveryKindItAppliesTo() {
        List<DynamicTest> tests = new ArrayList<>();
        for (SockOpt<?> o : SockOpt.all()) {
            for (SocketKind k : o.kinds()) {
                tests.add(DynamicTest.dynamicTest(o.name() + " on " + k, () -> exercise(SAMPLES.get(o.name()), k)));
            }
        }
        return tests.stream();
    }

    /**
     * On a kind an option does not claim, reading it either works (the kinds are what the option is for, not all
     * the kernel tolerates) or fails with an {@link OsError} whose message names the call and the option.
     */
    @TestFactory
    Stream<DynamicTest> refusalsNameTheOptionAndErrno() {
        List<SocketKind> probe = List.of(SocketKind.TCP_V4, SocketKind.UDP_V6, SocketKind.UNIX_STREAM, SocketKind.UNIX_DGRAM);
        List<DynamicTest> tests = new ArrayList<>();
        for (SockOpt<?> o : SockOpt.all()) {
            if (!o.readable()) continue;
            for (SocketKind k : probe) {
                if (o.appliesTo(k)) continue;
                tests.add(DynamicTest.dynamicTest(o.name() + " on " + k, () -> {
                    try (Socket s = k.open()) {
                        s.getOption(o);
                    } catch (IOException e) {
                        OsError os = assertInstanceOf(OsError.class, e);
                        assertTrue(e.getMessage().startsWith("getsockopt(" + o.name() + ") failed: " + os.errnoName()), e.getMessage());
                    }
                }));
            }
        }
        return tests.stream();
    }

    private static <T> void exercise(Sample<T> sample, SocketKind kind) throws IOException {
        Objects.requireNonNull(sample, "no sample");
        SockOpt<T> opt = sample.opt();
        if (kind == SocketKind.DCCP_V4 || kind == SocketKind.DCCP_V6) {
            assumeTrue(SockOpt.Dccp.SUPPORTED, SockOpt.Dccp.UNSUPPORTED);
        }
        if (kind == SocketKind.RAW_V4 || kind == SocketKind.RAW_V6) {
            assumeTrue(hasCap(CAP_NET_RAW), "raw sockets need CAP_NET_RAW");
        }
        if (sample.capability() >= 0) {
            assumeTrue(hasCap(sample.capability()), opt.name() + " needs capability " + sample.capability()
                + (sample.capability() == CAP_NET_ADMIN ? " (CAP_NET_ADMIN)" : " (CAP_NET_RAW)"));
        }
        List<Socket> keep = OptionTestSupport.keep();
        try (Socket s = kind.open()) {
            if (sample.prepare() != null) sample.prepare().run(s, kind, keep);
            if (opt.writable()) {
                T value = sample.value().apply(kind);
                T initial = opt.readable() ? readOrNull(s, opt, sample) : null;
                s.setOption(opt, value);
                if (opt.readable() && sample.readErrno() == null) {
                    T expected = sample.expected() != null ? sample.expected().apply(kind) : value;
                    T got = s.getOption(opt);
                    assertEquals(expected, got, opt.name() + " read back on " + kind);
                    if (sample.prepare() == null) {
                        assertNotEquals(initial, expected, opt.name() + ": the sample must differ from the initial value on " + kind);
                    }
                } else if (!opt.readable()) {
                    assertThrows(UnsupportedOperationException.class, () -> s.getOption(opt));
                }
            } else {
                if (sample.readErrno() != null) {
                    IOException e = assertThrows(IOException.class, () -> s.getOption(opt));
                    assertEquals(sample.readErrno(), ((OsError) e).errnoName(), e.getMessage());
                    assertTrue(e.getMessage().contains("getsockopt(" + opt.name() + ")"), e.getMessage());
                } else {
                    T got = s.getOption(opt);
                    if (sample.expected() != null) assertEquals(sample.expected().apply(kind), got, opt.name() + " on " + kind);
                }
                assertThrows(UnsupportedOperationException.class, () -> writeAnything(s, opt));
                // the kernel agrees that the option cannot be set
                var raw = SockOpt.custom(opt.name(), opt.level(), opt.optname(), Codecs.INT, true, true);
                IOException e = assertThrows(IOException.class, () -> s.setOption(raw, 1), opt.name() + " is settable on " + kind);
                assertInstanceOf(OsError.class, e);
            }
        } finally {
            OptionTestSupport.closeAll(keep);
        }
    }

    private static <T> T readOrNull(Socket s, SockOpt<T> opt, Sample<T> sample) throws IOException {
        if (sample.readErrno() != null || sample.prepare() != null) return null;
        return s.getOption(opt);
    }

    @SuppressWarnings("unchecked")
    private static <T> void writeAnything(Socket s, SockOpt<T> opt) throws IOException {
        s.setOption(opt, (T) (Object) 0);
    }
}
