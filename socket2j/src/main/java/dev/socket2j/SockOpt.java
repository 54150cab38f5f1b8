package dev.socket2j;

import dev.socket2j.internal.C;
import dev.socket2j.internal.Errno;
import dev.socket2j.internal.Scratch;
import dev.socket2j.internal.Sys;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import static dev.socket2j.SocketKind.ANY;
import static dev.socket2j.SocketKind.DCCP;
import static dev.socket2j.SocketKind.INET;
import static dev.socket2j.SocketKind.RAW;
import static dev.socket2j.SocketKind.TCP;
import static dev.socket2j.SocketKind.UDP;
import static dev.socket2j.SocketKind.UNIX;
import static dev.socket2j.SocketKind.V4;
import static dev.socket2j.SocketKind.V6;
import static dev.socket2j.SocketKind.minus;
import static dev.socket2j.SocketKind.union;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A socket option, declared once: its name, level, option number, value codec, whether it can be read and
 * written, the {@link SocketKind kinds of socket} it applies to on Linux, the names of socket2's getters for it
 * ({@link #socket2Names()}), and its twin in the other IP family ({@link #twin()}, {@link #forFamily}). {@link Socket#getOption} /
 * {@link Socket#setOption} work for every descriptor; the named methods of {@link SocketOptions} delegate to
 * them, and the Netty transport derives its {@code ChannelOption}s from {@link #all()}. Adding an option is
 * one declaration below.
 *
 * <p>Errors: a value outside the codec's range is an {@link IllegalArgumentException} before the syscall; the
 * kernel's refusal is an {@link IOException} implementing {@link OsError} whose message names the call and the
 * option, e.g. {@code getsockopt(TCP_INFO) failed: EOPNOTSUPP (Operation not supported)}. Reading a write-only
 * option or writing a read-only one is an {@link UnsupportedOperationException}.
 *
 * <p>What each option does, its units, errno and privileges are documented once, on its named accessor in
 * {@link SocketOptions} (e.g. {@link #SO_REUSEPORT} on {@link SocketOptions#setReusePort}); the constants below
 * note only what the accessor does not show. Options past socket2's set (Netty epoll's and common proxy needs)
 * are grouped under "beyond socket2" at each level.
 *
 * <p>The option numbers at level {@code SOL_SOCKET} differ on PowerPC; {@code dev.socket2j.internal.C} picks
 * them per architecture.
 *
 * @param <T> the Java type of the value
 */
public final class SockOpt<T> {
    private static final List<SockOpt<?>> ALL = new ArrayList<>();
    private static final Map<String, SockOpt<?>> BY_NAME = new LinkedHashMap<>();

    private final String name;
    private final int level;
    private final int optname;
    private final Codec<T> codec;
    private final boolean readable;
    private final boolean writable;
    private final Set<SocketKind> kinds;
    private final List<String> socket2Names;
    private final String getCall;
    private final String setCall;
    /** The other family's member of a v4/v6 pair; set once, during class initialization, by {@link #twinOf}. */
    private SockOpt<T> v4Twin;
    private SockOpt<T> v6Twin;

    private SockOpt(String name, int level, int optname, Codec<T> codec, boolean readable, boolean writable,
                    Set<SocketKind> kinds, String... socket2Names) {
        this.name = Objects.requireNonNull(name, "name");
        this.level = level;
        this.optname = optname;
        this.codec = Objects.requireNonNull(codec, "codec");
        this.readable = readable;
        this.writable = writable;
        this.kinds = Collections.unmodifiableSet(kinds.isEmpty() ? EnumSet.noneOf(SocketKind.class) : EnumSet.copyOf(kinds));
        this.socket2Names = List.of(socket2Names);
        this.getCall = "getsockopt(" + name + ")";
        this.setCall = "setsockopt(" + name + ")";
    }

    private static <T> SockOpt<T> declare(String name, int level, int optname, Codec<T> codec, boolean r, boolean w,
                                          Set<SocketKind> kinds, String... socket2Names) {
        var opt = new SockOpt<>(name, level, optname, codec, r, w, kinds, socket2Names);
        if (BY_NAME.putIfAbsent(name, opt) != null) throw new AssertionError("option declared twice: " + name);
        ALL.add(opt);
        return opt;
    }

    private static <T> SockOpt<T> rw(String name, int level, int optname, Codec<T> codec, Set<SocketKind> kinds,
                                     String... socket2Names) {
        return declare(name, level, optname, codec, true, true, kinds, socket2Names);
    }

    private static <T> SockOpt<T> ro(String name, int level, int optname, Codec<T> codec, Set<SocketKind> kinds,
                                     String... socket2Names) {
        return declare(name, level, optname, codec, true, false, kinds, socket2Names);
    }

    private static <T> SockOpt<T> wo(String name, int level, int optname, Codec<T> codec, Set<SocketKind> kinds,
                                     String... socket2Names) {
        return declare(name, level, optname, codec, false, true, kinds, socket2Names);
    }

    /** Makes this (IPv6) option and {@code v4} (IPv4) one pair: the same setting for the two families. */
    private SockOpt<T> twinOf(SockOpt<T> v4) {
        if (v4.v6Twin != null || v6Twin != null) throw new AssertionError("paired twice: " + name);
        this.v4Twin = v4;
        v4.v6Twin = this;
        return this;
    }

    /**
     * A descriptor for an option this table lacks (not listed in {@link #all()}): any level, number and codec;
     * it claims to apply to every kind of socket.
     */
    public static <T> SockOpt<T> custom(String name, int level, int optname, Codec<T> codec, boolean readable,
                                        boolean writable) {
        return new SockOpt<>(name, level, optname, codec, readable, writable, ANY);
    }

    private static final Set<SocketKind> TCP_UDP = union(TCP, UDP);
    private static final Set<SocketKind> NOT_RAW = minus(ANY, RAW);
    /** Where IPPROTO_IP options work: IPv4 sockets and IPv6 TCP/UDP ones (for v4-mapped traffic), not raw IPv6. */
    private static final Set<SocketKind> IP = minus(INET, EnumSet.of(SocketKind.RAW_V6));
    /** IPv4 multicast: datagram and raw IPv4 sockets (IPv6 ones join with IPV6_ADD_MEMBERSHIP). */
    private static final Set<SocketKind> MCAST_V4 = EnumSet.of(SocketKind.UDP_V4, SocketKind.RAW_V4);
    /** Multicast sending options refuse stream sockets ({@code EINVAL}/{@code ENOPROTOOPT}). */
    private static final Set<SocketKind> IP_DGRAM = minus(IP, TCP);
    private static final Set<SocketKind> MCAST_V6 = EnumSet.of(SocketKind.UDP_V6, SocketKind.RAW_V6);

    // ================================================================ SOL_SOCKET, socket(7)
    /** {@code SO_BROADCAST}: see {@link SocketOptions#setBroadcast(boolean)}. */
    public static final SockOpt<Boolean> SO_BROADCAST = rw("SO_BROADCAST", C.SOL_SOCKET, C.SO_BROADCAST, Codecs.BOOL, ANY, "broadcast");
    /** {@code SO_ERROR}: see {@link SocketOptions#takeError()}. */
    public static final SockOpt<Integer> SO_ERROR = ro("SO_ERROR", C.SOL_SOCKET, C.SO_ERROR, Codecs.INT, ANY, "take_error");
    /** {@code SO_KEEPALIVE}: see {@link SocketOptions#setKeepalive(boolean)}. */
    public static final SockOpt<Boolean> SO_KEEPALIVE = rw("SO_KEEPALIVE", C.SOL_SOCKET, C.SO_KEEPALIVE, Codecs.BOOL, ANY, "keepalive");
    /** {@code SO_LINGER}: see {@link SocketOptions#setLinger(Optional)}. */
    public static final SockOpt<Optional<Duration>> SO_LINGER = rw("SO_LINGER", C.SOL_SOCKET, C.SO_LINGER, Codecs.LINGER, ANY, "linger");
    /** {@code SO_OOBINLINE}: see {@link SocketOptions#setOutOfBandInline(boolean)}. */
    public static final SockOpt<Boolean> SO_OOBINLINE =
        rw("SO_OOBINLINE", C.SOL_SOCKET, C.SO_OOBINLINE, Codecs.BOOL, ANY, "out_of_band_inline");
    /** {@code SO_PASSCRED}: see {@link SocketOptions#setPasscred(boolean)}. */
    public static final SockOpt<Boolean> SO_PASSCRED = rw("SO_PASSCRED", C.SOL_SOCKET, C.SO_PASSCRED, Codecs.BOOL, UNIX, "passcred");
    /** {@code SO_PRIORITY}: see {@link SocketOptions#setPriority(long)}. */
    public static final SockOpt<Long> SO_PRIORITY = rw("SO_PRIORITY", C.SOL_SOCKET, C.SO_PRIORITY, Codecs.UINT32, ANY, "priority");
    /** {@code SO_RCVBUF}: see {@link SocketOptions#setRecvBufferSize(int)}. */
    public static final SockOpt<Integer> SO_RCVBUF =
        rw("SO_RCVBUF", C.SOL_SOCKET, C.SO_RCVBUF, Codecs.NON_NEGATIVE, ANY, "recv_buffer_size");
    /** {@code SO_RCVTIMEO}: see {@link SocketOptions#setReadTimeout(Optional)}. */
    public static final SockOpt<Optional<Duration>> SO_RCVTIMEO =
        rw("SO_RCVTIMEO", C.SOL_SOCKET, C.SO_RCVTIMEO, Codecs.TIMEVAL, ANY, "read_timeout");
    /** {@code SO_REUSEADDR}: see {@link SocketOptions#setReuseAddress(boolean)}. */
    public static final SockOpt<Boolean> SO_REUSEADDR =
        rw("SO_REUSEADDR", C.SOL_SOCKET, C.SO_REUSEADDR, Codecs.BOOL, ANY, "reuse_address");
    /** {@code SO_SNDBUF}: see {@link SocketOptions#setSendBufferSize(int)}. */
    public static final SockOpt<Integer> SO_SNDBUF =
        rw("SO_SNDBUF", C.SOL_SOCKET, C.SO_SNDBUF, Codecs.NON_NEGATIVE, ANY, "send_buffer_size");
    /** {@code SO_SNDTIMEO}: see {@link SocketOptions#setWriteTimeout(Optional)}. */
    public static final SockOpt<Optional<Duration>> SO_SNDTIMEO =
        rw("SO_SNDTIMEO", C.SOL_SOCKET, C.SO_SNDTIMEO, Codecs.TIMEVAL, ANY, "write_timeout");
    /** {@code SO_TYPE}: see {@link SocketOptions#type()}. */
    public static final SockOpt<Integer> SO_TYPE = ro("SO_TYPE", C.SOL_SOCKET, C.SO_TYPE, Codecs.INT, ANY, "type");
    /** {@code SO_ACCEPTCONN}: see {@link SocketOptions#isListener()}. */
    public static final SockOpt<Boolean> SO_ACCEPTCONN =
        ro("SO_ACCEPTCONN", C.SOL_SOCKET, C.SO_ACCEPTCONN, Codecs.BOOL, ANY, "is_listener");
    /** {@code SO_DOMAIN}: see {@link SocketOptions#domain()}. */
    public static final SockOpt<Integer> SO_DOMAIN = ro("SO_DOMAIN", C.SOL_SOCKET, C.SO_DOMAIN, Codecs.INT, ANY, "domain");
    /** {@code SO_PROTOCOL}: see {@link SocketOptions#protocol()}. */
    public static final SockOpt<Integer> SO_PROTOCOL = ro("SO_PROTOCOL", C.SOL_SOCKET, C.SO_PROTOCOL, Codecs.INT, ANY, "protocol");
    /** {@code SO_MARK}: see {@link SocketOptions#setMark(long)}. */
    public static final SockOpt<Long> SO_MARK = rw("SO_MARK", C.SOL_SOCKET, C.SO_MARK, Codecs.UINT32, ANY, "mark");
    /** {@code SO_BINDTODEVICE}: see {@link SocketOptions#bindDevice(Optional)}. */
    public static final SockOpt<String> SO_BINDTODEVICE =
        rw("SO_BINDTODEVICE", C.SOL_SOCKET, C.SO_BINDTODEVICE, Codecs.name(C.IFNAMSIZ), INET, "device");
    /** {@code SO_BINDTOIFINDEX}: see {@link SocketOptions#bindDeviceByIndexV4(OptionalInt)}. */
    public static final SockOpt<Integer> SO_BINDTOIFINDEX =
        rw("SO_BINDTOIFINDEX", C.SOL_SOCKET, C.SO_BINDTOIFINDEX, Codecs.IFINDEX, INET, "device_index_v4", "device_index_v6");
    /** {@code SO_INCOMING_CPU}: see {@link SocketOptions#setCpuAffinity(int)}. */
    public static final SockOpt<Integer> SO_INCOMING_CPU =
        rw("SO_INCOMING_CPU", C.SOL_SOCKET, C.SO_INCOMING_CPU, Codecs.INT, ANY, "cpu_affinity");
    /** {@code SO_REUSEPORT}: see {@link SocketOptions#setReusePort(boolean)}. */
    public static final SockOpt<Boolean> SO_REUSEPORT = rw("SO_REUSEPORT", C.SOL_SOCKET, C.SO_REUSEPORT, Codecs.BOOL, INET, "reuse_port");
    /** {@code SO_ATTACH_FILTER}: see {@link SocketOptions#attachFilter(SockFilter[])}. */
    public static final SockOpt<SockFilter[]> SO_ATTACH_FILTER =
        wo("SO_ATTACH_FILTER", C.SOL_SOCKET, C.SO_ATTACH_FILTER, Codecs.SOCK_FPROG, ANY);
    /** The value is ignored by the kernel; {@link SocketOptions#detachFilter()} passes 0. */
    public static final SockOpt<Integer> SO_DETACH_FILTER = wo("SO_DETACH_FILTER", C.SOL_SOCKET, C.SO_DETACH_FILTER, Codecs.INT, ANY);
    /** {@code SO_COOKIE}: see {@link SocketOptions#cookie()}. */
    public static final SockOpt<Long> SO_COOKIE = ro("SO_COOKIE", C.SOL_SOCKET, C.SO_COOKIE, Codecs.UINT64, ANY, "cookie");
    /** {@code SO_BUSY_POLL}: see {@link SocketOptions#setBusyPoll(int)}. */
    public static final SockOpt<Integer> SO_BUSY_POLL =
        rw("SO_BUSY_POLL", C.SOL_SOCKET, C.SO_BUSY_POLL, Codecs.NON_NEGATIVE, ANY, "busy_poll");
    // -- beyond socket2
    /** {@code SO_PEERCRED}: see {@link SocketOptions#peerCredentials()}. */
    public static final SockOpt<PeerCredentials> SO_PEERCRED =
        ro("SO_PEERCRED", C.SOL_SOCKET, C.SO_PEERCRED, Codecs.UCRED, UNIX, "peer_credentials");
    /** {@code SO_RCVLOWAT}: see {@link SocketOptions#setRecvLowat(int)}. */
    public static final SockOpt<Integer> SO_RCVLOWAT =
        rw("SO_RCVLOWAT", C.SOL_SOCKET, C.SO_RCVLOWAT, Codecs.NON_NEGATIVE, ANY, "recv_lowat");
    /** Read-only on Linux: it always reads 1, and setting it fails with {@code ENOPROTOOPT}. */
    public static final SockOpt<Integer> SO_SNDLOWAT = ro("SO_SNDLOWAT", C.SOL_SOCKET, C.SO_SNDLOWAT, Codecs.INT, ANY, "send_lowat");
    /** {@code SO_TIMESTAMPNS}: see {@link SocketOptions#setTimestampNs(boolean)}. */
    public static final SockOpt<Boolean> SO_TIMESTAMPNS =
        rw("SO_TIMESTAMPNS", C.SOL_SOCKET, C.SO_TIMESTAMPNS, Codecs.BOOL, ANY, "timestamp_ns");
    /** {@code SO_INCOMING_NAPI_ID}: see {@link SocketOptions#incomingNapiId()}. */
    public static final SockOpt<Integer> SO_INCOMING_NAPI_ID =
        ro("SO_INCOMING_NAPI_ID", C.SOL_SOCKET, C.SO_INCOMING_NAPI_ID, Codecs.INT, ANY, "incoming_napi_id");
    /** {@code SO_ZEROCOPY}: see {@link SocketOptions#setZerocopy(boolean)}. */
    public static final SockOpt<Boolean> SO_ZEROCOPY = rw("SO_ZEROCOPY", C.SOL_SOCKET, C.SO_ZEROCOPY, Codecs.BOOL, TCP_UDP, "zerocopy");
    /** {@code SO_RXQ_OVFL}: see {@link SocketOptions#setRxqOverflow(boolean)}. */
    public static final SockOpt<Boolean> SO_RXQ_OVFL = rw("SO_RXQ_OVFL", C.SOL_SOCKET, C.SO_RXQ_OVFL, Codecs.BOOL, ANY, "rxq_overflow");
    /** {@code SO_PEEK_OFF}: see {@link SocketOptions#setPeekOffset(int)}. */
    public static final SockOpt<Integer> SO_PEEK_OFF =
        rw("SO_PEEK_OFF", C.SOL_SOCKET, C.SO_PEEK_OFF, Codecs.intRange(-1, Integer.MAX_VALUE), NOT_RAW, "peek_offset");

    // ================================================================ IPPROTO_IP, ip(7)
    /** {@code IP_HDRINCL}: see {@link SocketOptions#setHeaderIncludedV4(boolean)}. */
    public static final SockOpt<Boolean> IP_HDRINCL =
        rw("IP_HDRINCL", C.IPPROTO_IP, C.IP_HDRINCL, Codecs.BOOL, EnumSet.of(SocketKind.RAW_V4), "header_included_v4");
    /** {@code IP_TRANSPARENT}: see {@link SocketOptions#setIpTransparentV4(boolean)}. */
    public static final SockOpt<Boolean> IP_TRANSPARENT =
        rw("IP_TRANSPARENT", C.IPPROTO_IP, C.IP_TRANSPARENT, Codecs.BOOL, IP, "ip_transparent_v4");
    /** {@code IP_ADD_MEMBERSHIP}: see {@link SocketOptions#joinMulticastV4(Inet4Address, Inet4Address)}. */
    public static final SockOpt<Membership.V4> IP_ADD_MEMBERSHIP =
        wo("IP_ADD_MEMBERSHIP", C.IPPROTO_IP, C.IP_ADD_MEMBERSHIP, Codecs.IP_MREQN, MCAST_V4);
    /** {@code IP_DROP_MEMBERSHIP}: see {@link SocketOptions#leaveMulticastV4(Inet4Address, Inet4Address)}. */
    public static final SockOpt<Membership.V4> IP_DROP_MEMBERSHIP =
        wo("IP_DROP_MEMBERSHIP", C.IPPROTO_IP, C.IP_DROP_MEMBERSHIP, Codecs.IP_MREQN, MCAST_V4);
    /** {@code IP_ADD_SOURCE_MEMBERSHIP}: see {@link SocketOptions#joinSsmV4(Inet4Address, Inet4Address, Inet4Address)}. */
    public static final SockOpt<Membership.SourceV4> IP_ADD_SOURCE_MEMBERSHIP =
        wo("IP_ADD_SOURCE_MEMBERSHIP", C.IPPROTO_IP, C.IP_ADD_SOURCE_MEMBERSHIP, Codecs.IP_MREQ_SOURCE, MCAST_V4);
    /** {@code IP_DROP_SOURCE_MEMBERSHIP}: see {@link SocketOptions#leaveSsmV4(Inet4Address, Inet4Address, Inet4Address)}. */
    public static final SockOpt<Membership.SourceV4> IP_DROP_SOURCE_MEMBERSHIP =
        wo("IP_DROP_SOURCE_MEMBERSHIP", C.IPPROTO_IP, C.IP_DROP_SOURCE_MEMBERSHIP, Codecs.IP_MREQ_SOURCE, MCAST_V4);
    /** {@code IP_MULTICAST_ALL}: see {@link SocketOptions#setMulticastAllV4(boolean)}. */
    public static final SockOpt<Boolean> IP_MULTICAST_ALL =
        rw("IP_MULTICAST_ALL", C.IPPROTO_IP, C.IP_MULTICAST_ALL, Codecs.BOOL, IP, "multicast_all_v4");
    /** {@code IP_MULTICAST_IF}: see {@link SocketOptions#setMulticastIfV4(Inet4Address)}. */
    public static final SockOpt<Inet4Address> IP_MULTICAST_IF =
        rw("IP_MULTICAST_IF", C.IPPROTO_IP, C.IP_MULTICAST_IF, Codecs.IN_ADDR, IP_DGRAM, "multicast_if_v4");
    /** {@code IP_MULTICAST_LOOP}: see {@link SocketOptions#setMulticastLoopV4(boolean)}. */
    public static final SockOpt<Boolean> IP_MULTICAST_LOOP =
        rw("IP_MULTICAST_LOOP", C.IPPROTO_IP, C.IP_MULTICAST_LOOP, Codecs.BOOL, IP, "multicast_loop_v4");
    /** {@code IP_MULTICAST_TTL}: see {@link SocketOptions#setMulticastTtlV4(int)}. */
    public static final SockOpt<Integer> IP_MULTICAST_TTL =
        rw("IP_MULTICAST_TTL", C.IPPROTO_IP, C.IP_MULTICAST_TTL, Codecs.intRange(-1, 255), IP_DGRAM, "multicast_ttl_v4");
    /** {@code IP_TTL}: see {@link SocketOptions#setTtlV4(int)}. */
    public static final SockOpt<Integer> IP_TTL = rw("IP_TTL", C.IPPROTO_IP, C.IP_TTL, Codecs.intRange(-1, 255), IP, "ttl_v4");
    /** {@code IP_TOS}: see {@link SocketOptions#setTosV4(int)}. */
    public static final SockOpt<Integer> IP_TOS = rw("IP_TOS", C.IPPROTO_IP, C.IP_TOS, Codecs.intRange(0, 255), IP, "tos_v4");
    /** {@code IP_RECVTOS}: see {@link SocketOptions#setRecvTosV4(boolean)}. */
    public static final SockOpt<Boolean> IP_RECVTOS = rw("IP_RECVTOS", C.IPPROTO_IP, C.IP_RECVTOS, Codecs.BOOL, IP, "recv_tos_v4");
    /** {@code SO_ORIGINAL_DST} at level {@code SOL_IP}: the pre-NAT destination of a redirected connection. */
    public static final SockOpt<SockAddr> SO_ORIGINAL_DST =
        ro("SO_ORIGINAL_DST", C.SOL_IP, C.SO_ORIGINAL_DST, Codecs.SOCKADDR, TCP, "original_dst_v4");
    /** {@code IP_FREEBIND}: see {@link SocketOptions#setFreebindV4(boolean)}. */
    public static final SockOpt<Boolean> IP_FREEBIND = rw("IP_FREEBIND", C.SOL_IP, C.IP_FREEBIND, Codecs.BOOL, IP, "freebind_v4");
    // -- beyond socket2
    /** {@code IP_BIND_ADDRESS_NO_PORT}: see {@link SocketOptions#setBindAddressNoPortV4(boolean)}. */
    public static final SockOpt<Boolean> IP_BIND_ADDRESS_NO_PORT =
        rw("IP_BIND_ADDRESS_NO_PORT", C.IPPROTO_IP, C.IP_BIND_ADDRESS_NO_PORT, Codecs.BOOL, IP, "bind_address_no_port_v4");
    /** {@code IP_RECVORIGDSTADDR}: see {@link SocketOptions#setRecvOrigDstAddrV4(boolean)}. */
    public static final SockOpt<Boolean> IP_RECVORIGDSTADDR =
        rw("IP_RECVORIGDSTADDR", C.IPPROTO_IP, C.IP_RECVORIGDSTADDR, Codecs.BOOL, IP, "recv_orig_dst_addr_v4");
    /** {@code IP_PKTINFO}: see {@link SocketOptions#setPktinfoV4(boolean)}. */
    public static final SockOpt<Boolean> IP_PKTINFO = rw("IP_PKTINFO", C.IPPROTO_IP, C.IP_PKTINFO, Codecs.BOOL, IP, "pktinfo_v4");
    /** {@code IP_RECVTTL}: see {@link SocketOptions#setRecvTtlV4(boolean)}. */
    public static final SockOpt<Boolean> IP_RECVTTL = rw("IP_RECVTTL", C.IPPROTO_IP, C.IP_RECVTTL, Codecs.BOOL, IP, "recv_ttl_v4");
    /** {@code IP_PMTUDISC_DONT} (0), {@code _WANT} (1), {@code _DO} (2), {@code _PROBE} (3), {@code _INTERFACE} (4), {@code _OMIT} (5). */
    public static final SockOpt<Integer> IP_MTU_DISCOVER =
        rw("IP_MTU_DISCOVER", C.IPPROTO_IP, C.IP_MTU_DISCOVER, Codecs.intRange(0, 5), IP, "mtu_discover_v4");
    /** The path MTU of a connected socket; {@code ENOTCONN} otherwise. */
    public static final SockOpt<Integer> IP_MTU = ro("IP_MTU", C.IPPROTO_IP, C.IP_MTU, Codecs.INT, IP, "mtu_v4");
    /**
     * Joins a group from one source ({@code struct group_source_req}, RFC 3678); IPv4 addresses at this level.
     * {@code EADDRNOTAVAIL} for addresses of the other family; {@code EADDRINUSE} if already joined.
     */
    public static final SockOpt<GroupSource> MCAST_JOIN_SOURCE_GROUP =
        wo("MCAST_JOIN_SOURCE_GROUP", C.IPPROTO_IP, C.MCAST_JOIN_SOURCE_GROUP, Codecs.GROUP_SOURCE_REQ, MCAST_V4);
    /** Leaves a group joined with {@link #MCAST_JOIN_SOURCE_GROUP}; {@code EADDRNOTAVAIL} if not joined. */
    public static final SockOpt<GroupSource> MCAST_LEAVE_SOURCE_GROUP =
        wo("MCAST_LEAVE_SOURCE_GROUP", C.IPPROTO_IP, C.MCAST_LEAVE_SOURCE_GROUP, Codecs.GROUP_SOURCE_REQ, MCAST_V4);
    /** Stops receiving one source of a group joined for any source ({@code EINVAL} if the group is not joined). */
    public static final SockOpt<GroupSource> MCAST_BLOCK_SOURCE =
        wo("MCAST_BLOCK_SOURCE", C.IPPROTO_IP, C.MCAST_BLOCK_SOURCE, Codecs.GROUP_SOURCE_REQ, MCAST_V4);
    /** Undoes {@link #MCAST_BLOCK_SOURCE} ({@code EADDRNOTAVAIL} if that source is not blocked). */
    public static final SockOpt<GroupSource> MCAST_UNBLOCK_SOURCE =
        wo("MCAST_UNBLOCK_SOURCE", C.IPPROTO_IP, C.MCAST_UNBLOCK_SOURCE, Codecs.GROUP_SOURCE_REQ, MCAST_V4);

    // ================================================================ IPPROTO_IPV6, ipv6(7)
    /** Written and read as {@code IPV6_HDRINCL} (socket2's getter reads {@code IP_HDRINCL} instead). */
    public static final SockOpt<Boolean> IPV6_HDRINCL =
        rw("IPV6_HDRINCL", C.IPPROTO_IPV6, C.IPV6_HDRINCL, Codecs.BOOL, EnumSet.of(SocketKind.RAW_V6), "header_included_v6")
            .twinOf(IP_HDRINCL);
    /** {@code IPV6_TRANSPARENT}: see {@link SocketOptions#setIpTransparentV6(boolean)}. */
    public static final SockOpt<Boolean> IPV6_TRANSPARENT =
        rw("IPV6_TRANSPARENT", C.IPPROTO_IPV6, C.IPV6_TRANSPARENT, Codecs.BOOL, V6, "ip_transparent_v6").twinOf(IP_TRANSPARENT);
    /** {@code IPV6_ADD_MEMBERSHIP}: see {@link SocketOptions#joinMulticastV6(Inet6Address, int)}. */
    public static final SockOpt<Membership.V6> IPV6_ADD_MEMBERSHIP =
        wo("IPV6_ADD_MEMBERSHIP", C.IPPROTO_IPV6, C.IPV6_ADD_MEMBERSHIP, Codecs.IPV6_MREQ, MCAST_V6);
    /** {@code IPV6_DROP_MEMBERSHIP}: see {@link SocketOptions#leaveMulticastV6(Inet6Address, int)}. */
    public static final SockOpt<Membership.V6> IPV6_DROP_MEMBERSHIP =
        wo("IPV6_DROP_MEMBERSHIP", C.IPPROTO_IPV6, C.IPV6_DROP_MEMBERSHIP, Codecs.IPV6_MREQ, MCAST_V6);
    /** {@code IPV6_MULTICAST_HOPS}: see {@link SocketOptions#setMulticastHopsV6(int)}. */
    public static final SockOpt<Integer> IPV6_MULTICAST_HOPS =
        rw("IPV6_MULTICAST_HOPS", C.IPPROTO_IPV6, C.IPV6_MULTICAST_HOPS, Codecs.intRange(-1, 255), MCAST_V6, "multicast_hops_v6")
            .twinOf(IP_MULTICAST_TTL);
    /** {@code IPV6_MULTICAST_ALL}: see {@link SocketOptions#setMulticastAllV6(boolean)}. */
    public static final SockOpt<Boolean> IPV6_MULTICAST_ALL =
        rw("IPV6_MULTICAST_ALL", C.IPPROTO_IPV6, C.IPV6_MULTICAST_ALL, Codecs.BOOL, V6, "multicast_all_v6").twinOf(IP_MULTICAST_ALL);
    /** {@code IPV6_MULTICAST_IF}: see {@link SocketOptions#setMulticastIfV6(int)}. */
    public static final SockOpt<Integer> IPV6_MULTICAST_IF =
        rw("IPV6_MULTICAST_IF", C.IPPROTO_IPV6, C.IPV6_MULTICAST_IF, Codecs.IFINDEX, MCAST_V6, "multicast_if_v6");
    /** {@code IPV6_MULTICAST_LOOP}: see {@link SocketOptions#setMulticastLoopV6(boolean)}. */
    public static final SockOpt<Boolean> IPV6_MULTICAST_LOOP =
        rw("IPV6_MULTICAST_LOOP", C.IPPROTO_IPV6, C.IPV6_MULTICAST_LOOP, Codecs.BOOL, V6, "multicast_loop_v6").twinOf(IP_MULTICAST_LOOP);
    /** {@code IPV6_UNICAST_HOPS}: see {@link SocketOptions#setUnicastHopsV6(int)}. */
    public static final SockOpt<Integer> IPV6_UNICAST_HOPS =
        rw("IPV6_UNICAST_HOPS", C.IPPROTO_IPV6, C.IPV6_UNICAST_HOPS, Codecs.intRange(-1, 255), V6, "unicast_hops_v6").twinOf(IP_TTL);
    /** {@code IPV6_V6ONLY}: see {@link SocketOptions#setOnlyV6(boolean)}. */
    public static final SockOpt<Boolean> IPV6_V6ONLY =
        rw("IPV6_V6ONLY", C.IPPROTO_IPV6, C.IPV6_V6ONLY, Codecs.BOOL, EnumSet.of(SocketKind.TCP_V6, SocketKind.UDP_V6), "only_v6");
    /** {@code IPV6_RECVTCLASS}: see {@link SocketOptions#setRecvTclassV6(boolean)}. */
    public static final SockOpt<Boolean> IPV6_RECVTCLASS =
        rw("IPV6_RECVTCLASS", C.IPPROTO_IPV6, C.IPV6_RECVTCLASS, Codecs.BOOL, V6, "recv_tclass_v6").twinOf(IP_RECVTOS);
    /** {@code IPV6_RECVHOPLIMIT}: see {@link SocketOptions#setRecvHoplimitV6(boolean)}. */
    public static final SockOpt<Boolean> IPV6_RECVHOPLIMIT =
        rw("IPV6_RECVHOPLIMIT", C.IPPROTO_IPV6, C.IPV6_RECVHOPLIMIT, Codecs.BOOL, V6, "recv_hoplimit_v6").twinOf(IP_RECVTTL);
    /** {@code IP6T_SO_ORIGINAL_DST} at level {@code SOL_IPV6}. */
    public static final SockOpt<SockAddr> IP6T_SO_ORIGINAL_DST =
        ro("IP6T_SO_ORIGINAL_DST", C.SOL_IPV6, C.IP6T_SO_ORIGINAL_DST, Codecs.SOCKADDR, EnumSet.of(SocketKind.TCP_V6), "original_dst_v6")
            .twinOf(SO_ORIGINAL_DST);
    /** {@code IPV6_FREEBIND}: see {@link SocketOptions#setFreebindV6(boolean)}. */
    public static final SockOpt<Boolean> IPV6_FREEBIND = rw("IPV6_FREEBIND", C.SOL_IPV6, C.IPV6_FREEBIND, Codecs.BOOL, V6, "freebind_v6")
            .twinOf(IP_FREEBIND);
    /** {@code IPV6_TCLASS}: see {@link SocketOptions#setTclassV6(int)}. */
    public static final SockOpt<Integer> IPV6_TCLASS =
        rw("IPV6_TCLASS", C.IPPROTO_IPV6, C.IPV6_TCLASS, Codecs.intRange(-1, 255), V6, "tclass_v6").twinOf(IP_TOS);
    // -- beyond socket2
    /** {@code IPV6_RECVPKTINFO}: see {@link SocketOptions#setRecvPktinfoV6(boolean)}. */
    public static final SockOpt<Boolean> IPV6_RECVPKTINFO =
        rw("IPV6_RECVPKTINFO", C.IPPROTO_IPV6, C.IPV6_RECVPKTINFO, Codecs.BOOL, V6, "recv_pktinfo_v6").twinOf(IP_PKTINFO);
    /** {@code IPV6_RECVORIGDSTADDR}: see {@link SocketOptions#setRecvOrigDstAddrV6(boolean)}. */
    public static final SockOpt<Boolean> IPV6_RECVORIGDSTADDR =
        rw("IPV6_RECVORIGDSTADDR", C.IPPROTO_IPV6, C.IPV6_RECVORIGDSTADDR, Codecs.BOOL, V6, "recv_orig_dst_addr_v6")
            .twinOf(IP_RECVORIGDSTADDR);
    /** {@code IPV6_PMTUDISC_DONT} (0) … {@code _OMIT} (5), as for {@link #IP_MTU_DISCOVER}. */
    public static final SockOpt<Integer> IPV6_MTU_DISCOVER =
        rw("IPV6_MTU_DISCOVER", C.IPPROTO_IPV6, C.IPV6_MTU_DISCOVER, Codecs.intRange(0, 5), V6, "mtu_discover_v6").twinOf(IP_MTU_DISCOVER);
    /** Read: the path MTU of a connected socket ({@code ENOTCONN} otherwise). Write: cap the MTU used (≥ 1280). */
    public static final SockOpt<Integer> IPV6_MTU = rw("IPV6_MTU", C.IPPROTO_IPV6, C.IPV6_MTU, Codecs.NON_NEGATIVE, V6, "mtu_v6")
            .twinOf(IP_MTU);
    /** {@link #MCAST_JOIN_SOURCE_GROUP} at level {@code IPPROTO_IPV6}: IPv6 addresses (IPv4 groups v4-mapped). */
    public static final SockOpt<GroupSource> MCAST_JOIN_SOURCE_GROUP_V6 =
        wo("MCAST_JOIN_SOURCE_GROUP_V6", C.IPPROTO_IPV6, C.MCAST_JOIN_SOURCE_GROUP, Codecs.GROUP_SOURCE_REQ, MCAST_V6)
            .twinOf(MCAST_JOIN_SOURCE_GROUP);
    /** {@link #MCAST_LEAVE_SOURCE_GROUP} at level {@code IPPROTO_IPV6}. */
    public static final SockOpt<GroupSource> MCAST_LEAVE_SOURCE_GROUP_V6 =
        wo("MCAST_LEAVE_SOURCE_GROUP_V6", C.IPPROTO_IPV6, C.MCAST_LEAVE_SOURCE_GROUP, Codecs.GROUP_SOURCE_REQ, MCAST_V6)
            .twinOf(MCAST_LEAVE_SOURCE_GROUP);
    /** {@link #MCAST_BLOCK_SOURCE} at level {@code IPPROTO_IPV6}. */
    public static final SockOpt<GroupSource> MCAST_BLOCK_SOURCE_V6 =
        wo("MCAST_BLOCK_SOURCE_V6", C.IPPROTO_IPV6, C.MCAST_BLOCK_SOURCE, Codecs.GROUP_SOURCE_REQ, MCAST_V6)
            .twinOf(MCAST_BLOCK_SOURCE);
    /** {@link #MCAST_UNBLOCK_SOURCE} at level {@code IPPROTO_IPV6}. */
    public static final SockOpt<GroupSource> MCAST_UNBLOCK_SOURCE_V6 =
        wo("MCAST_UNBLOCK_SOURCE_V6", C.IPPROTO_IPV6, C.MCAST_UNBLOCK_SOURCE, Codecs.GROUP_SOURCE_REQ, MCAST_V6)
            .twinOf(MCAST_UNBLOCK_SOURCE);

    // ================================================================ IPPROTO_TCP, tcp(7)
    /** {@code TCP_NODELAY}: see {@link SocketOptions#setTcpNodelay(boolean)}. */
    public static final SockOpt<Boolean> TCP_NODELAY = rw("TCP_NODELAY", C.IPPROTO_TCP, C.TCP_NODELAY, Codecs.BOOL, TCP, "tcp_nodelay");
    /** 1 s to 32767 s ({@code MAX_TCP_KEEPIDLE}); sub-second parts rounded up. */
    public static final SockOpt<Duration> TCP_KEEPIDLE =
        rw("TCP_KEEPIDLE", C.IPPROTO_TCP, C.TCP_KEEPIDLE, Codecs.seconds(1, 32767), TCP, "tcp_keepalive_time");
    /** 1 s to 32767 s ({@code MAX_TCP_KEEPINTVL}); sub-second parts rounded up. */
    public static final SockOpt<Duration> TCP_KEEPINTVL =
        rw("TCP_KEEPINTVL", C.IPPROTO_TCP, C.TCP_KEEPINTVL, Codecs.seconds(1, 32767), TCP, "tcp_keepalive_interval");
    /** 1 to 127 ({@code MAX_TCP_KEEPCNT}). */
    public static final SockOpt<Integer> TCP_KEEPCNT =
        rw("TCP_KEEPCNT", C.IPPROTO_TCP, C.TCP_KEEPCNT, Codecs.intRange(1, 127), TCP, "tcp_keepalive_retries");
    /** {@code TCP_MAXSEG}: see {@link SocketOptions#setTcpMss(int)}. */
    public static final SockOpt<Integer> TCP_MAXSEG = rw("TCP_MAXSEG", C.IPPROTO_TCP, C.TCP_MAXSEG, Codecs.NON_NEGATIVE, TCP, "tcp_mss");
    /** {@code TCP_CORK}: see {@link SocketOptions#setTcpCork(boolean)}. */
    public static final SockOpt<Boolean> TCP_CORK = rw("TCP_CORK", C.IPPROTO_TCP, C.TCP_CORK, Codecs.BOOL, TCP, "tcp_cork");
    /** {@code TCP_QUICKACK}: see {@link SocketOptions#setTcpQuickack(boolean)}. */
    public static final SockOpt<Boolean> TCP_QUICKACK =
        rw("TCP_QUICKACK", C.IPPROTO_TCP, C.TCP_QUICKACK, Codecs.BOOL, TCP, "tcp_quickack");
    /** {@code TCP_THIN_LINEAR_TIMEOUTS}: see {@link SocketOptions#setTcpThinLinearTimeouts(boolean)}. */
    public static final SockOpt<Boolean> TCP_THIN_LINEAR_TIMEOUTS =
        rw("TCP_THIN_LINEAR_TIMEOUTS", C.IPPROTO_TCP, C.TCP_THIN_LINEAR_TIMEOUTS, Codecs.BOOL, TCP, "tcp_thin_linear_timeouts");
    /**
     * {@code TCP_NOTSENT_LOWAT}: see {@link SocketOptions#setTcpNotsentLowat(int)}. The kernel keeps a u32 whose
     * default (the sysctl's 4294967295, no limit) reads as -1, which can be written back.
     */
    public static final SockOpt<Integer> TCP_NOTSENT_LOWAT = rw("TCP_NOTSENT_LOWAT", C.IPPROTO_TCP, C.TCP_NOTSENT_LOWAT,
        Codecs.intRange(-1, Integer.MAX_VALUE), TCP, "tcp_notsent_lowat");
    /** {@code TCP_USER_TIMEOUT}: see {@link SocketOptions#setTcpUserTimeout(Optional)}. */
    public static final SockOpt<Optional<Duration>> TCP_USER_TIMEOUT =
        rw("TCP_USER_TIMEOUT", C.IPPROTO_TCP, C.TCP_USER_TIMEOUT, Codecs.MILLIS_OR_DEFAULT, TCP, "tcp_user_timeout");
    /** {@code TCP_CONGESTION}: see {@link SocketOptions#setTcpCongestion(String)}. */
    public static final SockOpt<String> TCP_CONGESTION =
        rw("TCP_CONGESTION", C.IPPROTO_TCP, C.TCP_CONGESTION, Codecs.name(C.TCP_CA_NAME_MAX), TCP, "tcp_congestion");
    // -- beyond socket2
    /** {@code TCP_INFO}: see {@link SocketOptions#tcpInfo()}. */
    public static final SockOpt<TcpInfo> TCP_INFO = ro("TCP_INFO", C.IPPROTO_TCP, C.TCP_INFO, Codecs.TCP_INFO, TCP, "tcp_info");
    /** Whole seconds (rounded up), 0 = off; the kernel keeps a retransmission count, so it reads back rounded. */
    public static final SockOpt<Duration> TCP_DEFER_ACCEPT =
        rw("TCP_DEFER_ACCEPT", C.IPPROTO_TCP, C.TCP_DEFER_ACCEPT, Codecs.seconds(0, Integer.MAX_VALUE), TCP, "tcp_defer_accept");
    /** The server's queue of pending Fast Open requests (its length; 0 disables). */
    public static final SockOpt<Integer> TCP_FASTOPEN =
        rw("TCP_FASTOPEN", C.IPPROTO_TCP, C.TCP_FASTOPEN, Codecs.NON_NEGATIVE, TCP, "tcp_fastopen");
    /** {@code TCP_FASTOPEN_CONNECT}: see {@link SocketOptions#setTcpFastopenConnect(boolean)}. */
    public static final SockOpt<Boolean> TCP_FASTOPEN_CONNECT =
        rw("TCP_FASTOPEN_CONNECT", C.IPPROTO_TCP, C.TCP_FASTOPEN_CONNECT, Codecs.BOOL, TCP, "tcp_fastopen_connect");
    /** {@code TCP_MD5SIG}: see {@link SocketOptions#setTcpMd5Sig(TcpMd5Sig)}. */
    public static final SockOpt<TcpMd5Sig> TCP_MD5SIG = wo("TCP_MD5SIG", C.IPPROTO_TCP, C.TCP_MD5SIG, Codecs.TCP_MD5SIG, TCP);
    /** 1 to 127 ({@code MAX_TCP_SYNCNT}). */
    public static final SockOpt<Integer> TCP_SYNCNT =
        rw("TCP_SYNCNT", C.IPPROTO_TCP, C.TCP_SYNCNT, Codecs.intRange(1, 127), TCP, "tcp_syncnt");
    /** {@code TCP_WINDOW_CLAMP}: see {@link SocketOptions#setTcpWindowClamp(int)}. */
    public static final SockOpt<Integer> TCP_WINDOW_CLAMP =
        rw("TCP_WINDOW_CLAMP", C.IPPROTO_TCP, C.TCP_WINDOW_CLAMP, Codecs.NON_NEGATIVE, TCP, "tcp_window_clamp");
    /** Seconds in FIN_WAIT2; -1 = go to CLOSED at once; 0 = the system default; capped by the kernel at 120. */
    public static final SockOpt<Integer> TCP_LINGER2 =
        rw("TCP_LINGER2", C.IPPROTO_TCP, C.TCP_LINGER2, Codecs.intRange(-1, Integer.MAX_VALUE), TCP, "tcp_linger2");

    // ================================================================ SOL_UDP, udp(7)
    /** The GSO segment size (0 = off, at most 65535). */
    public static final SockOpt<Integer> UDP_SEGMENT =
        rw("UDP_SEGMENT", C.SOL_UDP, C.UDP_SEGMENT, Codecs.intRange(0, 65535), UDP, "udp_segment");
    /** {@code UDP_GRO}: see {@link SocketOptions#setUdpGro(boolean)}. */
    public static final SockOpt<Boolean> UDP_GRO = rw("UDP_GRO", C.SOL_UDP, C.UDP_GRO, Codecs.BOOL, UDP, "udp_gro");

    // ================================================================ SOL_DCCP (removed from Linux in 6.16)
    /** {@code DCCP_SOCKOPT_SERVICE}: see {@link SocketOptions#setDccpService(int)}. */
    public static final SockOpt<Integer> DCCP_SOCKOPT_SERVICE =
        rw("DCCP_SOCKOPT_SERVICE", C.SOL_DCCP, C.DCCP_SOCKOPT_SERVICE, Codecs.NON_NEGATIVE, DCCP, "dccp_service");
    /** {@code DCCP_SOCKOPT_CCID}: see {@link SocketOptions#setDccpCcid(int)}. */
    public static final SockOpt<Integer> DCCP_SOCKOPT_CCID =
        wo("DCCP_SOCKOPT_CCID", C.SOL_DCCP, C.DCCP_SOCKOPT_CCID, Codecs.UINT8, DCCP);
    /** {@code DCCP_SOCKOPT_TX_CCID}: see {@link SocketOptions#dccpTxCcid()}. */
    public static final SockOpt<Integer> DCCP_SOCKOPT_TX_CCID =
        ro("DCCP_SOCKOPT_TX_CCID", C.SOL_DCCP, C.DCCP_SOCKOPT_TX_CCID, Codecs.INT, DCCP, "dccp_tx_ccid");
    /** {@code DCCP_SOCKOPT_RX_CCID}: see {@link SocketOptions#dccpXxCcid()}. */
    public static final SockOpt<Integer> DCCP_SOCKOPT_RX_CCID =
        ro("DCCP_SOCKOPT_RX_CCID", C.SOL_DCCP, C.DCCP_SOCKOPT_RX_CCID, Codecs.INT, DCCP, "dccp_xx_ccid");
    /** {@code DCCP_SOCKOPT_SERVER_TIMEWAIT}: see {@link SocketOptions#setDccpServerTimewait(boolean)}. */
    public static final SockOpt<Boolean> DCCP_SOCKOPT_SERVER_TIMEWAIT =
        rw("DCCP_SOCKOPT_SERVER_TIMEWAIT", C.SOL_DCCP, C.DCCP_SOCKOPT_SERVER_TIMEWAIT, Codecs.BOOL, DCCP, "dccp_server_timewait");
    /** {@code DCCP_SOCKOPT_SEND_CSCOV}: see {@link SocketOptions#setDccpSendCscov(int)}. */
    public static final SockOpt<Integer> DCCP_SOCKOPT_SEND_CSCOV =
        rw("DCCP_SOCKOPT_SEND_CSCOV", C.SOL_DCCP, C.DCCP_SOCKOPT_SEND_CSCOV, Codecs.intRange(0, 15), DCCP, "dccp_send_cscov");
    /** {@code DCCP_SOCKOPT_RECV_CSCOV}: see {@link SocketOptions#setDccpRecvCscov(int)}. */
    public static final SockOpt<Integer> DCCP_SOCKOPT_RECV_CSCOV =
        rw("DCCP_SOCKOPT_RECV_CSCOV", C.SOL_DCCP, C.DCCP_SOCKOPT_RECV_CSCOV, Codecs.intRange(0, 15), DCCP, "dccp_recv_cscov");
    /** {@code DCCP_SOCKOPT_QPOLICY_TXQLEN}: see {@link SocketOptions#setDccpQpolicyTxqlen(int)}. */
    public static final SockOpt<Integer> DCCP_SOCKOPT_QPOLICY_TXQLEN =
        rw("DCCP_SOCKOPT_QPOLICY_TXQLEN", C.SOL_DCCP, C.DCCP_SOCKOPT_QPOLICY_TXQLEN, Codecs.NON_NEGATIVE, DCCP, "dccp_qpolicy_txqlen");
    /** {@code DCCP_SOCKOPT_AVAILABLE_CCIDS}: see {@link SocketOptions#dccpAvailableCcids()}. */
    public static final SockOpt<CcidEndpoints> DCCP_SOCKOPT_AVAILABLE_CCIDS =
        ro("DCCP_SOCKOPT_AVAILABLE_CCIDS", C.SOL_DCCP, C.DCCP_SOCKOPT_AVAILABLE_CCIDS, Codecs.CCIDS, DCCP, "dccp_available_ccids");
    /** {@code DCCP_SOCKOPT_GET_CUR_MPS}: see {@link SocketOptions#dccpCurMps()}. */
    public static final SockOpt<Integer> DCCP_SOCKOPT_GET_CUR_MPS =
        ro("DCCP_SOCKOPT_GET_CUR_MPS", C.SOL_DCCP, C.DCCP_SOCKOPT_GET_CUR_MPS, Codecs.INT, DCCP, "dccp_cur_mps");

    // ================================================================ the descriptor API

    /** Every option of the table, in declaration order. */
    public static List<SockOpt<?>> all() { return Collections.unmodifiableList(ALL); }

    /** The table's option with this name (e.g. {@code "TCP_NODELAY"}), for command lines. */
    public static Optional<SockOpt<?>> byName(String name) { return Optional.ofNullable(BY_NAME.get(name)); }

    /** The C name, e.g. {@code "SO_REUSEPORT"}. */
    public String name() { return name; }
    /** The {@code level} argument of getsockopt/setsockopt. */
    public int level() { return level; }
    /** The {@code optname} argument of getsockopt/setsockopt. */
    public int optname() { return optname; }
    /** How the value is encoded in and decoded from the {@code optval} buffer. */
    public Codec<T> codec() { return codec; }
    /** Whether {@code getsockopt(2)} can read the option. */
    public boolean readable() { return readable; }
    /** Whether {@code setsockopt(2)} can write the option. */
    public boolean writable() { return writable; }
    /** The kinds of socket the option works on under Linux. */
    public Set<SocketKind> kinds() { return kinds; }
    /** Whether the option works on sockets of {@code kind}. */
    public boolean appliesTo(SocketKind kind) { return kinds.contains(kind); }

    /**
     * The snake_case names of socket2's getters that read this option ({@code "tcp_keepalive_time"} for
     * {@link #TCP_KEEPIDLE}, {@code "device_index_v4"} and {@code "device_index_v6"} for {@link #SO_BINDTOIFINDEX});
     * empty for an option socket2j reads without such a getter (write-only ones, {@link #custom} ones). The Java
     * names of {@link SocketOptions} are the same in camelCase.
     */
    public List<String> socket2Names() { return socket2Names; }

    /**
     * The same setting in the other IP family: {@link #IP_TOS} and {@link #IPV6_TCLASS}, {@link #IP_TTL} and
     * {@link #IPV6_UNICAST_HOPS}, {@link #IP_MULTICAST_TTL} and {@link #IPV6_MULTICAST_HOPS}, {@link #IP_MULTICAST_LOOP}
     * and {@link #IPV6_MULTICAST_LOOP}, ... ; empty for an option of no family ({@code SO_*}, {@code TCP_*}) or one
     * whose value differs between the families ({@code IP_MULTICAST_IF} takes an address, {@code IPV6_MULTICAST_IF}
     * an index).
     */
    public Optional<SockOpt<T>> twin() { return Optional.ofNullable(v6Twin != null ? v6Twin : v4Twin); }

    /**
     * This option as a socket of {@code family} takes it: the IPv6 member of a pair for {@link Domain#IPV6}, the IPv4
     * member for {@link Domain#IPV4}, and this option itself otherwise (no twin, or another family).
     */
    public SockOpt<T> forFamily(Domain family) {
        if (family.equals(Domain.IPV6) && v6Twin != null) return v6Twin;
        if (family.equals(Domain.IPV4) && v4Twin != null) return v4Twin;
        return this;
    }

    /**
     * The option a write of {@code forFamily(kind.domain())} also makes on a socket of {@code kind}, best effort: on an
     * IPv6 (dual-stack) socket, the IPv4 twin where it applies to that kind and can be written, because Linux keeps
     * the IPv4 setting for traffic with IPv4-mapped peers ({@code IP_TOS} after {@code IPV6_TCLASS}, as Netty's
     * epoll transport and the JDK's {@code sun.nio.ch} do); empty otherwise.
     */
    public Optional<SockOpt<T>> alsoWrite(SocketKind kind) {
        SockOpt<T> v6 = forFamily(Domain.IPV6);
        if (!kind.domain().equals(Domain.IPV6) || v6.v4Twin == null) return Optional.empty();
        SockOpt<T> v4 = v6.v4Twin;
        return v4.writable && v4.appliesTo(kind) ? Optional.of(v4) : Optional.empty();
    }

    /** Parses {@code text} with the codec and writes it, for command lines ({@code --opt SO_RCVBUF=1m}). */
    public void setParsed(SocketOptions socket, String text) throws IOException { socket.setOption(this, codec.parse(text)); }

    T get(int fd) throws IOException {
        if (!readable) throw new UnsupportedOperationException(name + " cannot be read");
        Scratch s = Scratch.get();
        MemorySegment buf = s.optval(codec.size());
        buf.asSlice(0, codec.size()).fill((byte) 0);
        s.len.set(JAVA_INT, 0, codec.size());
        try {
            Sys.getsockopt(s.capture, fd, level, optname, buf, s.len, getCall);
        } catch (IOException e) {
            throw explained(e, getCall);
        }
        return codec.decode(buf, s.len.get(JAVA_INT, 0));
    }

    void set(int fd, T value) throws IOException {
        if (!writable) throw new UnsupportedOperationException(name + " cannot be written");
        Objects.requireNonNull(value, name);
        Scratch s = Scratch.get();
        int size = codec.encodedSize(value);
        MemorySegment buf = s.optval(size);
        int len = codec.encode(value, buf);
        try {
            Sys.setsockopt(s.capture, fd, level, optname, len == 0 ? MemorySegment.NULL : buf, len, setCall);
        } catch (IOException e) {
            throw explained(e, setCall);
        }
    }

    /**
     * {@link #get} of an option whose codec is a {@link Codec.OfInt}, with nothing boxed: the value as an {@code int}
     * (a boolean as 1/0). Another codec goes through {@link #get}; its value must then be an {@code Integer} or
     * {@code Boolean} (the callers' types guarantee it).
     */
    int getInt(int fd) throws IOException {
        if (!(codec instanceof Codec.OfInt<T> c)) {
            Object v = get(fd);
            return v instanceof Boolean b ? (b ? 1 : 0) : (Integer) v;
        }
        if (!readable) throw new UnsupportedOperationException(name + " cannot be read");
        Scratch s = Scratch.get();
        MemorySegment buf = s.optval;
        buf.set(JAVA_INT, 0, 0);
        s.len.set(JAVA_INT, 0, 4);
        try {
            Sys.getsockopt(s.capture, fd, level, optname, buf, s.len, getCall);
        } catch (IOException e) {
            throw explained(e, getCall);
        }
        return c.decodeInt(buf, s.len.get(JAVA_INT, 0));
    }

    /**
     * {@link #set} of an {@code int} (a boolean as {@code value != 0}) through a {@link Codec.OfInt} codec, with
     * nothing boxed. {@code asBoolean}: the option's values are {@code Boolean}s (decides the boxed fallback of
     * another codec).
     */
    @SuppressWarnings("unchecked")
    void setInt(int fd, int value, boolean asBoolean) throws IOException {
        if (!(codec instanceof Codec.OfInt<T> c)) {
            set(fd, (T) (asBoolean ? (Object) (value != 0) : (Object) value));
            return;
        }
        if (!writable) throw new UnsupportedOperationException(name + " cannot be written");
        Scratch s = Scratch.get();
        MemorySegment buf = s.optval;
        int len = c.encodeInt(value, buf);
        try {
            Sys.setsockopt(s.capture, fd, level, optname, buf, len, setCall);
        } catch (IOException e) {
            throw explained(e, setCall);
        }
    }

    /** Adds the reason DCCP options fail on kernels without DCCP (Linux 6.16 removed it). */
    private IOException explained(IOException e, String call) {
        if (level == C.SOL_DCCP && !Dccp.SUPPORTED && e instanceof OsError os) {
            return new NativeIoException(call, os.errno(), e.getMessage() + "; " + Dccp.UNSUPPORTED);
        }
        return e;
    }

    /** Whether this kernel has DCCP, probed once by opening a DCCP socket. */
    static final class Dccp {
        static final String UNSUPPORTED = "DCCP is not supported by this kernel (removed in Linux 6.16)";
        static final boolean SUPPORTED = probe();

        private static boolean probe() {
            try {
                Sys.close(Sys.socket(C.AF_INET, C.SOCK_DCCP | C.SOCK_CLOEXEC, C.IPPROTO_DCCP));
                return true;
            } catch (IOException e) {
                int errno = e instanceof OsError os ? os.errno() : 0;
                // other errors (EMFILE, EACCES) say nothing about DCCP: assume it is there
                return !(errno == Errno.ESOCKTNOSUPPORT || errno == Errno.EPROTONOSUPPORT
                    || errno == Errno.EAFNOSUPPORT || errno == Errno.ENOPROTOOPT);
            }
        }
    }

    @Override public String toString() { return name; }
}
