package dev.socket2j.netty;

import dev.socket2j.ControlMessage;
import dev.socket2j.Domain;
import dev.socket2j.SockOpt;
import dev.socket2j.SockRef;
import dev.socket2j.Socket;
import dev.socket2j.Type;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ChannelException;
import io.netty.channel.unix.UnixChannel;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.SegmentedDatagramPacket;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a socket2j UDP channel does on either engine beyond Netty's shared tests: GSO/GRO, ancillary data both ways,
 * connect/disconnect, multicast membership. Each engine's test class supplies the loop group and the channel.
 */
abstract class DatagramChannelContract {
    static final InetAddress LO4 = InetAddress.getLoopbackAddress();

    /** The engine's loop group, shared by the class's tests. */
    abstract EventLoopGroup group();

    /** A new, unregistered UDP channel of the engine. */
    abstract DatagramChannel newUdp(SocketProtocolFamily family);

    /** The engine's {@code unblock} (not part of Netty's interface). */
    abstract ChannelFuture unblock(DatagramChannel ch, InetAddress group, NetworkInterface iface, InetAddress source);

    /** A channel bound to {@code at}, queueing what it reads. */
    Channel receiver(SocketProtocolFamily family, InetSocketAddress at, BlockingQueue<Object> got,
                     Bootstrap b) throws InterruptedException {
        return b.group(group()).channelFactory(() -> newUdp(family))
            .handler(new ChannelInboundHandlerAdapter() {
                @Override public void channelRead(ChannelHandlerContext ctx, Object msg) { got.add(msg); }
            }).bind(at).sync().channel();
    }

    Channel sender(SocketProtocolFamily family, InetSocketAddress at) throws InterruptedException {
        return new Bootstrap().group(group()).channelFactory(() -> newUdp(family))
            .handler(new ChannelInboundHandlerAdapter()).bind(at).sync().channel();
    }

    static Object take(BlockingQueue<Object> q) throws InterruptedException {
        Object o = q.poll(10, TimeUnit.SECONDS);
        assertNotNull(o, "nothing received within 10 s");
        return o;
    }

    static boolean kernelHas(SockOpt<?> opt) {
        try (Socket s = Socket.open(Domain.IPV4, Type.DGRAM)) {
            s.getOption(opt);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void segmentedPacketIsSentWithGsoAndArrivesAsSeparateDatagrams() throws Exception {
        Assumptions.assumeTrue(kernelHas(SockOpt.UDP_SEGMENT), "UDP_SEGMENT (GSO, Linux 4.18) not supported");
        BlockingQueue<Object> got = new LinkedBlockingQueue<>();
        Channel rx = receiver(SocketProtocolFamily.INET, new InetSocketAddress(LO4, 0), got, new Bootstrap());
        Channel tx = sender(SocketProtocolFamily.INET, new InetSocketAddress(LO4, 0));
        try {
            byte[] data = new byte[3 * 1000 + 500];
            for (int i = 0; i < data.length; i++) data[i] = (byte) (i / 1000);
            tx.writeAndFlush(new SegmentedDatagramPacket(Unpooled.wrappedBuffer(data), 1000,
                (InetSocketAddress) rx.localAddress())).sync();
            int[] sizes = new int[4];
            for (int i = 0; i < 4; i++) {
                DatagramPacket p = (DatagramPacket) take(got);
                sizes[i] = p.content().readableBytes();
                assertEquals(i, p.content().getByte(0), "segment " + i + " in order");
                p.release();
            }
            assertEquals(List.of(1000, 1000, 1000, 500), Stream.of(sizes[0], sizes[1], sizes[2], sizes[3]).toList());
        } finally {
            tx.close().sync();
            rx.close().sync();
        }
    }

    @Test
    void groCoalescedReceiveArrivesAsSegmentedPacketWithSegmentSizeAndAncillaryData() throws Exception {
        Assumptions.assumeTrue(kernelHas(SockOpt.UDP_GRO), "UDP_GRO (Linux 5.0) not supported");
        BlockingQueue<Object> got = new LinkedBlockingQueue<>();
        Channel rx = receiver(SocketProtocolFamily.INET, new InetSocketAddress(LO4, 0), got, new Bootstrap()
            .option(Socket2ChannelOption.UDP_GRO, true)
            .option(Socket2ChannelOption.of(SockOpt.IP_PKTINFO), true)
            .option(Socket2ChannelOption.of(SockOpt.IP_RECVTTL), true)
            .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65536)));
        Channel tx = sender(SocketProtocolFamily.INET, new InetSocketAddress(LO4, 0));
        try {
            assertTrue(((Socket2DatagramChannelConfig) rx.config()).isUdpGro());
            tx.writeAndFlush(new SegmentedDatagramPacket(Unpooled.wrappedBuffer(new byte[8 * 1200]), 1200,
                (InetSocketAddress) rx.localAddress())).sync();
            // loopback hands the GSO packet to a GRO socket whole; count bytes in case it was split anyway
            int bytes = 0;
            boolean segmented = false;
            while (bytes < 8 * 1200) {
                DatagramPacket p = (DatagramPacket) take(got);
                bytes += p.content().readableBytes();
                if (p instanceof SegmentedDatagramPacket s) {
                    segmented = true;
                    assertEquals(1200, s.segmentSize());
                    assertEquals(tx.localAddress(), s.sender());
                    // the other items of the same receive are kept with it
                    Socket2SegmentedDatagramPacket a = assertInstanceOf(Socket2SegmentedDatagramPacket.class, s);
                    assertEquals(Optional.of(LO4), a.destination(), "IP_PKTINFO of the coalesced receive");
                    assertTrue(a.hopLimit().isPresent(), "IP_TTL of the coalesced receive");
                    assertTrue(a.controlMessages().stream().anyMatch(m -> m instanceof ControlMessage.UdpGro));
                }
                p.release();
            }
            assertEquals(8 * 1200, bytes);
            assertTrue(segmented, "a coalesced receive arrives as a SegmentedDatagramPacket");
        } finally {
            tx.close().sync();
            rx.close().sync();
        }
    }

    @Test
    void ancillaryDataTravelsBothWaysOnIpv4() throws Exception {
        BlockingQueue<Object> got = new LinkedBlockingQueue<>();
        Channel rx = receiver(SocketProtocolFamily.INET, new InetSocketAddress(LO4, 0), got, new Bootstrap()
            .option(Socket2ChannelOption.of(SockOpt.IP_RECVTOS), true)
            .option(Socket2ChannelOption.of(SockOpt.IP_PKTINFO), true)
            .option(Socket2ChannelOption.of(SockOpt.IP_RECVTTL), true)
            .option(Socket2ChannelOption.of(SockOpt.SO_TIMESTAMPNS), true));
        // a wildcard sender may pick any local source per datagram through PKTINFO
        Channel tx = sender(SocketProtocolFamily.INET, new InetSocketAddress(0));
        try {
            InetSocketAddress to = (InetSocketAddress) rx.localAddress();
            InetAddress source = InetAddress.getByName("127.0.0.2");
            tx.writeAndFlush(new Socket2DatagramPacket(Unpooled.copiedBuffer(new byte[] {7}), to)
                .withTrafficClass(0x28).withSource(source)).sync();
            Socket2DatagramPacket p = assertInstanceOf(Socket2DatagramPacket.class, take(got));
            try {
                assertEquals(0x28, p.trafficClass().orElseThrow(), "per-packet TOS");
                assertEquals(source, p.sender().getAddress(), "source chosen through IP_PKTINFO");
                assertEquals(LO4, p.destination().orElseThrow(), "destination from IP_PKTINFO");
                assertTrue(p.interfaceIndex().orElseThrow() > 0);
                assertEquals(64, p.hopLimit().orElseThrow(), "loopback TTL is the default 64");
                assertTrue(p.timestamp().isPresent(), "SO_TIMESTAMPNS stamp");
                assertEquals(to, p.recipient());
                assertEquals(7, p.content().getByte(0));
            } finally {
                p.release();
            }
            // a plain packet to the same socket still carries what the socket asked for, with the socket's TOS
            tx.writeAndFlush(new DatagramPacket(Unpooled.copiedBuffer(new byte[] {8}), to)).sync();
            Socket2DatagramPacket q = assertInstanceOf(Socket2DatagramPacket.class, take(got));
            assertEquals(0, q.trafficClass().orElseThrow());
            q.release();
        } finally {
            tx.close().sync();
            rx.close().sync();
        }
    }

    @Test
    void ancillaryDataTravelsBothWaysOnIpv6() throws Exception {
        Assumptions.assumeTrue(Sockets.preferredFamily() == SocketProtocolFamily.INET6, "no IPv6 on this host");
        InetAddress lo6 = Inet6Address.getByName("::1");
        BlockingQueue<Object> got = new LinkedBlockingQueue<>();
        Channel rx = receiver(SocketProtocolFamily.INET6, new InetSocketAddress(lo6, 0), got, new Bootstrap()
            .option(Socket2ChannelOption.of(SockOpt.IPV6_RECVTCLASS), true)
            .option(Socket2ChannelOption.of(SockOpt.IPV6_RECVPKTINFO), true)
            .option(Socket2ChannelOption.of(SockOpt.IPV6_RECVHOPLIMIT), true));
        Channel tx = sender(SocketProtocolFamily.INET6, new InetSocketAddress(lo6, 0));
        try {
            tx.writeAndFlush(new Socket2DatagramPacket(Unpooled.copiedBuffer(new byte[] {1}),
                (InetSocketAddress) rx.localAddress()).withTrafficClass(0xb8)).sync();
            Socket2DatagramPacket p = assertInstanceOf(Socket2DatagramPacket.class, take(got));
            try {
                assertEquals(0xb8, p.trafficClass().orElseThrow());
                assertEquals(lo6, p.destination().orElseThrow());
                assertEquals(64, p.hopLimit().orElseThrow());
            } finally {
                p.release();
            }
        } finally {
            tx.close().sync();
            rx.close().sync();
        }
    }

    @Test
    void plainHandlersReceivePacketsWithAncillaryData() throws Exception {
        BlockingQueue<Object> got = new LinkedBlockingQueue<>();
        Channel rx = new Bootstrap().group(group()).channelFactory(() -> newUdp(SocketProtocolFamily.INET))
            .option(Socket2ChannelOption.of(SockOpt.IP_RECVTTL), true)
            .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                @Override protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                    got.add(p.content().readableBytes());
                }
            }).bind(new InetSocketAddress(LO4, 0)).sync().channel();
        Channel tx = sender(SocketProtocolFamily.INET, new InetSocketAddress(LO4, 0));
        try {
            tx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(new byte[5]), (InetSocketAddress) rx.localAddress())).sync();
            assertEquals(5, take(got));
        } finally {
            tx.close().sync();
            rx.close().sync();
        }
    }

    @Test
    void connectedChannelSendsBuffersAndDisconnectKeepsItBound() throws Exception {
        BlockingQueue<Object> got = new LinkedBlockingQueue<>();
        Channel rx = receiver(SocketProtocolFamily.INET, new InetSocketAddress(LO4, 0), got, new Bootstrap());
        DatagramChannel tx = (DatagramChannel) new Bootstrap().group(group())
            .channelFactory(() -> newUdp(SocketProtocolFamily.INET))
            .handler(new ChannelInboundHandlerAdapter()).connect(rx.localAddress()).sync().channel();
        try {
            assertTrue(tx.isConnected());
            assertEquals(rx.localAddress(), tx.remoteAddress());
            tx.writeAndFlush(Unpooled.wrappedBuffer(new byte[3])).sync();
            DatagramPacket p = (DatagramPacket) take(got);
            assertEquals(tx.localAddress(), p.sender());
            p.release();
            tx.disconnect().sync();
            assertFalse(tx.isConnected());
            assertTrue(tx.isActive(), "still bound");
            assertNull(tx.remoteAddress());
            Throwable t = tx.writeAndFlush(Unpooled.wrappedBuffer(new byte[3])).await().cause();
            assertInstanceOf(java.nio.channels.NotYetConnectedException.class, t);
        } finally {
            tx.close().sync();
            rx.close().sync();
        }
    }

    /**
     * Joins and leaves on loopback: a second leave fails with the kernel's EADDRNOTAVAIL, which shows the join (and
     * the encoding of ip_mreqn, ipv6_mreq and group_source_req) reached the kernel. No datagram is sent.
     */
    @Test
    void joinAndLeaveReachTheKernelForEachMembershipKind() throws Exception {
        java.net.NetworkInterface lo = java.net.NetworkInterface.getByInetAddress(LO4);
        Assumptions.assumeTrue(lo != null, "no loopback interface");
        DatagramChannel v4 = (DatagramChannel) sender(SocketProtocolFamily.INET, new InetSocketAddress(LO4, 0));
        try {
            InetAddress group = InetAddress.getByName("239.1.2.3");
            v4.joinGroup(new InetSocketAddress(group, 0), lo).sync();
            v4.leaveGroup(new InetSocketAddress(group, 0), lo).sync();
            assertNotNull(v4.leaveGroup(new InetSocketAddress(group, 0), lo).await().cause(), "second leave refused");

            InetAddress ssm = InetAddress.getByName("232.1.2.3");
            v4.joinGroup(ssm, lo, LO4).sync();
            v4.leaveGroup(ssm, lo, LO4).sync();
            assertNotNull(v4.leaveGroup(ssm, lo, LO4).await().cause(), "second source-specific leave refused");

            v4.joinGroup(new InetSocketAddress(group, 0), lo).sync();
            v4.block(group, lo, InetAddress.getByName("127.0.0.9")).sync();
            unblock(v4, group, lo, InetAddress.getByName("127.0.0.9")).sync();
            assertNotNull(unblock(v4, group, lo, InetAddress.getByName("127.0.0.9")).await().cause(), "not blocked any more");
            assertThrows(IllegalArgumentException.class, () -> v4.joinGroup(LO4).syncUninterruptibly());
        } finally {
            v4.close().sync();
        }
        Assumptions.assumeTrue(Sockets.preferredFamily() == SocketProtocolFamily.INET6, "no IPv6 on this host");
        DatagramChannel v6 = (DatagramChannel) sender(SocketProtocolFamily.INET6,
            new InetSocketAddress(Inet6Address.getByName("::1"), 0));
        try {
            InetAddress group = InetAddress.getByName("ff15::1234");
            v6.joinGroup(new InetSocketAddress(group, 0), lo).sync();
            v6.leaveGroup(new InetSocketAddress(group, 0), lo).sync();
            assertNotNull(v6.leaveGroup(new InetSocketAddress(group, 0), lo).await().cause());
            InetAddress ssm = InetAddress.getByName("ff35::1234");
            InetAddress source = Inet6Address.getByName("::1");
            v6.joinGroup(ssm, lo, source).sync();
            v6.leaveGroup(ssm, lo, source).sync();
            assertNotNull(v6.leaveGroup(ssm, lo, source).await().cause());
        } finally {
            v6.close().sync();
        }
    }

    @Test
    void multicastAllIsOffAndOptionsFollowTheFamily() throws Exception {
        DatagramChannel v4 = newUdp(SocketProtocolFamily.INET);
        Socket2DatagramChannelConfig c4 = (Socket2DatagramChannelConfig) v4.config();
        SockRef s4 = SockRef.of(((UnixChannel) v4).fd().intValue());
        try {
            assertFalse(s4.getOption(SockOpt.IP_MULTICAST_ALL), "IP_MULTICAST_ALL off, as the JDK sets it");
            c4.setTrafficClass(0x10);
            assertEquals(0x10, s4.getOption(SockOpt.IP_TOS));
            c4.setLoopbackModeDisabled(true);
            assertFalse(s4.getOption(SockOpt.IP_MULTICAST_LOOP));
            c4.setBroadcast(true);
            assertTrue(s4.getOption(SockOpt.SO_BROADCAST));
            c4.setTimeToLive(7);
            assertEquals(7, s4.getOption(SockOpt.IP_MULTICAST_TTL));
            // both SO_REUSEPORT names reach the same kernel option
            c4.setOption(UnixChannelOption.SO_REUSEPORT, true);
            assertTrue(c4.getOption(Socket2ChannelOption.SO_REUSEPORT));
            assertTrue(c4.isReusePort());
            c4.setOption(Socket2ChannelOption.IP_RECVORIGDSTADDR, true);
            assertTrue(s4.getOption(SockOpt.IP_RECVORIGDSTADDR));
            // a TCP option is not a UDP channel's: unknown, as for Netty's own configs, not a kernel error
            assertFalse(c4.setOption(ChannelOption.TCP_NODELAY, true));
            assertNull(c4.getOption(ChannelOption.TCP_NODELAY));
            // the Linux name of it fails loudly
            assertThrows(ChannelException.class, () -> c4.setOption(Socket2ChannelOption.of(SockOpt.TCP_NODELAY), true));
            assertTrue(c4.getOptions().containsKey(Socket2ChannelOption.of(SockOpt.IP_RECVTOS)));
            assertFalse(c4.getOptions().containsKey(Socket2ChannelOption.of(SockOpt.TCP_CORK)));
            assertThrows(IllegalArgumentException.class, () -> c4.setMaxDatagramPayloadSize(-1));
        } finally {
            v4.unsafe().closeForcibly();
        }
        Assumptions.assumeTrue(Sockets.preferredFamily() == SocketProtocolFamily.INET6, "no IPv6 on this host");
        DatagramChannel v6 = newUdp(SocketProtocolFamily.INET6);
        Socket2DatagramChannelConfig c6 = (Socket2DatagramChannelConfig) v6.config();
        SockRef s6 = SockRef.of(((UnixChannel) v6).fd().intValue());
        try {
            c6.setTrafficClass(0x20);
            assertEquals(0x20, s6.getOption(SockOpt.IPV6_TCLASS), "IP_TOS is IPV6_TCLASS on IPv6");
            c6.setTimeToLive(9);
            assertEquals(9, s6.getOption(SockOpt.IPV6_MULTICAST_HOPS));
            // and the IPv4 twins too, for IPv4-mapped peers of the dual-stack socket
            assertEquals(0x20, s6.getOption(SockOpt.IP_TOS));
            assertEquals(9, s6.getOption(SockOpt.IP_MULTICAST_TTL));
            c6.setLoopbackModeDisabled(true);
            assertFalse(s6.getOption(SockOpt.IPV6_MULTICAST_LOOP));
            assertTrue(c6.isLoopbackModeDisabled());
        } finally {
            v6.unsafe().closeForcibly();
        }
    }

    @Test
    void kernelRefusalFailsTheBootstrap() throws Exception {
        // SO_RCVBUF takes any value, but IP_TTL 0 is refused with EINVAL
        Throwable cause = new Bootstrap().group(group()).channelFactory(() -> newUdp(SocketProtocolFamily.INET))
            .option(Socket2ChannelOption.of(SockOpt.IP_TTL), 0)
            .handler(new ChannelInboundHandlerAdapter()).bind(new InetSocketAddress(LO4, 0)).await().cause();
        assertNotNull(cause, "a refused option fails the bootstrap");
    }
}
