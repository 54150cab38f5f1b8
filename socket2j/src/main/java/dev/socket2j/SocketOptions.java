package dev.socket2j;

import dev.socket2j.internal.C;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The named option accessors of socket2 (all 133 that socket2 0.6.4 has on Linux with feature {@code all}) and
 * of the options Netty users add to them, each a one-line delegation to {@link #getOption} / {@link #setOption}
 * with a {@link SockOpt} descriptor. Implemented by {@link Socket} and {@link SockRef}.
 *
 * <p>Setters carry the semantics; getters say "see the setter". Common to all:
 * <ul>
 *   <li>A value outside the range of the C type (or the kernel's documented range) is an
 *       {@link IllegalArgumentException} before any syscall; so is a negative duration.</li>
 *   <li>An option the socket's kind does not support fails with an {@link IOException} (also an
 *       {@link OsError}) naming the call and option, typically {@code ENOPROTOOPT} (unknown at this level for
 *       this protocol), {@code EOPNOTSUPP} (level not handled by this family) or {@code EINVAL}.</li>
 *   <li>Options at level {@code SOL_SOCKET} are in socket(7), {@code IPPROTO_IP} in ip(7), {@code IPPROTO_IPV6}
 *       in ipv6(7), {@code IPPROTO_TCP} in tcp(7), {@code SOL_UDP} in udp(7).</li>
 * </ul>
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/socket.7.html">socket(7)</a>
 * @see <a href="https://man7.org/linux/man-pages/man7/ip.7.html">ip(7)</a>
 * @see <a href="https://man7.org/linux/man-pages/man7/ipv6.7.html">ipv6(7)</a>
 * @see <a href="https://man7.org/linux/man-pages/man7/tcp.7.html">tcp(7)</a>
 * @see <a href="https://man7.org/linux/man-pages/man7/udp.7.html">udp(7)</a>
 */
public interface SocketOptions {
    /** Reads option {@code opt}; an option the socket does not support fails with its errno (ENOPROTOOPT, …). */
    <T> T getOption(SockOpt<T> opt) throws IOException;

    /** Writes option {@code opt}; a value outside the C range is refused before the syscall. */
    <T> void setOption(SockOpt<T> opt, T value) throws IOException;

    /**
     * {@link #getOption} of an {@code int} option without boxing: on a {@link Socket} or {@link SockRef}, an option
     * whose codec is a {@link Codec.OfInt} (every plain {@code int} of the table) is read with nothing allocated.
     * The named {@code int} getters below use it.
     */
    default int getIntOption(SockOpt<Integer> opt) throws IOException {
        if (!(this instanceof BaseSocket b)) return getOption(opt);
        int fd = b.acquire();
        try { return opt.getInt(fd); } finally { b.release(); }
    }

    /** {@link #setOption} of an {@code int} option without boxing (see {@link #getIntOption}). */
    default void setIntOption(SockOpt<Integer> opt, int value) throws IOException {
        if (!(this instanceof BaseSocket b)) {
            setOption(opt, value);
            return;
        }
        int fd = b.acquire();
        try { opt.setInt(fd, value, false); } finally { b.optionSet(); b.release(); }
    }

    /** {@link #getOption} of a {@code boolean} option without boxing (see {@link #getIntOption}). */
    default boolean getBooleanOption(SockOpt<Boolean> opt) throws IOException {
        if (!(this instanceof BaseSocket b)) return getOption(opt);
        int fd = b.acquire();
        try { return opt.getInt(fd) != 0; } finally { b.release(); }
    }

    /** {@link #setOption} of a {@code boolean} option without boxing (see {@link #getIntOption}). */
    default void setBooleanOption(SockOpt<Boolean> opt, boolean on) throws IOException {
        if (!(this instanceof BaseSocket b)) {
            setOption(opt, on);
            return;
        }
        int fd = b.acquire();
        try { opt.setInt(fd, on ? 1 : 0, true); } finally { b.optionSet(); b.release(); }
    }

    // ================================================================ SOL_SOCKET, socket(7)

    /** See {@link #setBroadcast}. */
    default boolean broadcast() throws IOException { return getBooleanOption(SockOpt.SO_BROADCAST); }

    /** Sets {@code SO_BROADCAST}: a datagram socket may send to a broadcast address (else {@code EACCES}). */
    default void setBroadcast(boolean on) throws IOException { setBooleanOption(SockOpt.SO_BROADCAST, on); }

    /**
     * {@code SO_ERROR}: the pending socket error, which reading clears (e.g. the result of a non-blocking
     * connect); empty if none. On a stream socket {@code ECONNREFUSED} is a {@link java.net.ConnectException}
     * (a connect's outcome); on a datagram socket it is a {@link java.net.PortUnreachableException} (an ICMP
     * port unreachable for an earlier send).
     */
    default Optional<IOException> takeError() throws IOException {
        int errno = getIntOption(SockOpt.SO_ERROR);
        if (errno == 0) return Optional.empty();
        boolean stream = (getIntOption(SockOpt.SO_TYPE) & 0xF) != C.SOCK_DGRAM;
        return Optional.of(stream ? OsError.ofConnect("connect(2) (SO_ERROR)", errno) : OsError.of("SO_ERROR", errno));
    }

    /** See {@link #setKeepalive}. */
    default boolean keepalive() throws IOException { return getBooleanOption(SockOpt.SO_KEEPALIVE); }

    /**
     * Sets {@code SO_KEEPALIVE}: send keepalive probes on an idle connection-oriented socket (timing from
     * {@link #setTcpKeepalive} or the {@code net.ipv4.tcp_keepalive_*} sysctls).
     */
    default void setKeepalive(boolean on) throws IOException { setBooleanOption(SockOpt.SO_KEEPALIVE, on); }

    /** See {@link #setLinger}. */
    default Optional<Duration> linger() throws IOException { return getOption(SockOpt.SO_LINGER); }

    /**
     * Sets {@code SO_LINGER}: with a duration, {@code close(2)} and {@code shutdown(2)} wait up to that long for
     * unsent data to be sent (a blocking close), and {@code Duration.ZERO} makes close reset the connection at
     * once; empty restores the default (close returns at once, the kernel sends in the background). Linux
     * counts whole seconds: a sub-second part is rounded <em>up</em> (socket2 drops it, which would turn 500 ms
     * into a reset).
     */
    default void setLinger(Optional<Duration> linger) throws IOException { setOption(SockOpt.SO_LINGER, linger); }

    /** See {@link #setOutOfBandInline}. */
    default boolean outOfBandInline() throws IOException { return getBooleanOption(SockOpt.SO_OOBINLINE); }

    /** Sets {@code SO_OOBINLINE}: TCP urgent data is received inline with normal data instead of by {@code MSG_OOB}. */
    default void setOutOfBandInline(boolean on) throws IOException { setBooleanOption(SockOpt.SO_OOBINLINE, on); }

    /** See {@link #setPasscred}. */
    default boolean passcred() throws IOException { return getBooleanOption(SockOpt.SO_PASSCRED); }

    /**
     * Sets {@code SO_PASSCRED}: a Unix socket receives {@code SCM_CREDENTIALS} control messages with the
     * sender's pid/uid/gid. On IP sockets Linux 6.x refuses it with {@code EOPNOTSUPP}.
     */
    default void setPasscred(boolean on) throws IOException { setBooleanOption(SockOpt.SO_PASSCRED, on); }

    /** See {@link #setPriority}. */
    default long priority() throws IOException { return getOption(SockOpt.SO_PRIORITY); }

    /**
     * Sets {@code SO_PRIORITY} (0 to 2^32-1): the queueing priority of this socket's packets (used by traffic
     * control; also sets the VLAN priority). Values outside 0..6 need {@code CAP_NET_ADMIN} ({@code EPERM}).
     */
    default void setPriority(long priority) throws IOException { setOption(SockOpt.SO_PRIORITY, priority); }

    /** See {@link #setRecvBufferSize}; Linux reports double the value set. */
    default int recvBufferSize() throws IOException { return getIntOption(SockOpt.SO_RCVBUF); }

    /**
     * Sets {@code SO_RCVBUF}: the receive buffer size. Linux doubles the value (the extra half is for its
     * bookkeeping), so {@link #recvBufferSize()} reads back {@code 2 × size}; the value is clamped to
     * {@code net.core.rmem_max} (without {@code CAP_NET_ADMIN}) and raised to a small kernel minimum.
     */
    default void setRecvBufferSize(int size) throws IOException { setIntOption(SockOpt.SO_RCVBUF, size); }

    /** See {@link #setReadTimeout}. */
    default Optional<Duration> readTimeout() throws IOException { return getOption(SockOpt.SO_RCVTIMEO); }

    /**
     * Sets {@code SO_RCVTIMEO}: a blocking receive or accept fails with {@code EAGAIN} (a
     * {@link java.net.SocketTimeoutException}) after this long; empty blocks forever. Microsecond precision,
     * a sub-microsecond rest rounded up; the kernel rounds up to its tick. {@code Duration.ZERO} is refused
     * (it would mean "forever"); use empty.
     */
    default void setReadTimeout(Optional<Duration> timeout) throws IOException { setOption(SockOpt.SO_RCVTIMEO, timeout); }

    /** See {@link #setReuseAddress}. */
    default boolean reuseAddress() throws IOException { return getBooleanOption(SockOpt.SO_REUSEADDR); }

    /**
     * Sets {@code SO_REUSEADDR}: a TCP socket may bind to a port with connections in TIME_WAIT; datagram sockets
     * that all set it may share a port.
     */
    default void setReuseAddress(boolean on) throws IOException { setBooleanOption(SockOpt.SO_REUSEADDR, on); }

    /** See {@link #setSendBufferSize}; Linux reports double the value set. */
    default int sendBufferSize() throws IOException { return getIntOption(SockOpt.SO_SNDBUF); }

    /**
     * Sets {@code SO_SNDBUF}: the send buffer size. Linux doubles it, as for {@link #setRecvBufferSize}, and
     * clamps to {@code net.core.wmem_max} (without {@code CAP_NET_ADMIN}), with a small kernel minimum.
     */
    default void setSendBufferSize(int size) throws IOException { setIntOption(SockOpt.SO_SNDBUF, size); }

    /** See {@link #setWriteTimeout}. */
    default Optional<Duration> writeTimeout() throws IOException { return getOption(SockOpt.SO_SNDTIMEO); }

    /** Sets {@code SO_SNDTIMEO}: like {@link #setReadTimeout} for blocking sends (and connect). */
    default void setWriteTimeout(Optional<Duration> timeout) throws IOException { setOption(SockOpt.SO_SNDTIMEO, timeout); }

    /** {@code SO_TYPE}: the socket's type ({@code SOCK_STREAM}, {@code SOCK_DGRAM}, …). */
    default Type type() throws IOException { return new Type(getIntOption(SockOpt.SO_TYPE)); }

    /** {@code SO_ACCEPTCONN}: whether the socket is listening ({@code listen(2)} was called). */
    default boolean isListener() throws IOException { return getBooleanOption(SockOpt.SO_ACCEPTCONN); }

    /** {@code SO_DOMAIN}: the socket's address family. */
    default Domain domain() throws IOException { return new Domain(getIntOption(SockOpt.SO_DOMAIN)); }

    /** {@code SO_PROTOCOL}: the socket's protocol; empty for 0 (a Unix socket's default). */
    default Optional<Protocol> protocol() throws IOException {
        int p = getIntOption(SockOpt.SO_PROTOCOL);
        return p == 0 ? Optional.empty() : Optional.of(new Protocol(p));
    }

    /** See {@link #setMark}. */
    default long mark() throws IOException { return getOption(SockOpt.SO_MARK); }

    /**
     * Sets {@code SO_MARK} (0 to 2^32-1): the firewall mark of outgoing packets, for policy routing and
     * netfilter. Needs {@code CAP_NET_ADMIN} (or {@code CAP_NET_RAW}); else {@code EPERM}.
     */
    default void setMark(long mark) throws IOException { setOption(SockOpt.SO_MARK, mark); }

    /** See {@link #bindDevice}. */
    default Optional<String> device() throws IOException {
        String name = getOption(SockOpt.SO_BINDTODEVICE);
        return name.isEmpty() ? Optional.empty() : Optional.of(name);
    }

    /**
     * Sets {@code SO_BINDTODEVICE}: only packets of this interface are received, and sends leave through it;
     * empty removes the binding. Names have at most 15 bytes ({@code IFNAMSIZ - 1}), else
     * {@link IllegalArgumentException}. An unknown name fails with {@code ENODEV}. Since Linux 5.7 binding
     * needs no privilege, but changing an existing binding needs {@code CAP_NET_RAW} ({@code EPERM}).
     */
    default void bindDevice(Optional<String> name) throws IOException { setOption(SockOpt.SO_BINDTODEVICE, name.orElse("")); }

    /** See {@link #bindDeviceByIndexV4}. */
    default OptionalInt deviceIndexV4() throws IOException {
        int i = getIntOption(SockOpt.SO_BINDTOIFINDEX);
        return i == 0 ? OptionalInt.empty() : OptionalInt.of(i);
    }

    /**
     * Sets {@code SO_BINDTOIFINDEX} (Linux 5.0+): {@link #bindDevice} by interface index; empty unbinds. On Linux
     * this is the same option as {@link #bindDeviceByIndexV6}. An unknown index fails with {@code ENODEV}.
     */
    default void bindDeviceByIndexV4(OptionalInt index) throws IOException { setIntOption(SockOpt.SO_BINDTOIFINDEX, index.orElse(0)); }

    /** See {@link #bindDeviceByIndexV6}. */
    default OptionalInt deviceIndexV6() throws IOException { return deviceIndexV4(); }

    /** Sets {@code SO_BINDTOIFINDEX}; the same call as {@link #bindDeviceByIndexV4} on Linux. */
    default void bindDeviceByIndexV6(OptionalInt index) throws IOException { bindDeviceByIndexV4(index); }

    /** See {@link #setCpuAffinity}. */
    default int cpuAffinity() throws IOException { return getIntOption(SockOpt.SO_INCOMING_CPU); }

    /**
     * Sets {@code SO_INCOMING_CPU}: the CPU this socket prefers for processing (Linux 3.19+); reading it gives
     * the CPU that handled the last packet (-1 before any).
     */
    default void setCpuAffinity(int cpu) throws IOException { setIntOption(SockOpt.SO_INCOMING_CPU, cpu); }

    /** See {@link #setReusePort}. */
    default boolean reusePort() throws IOException { return getBooleanOption(SockOpt.SO_REUSEPORT); }

    /**
     * Sets {@code SO_REUSEPORT} (Linux 3.9+): sockets of the same user that all set it before {@code bind(2)}
     * may bind the same address and port; the kernel balances connections or datagrams between them.
     */
    default void setReusePort(boolean on) throws IOException { setBooleanOption(SockOpt.SO_REUSEPORT, on); }

    /**
     * {@code SO_ATTACH_FILTER}: attaches a classic BPF program that decides which packets the socket receives
     * (1 to 4096 instructions, else {@link IllegalArgumentException}); an invalid program fails with
     * {@code EINVAL}.
     */
    default void attachFilter(SockFilter[] filters) throws IOException { setOption(SockOpt.SO_ATTACH_FILTER, filters); }

    /** {@code SO_DETACH_FILTER}: removes the attached BPF program; {@code ENOENT} if there is none. */
    default void detachFilter() throws IOException { setIntOption(SockOpt.SO_DETACH_FILTER, 0); }

    /** {@code SO_COOKIE} (Linux 4.12+): the socket's 64-bit identifier, unique while the system runs (unsigned). */
    default long cookie() throws IOException { return getOption(SockOpt.SO_COOKIE); }

    /** See {@link #setBusyPoll}. */
    default int busyPoll() throws IOException { return getIntOption(SockOpt.SO_BUSY_POLL); }

    /**
     * Sets {@code SO_BUSY_POLL} (Linux 3.11+): microseconds to busy-poll the device queue on a blocking receive
     * with no data. Raising it above {@code net.core.busy_read} needs {@code CAP_NET_ADMIN} ({@code EPERM}).
     */
    default void setBusyPoll(int micros) throws IOException { setIntOption(SockOpt.SO_BUSY_POLL, micros); }

    // -- SOL_SOCKET beyond socket2

    /** {@code SO_PEERCRED}: the pid, uid and gid of a connected Unix socket's peer (as of connect/listen). */
    default PeerCredentials peerCredentials() throws IOException { return getOption(SockOpt.SO_PEERCRED); }

    /** See {@link #setRecvLowat}. */
    default int recvLowat() throws IOException { return getIntOption(SockOpt.SO_RCVLOWAT); }

    /** Sets {@code SO_RCVLOWAT}: the minimum bytes a receive (and poll readiness, for TCP) waits for. */
    default void setRecvLowat(int bytes) throws IOException { setIntOption(SockOpt.SO_RCVLOWAT, bytes); }

    /** {@code SO_SNDLOWAT}: always 1 on Linux, which cannot change it ({@code ENOPROTOOPT}). */
    default int sendLowat() throws IOException { return getIntOption(SockOpt.SO_SNDLOWAT); }

    /** See {@link #setTimestampNs}. */
    default boolean timestampNs() throws IOException { return getBooleanOption(SockOpt.SO_TIMESTAMPNS); }

    /** Sets {@code SO_TIMESTAMPNS}: received messages carry an {@code SCM_TIMESTAMPNS} control message (timespec). */
    default void setTimestampNs(boolean on) throws IOException { setBooleanOption(SockOpt.SO_TIMESTAMPNS, on); }

    /** {@code SO_INCOMING_NAPI_ID} (Linux 4.12+): the NAPI id of the queue of the last packet (0 if none). */
    default int incomingNapiId() throws IOException { return getIntOption(SockOpt.SO_INCOMING_NAPI_ID); }

    /** See {@link #setZerocopy}. */
    default boolean zerocopy() throws IOException { return getBooleanOption(SockOpt.SO_ZEROCOPY); }

    /** Sets {@code SO_ZEROCOPY} (Linux 4.14+): allows {@code MSG_ZEROCOPY} sends on TCP and UDP sockets. */
    default void setZerocopy(boolean on) throws IOException { setBooleanOption(SockOpt.SO_ZEROCOPY, on); }

    /** See {@link #setRxqOverflow}. */
    default boolean rxqOverflow() throws IOException { return getBooleanOption(SockOpt.SO_RXQ_OVFL); }

    /** Sets {@code SO_RXQ_OVFL}: received messages carry the count of packets dropped for lack of buffer space. */
    default void setRxqOverflow(boolean on) throws IOException { setBooleanOption(SockOpt.SO_RXQ_OVFL, on); }

    /** See {@link #setPeekOffset}. */
    default int peekOffset() throws IOException { return getIntOption(SockOpt.SO_PEEK_OFF); }

    /**
     * Sets {@code SO_PEEK_OFF}: {@code MSG_PEEK} reads start this many bytes in, and advance it; -1 (the default)
     * turns it off. Unix sockets since Linux 3.4, TCP and UDP in recent 6.x kernels; {@code EOPNOTSUPP} elsewhere
     * (raw sockets).
     */
    default void setPeekOffset(int offset) throws IOException { setIntOption(SockOpt.SO_PEEK_OFF, offset); }

    // ================================================================ IPPROTO_IP, ip(7)

    /** See {@link #setHeaderIncludedV4}. */
    default boolean headerIncludedV4() throws IOException { return getBooleanOption(SockOpt.IP_HDRINCL); }

    /**
     * Sets {@code IP_HDRINCL} on a raw IPv4 socket: the application supplies the IP header. Raw sockets need
     * {@code CAP_NET_RAW}; on other sockets {@code ENOPROTOOPT}/{@code EOPNOTSUPP}.
     */
    default void setHeaderIncludedV4(boolean on) throws IOException { setBooleanOption(SockOpt.IP_HDRINCL, on); }

    /** See {@link #setIpTransparentV4}. */
    default boolean ipTransparentV4() throws IOException { return getBooleanOption(SockOpt.IP_TRANSPARENT); }

    /**
     * Sets {@code IP_TRANSPARENT}: the socket may bind to a non-local address and accept connections redirected
     * by TPROXY. Needs {@code CAP_NET_ADMIN} or {@code CAP_NET_RAW} ({@code EPERM} otherwise).
     */
    default void setIpTransparentV4(boolean on) throws IOException { setBooleanOption(SockOpt.IP_TRANSPARENT, on); }

    /**
     * {@code IP_ADD_MEMBERSHIP}: joins IPv4 multicast group {@code multiaddr} on the interface with address
     * {@code iface} (0.0.0.0: the kernel chooses). {@code EADDRINUSE} if already joined, {@code ENODEV} if no
     * such interface, {@code EINVAL} for a non-multicast group.
     */
    default void joinMulticastV4(Inet4Address multiaddr, Inet4Address iface) throws IOException {
        setOption(SockOpt.IP_ADD_MEMBERSHIP, new Membership.V4(multiaddr, InterfaceIndexOrAddress.address(iface)));
    }

    /** {@code IP_DROP_MEMBERSHIP}: leaves a group joined by {@link #joinMulticastV4}; {@code EADDRNOTAVAIL} if not joined. */
    default void leaveMulticastV4(Inet4Address multiaddr, Inet4Address iface) throws IOException {
        setOption(SockOpt.IP_DROP_MEMBERSHIP, new Membership.V4(multiaddr, InterfaceIndexOrAddress.address(iface)));
    }

    /** {@code IP_ADD_MEMBERSHIP} with {@code struct ip_mreqn}: joins on an interface given by index or address. */
    default void joinMulticastV4N(Inet4Address multiaddr, InterfaceIndexOrAddress iface) throws IOException {
        setOption(SockOpt.IP_ADD_MEMBERSHIP, new Membership.V4(multiaddr, iface));
    }

    /** {@code IP_DROP_MEMBERSHIP} with {@code struct ip_mreqn}; {@code EADDRNOTAVAIL} if not joined. */
    default void leaveMulticastV4N(Inet4Address multiaddr, InterfaceIndexOrAddress iface) throws IOException {
        setOption(SockOpt.IP_DROP_MEMBERSHIP, new Membership.V4(multiaddr, iface));
    }

    /**
     * {@code IP_ADD_SOURCE_MEMBERSHIP}: joins source-specific multicast group {@code group}, receiving only from
     * {@code source}, on the interface with address {@code iface}.
     */
    default void joinSsmV4(Inet4Address source, Inet4Address group, Inet4Address iface) throws IOException {
        setOption(SockOpt.IP_ADD_SOURCE_MEMBERSHIP, new Membership.SourceV4(source, group, iface));
    }

    /** {@code IP_DROP_SOURCE_MEMBERSHIP}: leaves what {@link #joinSsmV4} joined. */
    default void leaveSsmV4(Inet4Address source, Inet4Address group, Inet4Address iface) throws IOException {
        setOption(SockOpt.IP_DROP_SOURCE_MEMBERSHIP, new Membership.SourceV4(source, group, iface));
    }

    /** See {@link #setMulticastAllV4}. */
    default boolean multicastAllV4() throws IOException { return getBooleanOption(SockOpt.IP_MULTICAST_ALL); }

    /**
     * Sets {@code IP_MULTICAST_ALL} (Linux 2.6.31+, default on): a socket bound to the wildcard address receives
     * the multicast of every group joined on the system, not only its own.
     */
    default void setMulticastAllV4(boolean on) throws IOException { setBooleanOption(SockOpt.IP_MULTICAST_ALL, on); }

    /** See {@link #setMulticastIfV4}. */
    default Inet4Address multicastIfV4() throws IOException { return getOption(SockOpt.IP_MULTICAST_IF); }

    /** Sets {@code IP_MULTICAST_IF}: the local interface address multicast is sent from (0.0.0.0: by route). */
    default void setMulticastIfV4(Inet4Address iface) throws IOException { setOption(SockOpt.IP_MULTICAST_IF, iface); }

    /** See {@link #setMulticastLoopV4}. */
    default boolean multicastLoopV4() throws IOException { return getBooleanOption(SockOpt.IP_MULTICAST_LOOP); }

    /** Sets {@code IP_MULTICAST_LOOP} (default on): multicast sent is looped back to local listeners. */
    default void setMulticastLoopV4(boolean on) throws IOException { setBooleanOption(SockOpt.IP_MULTICAST_LOOP, on); }

    /** See {@link #setMulticastTtlV4}. */
    default int multicastTtlV4() throws IOException { return getIntOption(SockOpt.IP_MULTICAST_TTL); }

    /** Sets {@code IP_MULTICAST_TTL}: 0 to 255 (default 1); -1 restores the default. */
    default void setMulticastTtlV4(int ttl) throws IOException { setIntOption(SockOpt.IP_MULTICAST_TTL, ttl); }

    /** See {@link #setTtlV4}. */
    default int ttlV4() throws IOException { return getIntOption(SockOpt.IP_TTL); }

    /** Sets {@code IP_TTL}: the time-to-live of unicast packets, 1 to 255 ({@code EINVAL} for 0); -1 restores the sysctl default. */
    default void setTtlV4(int ttl) throws IOException { setIntOption(SockOpt.IP_TTL, ttl); }

    /** See {@link #setTosV4}. */
    default int tosV4() throws IOException { return getIntOption(SockOpt.IP_TOS); }

    /** Sets {@code IP_TOS}: the type-of-service / DSCP byte, 0 to 255 (the kernel keeps its own ECN bits for TCP). */
    default void setTosV4(int tos) throws IOException { setIntOption(SockOpt.IP_TOS, tos); }

    /** See {@link #setRecvTosV4}. */
    default boolean recvTosV4() throws IOException { return getBooleanOption(SockOpt.IP_RECVTOS); }

    /** Sets {@code IP_RECVTOS}: received datagrams carry an {@code IP_TOS} control message. */
    default void setRecvTosV4(boolean on) throws IOException { setBooleanOption(SockOpt.IP_RECVTOS, on); }

    /**
     * {@code SO_ORIGINAL_DST} (level {@code SOL_IP}): the destination a connection had before netfilter
     * redirected it (REDIRECT/DNAT); {@code ENOENT} if it was not redirected (or no conntrack entry exists).
     */
    default SockAddr originalDstV4() throws IOException { return getOption(SockOpt.SO_ORIGINAL_DST); }

    /** See {@link #setFreebindV4}. */
    default boolean freebindV4() throws IOException { return getBooleanOption(SockOpt.IP_FREEBIND); }

    /** Sets {@code IP_FREEBIND}: bind to an address that is not (yet) local. Works on IPv6 sockets too. */
    default void setFreebindV4(boolean on) throws IOException { setBooleanOption(SockOpt.IP_FREEBIND, on); }

    // -- IPPROTO_IP beyond socket2

    /** See {@link #setBindAddressNoPortV4}. */
    default boolean bindAddressNoPortV4() throws IOException { return getBooleanOption(SockOpt.IP_BIND_ADDRESS_NO_PORT); }

    /**
     * Sets {@code IP_BIND_ADDRESS_NO_PORT} (Linux 4.2+): {@code bind(2)} to port 0 defers the choice of port to
     * {@code connect(2)}, so many outgoing connections can share a source address.
     */
    default void setBindAddressNoPortV4(boolean on) throws IOException { setBooleanOption(SockOpt.IP_BIND_ADDRESS_NO_PORT, on); }

    /** See {@link #setRecvOrigDstAddrV4}. */
    default boolean recvOrigDstAddrV4() throws IOException { return getBooleanOption(SockOpt.IP_RECVORIGDSTADDR); }

    /** Sets {@code IP_RECVORIGDSTADDR}: received datagrams carry their original destination (for TPROXY). */
    default void setRecvOrigDstAddrV4(boolean on) throws IOException { setBooleanOption(SockOpt.IP_RECVORIGDSTADDR, on); }

    /** See {@link #setPktinfoV4}. */
    default boolean pktinfoV4() throws IOException { return getBooleanOption(SockOpt.IP_PKTINFO); }

    /** Sets {@code IP_PKTINFO}: received datagrams carry an {@code in_pktinfo} (interface and destination). */
    default void setPktinfoV4(boolean on) throws IOException { setBooleanOption(SockOpt.IP_PKTINFO, on); }

    /** See {@link #setRecvTtlV4}. */
    default boolean recvTtlV4() throws IOException { return getBooleanOption(SockOpt.IP_RECVTTL); }

    /** Sets {@code IP_RECVTTL}: received datagrams carry an {@code IP_TTL} control message. */
    default void setRecvTtlV4(boolean on) throws IOException { setBooleanOption(SockOpt.IP_RECVTTL, on); }

    /** See {@link #setMtuDiscoverV4}. */
    default int mtuDiscoverV4() throws IOException { return getIntOption(SockOpt.IP_MTU_DISCOVER); }

    /** Sets {@code IP_MTU_DISCOVER}: path MTU discovery mode, {@code IP_PMTUDISC_DONT} (0) to {@code _OMIT} (5). */
    default void setMtuDiscoverV4(int mode) throws IOException { setIntOption(SockOpt.IP_MTU_DISCOVER, mode); }

    /** {@code IP_MTU}: the known path MTU of a connected socket; {@code ENOTCONN} if not connected. */
    default int mtuV4() throws IOException { return getIntOption(SockOpt.IP_MTU); }

    // ================================================================ IPPROTO_IPV6, ipv6(7)

    /** See {@link #setHeaderIncludedV6}. Reads {@code IPV6_HDRINCL}, the option the setter writes. */
    default boolean headerIncludedV6() throws IOException { return getBooleanOption(SockOpt.IPV6_HDRINCL); }

    /**
     * Sets {@code IPV6_HDRINCL} (Linux 4.5+) on a raw IPv6 socket: the application supplies the IPv6 header.
     * Unlike socket2, whose getter reads {@code IP_HDRINCL} at level {@code IPPROTO_IPV6} (a different option on
     * Linux), {@link #headerIncludedV6()} reads back this option.
     */
    default void setHeaderIncludedV6(boolean on) throws IOException { setBooleanOption(SockOpt.IPV6_HDRINCL, on); }

    /** See {@link #setIpTransparentV6}. */
    default boolean ipTransparentV6() throws IOException { return getBooleanOption(SockOpt.IPV6_TRANSPARENT); }

    /** Sets {@code IPV6_TRANSPARENT}: {@link #setIpTransparentV4} for IPv6; needs {@code CAP_NET_ADMIN} or {@code CAP_NET_RAW}. */
    default void setIpTransparentV6(boolean on) throws IOException { setBooleanOption(SockOpt.IPV6_TRANSPARENT, on); }

    /** {@code IPV6_ADD_MEMBERSHIP}: joins IPv6 multicast group {@code multiaddr} on interface index {@code iface} (0: any). */
    default void joinMulticastV6(Inet6Address multiaddr, int iface) throws IOException {
        setOption(SockOpt.IPV6_ADD_MEMBERSHIP, new Membership.V6(multiaddr, iface));
    }

    /** {@code IPV6_DROP_MEMBERSHIP}: leaves what {@link #joinMulticastV6} joined; {@code EADDRNOTAVAIL} if not joined. */
    default void leaveMulticastV6(Inet6Address multiaddr, int iface) throws IOException {
        setOption(SockOpt.IPV6_DROP_MEMBERSHIP, new Membership.V6(multiaddr, iface));
    }

    /** See {@link #setMulticastHopsV6}. */
    default int multicastHopsV6() throws IOException { return getIntOption(SockOpt.IPV6_MULTICAST_HOPS); }

    /** Sets {@code IPV6_MULTICAST_HOPS}: 0 to 255 (default 1); -1 restores the default. */
    default void setMulticastHopsV6(int hops) throws IOException { setIntOption(SockOpt.IPV6_MULTICAST_HOPS, hops); }

    /** See {@link #setMulticastAllV6}. */
    default boolean multicastAllV6() throws IOException { return getBooleanOption(SockOpt.IPV6_MULTICAST_ALL); }

    /** Sets {@code IPV6_MULTICAST_ALL} (Linux 4.20+, default on): {@link #setMulticastAllV4} for IPv6. */
    default void setMulticastAllV6(boolean on) throws IOException { setBooleanOption(SockOpt.IPV6_MULTICAST_ALL, on); }

    /** See {@link #setMulticastIfV6}. */
    default int multicastIfV6() throws IOException { return getIntOption(SockOpt.IPV6_MULTICAST_IF); }

    /** Sets {@code IPV6_MULTICAST_IF}: the interface index multicast is sent through (0: by route). */
    default void setMulticastIfV6(int iface) throws IOException { setIntOption(SockOpt.IPV6_MULTICAST_IF, iface); }

    /** See {@link #setMulticastLoopV6}. */
    default boolean multicastLoopV6() throws IOException { return getBooleanOption(SockOpt.IPV6_MULTICAST_LOOP); }

    /** Sets {@code IPV6_MULTICAST_LOOP} (default on): multicast sent is looped back to local listeners. */
    default void setMulticastLoopV6(boolean on) throws IOException { setBooleanOption(SockOpt.IPV6_MULTICAST_LOOP, on); }

    /** See {@link #setUnicastHopsV6}. */
    default int unicastHopsV6() throws IOException { return getIntOption(SockOpt.IPV6_UNICAST_HOPS); }

    /** Sets {@code IPV6_UNICAST_HOPS}: the hop limit of unicast packets, 0 to 255; -1 restores the route default. */
    default void setUnicastHopsV6(int hops) throws IOException { setIntOption(SockOpt.IPV6_UNICAST_HOPS, hops); }

    /** See {@link #setOnlyV6}. */
    default boolean onlyV6() throws IOException { return getBooleanOption(SockOpt.IPV6_V6ONLY); }

    /**
     * Sets {@code IPV6_V6ONLY}: the socket handles IPv6 only, no v4-mapped addresses. Must be set before
     * {@code bind(2)} ({@code EINVAL} after); default from {@code net.ipv6.bindv6only} (off).
     */
    default void setOnlyV6(boolean on) throws IOException { setBooleanOption(SockOpt.IPV6_V6ONLY, on); }

    /** See {@link #setRecvTclassV6}. */
    default boolean recvTclassV6() throws IOException { return getBooleanOption(SockOpt.IPV6_RECVTCLASS); }

    /** Sets {@code IPV6_RECVTCLASS}: received datagrams carry an {@code IPV6_TCLASS} control message. */
    default void setRecvTclassV6(boolean on) throws IOException { setBooleanOption(SockOpt.IPV6_RECVTCLASS, on); }

    /** See {@link #setRecvHoplimitV6}. */
    default boolean recvHoplimitV6() throws IOException { return getBooleanOption(SockOpt.IPV6_RECVHOPLIMIT); }

    /** Sets {@code IPV6_RECVHOPLIMIT}: received datagrams carry an {@code IPV6_HOPLIMIT} control message. */
    default void setRecvHoplimitV6(boolean on) throws IOException { setBooleanOption(SockOpt.IPV6_RECVHOPLIMIT, on); }

    /**
     * {@code IP6T_SO_ORIGINAL_DST} (level {@code SOL_IPV6}): {@link #originalDstV4} for IPv6; {@code ENOENT} if
     * not redirected, {@code EOPNOTSUPP} on an IPv4 socket.
     */
    default SockAddr originalDstV6() throws IOException { return getOption(SockOpt.IP6T_SO_ORIGINAL_DST); }

    /** See {@link #setFreebindV6}. */
    default boolean freebindV6() throws IOException { return getBooleanOption(SockOpt.IPV6_FREEBIND); }

    /** Sets {@code IPV6_FREEBIND} (Linux 4.15+): {@link #setFreebindV4} for IPv6. */
    default void setFreebindV6(boolean on) throws IOException { setBooleanOption(SockOpt.IPV6_FREEBIND, on); }

    /** See {@link #setTclassV6}. */
    default int tclassV6() throws IOException { return getIntOption(SockOpt.IPV6_TCLASS); }

    /** Sets {@code IPV6_TCLASS}: the traffic class (DSCP + ECN) of outgoing packets, 0 to 255; -1 restores 0. */
    default void setTclassV6(int tclass) throws IOException { setIntOption(SockOpt.IPV6_TCLASS, tclass); }

    // -- IPPROTO_IPV6 beyond socket2

    /** See {@link #setRecvPktinfoV6}. */
    default boolean recvPktinfoV6() throws IOException { return getBooleanOption(SockOpt.IPV6_RECVPKTINFO); }

    /** Sets {@code IPV6_RECVPKTINFO}: received datagrams carry an {@code in6_pktinfo} (interface and destination). */
    default void setRecvPktinfoV6(boolean on) throws IOException { setBooleanOption(SockOpt.IPV6_RECVPKTINFO, on); }

    /** See {@link #setRecvOrigDstAddrV6}. */
    default boolean recvOrigDstAddrV6() throws IOException { return getBooleanOption(SockOpt.IPV6_RECVORIGDSTADDR); }

    /** Sets {@code IPV6_RECVORIGDSTADDR}: {@link #setRecvOrigDstAddrV4} for IPv6. */
    default void setRecvOrigDstAddrV6(boolean on) throws IOException { setBooleanOption(SockOpt.IPV6_RECVORIGDSTADDR, on); }

    /** See {@link #setMtuDiscoverV6}. */
    default int mtuDiscoverV6() throws IOException { return getIntOption(SockOpt.IPV6_MTU_DISCOVER); }

    /** Sets {@code IPV6_MTU_DISCOVER}: {@link #setMtuDiscoverV4} for IPv6. */
    default void setMtuDiscoverV6(int mode) throws IOException { setIntOption(SockOpt.IPV6_MTU_DISCOVER, mode); }

    /** See {@link #setMtuV6}; reading needs a connected socket ({@code ENOTCONN}). */
    default int mtuV6() throws IOException { return getIntOption(SockOpt.IPV6_MTU); }

    /** Sets {@code IPV6_MTU}: caps the MTU this socket uses (at least 1280, else {@code EINVAL}; 0 = path MTU). */
    default void setMtuV6(int mtu) throws IOException { setIntOption(SockOpt.IPV6_MTU, mtu); }

    // ================================================================ IPPROTO_TCP, tcp(7)

    /** See {@link #setTcpKeepalive}: {@code TCP_KEEPIDLE}. */
    default Duration tcpKeepaliveTime() throws IOException { return getOption(SockOpt.TCP_KEEPIDLE); }

    /** See {@link #setTcpKeepalive}: {@code TCP_KEEPINTVL}. */
    default Duration tcpKeepaliveInterval() throws IOException { return getOption(SockOpt.TCP_KEEPINTVL); }

    /** See {@link #setTcpKeepalive}: {@code TCP_KEEPCNT}. */
    default int tcpKeepaliveRetries() throws IOException { return getIntOption(SockOpt.TCP_KEEPCNT); }

    /**
     * Turns keepalive on ({@code SO_KEEPALIVE}) and writes the parts of {@code params} that are set:
     * {@code TCP_KEEPIDLE}, {@code TCP_KEEPINTVL}, {@code TCP_KEEPCNT}, one call each, stopping at the first
     * error (earlier ones stay applied). Times are whole seconds, 1 to 32767, a sub-second part rounded up;
     * retries 1 to 127. Out-of-range parts are refused with {@link IllegalArgumentException} before any call.
     */
    default void setTcpKeepalive(TcpKeepalive params) throws IOException {
        // validate every part first, so bad input changes nothing
        params.time().ifPresent(SockOpt.TCP_KEEPIDLE.codec()::validate);
        params.interval().ifPresent(SockOpt.TCP_KEEPINTVL.codec()::validate);
        params.retries().ifPresent(SockOpt.TCP_KEEPCNT.codec()::validate);
        setKeepalive(true);
        if (params.time().isPresent()) setOption(SockOpt.TCP_KEEPIDLE, params.time().get());
        if (params.interval().isPresent()) setOption(SockOpt.TCP_KEEPINTVL, params.interval().get());
        if (params.retries().isPresent()) setIntOption(SockOpt.TCP_KEEPCNT, params.retries().getAsInt());
    }

    /** See {@link #setTcpNodelay}. */
    default boolean tcpNodelay() throws IOException { return getBooleanOption(SockOpt.TCP_NODELAY); }

    /** Sets {@code TCP_NODELAY}: send segments as soon as possible, disabling Nagle's algorithm. */
    default void setTcpNodelay(boolean on) throws IOException { setBooleanOption(SockOpt.TCP_NODELAY, on); }

    /** See {@link #setTcpMss}. */
    default int tcpMss() throws IOException { return getIntOption(SockOpt.TCP_MAXSEG); }

    /**
     * Sets {@code TCP_MAXSEG}: the maximum segment size of outgoing segments, set before connecting (the kernel
     * also bounds it by the path: values outside 88..32767 fail with {@code EINVAL}; 0 restores the default).
     * Reads back the negotiated MSS on a connected socket, and the requested (or default 536) one before.
     */
    default void setTcpMss(int mss) throws IOException { setIntOption(SockOpt.TCP_MAXSEG, mss); }

    /** See {@link #setTcpCork}. */
    default boolean tcpCork() throws IOException { return getBooleanOption(SockOpt.TCP_CORK); }

    /** Sets {@code TCP_CORK}: hold partial segments until uncorked (at most 200 ms). */
    default void setTcpCork(boolean on) throws IOException { setBooleanOption(SockOpt.TCP_CORK, on); }

    /** See {@link #setTcpQuickack}. */
    default boolean tcpQuickack() throws IOException { return getBooleanOption(SockOpt.TCP_QUICKACK); }

    /** Sets {@code TCP_QUICKACK}: acknowledge at once rather than delaying ACKs; the kernel may turn it off again. */
    default void setTcpQuickack(boolean on) throws IOException { setBooleanOption(SockOpt.TCP_QUICKACK, on); }

    /** See {@link #setTcpThinLinearTimeouts}. */
    default boolean tcpThinLinearTimeouts() throws IOException { return getBooleanOption(SockOpt.TCP_THIN_LINEAR_TIMEOUTS); }

    /** Sets {@code TCP_THIN_LINEAR_TIMEOUTS}: thin streams retransmit with linear instead of exponential backoff. */
    default void setTcpThinLinearTimeouts(boolean on) throws IOException { setBooleanOption(SockOpt.TCP_THIN_LINEAR_TIMEOUTS, on); }

    /** See {@link #setTcpNotsentLowat}. */
    default int tcpNotsentLowat() throws IOException { return getIntOption(SockOpt.TCP_NOTSENT_LOWAT); }

    /** Sets {@code TCP_NOTSENT_LOWAT} (Linux 3.12+): the socket is writable only while less than this many bytes are unsent. */
    default void setTcpNotsentLowat(int bytes) throws IOException { setIntOption(SockOpt.TCP_NOTSENT_LOWAT, bytes); }

    /** See {@link #setTcpUserTimeout}. */
    default Optional<Duration> tcpUserTimeout() throws IOException { return getOption(SockOpt.TCP_USER_TIMEOUT); }

    /**
     * Sets {@code TCP_USER_TIMEOUT} (Linux 2.6.37+): how long sent data may stay unacknowledged before the
     * kernel drops the connection ({@code ETIMEDOUT}). Millisecond precision, a sub-millisecond rest rounded
     * up; clamped to {@code INT_MAX} ms, since Linux refuses larger values with {@code EINVAL}; empty or zero
     * restores the system default.
     */
    default void setTcpUserTimeout(Optional<Duration> timeout) throws IOException { setOption(SockOpt.TCP_USER_TIMEOUT, timeout); }

    /** See {@link #setTcpCongestion}. */
    default String tcpCongestion() throws IOException { return getOption(SockOpt.TCP_CONGESTION); }

    /**
     * Sets {@code TCP_CONGESTION}: the congestion control algorithm, e.g. {@code "cubic"}, {@code "bbr"}
     * (at most 15 bytes, {@code TCP_CA_NAME_MAX - 1}, else {@link IllegalArgumentException}). An unknown name
     * fails with {@code ENOENT}; one not in {@code net.ipv4.tcp_allowed_congestion_control} needs
     * {@code CAP_NET_ADMIN} ({@code EPERM}).
     */
    default void setTcpCongestion(String name) throws IOException { setOption(SockOpt.TCP_CONGESTION, name); }

    // -- IPPROTO_TCP beyond socket2

    /** {@code TCP_INFO}: the kernel's statistics of the connection; fields this kernel lacks are absent. */
    default TcpInfo tcpInfo() throws IOException { return getOption(SockOpt.TCP_INFO); }

    /** Sets {@code TCP_KEEPIDLE} alone (see {@link #setTcpKeepalive}); 1 to 32767 s, sub-second rounded up. */
    default void setTcpKeepaliveTime(Duration time) throws IOException { setOption(SockOpt.TCP_KEEPIDLE, time); }

    /** Sets {@code TCP_KEEPINTVL} alone (see {@link #setTcpKeepalive}); 1 to 32767 s, sub-second rounded up. */
    default void setTcpKeepaliveInterval(Duration interval) throws IOException { setOption(SockOpt.TCP_KEEPINTVL, interval); }

    /** Sets {@code TCP_KEEPCNT} alone (see {@link #setTcpKeepalive}); 1 to 127. */
    default void setTcpKeepaliveRetries(int retries) throws IOException { setIntOption(SockOpt.TCP_KEEPCNT, retries); }

    /** See {@link #setTcpDeferAccept}. */
    default Duration tcpDeferAccept() throws IOException { return getOption(SockOpt.TCP_DEFER_ACCEPT); }

    /**
     * Sets {@code TCP_DEFER_ACCEPT} on a listener: {@code accept(2)} returns a connection only once data has
     * arrived, waiting up to about this long. The kernel converts it to a count of SYN-ACK retransmissions, so it
     * reads back rounded up to that schedule (1 s, 3 s, 7 s, 15 s, …); zero turns it off.
     */
    default void setTcpDeferAccept(Duration time) throws IOException { setOption(SockOpt.TCP_DEFER_ACCEPT, time); }

    /** See {@link #setTcpFastopen}. */
    default int tcpFastopen() throws IOException { return getIntOption(SockOpt.TCP_FASTOPEN); }

    /**
     * Sets {@code TCP_FASTOPEN} (Linux 3.7+) on a listener: the queue length of pending Fast Open connections;
     * needs server support in {@code net.ipv4.tcp_fastopen} (bit 2).
     */
    default void setTcpFastopen(int queueLength) throws IOException { setIntOption(SockOpt.TCP_FASTOPEN, queueLength); }

    /** See {@link #setTcpFastopenConnect}. */
    default boolean tcpFastopenConnect() throws IOException { return getBooleanOption(SockOpt.TCP_FASTOPEN_CONNECT); }

    /** Sets {@code TCP_FASTOPEN_CONNECT} (Linux 4.11+): {@code connect(2)} defers the SYN to carry the first write. */
    default void setTcpFastopenConnect(boolean on) throws IOException { setBooleanOption(SockOpt.TCP_FASTOPEN_CONNECT, on); }

    /**
     * Sets {@code TCP_MD5SIG}: the RFC 2385 signature key for segments to and from {@code sig.peer()} (an empty
     * key deletes it, {@code ENOENT} if there was none). Needs {@code CONFIG_TCP_MD5SIG}.
     */
    default void setTcpMd5Sig(TcpMd5Sig sig) throws IOException { setOption(SockOpt.TCP_MD5SIG, sig); }

    /** See {@link #setTcpSyncnt}. */
    default int tcpSyncnt() throws IOException { return getIntOption(SockOpt.TCP_SYNCNT); }

    /** Sets {@code TCP_SYNCNT}: SYN retransmissions before connect gives up, 1 to 127. */
    default void setTcpSyncnt(int count) throws IOException { setIntOption(SockOpt.TCP_SYNCNT, count); }

    /** See {@link #setTcpWindowClamp}. */
    default int tcpWindowClamp() throws IOException { return getIntOption(SockOpt.TCP_WINDOW_CLAMP); }

    /** Sets {@code TCP_WINDOW_CLAMP}: the largest window advertised (raised to half the minimum receive buffer). */
    default void setTcpWindowClamp(int bytes) throws IOException { setIntOption(SockOpt.TCP_WINDOW_CLAMP, bytes); }

    /** See {@link #setTcpLinger2}; reads the effective seconds (the default is {@code net.ipv4.tcp_fin_timeout}). */
    default int tcpLinger2() throws IOException { return getIntOption(SockOpt.TCP_LINGER2); }

    /**
     * Sets {@code TCP_LINGER2}: seconds an orphaned connection stays in FIN_WAIT2; 0 uses the system default,
     * -1 (or any negative value the kernel sees) skips FIN_WAIT2; capped by the kernel at 120 s.
     */
    default void setTcpLinger2(int seconds) throws IOException { setIntOption(SockOpt.TCP_LINGER2, seconds); }

    // ================================================================ SOL_UDP, udp(7)

    /** See {@link #setUdpSegment}. */
    default int udpSegment() throws IOException { return getIntOption(SockOpt.UDP_SEGMENT); }

    /**
     * Sets {@code UDP_SEGMENT} (Linux 4.18+): generic segmentation offload; a send larger than this size is
     * split into datagrams of this size (0 turns it off; at most 65535).
     */
    default void setUdpSegment(int size) throws IOException { setIntOption(SockOpt.UDP_SEGMENT, size); }

    /** See {@link #setUdpGro}. */
    default boolean udpGro() throws IOException { return getBooleanOption(SockOpt.UDP_GRO); }

    /** Sets {@code UDP_GRO} (Linux 5.0+): receive coalesced datagrams with a {@code UDP_GRO} segment-size control message. */
    default void setUdpGro(boolean on) throws IOException { setBooleanOption(SockOpt.UDP_GRO, on); }

    // ================================================================ SOL_DCCP (removed in Linux 6.16)
    // On kernels without DCCP every accessor fails with an IOException saying so.

    /** See {@link #setDccpService}. */
    default int dccpService() throws IOException { return getIntOption(SockOpt.DCCP_SOCKOPT_SERVICE); }

    /** Sets {@code DCCP_SOCKOPT_SERVICE}: the service code (RFC 4340 §8.1.2), before connect or listen. */
    default void setDccpService(int code) throws IOException { setIntOption(SockOpt.DCCP_SOCKOPT_SERVICE, code); }

    /** Sets {@code DCCP_SOCKOPT_CCID}: the CCID (congestion control, 2 or 3) of both directions, 0..255. */
    default void setDccpCcid(int ccid) throws IOException { setIntOption(SockOpt.DCCP_SOCKOPT_CCID, ccid); }

    /** {@code DCCP_SOCKOPT_TX_CCID}: the CCID of the sending direction. */
    default int dccpTxCcid() throws IOException { return getIntOption(SockOpt.DCCP_SOCKOPT_TX_CCID); }

    /** {@code DCCP_SOCKOPT_RX_CCID}: the CCID of the receiving direction (socket2's name is {@code dccp_xx_ccid}). */
    default int dccpXxCcid() throws IOException { return getIntOption(SockOpt.DCCP_SOCKOPT_RX_CCID); }

    /** See {@link #setDccpServerTimewait}. */
    default boolean dccpServerTimewait() throws IOException { return getBooleanOption(SockOpt.DCCP_SOCKOPT_SERVER_TIMEWAIT); }

    /** Sets {@code DCCP_SOCKOPT_SERVER_TIMEWAIT}: the server, not the client, holds the TIMEWAIT state. */
    default void setDccpServerTimewait(boolean on) throws IOException { setBooleanOption(SockOpt.DCCP_SOCKOPT_SERVER_TIMEWAIT, on); }

    /** See {@link #setDccpSendCscov}. */
    default int dccpSendCscov() throws IOException { return getIntOption(SockOpt.DCCP_SOCKOPT_SEND_CSCOV); }

    /** Sets {@code DCCP_SOCKOPT_SEND_CSCOV}: partial checksum coverage of sent packets, 0 (all) to 15. */
    default void setDccpSendCscov(int cscov) throws IOException { setIntOption(SockOpt.DCCP_SOCKOPT_SEND_CSCOV, cscov); }

    /** See {@link #setDccpRecvCscov}. */
    default int dccpRecvCscov() throws IOException { return getIntOption(SockOpt.DCCP_SOCKOPT_RECV_CSCOV); }

    /** Sets {@code DCCP_SOCKOPT_RECV_CSCOV}: the minimum checksum coverage accepted, 0 to 15. */
    default void setDccpRecvCscov(int cscov) throws IOException { setIntOption(SockOpt.DCCP_SOCKOPT_RECV_CSCOV, cscov); }

    /** See {@link #setDccpQpolicyTxqlen}. */
    default int dccpQpolicyTxqlen() throws IOException { return getIntOption(SockOpt.DCCP_SOCKOPT_QPOLICY_TXQLEN); }

    /** Sets {@code DCCP_SOCKOPT_QPOLICY_TXQLEN}: the maximum length of the send queue. */
    default void setDccpQpolicyTxqlen(int length) throws IOException { setIntOption(SockOpt.DCCP_SOCKOPT_QPOLICY_TXQLEN, length); }

    /** {@code DCCP_SOCKOPT_AVAILABLE_CCIDS}: the CCIDs this endpoint supports. */
    default CcidEndpoints dccpAvailableCcids() throws IOException { return getOption(SockOpt.DCCP_SOCKOPT_AVAILABLE_CCIDS); }

    /** {@code DCCP_SOCKOPT_GET_CUR_MPS}: the current maximum packet size. */
    default int dccpCurMps() throws IOException { return getIntOption(SockOpt.DCCP_SOCKOPT_GET_CUR_MPS); }
}
