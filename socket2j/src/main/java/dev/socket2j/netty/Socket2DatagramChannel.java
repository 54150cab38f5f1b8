package dev.socket2j.netty;

import dev.socket2j.ControlMessage;
import dev.socket2j.Domain;
import dev.socket2j.GroupSource;
import dev.socket2j.InterfaceIndexOrAddress;
import dev.socket2j.Membership;
import dev.socket2j.SockAddr;
import dev.socket2j.SockOpt;
import dev.socket2j.Socket;
import dev.socket2j.Type;
import dev.socket2j.internal.C;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.SegmentedDatagramPacket;
import io.netty.util.internal.StringUtil;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;
import java.util.Enumeration;
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
public final class Socket2DatagramChannel extends AbstractSocket2DatagramChannel implements DatagramChannel {
    private static final String EXPECTED_TYPES = " (expected: " + StringUtil.simpleClassName(DatagramPacket.class)
        + ", " + StringUtil.simpleClassName(AddressedEnvelope.class) + '<' + StringUtil.simpleClassName(ByteBuf.class)
        + ", " + StringUtil.simpleClassName(InetSocketAddress.class) + ">, " + StringUtil.simpleClassName(ByteBuf.class) + ')';

    private final Socket2DatagramChannelConfig config;

    /** A new dual-stack socket where IPv6 exists, else IPv4. */
    public Socket2DatagramChannel() { this(Sockets.preferredFamily()); }

    /** A new socket of the given family ({@code INET} or {@code INET6}). */
    public Socket2DatagramChannel(SocketProtocolFamily family) {
        this(newDgram(family), family == SocketProtocolFamily.INET6);
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
            try {
                SockAddr a = socket.localAddr();
                active = a.asSocket().map(s -> s.getPort() != 0).orElse(false);
            } catch (IOException e) {
                throw new ChannelException(e);
            }
        }
        resetCachedAddresses();
    }

    private Socket2DatagramChannel(Socket socket, boolean ipv6) {
        super(socket, ipv6);
        try {
            socket.setOption(SockOpt.IP_MULTICAST_ALL, false);
            if (ipv6) socket.setOption(SockOpt.IPV6_MULTICAST_ALL, false);
        } catch (IOException e) {
            // kernels before 4.20 have no IPV6_MULTICAST_ALL (2.6.31 for IPv4): keep their default
        }
        this.config = new Socket2DatagramChannelConfig(this);
    }

    private static Socket newDgram(SocketProtocolFamily family) {
        Domain d = switch (family) {
            case INET -> Domain.IPV4;
            case INET6 -> Domain.IPV6;
            default -> throw new IllegalArgumentException("not an IP family: " + family);
        };
        try {
            return Socket.open(d, new Type(C.SOCK_DGRAM | C.SOCK_NONBLOCK));
        } catch (IOException e) {
            throw new ChannelException("cannot open a " + family + " datagram socket", e);
        }
    }

    @Override public Socket2DatagramChannelConfig config() { return config; }

    /**
     * Whether this kernel sends a {@link SegmentedDatagramPacket} with {@code UDP_SEGMENT} (GSO, Linux 4.18), as
     * {@code EpollDatagramChannel.isSegmentedDatagramPacketSupported()} tells; checked once.
     */
    public static boolean isSegmentedDatagramPacketSupported() { return GsoProbe.SUPPORTED; }

    private static final class GsoProbe {
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

    /** As NIO does, the IPv4 wildcard on an IPv6 socket is the IPv6 wildcard (not {@code ::ffff:0.0.0.0}, which only takes IPv4). */
    @Override
    SockAddr toKernel(SocketAddress address) {
        if (ipv6 && address instanceof InetSocketAddress a && a.getAddress() instanceof Inet4Address v4 && v4.isAnyLocalAddress()) {
            return SockAddr.ipv6(ANY6, a.getPort(), 0, 0);
        }
        return Addresses.toKernel(address, ipv6);
    }

    private static final Inet6Address ANY6;
    static {
        try {
            ANY6 = Inet6Address.getByAddress(null, new byte[16], -1);
        } catch (UnknownHostException e) { throw new ExceptionInInitializerError(e); }
    }

    @Override SocketAddress fromKernel(SockAddr address) { return Addresses.fromKernel(address); }

    @Override
    Object newPacket(ByteBuf data, SocketAddress sender, MsgSlots slots, int i) {
        List<ControlMessage> control = slots.controlMessages(i);
        InetSocketAddress recipient = localAddress();
        if (control.isEmpty()) return new DatagramPacket(data, recipient, (InetSocketAddress) sender);
        int gro = 0;
        for (ControlMessage m : control) {
            if (m instanceof ControlMessage.UdpGro g) gro = g.segmentSize();
        }
        if (gro > 0 && data.readableBytes() > gro) {
            return new Socket2SegmentedDatagramPacket(data, gro, recipient, (InetSocketAddress) sender, control);
        }
        return new Socket2DatagramPacket(data, recipient, (InetSocketAddress) sender, control);
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof DatagramPacket p) {
            if (p.recipient().isUnresolved()) throw new UnresolvedAddressException();
            return msg;
        }
        if (msg instanceof ByteBuf) return msg;
        if (msg instanceof AddressedEnvelope<?, ?> e && e.content() instanceof ByteBuf
                && (e.recipient() == null || e.recipient() instanceof InetSocketAddress)) {
            if (e.recipient() instanceof InetSocketAddress a && a.isUnresolved()) {
                throw new UnresolvedAddressException();
            }
            return msg;
        }
        throw new UnsupportedOperationException("unsupported message type: " + StringUtil.simpleClassName(msg) + EXPECTED_TYPES);
    }

    /** The UDP_SEGMENT message of the last GSO send, kept: a stream of one segment size makes no message per send. */
    private List<ControlMessage> gsoControl = List.of(new ControlMessage.UdpSegment(0));

    private List<ControlMessage> gsoControl(int segmentSize) {
        List<ControlMessage> c = gsoControl;
        if (((ControlMessage.UdpSegment) c.get(0)).size() != segmentSize) {
            gsoControl = c = List.of(new ControlMessage.UdpSegment(segmentSize));
        }
        return c;
    }

    @Override
    List<ControlMessage> controlOf(Object msg, SocketAddress recipient) {
        if (msg instanceof SegmentedDatagramPacket p) return gsoControl(p.segmentSize());
        if (!(msg instanceof Socket2DatagramPacket p)) return List.of();
        if (p.sendTrafficClass() < 0 && p.sendSource() == null) return p.controlMessages();
        boolean v4 = recipient instanceof InetSocketAddress a ? a.getAddress() instanceof Inet4Address
            : remote instanceof InetSocketAddress r && r.getAddress() instanceof Inet4Address;
        List<ControlMessage> out = new ArrayList<>(p.controlMessages());
        if (p.sendTrafficClass() >= 0) {
            out.add(v4 ? new ControlMessage.IpTos(p.sendTrafficClass()) : new ControlMessage.Ipv6TClass(p.sendTrafficClass()));
        }
        InetAddress src = p.sendSource();
        if (src != null) {
            if (v4 && src instanceof Inet4Address s4) {
                out.add(new ControlMessage.IpPktInfo(0, s4, anyV4()));
            } else if (src instanceof Inet6Address s6) {
                out.add(new ControlMessage.Ipv6PktInfo(s6, 0));
            } else {
                out.add(new ControlMessage.Ipv6PktInfo(mapped((Inet4Address) src), 0));
            }
        }
        return out;
    }

    private static Inet4Address anyV4() {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[4]);
        } catch (UnknownHostException e) { throw new AssertionError(e); }
    }

    private static Inet6Address mapped(Inet4Address a) {
        byte[] m = new byte[16];
        m[10] = (byte) 0xff;
        m[11] = (byte) 0xff;
        System.arraycopy(a.getAddress(), 0, m, 12, 4);
        try {
            return Inet6Address.getByAddress(null, m, -1);
        } catch (UnknownHostException e) { throw new AssertionError(e); }
    }

    // ---------------------------------------------------------------- multicast

    @Override
    public ChannelFuture joinGroup(InetAddress group) { return joinGroup(group, newPromise()); }

    @Override
    public ChannelFuture joinGroup(InetAddress group, ChannelPromise promise) {
        return membership(true, group, null, null, promise);
    }

    @Override
    public ChannelFuture joinGroup(InetSocketAddress group, NetworkInterface iface) {
        return joinGroup(group, iface, newPromise());
    }

    @Override
    public ChannelFuture joinGroup(InetSocketAddress group, NetworkInterface iface, ChannelPromise promise) {
        return membership(true, group.getAddress(), iface, null, promise);
    }

    @Override
    public ChannelFuture joinGroup(InetAddress group, NetworkInterface iface, InetAddress source) {
        return joinGroup(group, iface, source, newPromise());
    }

    @Override
    public ChannelFuture joinGroup(InetAddress group, NetworkInterface iface, InetAddress source, ChannelPromise promise) {
        return membership(true, group, iface, source, promise);
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress group) { return leaveGroup(group, newPromise()); }

    @Override
    public ChannelFuture leaveGroup(InetAddress group, ChannelPromise promise) {
        return membership(false, group, null, null, promise);
    }

    @Override
    public ChannelFuture leaveGroup(InetSocketAddress group, NetworkInterface iface) {
        return leaveGroup(group, iface, newPromise());
    }

    @Override
    public ChannelFuture leaveGroup(InetSocketAddress group, NetworkInterface iface, ChannelPromise promise) {
        return membership(false, group.getAddress(), iface, null, promise);
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress group, NetworkInterface iface, InetAddress source) {
        return leaveGroup(group, iface, source, newPromise());
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress group, NetworkInterface iface, InetAddress source, ChannelPromise promise) {
        return membership(false, group, iface, source, promise);
    }

    @Override
    public ChannelFuture block(InetAddress group, NetworkInterface iface, InetAddress source) {
        return block(group, iface, source, newPromise());
    }

    @Override
    public ChannelFuture block(InetAddress group, NetworkInterface iface, InetAddress source, ChannelPromise promise) {
        return sourceAction(SockOpt.MCAST_BLOCK_SOURCE, group, iface, source, promise);
    }

    @Override
    public ChannelFuture block(InetAddress group, InetAddress source) { return block(group, source, newPromise()); }

    @Override
    public ChannelFuture block(InetAddress group, InetAddress source, ChannelPromise promise) {
        return block(group, null, source, promise);
    }

    /** The interface of the bound address, as NIO and epoll pick it when none is given; null for the kernel's choice. */
    private NetworkInterface defaultInterface() throws SocketException {
        InetSocketAddress l = localAddress();
        if (l == null || l.getAddress().isAnyLocalAddress()) return null;
        return NetworkInterface.getByInetAddress(l.getAddress());
    }

    private ChannelFuture membership(boolean join, InetAddress group, NetworkInterface iface, InetAddress source,
                                     ChannelPromise promise) {
        try {
            if (group == null) throw new NullPointerException("group");
            if (!group.isMulticastAddress()) throw new IllegalArgumentException("not a multicast address: " + group);
            if (iface == null) iface = defaultInterface();
            int index = iface == null ? 0 : iface.getIndex();
            if (source != null) {
                sourceAction(join ? SockOpt.MCAST_JOIN_SOURCE_GROUP : SockOpt.MCAST_LEAVE_SOURCE_GROUP, group, iface, source, promise);
                return promise;
            }
            if (group instanceof Inet4Address g4 && !ipv6) {
                socket.setOption(join ? SockOpt.IP_ADD_MEMBERSHIP : SockOpt.IP_DROP_MEMBERSHIP,
                    new Membership.V4(g4, new InterfaceIndexOrAddress.Index(index)));
            } else {
                Inet6Address g6 = group instanceof Inet4Address g4 ? mapped(g4) : (Inet6Address) group;
                socket.setOption(join ? SockOpt.IPV6_ADD_MEMBERSHIP : SockOpt.IPV6_DROP_MEMBERSHIP,
                    new Membership.V6(g6, index));
            }
            promise.setSuccess();
        } catch (IOException | RuntimeException e) {
            promise.setFailure(e);
        }
        return promise;
    }


    /** {@code struct group_source_req} actions (ip(7), ipv6(7)): the option of the socket's family, from the table. */
    private ChannelFuture sourceAction(SockOpt<GroupSource> action, InetAddress group, NetworkInterface iface,
                                       InetAddress source, ChannelPromise promise) {
        try {
            if (group == null || source == null) throw new NullPointerException(group == null ? "group" : "source");
            if (!group.isMulticastAddress()) throw new IllegalArgumentException("not a multicast address: " + group);
            if (iface == null) iface = defaultInterface();
            int index = iface == null ? 0 : iface.getIndex();
            SockOpt<GroupSource> opt = action.forFamily(ipv6 ? Domain.IPV6 : Domain.IPV4);
            socket.setOption(opt, new GroupSource(index, kernelAddress(group), kernelAddress(source)));
            promise.setSuccess();
        } catch (IOException | RuntimeException e) {
            promise.setFailure(e);
        }
        return promise;
    }

    private SockAddr kernelAddress(InetAddress a) { return toKernel(new InetSocketAddress(a, 0)); }

    /** Unblocks a source blocked with {@link #block} ({@code MCAST_UNBLOCK_SOURCE}). */
    public ChannelFuture unblock(InetAddress group, NetworkInterface iface, InetAddress source) {
        return sourceAction(SockOpt.MCAST_UNBLOCK_SOURCE, group, iface, source, newPromise());
    }

    /** An IPv4 address of {@code iface}, or {@code null}. */
    static Inet4Address ipv4Of(NetworkInterface iface) {
        Enumeration<InetAddress> e = iface.getInetAddresses();
        while (e.hasMoreElements()) {
            if (e.nextElement() instanceof Inet4Address a) return a;
        }
        return null;
    }

}
