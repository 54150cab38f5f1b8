package dev.socket2j.netty;

import dev.socket2j.ControlMessage;
import dev.socket2j.Domain;
import dev.socket2j.SockAddr;
import dev.socket2j.SockOpt;
import dev.socket2j.Socket;
import dev.socket2j.Type;
import dev.socket2j.internal.C;
import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.SegmentedDatagramPacket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * A UDP socket on socket2j's epoll loop: Netty's {@link DatagramChannel}, usable wherever {@code NioDatagramChannel}
 * or {@code EpollDatagramChannel} is.
 *
 * <ul>
 *   <li>Reads: one {@code recvmsg(2)} per datagram; with {@link Socket2ChannelOption#MAX_DATAGRAM_PAYLOAD_SIZE}
 *       set and a {@code RecvByteBufAllocator} whose buffers hold several such payloads, one {@code recvmmsg(2)}
 *       fills them all. Datagrams that came with control messages arrive as {@link Socket2DatagramPacket}; with
 *       {@code UDP_GRO} on (Linux 5.0), a coalesced receive arrives as a {@link Socket2SegmentedDatagramPacket} (a
 *       {@link SegmentedDatagramPacket} that keeps the receive's other ancillary data) carrying
 *       the segment size.</li>
 *   <li>Writes: {@code sendmsg(2)}, or {@code sendmmsg(2)} when several datagrams are flushed together. A
 *       {@link SegmentedDatagramPacket} is sent with a {@code UDP_SEGMENT} control message (GSO, Linux 4.18): the
 *       kernel cuts it into datagrams of the segment size. A datagram the kernel refuses fails its own promise.</li>
 *   <li>Multicast: IPv4 groups through {@code IP_ADD_MEMBERSHIP} ({@code ip_mreqn}, by interface index), IPv6
 *       through {@code IPV6_ADD_MEMBERSHIP}, source-specific through {@code MCAST_JOIN_SOURCE_GROUP};
 *       {@code IP_MULTICAST_ALL} is turned off at creation, as the JDK does, so the socket only receives the groups
 *       it joined.</li>
 * </ul>
 */
public final class Socket2DatagramChannel extends AbstractSocket2DatagramChannel implements DatagramChannel, UdpMulticast {
    private final Socket2DatagramChannelConfig config;
    final UdpSupport udp;

    /** A new dual-stack socket where IPv6 exists, else IPv4. */
    public Socket2DatagramChannel() { this(Sockets.preferredFamily()); }

    /** A new socket of the given family ({@code INET} or {@code INET6}). */
    public Socket2DatagramChannel(SocketProtocolFamily family) {
        this(UdpSupport.open(family, C.SOCK_NONBLOCK), family == SocketProtocolFamily.INET6);
    }

    /** A new socket of the given family (Netty's older enum). */
    @SuppressWarnings("deprecation")
    public Socket2DatagramChannel(InternetProtocolFamily family) { this(family.toSocketProtocolFamily()); }

    /** Adopts an open UDP socket descriptor (bound or not); the channel will own and close it. */
    public Socket2DatagramChannel(int fd) {
        this(nonBlocking(Socket.fromFd(fd)), Sockets.isIpv6(fd));
        if (Sockets.isConnected(fd)) {
            connected = true;
            active = true;
        } else {
            active = UdpSupport.boundToPort(socket);
        }
        resetCachedAddresses();
    }

    private Socket2DatagramChannel(Socket socket, boolean ipv6) {
        super(socket, ipv6);
        this.udp = new UdpSupport(socket, ipv6);
        this.config = new Socket2DatagramChannelConfig(host);
    }

    @Override public Socket2DatagramChannelConfig config() { return config; }

    /**
     * Whether this kernel sends a {@link SegmentedDatagramPacket} with {@code UDP_SEGMENT} (GSO, Linux 4.18), as
     * {@code EpollDatagramChannel.isSegmentedDatagramPacketSupported()} tells; checked once.
     */
    public static boolean isSegmentedDatagramPacketSupported() { return GsoProbe.SUPPORTED; }

    static final class GsoProbe {
        static final boolean SUPPORTED = probe();

        private static boolean probe() {
            try (dev.socket2j.Socket s = dev.socket2j.Socket.open(dev.socket2j.Domain.IPV4, dev.socket2j.Type.DGRAM)) {
                s.getOption(dev.socket2j.SockOpt.UDP_SEGMENT);
                return true;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
    }

    @Override public InetSocketAddress localAddress() { return (InetSocketAddress) super.localAddress(); }

    @Override public InetSocketAddress remoteAddress() { return (InetSocketAddress) super.remoteAddress(); }

    @Override int maxDatagramPayload() { return config.getMaxDatagramPayloadSize(); }

    // ---------------------------------------------------------------- addresses and packets

    @Override SockAddr toKernel(SocketAddress address) { return udp.toKernel(address); }

    @Override SocketAddress fromKernel(SockAddr address) { return Addresses.fromKernel(address); }

    @Override
    Object newPacket(ByteBuf data, SocketAddress sender, MsgSlots slots, int i) {
        return UdpSupport.newPacket(data, localAddress(), sender, slots, i);
    }

    @Override
    protected Object filterOutboundMessage(Object msg) { return UdpSupport.filterOutbound(msg); }

    @Override
    List<ControlMessage> controlOf(Object msg, SocketAddress recipient) { return udp.controlOf(msg, recipient, remote); }
}
