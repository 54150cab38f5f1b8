package dev.socket2j;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static dev.socket2j.OptionTestSupport.CAP_NET_ADMIN;
import static dev.socket2j.OptionTestSupport.CAP_NET_RAW;
import static dev.socket2j.OptionTestSupport.hasCap;
import static dev.socket2j.OptionTestSupport.v4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Java twins of socket2's option tests (tests/socket.rs): the 31 {@code test!} macro tests that compile on
 * Linux (§5.4 of the spec: the initial value differs from the argument, set, read back the expected value, on
 * IPv4 and/or IPv6 stream sockets) and the hand-written option tests of §5.3, each named after its twin.
 */
class OptionsTest {

    interface Getter<T> { T get(Socket s) throws IOException; }
    interface Setter<T> { void set(Socket s, T v) throws IOException; }

    /** socket2's {@code test!} macro: fresh stream socket, initial ≠ argument, set, read back {@code expected}. */
    static <T> void check(Domain domain, Getter<T> get, Setter<T> set, T arg, T expected) throws IOException {
        try (Socket s = Socket.open(domain, Type.STREAM)) {
            T initial = get.get(s);
            assertNotEquals(arg, initial, "initial value equals the argument on " + domain);
            set.set(s, arg);
            assertEquals(expected, get.get(s), "read back on " + domain);
        }
    }

    static <T> void both(Getter<T> get, Setter<T> set, T arg) throws IOException { both(get, set, arg, arg); }

    static <T> void both(Getter<T> get, Setter<T> set, T arg, T expected) throws IOException {
        check(Domain.IPV4, get, set, arg, expected);
        check(Domain.IPV6, get, set, arg, expected);
    }

    static <T> void ipv4(Getter<T> get, Setter<T> set, T arg) throws IOException { check(Domain.IPV4, get, set, arg, arg); }

    static <T> void ipv6(Getter<T> get, Setter<T> set, T arg) throws IOException { check(Domain.IPV6, get, set, arg, arg); }

    static void assumeCap(int cap, String what) {
        assumeTrue(hasCap(cap), what + " needs " + (cap == CAP_NET_ADMIN ? "CAP_NET_ADMIN" : "CAP_NET_RAW")
            + ", which this process lacks");
    }

    static String errnoOf(IOException e) { return ((OsError) e).errnoName(); }

    // ================================================================ test! macro twins (§5.4)

    @Test void tcp_nodelay() throws IOException { both(Socket::tcpNodelay, Socket::setTcpNodelay, true); }

    /** Linux doubles the buffer size: 4096 reads back as 8192. */
    @Test void recv_buffer_size() throws IOException { both(Socket::recvBufferSize, Socket::setRecvBufferSize, 4096, 8192); }

    @Test void send_buffer_size() throws IOException { both(Socket::sendBufferSize, Socket::setSendBufferSize, 4096, 8192); }

    @Test void out_of_band_inline() throws IOException { both(Socket::outOfBandInline, Socket::setOutOfBandInline, true); }

    @Test void reuse_address() throws IOException { both(Socket::reuseAddress, Socket::setReuseAddress, true); }

    @Test void reuse_port() throws IOException { both(Socket::reusePort, Socket::setReusePort, true); }

    /** socket2 ignores this on Linux ("Different value returned"); on an unconnected socket Linux 6.x reads back the MSS asked for. */
    @Test void tcp_mss() throws IOException { both(Socket::tcpMss, Socket::setTcpMss, 256); }

    @Test void ip_transparent_v4() throws IOException {
        assumeCap(CAP_NET_ADMIN, "IP_TRANSPARENT");
        ipv4(Socket::ipTransparentV4, Socket::setIpTransparentV4, true);
    }

    @Test void mark() throws IOException {
        assumeCap(CAP_NET_ADMIN, "SO_MARK");
        both(Socket::mark, Socket::setMark, 123L);
    }

    @Test void tcp_cork() throws IOException { both(Socket::tcpCork, Socket::setTcpCork, true); }

    @Test void tcp_quickack() throws IOException { both(Socket::tcpQuickack, Socket::setTcpQuickack, false); }

    @Test void tcp_thin_linear_timeouts() throws IOException {
        both(Socket::tcpThinLinearTimeouts, Socket::setTcpThinLinearTimeouts, true);
    }

    @Test void tcp_notsent_lowat() throws IOException { both(Socket::tcpNotsentLowat, Socket::setTcpNotsentLowat, 16384); }

    @Test void linger() throws IOException { both(Socket::linger, Socket::setLinger, Optional.of(Duration.ofSeconds(10))); }

    @Test void read_timeout() throws IOException {
        both(Socket::readTimeout, Socket::setReadTimeout, Optional.of(Duration.ofSeconds(10)));
    }

    @Test void keepalive() throws IOException { both(Socket::keepalive, Socket::setKeepalive, true); }

    /** As upstream, also run on an IPv6 socket: SOL_IP/IP_FREEBIND works there on Linux. */
    @Test void freebind_v4() throws IOException { both(Socket::freebindV4, Socket::setFreebindV4, true); }

    @Test void freebind_v6() throws IOException { ipv6(Socket::freebindV6, Socket::setFreebindV6, true); }

    @Test void ttl_v4() throws IOException { ipv4(Socket::ttlV4, Socket::setTtlV4, 40); }

    @Test void tos_v4() throws IOException { ipv4(Socket::tosV4, Socket::setTosV4, 96); }

    @Test void recv_tos_v4() throws IOException { ipv4(Socket::recvTosV4, Socket::setRecvTosV4, true); }

    @Test void broadcast() throws IOException { ipv4(Socket::broadcast, Socket::setBroadcast, true); }

    @Test void unicast_hops_v6() throws IOException { ipv6(Socket::unicastHopsV6, Socket::setUnicastHopsV6, 20); }

    @Test void only_v6() throws IOException { ipv6(Socket::onlyV6, Socket::setOnlyV6, true); }

    @Test void tclass_v6() throws IOException { ipv6(Socket::tclassV6, Socket::setTclassV6, 96); }

    @Test void recv_tclass_v6() throws IOException { ipv6(Socket::recvTclassV6, Socket::setRecvTclassV6, true); }

    @Test void ip_transparent_v6() throws IOException {
        assumeCap(CAP_NET_ADMIN, "IPV6_TRANSPARENT");
        ipv6(Socket::ipTransparentV6, Socket::setIpTransparentV6, true);
    }

    @Test void recv_hoplimit_v6() throws IOException { ipv6(Socket::recvHoplimitV6, Socket::setRecvHoplimitV6, true); }

    @Test void tcp_user_timeout() throws IOException {
        both(Socket::tcpUserTimeout, Socket::setTcpUserTimeout, Optional.of(Duration.ofSeconds(10)));
    }

    @Test void multicast_all_v4() throws IOException { ipv4(Socket::multicastAllV4, Socket::setMulticastAllV4, false); }

    @Test void multicast_all_v6() throws IOException { ipv6(Socket::multicastAllV6, Socket::setMulticastAllV6, false); }

    // ================================================================ hand-written twins (§5.3)

    @Test
    void tcp_keepalive() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM)) {
            var params = new TcpKeepalive().withTime(Duration.ofSeconds(200)).withInterval(Duration.ofSeconds(30)).withRetries(10);
            s.setTcpKeepalive(params);
            assertTrue(s.keepalive());
            assertEquals(Duration.ofSeconds(200), s.tcpKeepaliveTime());
            assertEquals(Duration.ofSeconds(30), s.tcpKeepaliveInterval());
            assertEquals(10, s.tcpKeepaliveRetries());
        }
    }

    /** socket2 marks it ignored for CAP_NET_RAW; here it runs whenever the process has the capability. */
    @Test
    void device() throws IOException {
        assumeCap(CAP_NET_RAW, "SO_BINDTODEVICE");
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM)) {
            assertEquals(Optional.empty(), s.device());
            s.bindDevice(Optional.of("lo"));
            assertEquals(Optional.of("lo"), s.device());
            s.bindDevice(Optional.empty());
            assertEquals(Optional.empty(), s.device());
            IOException e = assertThrows(IOException.class, () -> s.bindDevice(Optional.of("nosuchdev0")));
            assertEquals("ENODEV", errnoOf(e));
        }
    }

    @Test
    void is_listener() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM)) {
            s.bind(new InetSocketAddress(v4("127.0.0.1"), 0));
            assertFalse(s.isListener());
            s.listen(1);
            assertTrue(s.isListener());
        }
    }

    @Test
    void domain() throws IOException {
        for (Domain d : List.of(Domain.IPV4, Domain.IPV6, Domain.UNIX)) {
            try (Socket s = Socket.open(d, Type.STREAM)) {
                assertEquals(d, s.domain());
            }
        }
    }

    @Test
    void protocol() throws IOException {
        try (Socket s = Socket.open(Domain.UNIX, Type.STREAM)) {
            assertEquals(Optional.empty(), s.protocol());
        }
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM, Protocol.TCP)) {
            assertEquals(Optional.of(Protocol.TCP), s.protocol());
        }
        try (Socket s = Socket.open(Domain.IPV6, Type.DGRAM, Protocol.UDP)) {
            assertEquals(Optional.of(Protocol.UDP), s.protocol());
        }
    }

    @Test
    void r_type() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM)) { assertEquals(Type.STREAM, s.type()); }
        try (Socket s = Socket.open(Domain.IPV6, Type.DGRAM)) { assertEquals(Type.DGRAM, s.type()); }
        try (Socket s = Socket.open(Domain.UNIX, Type.SEQPACKET)) { assertEquals(Type.SEQPACKET, s.type()); }
    }

    @Test
    void cpu_affinity() throws IOException {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "needs at least 2 CPUs");
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM)) {
            int want = s.cpuAffinity() == 0 ? 1 : 0;
            s.setCpuAffinity(want);
            assertEquals(want, s.cpuAffinity());
        }
    }

    @Test
    void join_leave_multicast_v4_n() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.DGRAM)) {
            var group = v4("224.0.1.1");
            var iface = InterfaceIndexOrAddress.index(0);
            IOException e = assertThrows(IOException.class, () -> s.leaveMulticastV4N(group, iface));
            assertEquals("EADDRNOTAVAIL", errnoOf(e));
            assertTrue(e.getMessage().contains("setsockopt(IP_DROP_MEMBERSHIP)"), e.getMessage());
            s.joinMulticastV4N(group, iface);
            s.leaveMulticastV4N(group, iface);
        }
    }

    @Test
    void join_leave_ssm_v4() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.DGRAM)) {
            var source = v4("62.40.109.31");
            var group = v4("232.123.52.36");
            var iface = v4("0.0.0.0");
            s.joinSsmV4(source, group, iface);
            s.leaveSsmV4(source, group, iface);
        }
    }

    /** socket2's twin returns early on Linux (protocol 0 raw sockets are EPROTONOSUPPORT); this one uses ICMP. */
    @Test
    void header_included() throws IOException {
        assumeCap(CAP_NET_RAW, "a raw socket");
        try (Socket s = Socket.open(Domain.IPV4, Type.RAW, Protocol.ICMPV4)) {
            assertFalse(s.headerIncludedV4());
            s.setHeaderIncludedV4(true);
            assertTrue(s.headerIncludedV4());
        }
    }

    /** The getter reads IPV6_HDRINCL, the option the setter writes (socket2's reads IP_HDRINCL instead). */
    @Test
    void header_included_ipv6() throws IOException {
        assumeCap(CAP_NET_RAW, "a raw socket");
        try (Socket s = Socket.open(Domain.IPV6, Type.RAW, Protocol.ICMPV6)) {
            assertFalse(s.headerIncludedV6());
            s.setHeaderIncludedV6(true);
            assertTrue(s.headerIncludedV6());
            s.setHeaderIncludedV6(false);
            assertFalse(s.headerIncludedV6());
        }
    }

    @Test
    void original_dst_v4() throws IOException {
        for (Domain d : List.of(Domain.IPV4, Domain.IPV6)) {
            try (Socket s = Socket.open(d, Type.STREAM)) {
                IOException e = assertThrows(IOException.class, s::originalDstV4);
                assertEquals("ENOENT", errnoOf(e), d.toString());
            }
        }
    }

    @Test
    void original_dst_v6() throws IOException {
        try (Socket s = Socket.open(Domain.IPV6, Type.STREAM)) {
            assertEquals("ENOENT", errnoOf(assertThrows(IOException.class, s::originalDstV6)));
        }
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM)) {
            assertEquals("EOPNOTSUPP", errnoOf(assertThrows(IOException.class, s::originalDstV6)));
        }
    }

    /**
     * socket2 sets {@code "tcp_congestion_does_not_exist"}, which Linux cuts to 15 bytes and refuses; here a name
     * that long is refused before the syscall, and a short unknown one gets the kernel's {@code ENOENT}.
     */
    @Test
    void tcp_congestion() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM)) {
            String origin = s.tcpCongestion();
            s.setTcpCongestion(origin);
            assertEquals(origin, s.tcpCongestion());
            assertThrows(IllegalArgumentException.class, () -> s.setTcpCongestion("tcp_congestion_does_not_exist"));
            IOException e = assertThrows(IOException.class, () -> s.setTcpCongestion("no_such_cc"));
            assertEquals("ENOENT", errnoOf(e));
            assertEquals(origin, s.tcpCongestion());
            String other = origin.equals("cubic") ? "reno" : "cubic";
            s.setTcpCongestion(other);
            assertEquals(other, s.tcpCongestion());
        }
    }

    /** socket2's twin is ignored upstream (needs kernel DCCP); here it runs wherever the kernel still has DCCP. */
    @Test
    void dccp() throws IOException {
        assumeTrue(SockOpt.Dccp.SUPPORTED, SockOpt.Dccp.UNSUPPORTED);
        try (Socket s = Socket.open(Domain.IPV4, Type.DCCP, Protocol.DCCP)) {
            s.setDccpService(45);
            assertEquals(45, s.dccpService());
            assertTrue(s.dccpCurMps() > 0);
            assertTrue(s.dccpAvailableCcids().length() >= 3);
            assertEquals(0, s.dccpSendCscov());
            s.setDccpCcid(2);
            s.setDccpQpolicyTxqlen(6);
            assertEquals(6, s.dccpQpolicyTxqlen());
        }
    }

    /** Linux 6.16 removed DCCP: the socket cannot be made, and the accessors say why on any other socket. */
    @Test
    void dccpAccessorsExplainAMissingKernelSupport() throws IOException {
        assumeTrue(!SockOpt.Dccp.SUPPORTED, "this kernel has DCCP (see the dccp test)");
        IOException open = assertThrows(IOException.class, () -> Socket.open(Domain.IPV4, Type.DCCP, Protocol.DCCP).close());
        assertEquals("ESOCKTNOSUPPORT", errnoOf(open), open.getMessage());
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM)) {
            IOException e = assertThrows(IOException.class, s::dccpService);
            assertTrue(e.getMessage().contains("DCCP is not supported by this kernel (removed in Linux 6.16)"), e.getMessage());
            assertTrue(e.getMessage().startsWith("getsockopt(DCCP_SOCKOPT_SERVICE) failed: EOPNOTSUPP"), e.getMessage());
            e = assertThrows(IOException.class, () -> s.setDccpCcid(2));
            assertTrue(e.getMessage().contains("DCCP is not supported"), e.getMessage());
            assertInstanceOf(OsError.class, e);
        }
    }

    @Test
    void cookie() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM); Socket t = Socket.open(Domain.IPV4, Type.STREAM)) {
            long c = s.cookie();
            assertEquals(c, s.cookie());
            assertNotEquals(c, t.cookie());
        }
    }

    @Test
    void set_passcred() throws IOException {
        for (Type t : List.of(Type.DGRAM, Type.STREAM)) {
            try (Socket s = Socket.open(Domain.UNIX, t)) {
                assertFalse(s.passcred());
                s.setPasscred(true);
                assertTrue(s.passcred());
            }
        }
    }

    @Test
    void set_priority() throws IOException {
        try (Socket s = Socket.open(Domain.UNIX, Type.DGRAM)) {
            assertEquals(0, s.priority());
            for (long i = 6; i >= 0; i--) {
                s.setPriority(i);
                assertEquals(i, s.priority());
            }
        }
    }

    /** Raising SO_BUSY_POLL above net.core.busy_read (0 by default) needs CAP_NET_ADMIN. */
    @Test
    void set_busy_poll() throws IOException {
        assumeCap(CAP_NET_ADMIN, "raising SO_BUSY_POLL");
        try (Socket s = Socket.open(Domain.UNIX, Type.DGRAM)) {
            assertEquals(0, s.busyPoll());
            for (int i = 6; i >= 0; i--) {
                s.setBusyPoll(i);
                assertEquals(i, s.busyPoll());
            }
        }
    }

    // ================================================================ decided quirks and bad input

    /** Linux refuses TCP_KEEPIDLE = 0; socket2 truncates 500 ms to 0, this port rounds up to 1 s. */
    @Test
    void subSecondKeepaliveIsRoundedUp() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM)) {
            s.setTcpKeepalive(new TcpKeepalive().withTime(Duration.ofMillis(500)).withInterval(Duration.ofMillis(1500)));
            assertEquals(Duration.ofSeconds(1), s.tcpKeepaliveTime());
            assertEquals(Duration.ofSeconds(2), s.tcpKeepaliveInterval());
        }
    }

    @Test
    void subSecondLingerIsRoundedUp() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM)) {
            s.setLinger(Optional.of(Duration.ofMillis(500)));
            assertEquals(Optional.of(Duration.ofSeconds(1)), s.linger());
            s.setLinger(Optional.of(Duration.ZERO));
            assertEquals(Optional.of(Duration.ZERO), s.linger());
            s.setLinger(Optional.empty());
            assertEquals(Optional.empty(), s.linger());
        }
    }

    @Test
    void tcpUserTimeoutIsClampedToWhatLinuxAccepts() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM)) {
            s.setTcpUserTimeout(Optional.of(Duration.ofDays(365)));
            assertEquals(Optional.of(Duration.ofMillis(Integer.MAX_VALUE)), s.tcpUserTimeout());
            s.setTcpUserTimeout(Optional.of(Duration.ZERO));
            assertEquals(Optional.empty(), s.tcpUserTimeout());
        }
    }

    @Test
    void badValuesAreRefusedBeforeTheSyscall() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM)) {
            int ttl = s.ttlV4();
            assertThrows(IllegalArgumentException.class, () -> s.setTtlV4(256));
            assertThrows(IllegalArgumentException.class, () -> s.setTosV4(-1));
            assertThrows(IllegalArgumentException.class, () -> s.setRecvBufferSize(-1));
            assertThrows(IllegalArgumentException.class, () -> s.setMark(1L << 32));
            assertThrows(IllegalArgumentException.class, () -> s.setPriority(-1));
            assertThrows(IllegalArgumentException.class, () -> s.setTcpKeepaliveTime(Duration.ZERO));
            assertThrows(IllegalArgumentException.class, () -> s.setTcpKeepaliveTime(Duration.ofSeconds(32768)));
            assertThrows(IllegalArgumentException.class, () -> s.setTcpKeepaliveRetries(128));
            assertThrows(IllegalArgumentException.class, () -> s.setLinger(Optional.of(Duration.ofSeconds(-1))));
            assertThrows(IllegalArgumentException.class, () -> s.setReadTimeout(Optional.of(Duration.ofMillis(-5))));
            assertThrows(IllegalArgumentException.class, () -> s.setReadTimeout(Optional.of(Duration.ZERO)));
            assertThrows(IllegalArgumentException.class, () -> s.setTcpUserTimeout(Optional.of(Duration.ofSeconds(-1))));
            assertThrows(IllegalArgumentException.class, () -> s.bindDevice(Optional.of("a_very_long_ifname")));
            assertThrows(IllegalArgumentException.class, () -> s.setTcpCongestion("sixteen_chars_xx"));
            assertThrows(IllegalArgumentException.class, () -> new TcpKeepalive().withTime(Duration.ofSeconds(-1)));
            assertThrows(IllegalArgumentException.class, () -> s.attachFilter(new SockFilter[0]));
            assertThrows(IllegalArgumentException.class, () -> new TcpMd5Sig(v4("127.0.0.1"), new byte[81]));
            assertThrows(NullPointerException.class, () -> s.setOption(SockOpt.TCP_NODELAY, null));
            // a refused setTcpKeepalive changes nothing, not even SO_KEEPALIVE
            assertThrows(IllegalArgumentException.class,
                () -> s.setTcpKeepalive(new TcpKeepalive().withTime(Duration.ofSeconds(10)).withRetries(0)));
            assertFalse(s.keepalive());
            assertEquals(ttl, s.ttlV4());
        }
    }

    @Test
    void optionOfAnotherProtocolFailsNamingOptionAndErrno() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.DGRAM)) {
            IOException e = assertThrows(IOException.class, () -> s.setTcpNodelay(true));
            assertTrue(e instanceof OsError);
            assertTrue(e.getMessage().startsWith("setsockopt(TCP_NODELAY) failed: ENOPROTOOPT"), e.getMessage());
        }
        try (Socket s = Socket.open(Domain.IPV6, Type.STREAM)) {
            IOException e = assertThrows(IOException.class, s::udpGro);
            assertEquals("ENOPROTOOPT", errnoOf(e));
            assertTrue(e.getMessage().contains("getsockopt(UDP_GRO)"), e.getMessage());
        }
    }

    @Test
    void readOnlyAndWriteOnlyDescriptorsRefuseTheOtherDirection() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM)) {
            assertThrows(UnsupportedOperationException.class, () -> s.setOption(SockOpt.SO_TYPE, 1));
            assertThrows(UnsupportedOperationException.class, () -> s.getOption(SockOpt.TCP_MD5SIG));
        }
    }

    @Test
    void bindDeviceByIndex() throws IOException {
        try (Socket s = Socket.open(Domain.IPV6, Type.DGRAM)) {
            assertEquals(OptionalInt.empty(), s.deviceIndexV6());
            int lo = OptionTestSupport.loIndex();
            s.bindDeviceByIndexV6(OptionalInt.of(lo));
            assertEquals(OptionalInt.of(lo), s.deviceIndexV6());
            assertEquals(OptionalInt.of(lo), s.deviceIndexV4());
            assertEquals(Optional.of("lo"), s.device());
        }
    }

    // ================================================================ beyond socket2

    @Test
    void tcpInfoOfAConnectedSocket() throws IOException {
        List<Socket> keep = OptionTestSupport.keep();
        try (Socket c = Socket.open(Domain.IPV4, Type.STREAM)) {
            OptionTestSupport.connectLoopback(c, SocketKind.TCP_V4, keep);
            c.send(new byte[100]);
            TcpInfo info = c.tcpInfo();
            assertEquals(1, info.state().orElseThrow(), "TCP_ESTABLISHED");
            assertTrue(info.has(TcpInfo.Field.TOTAL_RETRANS));
            assertTrue(info.sndMss().orElseThrow() > 0);
            assertTrue(info.segsOut().orElseThrow() >= 2);
            // Linux 6.18+ returns the whole 280-byte struct this class knows; before 7.0 its last word holds two
            // 16-bit fields, without ECN_MODE and OPTIONS2
            assertEquals(TcpInfo.Field.values().length - (TcpInfo.KERNEL_ECN_BITFIELDS ? 0 : 2), info.fields().size());
        } finally {
            OptionTestSupport.closeAll(keep);
        }
    }

    /** A kernel returning an older, shorter struct: the newer fields are absent, not zero. */
    @Test
    void tcpInfoFieldsBeyondTheReturnedLengthAreAbsent() {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            var buf = arena.allocate(TcpInfo.KNOWN_SIZE);
            buf.fill((byte) 1);
            TcpInfo info = TcpInfo.decode(buf, 104);
            assertTrue(info.has(TcpInfo.Field.TOTAL_RETRANS));
            assertEquals(0x01010101L, info.totalRetrans().orElseThrow());
            assertFalse(info.has(TcpInfo.Field.PACING_RATE));
            assertEquals(java.util.OptionalLong.empty(), info.pacingRate());
            assertEquals(java.util.OptionalLong.empty(), info.rcvWnd());
            assertEquals(1, info.get(TcpInfo.Field.SND_WSCALE).orElseThrow());
            assertEquals(0, info.get(TcpInfo.Field.RCV_WSCALE).orElseThrow());
        }
    }

    @Test
    void peerCredentialsOfASocketPair() throws IOException {
        Socket[] pair = Socket.pair(Domain.UNIX, Type.STREAM, null);
        try (Socket a = pair[0]; Socket b = pair[1]) {
            PeerCredentials c = a.peerCredentials();
            assertEquals(ProcessHandle.current().pid(), c.pid());
            assertEquals(b.peerCredentials(), c);
            String status = Files.readString(Path.of("/proc/self/status"));
            String uid = status.lines().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow().split("\\s+")[2];
            assertEquals(Integer.parseInt(uid), c.uid());
        }
    }

    @Test
    void tcpMd5SigPerPeer() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM)) {
            var peer = v4("127.0.0.2");
            s.setTcpMd5Sig(new TcpMd5Sig(peer, "secret".getBytes()));
            s.setTcpMd5Sig(new TcpMd5Sig(peer, new byte[0]));
            IOException e = assertThrows(IOException.class, () -> s.setTcpMd5Sig(new TcpMd5Sig(peer, new byte[0])));
            assertEquals("ENOENT", errnoOf(e));
        }
    }

    @Test
    void sndlowatCannotBeChangedOnLinux() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM)) {
            assertEquals(1, s.sendLowat());
            var writable = SockOpt.custom("SO_SNDLOWAT", SockOpt.SO_SNDLOWAT.level(), SockOpt.SO_SNDLOWAT.optname(), Codecs.INT, true, true);
            assertEquals("ENOPROTOOPT", errnoOf(assertThrows(IOException.class, () -> s.setOption(writable, 10))));
        }
    }

    @Test
    void udpSegmentAndGro() throws IOException {
        try (Socket s = Socket.open(Domain.IPV6, Type.DGRAM)) {
            s.setUdpSegment(1200);
            assertEquals(1200, s.udpSegment());
            assertThrows(IllegalArgumentException.class, () -> s.setUdpSegment(65536));
            s.setUdpGro(true);
            assertTrue(s.udpGro());
        }
    }

    @Test
    void optionSetByNameThroughItsTextualForm() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM)) {
            SockOpt.byName("TCP_KEEPIDLE").orElseThrow().setParsed(s, "2m");
            assertEquals(Duration.ofSeconds(120), s.tcpKeepaliveTime());
            SockOpt.byName("IP_TOS").orElseThrow().setParsed(s, "0x20");
            assertEquals(0x20, s.tosV4());
            SockOpt.byName("SO_RCVTIMEO").orElseThrow().setParsed(s, "250ms");
            // the kernel keeps the timeout in ticks (HZ >= 100), so it reads back within one tick above
            Duration t = s.readTimeout().orElseThrow();
            assertTrue(t.compareTo(Duration.ofMillis(250)) >= 0 && t.compareTo(Duration.ofMillis(260)) <= 0, t.toString());
            SockOpt.byName("TCP_NODELAY").orElseThrow().setParsed(s, "on");
            assertTrue(s.tcpNodelay());
        }
    }

    @Test
    void sockRefReadsAndWritesTheSameOptions() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM)) {
            SockRef r = SockRef.of(s.rawFd());
            r.setTcpNodelay(true);
            assertTrue(s.tcpNodelay());
            s.setTtlV4(33);
            assertEquals(33, r.ttlV4());
        }
    }

    /** A BPF program that drops everything really drops; after detach_filter datagrams arrive again. */
    @Test
    void attachFilterDropsAndDetachFilterRestores() throws IOException {
        try (Socket rx = Socket.open(Domain.IPV4, Type.DGRAM); Socket tx = Socket.open(Domain.IPV4, Type.DGRAM)) {
            rx.bind(new InetSocketAddress(v4("127.0.0.1"), 0));
            rx.setReadTimeout(Optional.of(Duration.ofMillis(200)));
            // longer than the per-thread option buffer holds, so the program travels through the larger scratch
            SockFilter[] dropAll = new SockFilter[100];
            java.util.Arrays.fill(dropAll, SockFilter.ret(0));
            rx.attachFilter(dropAll);
            tx.sendTo(new byte[] { 1 }, rx.localAddr());
            assertThrows(java.net.SocketTimeoutException.class, () -> rx.recv(new byte[8]));
            rx.detachFilter();
            rx.setReadTimeout(Optional.of(Duration.ofSeconds(30)));
            tx.sendTo(new byte[] { 2 }, rx.localAddr());
            byte[] buf = new byte[8];
            assertEquals(1, rx.recv(buf));
            assertEquals(2, buf[0]);
            assertEquals("ENOENT", errnoOf(assertThrows(IOException.class, rx::detachFilter)));
        }
    }
}
