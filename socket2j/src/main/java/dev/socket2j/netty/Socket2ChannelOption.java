package dev.socket2j.netty;

import dev.socket2j.SockOpt;
import io.netty.channel.ChannelOption;
import io.netty.channel.unix.UnixChannelOption;

import java.net.InetAddress;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@link ChannelOption}s of the socket2j channels, beyond Netty's standard ones.
 *
 * <ul>
 *   <li>Every descriptor of {@link SockOpt#all()}, as {@link #of(SockOpt)}: the option named
 *       {@code dev.socket2j.netty.Socket2ChannelOption#NAME}, with the descriptor's value type.</li>
 *   <li>The names epoll users already write ({@link #TCP_CORK}, {@link #TCP_KEEPIDLE}, {@link #SO_REUSEPORT}, ...):
 *       they are the very instances of Netty's {@code EpollChannelOption} (same constant-pool names), so code written
 *       for the epoll transport keeps working, without that JNI transport on the class path.</li>
 *   <li>{@link #IPV6_V6ONLY}, which Netty lacks.</li>
 * </ul>
 * Netty's {@code IntegerUnixChannelOption} and {@code RawUnixChannelOption} are accepted too. A value the kernel
 * refuses makes {@code setOption} throw a {@link io.netty.channel.ChannelException} carrying the errno; so does an
 * option of another kind of socket ({@link #UDP_GRO} on a TCP channel).
 *
 * <p>Families: Netty's names (and the epoll ones above) follow the channel's family through the descriptor's twin
 * ({@link SockOpt#forFamily}): {@code ChannelOption.IP_TOS} writes {@code IPV6_TCLASS} on an IPv6 channel, and then
 * {@code IP_TOS} too for IPv4-mapped peers, as Netty's epoll transport does. A generated option is exactly the kernel
 * option it is named after, on any family.
 */
public final class Socket2ChannelOption {
    private Socket2ChannelOption() {}

    private static final String EPOLL = "io.netty.channel.epoll.EpollChannelOption#";

    private static <T> ChannelOption<T> epoll(String name) { return ChannelOption.valueOf(EPOLL + name); }

    // -- the names of Netty's epoll transport (same instances as EpollChannelOption's)
    public static final ChannelOption<Boolean> TCP_CORK = epoll("TCP_CORK");
    public static final ChannelOption<Long> TCP_NOTSENT_LOWAT = epoll("TCP_NOTSENT_LOWAT");
    public static final ChannelOption<Integer> TCP_KEEPIDLE = epoll("TCP_KEEPIDLE");
    public static final ChannelOption<Integer> TCP_KEEPINTVL = epoll("TCP_KEEPINTVL");
    public static final ChannelOption<Integer> TCP_KEEPCNT = epoll("TCP_KEEPCNT");
    public static final ChannelOption<Integer> TCP_USER_TIMEOUT = epoll("TCP_USER_TIMEOUT");
    public static final ChannelOption<Boolean> IP_FREEBIND = epoll("IP_FREEBIND");
    public static final ChannelOption<Boolean> IP_BIND_ADDRESS_NO_PORT = epoll("IP_BIND_ADDRESS_NO_PORT");
    public static final ChannelOption<Boolean> IP_TRANSPARENT = epoll("IP_TRANSPARENT");
    public static final ChannelOption<Integer> TCP_DEFER_ACCEPT = epoll("TCP_DEFER_ACCEPT");
    public static final ChannelOption<Boolean> TCP_QUICKACK = epoll("TCP_QUICKACK");
    public static final ChannelOption<Integer> SO_BUSY_POLL = epoll("SO_BUSY_POLL");
    /** Write-only: peer address to key (at most 80 bytes); an empty map removes nothing. */
    public static final ChannelOption<Map<InetAddress, byte[]>> TCP_MD5SIG = epoll("TCP_MD5SIG");
    /** Netty's own instance ({@code EpollChannelOption.SO_REUSEPORT} is inherited from {@code UnixChannelOption}). */
    public static final ChannelOption<Boolean> SO_REUSEPORT = UnixChannelOption.SO_REUSEPORT;

    // -- datagram names of Netty's epoll transport
    /**
     * The largest datagram a {@link Socket2DatagramChannel} expects; when set (> 0) and the receive buffer holds
     * several, reads use {@code recvmmsg(2)}. 0 (the default) reads one datagram per {@code recvmsg(2)}.
     */
    public static final ChannelOption<Integer> MAX_DATAGRAM_PAYLOAD_SIZE = epoll("MAX_DATAGRAM_PAYLOAD_SIZE");
    /** {@code UDP_GRO} (Linux 5.0): coalesced receives, delivered as {@code SegmentedDatagramPacket}s. */
    public static final ChannelOption<Boolean> UDP_GRO = epoll("UDP_GRO");
    /** {@code IP_RECVORIGDSTADDR} (and {@code IPV6_RECVORIGDSTADDR} on IPv6 sockets). */
    public static final ChannelOption<Boolean> IP_RECVORIGDSTADDR = epoll("IP_RECVORIGDSTADDR");

    /** {@code IPV6_V6ONLY}: an IPv6 socket refuses IPv4-mapped peers (set before bind). */
    public static final ChannelOption<Boolean> IPV6_V6ONLY = ChannelOption.valueOf(Socket2ChannelOption.class, "IPV6_V6ONLY");

    // -- io_uring engine
    /**
     * {@link Socket2UringSocketChannel} only: a write of a single direct buffer of at least this many bytes goes out
     * as {@code IORING_OP_SEND_ZC} (Linux 6.0), which sends from the buffer's pages without copying them into the
     * socket. Each such send completes twice: once with the byte count, then with a notification
     * ({@code IORING_CQE_F_NOTIF}) when the kernel no longer reads the pages (for TCP, once the peer acknowledged the
     * data); the channel keeps the buffer alive until then, also after close: data still queued in the socket is sent
     * from the buffer's pages until the peer takes or resets it, or the connection times out. It pays for large writes over a real NIC; on loopback the
     * kernel copies anyway and it only adds the second completion. {@code 0} (the default) turns it off. Where the
     * kernel has no {@code SEND_ZC} (before 6.0, or {@code -Dsocket2j.uring.disable=SEND_ZC}) writes use
     * {@code IORING_OP_SEND} whatever the threshold.
     *
     * <p>{@code setOption} with a negative value throws {@link IllegalArgumentException}; no system call is made.
     */
    public static final ChannelOption<Integer> URING_SEND_ZC_THRESHOLD =
        ChannelOption.valueOf(Socket2ChannelOption.class, "URING_SEND_ZC_THRESHOLD");

    private static final Map<SockOpt<?>, ChannelOption<?>> BY_DESCRIPTOR;
    private static final Map<ChannelOption<?>, SockOpt<?>> DESCRIPTORS;
    static {
        Map<SockOpt<?>, ChannelOption<?>> by = new LinkedHashMap<>();
        Map<ChannelOption<?>, SockOpt<?>> back = new IdentityHashMap<>();
        for (SockOpt<?> d : SockOpt.all()) {
            ChannelOption<?> o = ChannelOption.valueOf(Socket2ChannelOption.class, d.name());
            by.put(d, o);
            back.put(o, d);
        }
        BY_DESCRIPTOR = Collections.unmodifiableMap(by);
        DESCRIPTORS = Collections.unmodifiableMap(back);
    }

    /**
     * The option for a descriptor of {@link SockOpt#all()}.
     *
     * @throws IllegalArgumentException for a descriptor that is not in the table ({@link SockOpt#custom})
     */
    @SuppressWarnings("unchecked")
    public static <T> ChannelOption<T> of(SockOpt<T> descriptor) {
        ChannelOption<?> o = BY_DESCRIPTOR.get(descriptor);
        if (o == null) throw new IllegalArgumentException("not in SockOpt.all(): " + descriptor);
        return (ChannelOption<T>) o;
    }

    /** The descriptor behind a generated option, or {@code null} for any other option. */
    @SuppressWarnings("unchecked")
    public static <T> SockOpt<T> descriptor(ChannelOption<T> option) { return (SockOpt<T>) DESCRIPTORS.get(option); }

    /** Every generated option, in table order. */
    public static Collection<ChannelOption<?>> generated() { return BY_DESCRIPTOR.values(); }
}
