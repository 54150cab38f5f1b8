package dev.socket2j.netty;

import dev.socket2j.ControlMessage;
import dev.socket2j.SockAddr;
import dev.socket2j.Socket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.SegmentedDatagramPacket;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * A UDP socket on {@link Socket2UringIoHandler}: Netty's {@link DatagramChannel}, usable wherever
 * {@code NioDatagramChannel} or {@code IoUringDatagramChannel} is, with the options, packets and ancillary data of
 * {@link Socket2DatagramChannel} (same config class, {@link Socket2DatagramChannelConfig}).
 *
 * <ul>
 *   <li>Reads: several {@code IORING_OP_RECVMSG} in flight (see {@link UringDatagramChannel}); datagrams that came
 *       with control messages arrive as {@link Socket2DatagramPacket}; with {@code UDP_GRO} on (Linux 5.0) a
 *       coalesced receive arrives as a {@link Socket2SegmentedDatagramPacket} carrying the segment size.
 *       {@link Socket2ChannelOption#MAX_DATAGRAM_PAYLOAD_SIZE} is accepted and has no effect here: each receive
 *       takes one datagram into one buffer.</li>
 *   <li>Writes: one {@code IORING_OP_SENDMSG} per datagram, the datagrams of a flush submitted together. A
 *       {@link SegmentedDatagramPacket} goes with a {@code UDP_SEGMENT} control message (GSO, Linux 4.18); a
 *       {@link Socket2DatagramPacket} with its TOS/TCLASS and source address (PKTINFO).</li>
 *   <li>Connect and disconnect are immediate ({@code connect(2)}, and {@code connect(2)} to {@code AF_UNSPEC}).</li>
 *   <li>Multicast as on epoll: {@code IP_ADD_MEMBERSHIP} by interface index, {@code IPV6_ADD_MEMBERSHIP},
 *       {@code MCAST_JOIN_SOURCE_GROUP}, {@code MCAST_BLOCK_SOURCE}; {@code IP_MULTICAST_ALL} is off.</li>
 * </ul>
 */
public final class Socket2UringDatagramChannel extends UringDatagramChannel implements DatagramChannel, UdpMulticast {
    private final Socket2DatagramChannelConfig config;
    final UdpSupport udp;

    /** A new dual-stack socket where IPv6 exists, else IPv4. */
    public Socket2UringDatagramChannel() { this(Sockets.preferredFamily()); }

    /**
     * A new socket of the given family ({@code INET} or {@code INET6}).
     *
     * @throws io.netty.channel.ChannelException if socket(2) fails (EMFILE, EAFNOSUPPORT without IPv6, ...)
     */
    public Socket2UringDatagramChannel(SocketProtocolFamily family) {
        this(UdpSupport.open(family, 0), family == SocketProtocolFamily.INET6);
    }

    /** A new socket of the given family (Netty's older enum). */
    @SuppressWarnings("deprecation")
    public Socket2UringDatagramChannel(InternetProtocolFamily family) { this(family.toSocketProtocolFamily()); }

    /** Adopts an open UDP socket descriptor (bound or not); it is made blocking, and the channel owns it. */
    public Socket2UringDatagramChannel(int fd) {
        this(blocking(Socket.fromFd(fd)), Sockets.isIpv6(fd));
        if (Sockets.isConnected(fd)) {
            connected = true;
            active = true;
        } else {
            active = UdpSupport.boundToPort(socket);
        }
        resetCachedAddresses();
    }

    private Socket2UringDatagramChannel(Socket socket, boolean ipv6) {
        super(socket, ipv6);
        this.udp = new UdpSupport(socket, ipv6);
        this.config = new Socket2DatagramChannelConfig(host);
    }

    @Override public Socket2DatagramChannelConfig config() { return config; }

    /** Whether this kernel sends a {@link SegmentedDatagramPacket} with {@code UDP_SEGMENT} (GSO, Linux 4.18). */
    public static boolean isSegmentedDatagramPacketSupported() { return Socket2DatagramChannel.isSegmentedDatagramPacketSupported(); }

    @Override public InetSocketAddress localAddress() { return (InetSocketAddress) super.localAddress(); }

    @Override public InetSocketAddress remoteAddress() { return (InetSocketAddress) super.remoteAddress(); }

    @Override SockAddr toKernel(SocketAddress address) { return udp.toKernel(address); }

    @Override SocketAddress fromKernel(SockAddr address) { return Addresses.fromKernel(address); }

    @Override
    Object newPacket(ByteBuf data, SocketAddress sender, MsgSlots slots, int i) {
        return UdpSupport.newPacket(data, localAddress(), sender, slots, i);
    }

    @Override
    protected Object filterOutboundMessage(Object msg) { return directPayload(UdpSupport.filterOutbound(msg)); }

    @Override
    List<ControlMessage> controlOf(Object msg, SocketAddress recipient) { return udp.controlOf(msg, recipient, remote); }
}
