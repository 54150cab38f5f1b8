package dev.socket2j.internal;

import static dev.socket2j.internal.Platform.SO_FAMILY;
import static dev.socket2j.internal.Platform.SoFamily.POWERPC;

/**
 * Linux constants, one table. Values are the kernel's UAPI numbers, shared by every Linux architecture
 * that JDK 22+ runs on, except the {@code SOL_SOCKET} options that PowerPC numbers differently
 * (chosen at class init through {@link Platform}; other architectures are refused there).
 */
public final class C {
    private C() {}

    // -- address families
    public static final int AF_UNSPEC = 0, AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, AF_PACKET = 17, AF_VSOCK = 40;

    // -- socket types and type flags
    public static final int SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_RDM = 4, SOCK_SEQPACKET = 5,
        SOCK_DCCP = 6, SOCK_PACKET = 10;
    public static final int SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;

    // -- protocols, and levels that are protocols
    public static final int IPPROTO_IP = 0, IPPROTO_ICMP = 1, IPPROTO_TCP = 6, IPPROTO_UDP = 17,
        IPPROTO_DCCP = 33, IPPROTO_IPV6 = 41, IPPROTO_ICMPV6 = 58, IPPROTO_SCTP = 132, IPPROTO_UDPLITE = 136,
        IPPROTO_RAW = 255, IPPROTO_MPTCP = 262;
    public static final int SOL_SOCKET = 1, SOL_IP = 0, SOL_IPV6 = 41, SOL_TCP = 6, SOL_UDP = 17, SOL_DCCP = 269;

    // -- message flags
    public static final int MSG_OOB = 0x1, MSG_PEEK = 0x2, MSG_DONTROUTE = 0x4, MSG_CTRUNC = 0x8,
        MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40, MSG_EOR = 0x80, MSG_WAITALL = 0x100, MSG_CONFIRM = 0x800,
        MSG_ERRQUEUE = 0x2000, MSG_NOSIGNAL = 0x4000, MSG_MORE = 0x8000, MSG_WAITFORONE = 0x10000,
        MSG_ZEROCOPY = 0x4000000, MSG_FASTOPEN = 0x20000000, MSG_CMSG_CLOEXEC = 0x40000000;

    // -- shutdown, fcntl, poll
    public static final int SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;
    public static final int F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_DUPFD_CLOEXEC = 1030;
    public static final int FD_CLOEXEC = 1, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000, O_RDONLY = 0;
    public static final short POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;

    // -- SOL_SOCKET (PowerPC renumbers six of them)
    public static final int SO_DEBUG = 1, SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4, SO_DONTROUTE = 5,
        SO_BROADCAST = 6, SO_SNDBUF = 7, SO_RCVBUF = 8, SO_KEEPALIVE = 9, SO_OOBINLINE = 10, SO_NO_CHECK = 11,
        SO_PRIORITY = 12, SO_LINGER = 13, SO_REUSEPORT = 15;
    public static final int SO_PASSCRED = SO_FAMILY == POWERPC ? 20 : 16;
    public static final int SO_PEERCRED = SO_FAMILY == POWERPC ? 21 : 17;
    public static final int SO_RCVLOWAT = SO_FAMILY == POWERPC ? 16 : 18;
    public static final int SO_SNDLOWAT = SO_FAMILY == POWERPC ? 17 : 19;
    /** The 64-bit-time variants: on 64-bit Linux the "old" numbers already take a 64-bit timeval. */
    public static final int SO_RCVTIMEO = SO_FAMILY == POWERPC ? 18 : 20;
    public static final int SO_SNDTIMEO = SO_FAMILY == POWERPC ? 19 : 21;
    public static final int SO_BINDTODEVICE = 25, SO_ATTACH_FILTER = 26, SO_DETACH_FILTER = 27, SO_PEERNAME = 28,
        SO_TIMESTAMP = 29, SO_ACCEPTCONN = 30, SO_SNDBUFFORCE = 32, SO_RCVBUFFORCE = 33, SO_TIMESTAMPNS = 35,
        SO_MARK = 36, SO_TIMESTAMPING = 37, SO_PROTOCOL = 38, SO_DOMAIN = 39, SO_RXQ_OVFL = 40, SO_PEEK_OFF = 42,
        SO_BUSY_POLL = 46, SO_MAX_PACING_RATE = 47, SO_INCOMING_CPU = 49, SO_INCOMING_NAPI_ID = 56, SO_COOKIE = 57,
        SO_ZEROCOPY = 60, SO_BINDTOIFINDEX = 62, SO_PREFER_BUSY_POLL = 69, SO_BUSY_POLL_BUDGET = 70;
    public static final int SCM_RIGHTS = 1, SCM_CREDENTIALS = 2, SCM_TIMESTAMPNS = SO_TIMESTAMPNS;

    // -- IPPROTO_IP
    public static final int IP_TOS = 1, IP_TTL = 2, IP_HDRINCL = 3, IP_OPTIONS = 4, IP_PKTINFO = 8,
        IP_MTU_DISCOVER = 10, IP_RECVERR = 11, IP_RECVTTL = 12, IP_RECVTOS = 13, IP_MTU = 14, IP_FREEBIND = 15,
        IP_TRANSPARENT = 19, IP_ORIGDSTADDR = 20, IP_RECVORIGDSTADDR = 20, IP_MINTTL = 21,
        IP_BIND_ADDRESS_NO_PORT = 24, IP_MULTICAST_IF = 32, IP_MULTICAST_TTL = 33, IP_MULTICAST_LOOP = 34,
        IP_ADD_MEMBERSHIP = 35, IP_DROP_MEMBERSHIP = 36, IP_ADD_SOURCE_MEMBERSHIP = 39,
        IP_DROP_SOURCE_MEMBERSHIP = 40, MCAST_JOIN_GROUP = 42, MCAST_LEAVE_GROUP = 45,
        MCAST_JOIN_SOURCE_GROUP = 46, MCAST_LEAVE_SOURCE_GROUP = 47, IP_MULTICAST_ALL = 49, SO_ORIGINAL_DST = 80;
    public static final int IP_PMTUDISC_DONT = 0, IP_PMTUDISC_WANT = 1, IP_PMTUDISC_DO = 2, IP_PMTUDISC_PROBE = 3;

    // -- IPPROTO_IPV6
    public static final int IPV6_UNICAST_HOPS = 16, IPV6_MULTICAST_IF = 17, IPV6_MULTICAST_HOPS = 18,
        IPV6_MULTICAST_LOOP = 19, IPV6_ADD_MEMBERSHIP = 20, IPV6_DROP_MEMBERSHIP = 21, IPV6_MTU_DISCOVER = 23,
        IPV6_MTU = 24, IPV6_RECVERR = 25, IPV6_V6ONLY = 26, IPV6_MULTICAST_ALL = 29, IPV6_HDRINCL = 36,
        IPV6_RECVPKTINFO = 49, IPV6_PKTINFO = 50, IPV6_RECVHOPLIMIT = 51, IPV6_HOPLIMIT = 52,
        IPV6_RECVTCLASS = 66, IPV6_TCLASS = 67, IPV6_RECVORIGDSTADDR = 74, IPV6_ORIGDSTADDR = 74,
        IPV6_TRANSPARENT = 75, IPV6_FREEBIND = 78, IP6T_SO_ORIGINAL_DST = 80;

    // -- IPPROTO_TCP
    public static final int TCP_NODELAY = 1, TCP_MAXSEG = 2, TCP_CORK = 3, TCP_KEEPIDLE = 4, TCP_KEEPINTVL = 5,
        TCP_KEEPCNT = 6, TCP_SYNCNT = 7, TCP_LINGER2 = 8, TCP_DEFER_ACCEPT = 9, TCP_WINDOW_CLAMP = 10,
        TCP_INFO = 11, TCP_QUICKACK = 12, TCP_CONGESTION = 13, TCP_MD5SIG = 14, TCP_THIN_LINEAR_TIMEOUTS = 16,
        TCP_USER_TIMEOUT = 18, TCP_FASTOPEN = 23, TCP_NOTSENT_LOWAT = 25, TCP_FASTOPEN_CONNECT = 30,
        TCP_INQ = 36;
    /** Kernel buffer sizes that bound names: interface names and congestion-control names. */
    public static final int IFNAMSIZ = 16, TCP_CA_NAME_MAX = 16;

    // -- SOL_UDP
    public static final int UDP_CORK = 1, UDP_SEGMENT = 103, UDP_GRO = 104;

    // -- SOL_DCCP
    public static final int DCCP_SOCKOPT_SERVICE = 2, DCCP_SOCKOPT_GET_CUR_MPS = 5,
        DCCP_SOCKOPT_SERVER_TIMEWAIT = 6, DCCP_SOCKOPT_SEND_CSCOV = 10, DCCP_SOCKOPT_RECV_CSCOV = 11,
        DCCP_SOCKOPT_AVAILABLE_CCIDS = 12, DCCP_SOCKOPT_CCID = 13, DCCP_SOCKOPT_TX_CCID = 14,
        DCCP_SOCKOPT_RX_CCID = 15, DCCP_SOCKOPT_QPOLICY_TXQLEN = 17;

    // -- vsock
    public static final int VMADDR_CID_ANY = -1, VMADDR_CID_LOCAL = 1, VMADDR_CID_HOST = 2, VMADDR_PORT_ANY = -1;

    // -- limits
    public static final int IOV_MAX = 1024, UIO_MAXIOV = 1024, SUN_PATH_LEN = 108;
    /** Linux caps one sendfile(2) at this many bytes (MAX_RW_COUNT). */
    public static final long SENDFILE_MAX = 0x7ffff000L;
    /** splice(2) flags: move pages rather than copy where the kernel can; never block on the pipe. */
    public static final int SPLICE_F_MOVE = 1, SPLICE_F_NONBLOCK = 2;
    /** fcntl(2) command that sets a pipe's capacity (Linux 2.6.35). */
    public static final int F_SETPIPE_SZ = 1031;

    // -- epoll, eventfd, timerfd
    public static final int EPOLLIN = 0x1, EPOLLPRI = 0x2, EPOLLOUT = 0x4, EPOLLERR = 0x8, EPOLLHUP = 0x10,
        EPOLLRDHUP = 0x2000, EPOLLET = 1 << 31;
    public static final int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3, EPOLL_CLOEXEC = 0x80000;
    public static final int EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;
    public static final int TFD_CLOEXEC = 0x80000, TFD_NONBLOCK = 0x800, CLOCK_MONOTONIC = 1;

    // -- multicast source filtering (added for the Netty datagram channel)
    public static final int MCAST_BLOCK_SOURCE = 43, MCAST_UNBLOCK_SOURCE = 44;
}
