package dev.socket2j.netty;

import dev.socket2j.ControlMessage;
import dev.socket2j.Domain;
import dev.socket2j.GroupSource;
import dev.socket2j.InterfaceIndexOrAddress;
import dev.socket2j.Membership;
import dev.socket2j.SockAddr;
import dev.socket2j.SockOpt;
import dev.socket2j.Socket;
import dev.socket2j.internal.C;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
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
 * What the UDP channels of both engines ({@link Socket2DatagramChannel}, {@link Socket2UringDatagramChannel}) do
 * alike: the socket they open, addresses, the packet a datagram becomes, the control messages a packet is sent with,
 * and multicast membership. One per channel (it keeps the GSO message of the last segment size).
 */
final class UdpSupport {
    private static final String EXPECTED_TYPES = " (expected: " + StringUtil.simpleClassName(DatagramPacket.class)
        + ", " + StringUtil.simpleClassName(AddressedEnvelope.class) + '<' + StringUtil.simpleClassName(ByteBuf.class)
        + ", " + StringUtil.simpleClassName(InetSocketAddress.class) + ">, " + StringUtil.simpleClassName(ByteBuf.class) + ')';

    private static final Inet6Address ANY6;
    static {
        try {
            ANY6 = Inet6Address.getByAddress(null, new byte[16], -1);
        } catch (UnknownHostException e) { throw new ExceptionInInitializerError(e); }
    }

    private final Socket socket;
    private final boolean ipv6;

    /** The support of a UDP channel of either engine. */
    static UdpSupport of(DatagramChannel ch) {
        return ch instanceof Socket2DatagramChannel e ? e.udp : ((Socket2UringDatagramChannel) ch).udp;
    }

    /** Turns {@code IP_MULTICAST_ALL} off (as the JDK does: the socket only receives the groups it joined). */
    UdpSupport(Socket socket, boolean ipv6) {
        this.socket = socket;
        this.ipv6 = ipv6;
        try {
            socket.setOption(SockOpt.IP_MULTICAST_ALL, false);
            if (ipv6) socket.setOption(SockOpt.IPV6_MULTICAST_ALL, false);
        } catch (IOException e) {
            // kernels before 4.20 have no IPV6_MULTICAST_ALL (2.6.31 for IPv4): keep their default
        }
    }

    /** A UDP socket of {@code family}, with the extra type flags ({@code SOCK_NONBLOCK} for epoll, 0 for io_uring). */
    static Socket open(SocketProtocolFamily family, int typeFlags) {
        Domain d = switch (family) {
            case INET -> Domain.IPV4;
            case INET6 -> Domain.IPV6;
            default -> throw new IllegalArgumentException("not an IP family: " + family);
        };
        try {
            return Socket.open(d, new dev.socket2j.Type(C.SOCK_DGRAM | typeFlags));
        } catch (IOException e) {
            throw new ChannelException("cannot open a " + family + " datagram socket", e);
        }
    }

    /** Whether an adopted descriptor is bound to a port (an unbound UDP socket reports port 0). */
    static boolean boundToPort(Socket s) {
        try {
            SockAddr a = s.localAddr();
            return a.asSocket().map(x -> x.getPort() != 0).orElse(false);
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    /** As NIO does, the IPv4 wildcard on an IPv6 socket is the IPv6 wildcard (not {@code ::ffff:0.0.0.0}, which only takes IPv4). */
    SockAddr toKernel(SocketAddress address) {
        if (ipv6 && address instanceof InetSocketAddress a && a.getAddress() instanceof Inet4Address v4 && v4.isAnyLocalAddress()) {
            return SockAddr.ipv6(ANY6, a.getPort(), 0, 0);
        }
        return Addresses.toKernel(address, ipv6);
    }

    /**
     * The message a received datagram becomes: a plain {@link DatagramPacket} without control messages, a
     * {@link Socket2SegmentedDatagramPacket} for a GRO-coalesced receive, else a {@link Socket2DatagramPacket}.
     */
    static Object newPacket(ByteBuf data, InetSocketAddress recipient, SocketAddress sender, MsgSlots slots, int i) {
        List<ControlMessage> control = slots.controlMessages(i);
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

    /** The outbound messages a UDP channel takes (resolved recipients only). */
    static Object filterOutbound(Object msg) {
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

    /**
     * The control messages {@code msg} is sent with: {@code UDP_SEGMENT} for a {@link SegmentedDatagramPacket}, the
     * TOS/TCLASS and source (PKTINFO) a {@link Socket2DatagramPacket} asks for, in the recipient's family.
     */
    List<ControlMessage> controlOf(Object msg, SocketAddress recipient, SocketAddress remote) {
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

    /** The interface of the bound address, as NIO and epoll pick it when none is given; null for the kernel's choice. */
    private static NetworkInterface defaultInterface(InetSocketAddress local) throws SocketException {
        if (local == null || local.getAddress().isAnyLocalAddress()) return null;
        return NetworkInterface.getByInetAddress(local.getAddress());
    }

    /** Joins or leaves {@code group} (any source, or {@code source} only), completing {@code promise}. */
    ChannelFuture membership(boolean join, InetAddress group, NetworkInterface iface, InetAddress source,
                             InetSocketAddress local, ChannelPromise promise) {
        try {
            if (group == null) throw new NullPointerException("group");
            if (!group.isMulticastAddress()) throw new IllegalArgumentException("not a multicast address: " + group);
            if (iface == null) iface = defaultInterface(local);
            int index = iface == null ? 0 : iface.getIndex();
            if (source != null) {
                sourceAction(join ? SockOpt.MCAST_JOIN_SOURCE_GROUP : SockOpt.MCAST_LEAVE_SOURCE_GROUP, group, iface,
                    source, local, promise);
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
    ChannelFuture sourceAction(SockOpt<GroupSource> action, InetAddress group, NetworkInterface iface,
                               InetAddress source, InetSocketAddress local, ChannelPromise promise) {
        try {
            if (group == null || source == null) throw new NullPointerException(group == null ? "group" : "source");
            if (!group.isMulticastAddress()) throw new IllegalArgumentException("not a multicast address: " + group);
            if (iface == null) iface = defaultInterface(local);
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

    /** An IPv4 address of {@code iface}, or {@code null}. */
    static Inet4Address ipv4Of(NetworkInterface iface) {
        Enumeration<InetAddress> e = iface.getInetAddresses();
        while (e.hasMoreElements()) {
            if (e.nextElement() instanceof Inet4Address a) return a;
        }
        return null;
    }
}
