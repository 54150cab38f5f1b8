package dev.socket2j;

import dev.socket2j.internal.C;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The kinds of socket an option can apply to: family × type (× protocol for raw sockets). {@link SockOpt#kinds()}
 * says on which of them an option works on Linux, so a transport can list the options of a TCP, UDP or Unix
 * channel without trying them.
 */
public enum SocketKind {
    /** An IPv4 TCP socket. */
    TCP_V4(Domain.IPV4, Type.STREAM, Protocol.TCP),
    /** An IPv6 TCP socket (which also carries v4-mapped traffic). */
    TCP_V6(Domain.IPV6, Type.STREAM, Protocol.TCP),
    /** An IPv4 UDP socket. */
    UDP_V4(Domain.IPV4, Type.DGRAM, Protocol.UDP),
    /** An IPv6 UDP socket. */
    UDP_V6(Domain.IPV6, Type.DGRAM, Protocol.UDP),
    /** A Unix stream socket (SEQPACKET ones take the same options). */
    UNIX_STREAM(Domain.UNIX, Type.STREAM, null),
    /** A Unix datagram socket. */
    UNIX_DGRAM(Domain.UNIX, Type.DGRAM, null),
    /** A raw IPv4 socket (ICMP here; needs CAP_NET_RAW). */
    RAW_V4(Domain.IPV4, Type.RAW, Protocol.ICMPV4),
    /** A raw IPv6 socket (ICMPv6 here; needs CAP_NET_RAW). */
    RAW_V6(Domain.IPV6, Type.RAW, Protocol.ICMPV6),
    /** DCCP, which Linux removed in 6.16: such sockets cannot be created on newer kernels. */
    DCCP_V4(Domain.IPV4, Type.DCCP, Protocol.DCCP),
    /** DCCP over IPv6 (see {@link #DCCP_V4}). */
    DCCP_V6(Domain.IPV6, Type.DCCP, Protocol.DCCP);

    private final Domain domain;
    private final Type type;
    private final Protocol protocol;

    SocketKind(Domain domain, Type type, Protocol protocol) {
        this.domain = domain;
        this.type = type;
        this.protocol = protocol;
    }

    /** The address family a socket of this kind is opened with. */
    public Domain domain() { return domain; }
    /** The socket type a socket of this kind is opened with. */
    public Type type() { return type; }
    /** The protocol a socket of this kind is opened with; empty for the family's default (Unix sockets). */
    public Optional<Protocol> protocol() { return Optional.ofNullable(protocol); }

    /** Opens a fresh socket of this kind. */
    public Socket open() throws IOException { return Socket.open(domain, type, protocol); }

    /** The kind of a socket with this family and type; empty if no kind matches (e.g. AF_PACKET). */
    public static Optional<SocketKind> of(Domain domain, Type type) {
        int t = type.value() & ~(C.SOCK_NONBLOCK | C.SOCK_CLOEXEC);
        for (SocketKind k : values()) {
            if (k.domain.equals(domain) && k.type.value() == t) return Optional.of(k);
        }
        // SEQPACKET Unix sockets take the options of stream ones
        if (domain.equals(Domain.UNIX) && t == C.SOCK_SEQPACKET) return Optional.of(UNIX_STREAM);
        return Optional.empty();
    }

    // -- the sets the option table is written with
    static final Set<SocketKind> TCP = EnumSet.of(TCP_V4, TCP_V6);
    static final Set<SocketKind> UDP = EnumSet.of(UDP_V4, UDP_V6);
    static final Set<SocketKind> RAW = EnumSet.of(RAW_V4, RAW_V6);
    static final Set<SocketKind> DCCP = EnumSet.of(DCCP_V4, DCCP_V6);
    static final Set<SocketKind> UNIX = EnumSet.of(UNIX_STREAM, UNIX_DGRAM);
    static final Set<SocketKind> V4 = EnumSet.of(TCP_V4, UDP_V4, RAW_V4, DCCP_V4);
    static final Set<SocketKind> V6 = EnumSet.of(TCP_V6, UDP_V6, RAW_V6, DCCP_V6);
    static final Set<SocketKind> INET = union(V4, V6);
    static final Set<SocketKind> ANY = EnumSet.allOf(SocketKind.class);

    @SafeVarargs
    static Set<SocketKind> union(Set<SocketKind>... sets) {
        EnumSet<SocketKind> all = EnumSet.noneOf(SocketKind.class);
        for (Set<SocketKind> s : sets) all.addAll(s);
        return all;
    }

    static Set<SocketKind> minus(Set<SocketKind> a, Set<SocketKind> b) {
        EnumSet<SocketKind> r = EnumSet.copyOf(a);
        r.removeAll(b);
        return r;
    }
}
