package dev.socket2j.netty;

import dev.socket2j.SockOpt;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.UnixChannelOption;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Socket2DatagramChannel (epoll) beyond Netty's shared tests: the contract, plus recvmmsg batching and options. */
class Socket2DatagramChannelTest extends DatagramChannelContract {
    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(2, Socket2IoHandler.newFactory());

    @Override EventLoopGroup group() { return GROUP; }

    @Override DatagramChannel newUdp(SocketProtocolFamily family) { return new Socket2DatagramChannel(family); }

    @Override
    ChannelFuture unblock(DatagramChannel ch, InetAddress group, NetworkInterface iface, InetAddress source) {
        return ((Socket2DatagramChannel) ch).unblock(group, iface, source);
    }

    @AfterAll
    static void shutdown() { GROUP.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly(); }

    @Test
    void segmentedPacketSupportMatchesTheKernel() {
        assertEquals(kernelHas(SockOpt.UDP_SEGMENT), Socket2DatagramChannel.isSegmentedDatagramPacketSupported());
    }

    private static long openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    @Test
    void tenThousandDatagramsThroughRecvmmsgArriveOnceEachAndLeakNothing() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, Socket2IoHandler.newFactory());
        try {
            long fdsBefore = dev.socket2j.TestSockets.settledFdCount();
            int total = 10_000, window = 512, payload = 256;
            BitSet seen = new BitSet(total);
            AtomicInteger received = new AtomicInteger();
            AtomicInteger duplicates = new AtomicInteger();
            AtomicInteger sliced = new AtomicInteger();
            Channel rx = new Bootstrap().group(group).channel(Socket2DatagramChannel.class)
                .option(Socket2ChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, payload)
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(payload * 32))
                .option(ChannelOption.SO_RCVBUF, 1 << 20)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                        ByteBuf c = p.content();
                        if (c.unwrap() != null) sliced.incrementAndGet();  // a slice of one recvmmsg buffer
                        int seq = c.getInt(c.readerIndex());
                        synchronized (seen) {
                            if (seen.get(seq)) duplicates.incrementAndGet();
                            seen.set(seq);
                        }
                        received.incrementAndGet();
                    }
                }).bind(new InetSocketAddress(LO4, 0)).sync().channel();
            Channel tx = new Bootstrap().group(group).channel(Socket2DatagramChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).bind(new InetSocketAddress(LO4, 0)).sync().channel();
            InetSocketAddress to = (InetSocketAddress) rx.localAddress();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int sent = 0;
            while (sent < total) {
                // flow control: at most `window` datagrams in flight, so loopback's queue never overflows
                while (sent - received.get() >= window) {
                    assertTrue(System.nanoTime() < deadline, "stalled: sent " + sent + ", received " + received.get());
                    Thread.sleep(1);
                }
                int burst = Math.min(64, total - sent);
                for (int i = 0; i < burst; i++) {
                    ByteBuf b = tx.alloc().directBuffer(100).writeInt(sent + i).writeZero(96);
                    tx.write(new DatagramPacket(b, to));
                }
                tx.flush();  // one sendmmsg for the burst
                sent += burst;
            }
            while (received.get() < total && System.nanoTime() < deadline) Thread.sleep(5);
            assertEquals(total, received.get(), "every datagram arrived");
            assertEquals(0, duplicates.get());
            assertEquals(total, seen.cardinality());
            assertTrue(sliced.get() > 0, "recvmmsg delivered slices of one receive buffer");
            tx.close().sync();
            rx.close().sync();
            assertEquals(fdsBefore, openFds(), "descriptors after closing both channels");
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void multicastAllIsOffAndOptionsFollowTheFamily() throws Exception {
        Socket2DatagramChannel v4 = new Socket2DatagramChannel(SocketProtocolFamily.INET);
        try {
            assertFalse(v4.socket().getOption(SockOpt.IP_MULTICAST_ALL), "IP_MULTICAST_ALL off, as the JDK sets it");
            v4.config().setTrafficClass(0x10);
            assertEquals(0x10, v4.socket().getOption(SockOpt.IP_TOS));
            v4.config().setLoopbackModeDisabled(true);
            assertFalse(v4.socket().getOption(SockOpt.IP_MULTICAST_LOOP));
            v4.config().setBroadcast(true);
            assertTrue(v4.socket().getOption(SockOpt.SO_BROADCAST));
            v4.config().setTimeToLive(7);
            assertEquals(7, v4.socket().getOption(SockOpt.IP_MULTICAST_TTL));
            // both SO_REUSEPORT names reach the same kernel option
            v4.config().setOption(UnixChannelOption.SO_REUSEPORT, true);
            assertTrue(v4.config().getOption(Socket2ChannelOption.SO_REUSEPORT));
            assertTrue(v4.config().isReusePort());
            v4.config().setOption(Socket2ChannelOption.IP_RECVORIGDSTADDR, true);
            assertTrue(v4.socket().getOption(SockOpt.IP_RECVORIGDSTADDR));
            // a TCP option is not a UDP channel's: unknown, as for Netty's own configs, not a kernel error
            assertFalse(v4.config().setOption(ChannelOption.TCP_NODELAY, true));
            assertNull(v4.config().getOption(ChannelOption.TCP_NODELAY));
            // the Linux name of it fails loudly
            assertThrows(ChannelException.class, () -> v4.config().setOption(Socket2ChannelOption.of(SockOpt.TCP_NODELAY), true));
            assertTrue(v4.config().getOptions().containsKey(Socket2ChannelOption.of(SockOpt.IP_RECVTOS)));
            assertFalse(v4.config().getOptions().containsKey(Socket2ChannelOption.of(SockOpt.TCP_CORK)));
            assertThrows(IllegalArgumentException.class, () -> v4.config().setMaxDatagramPayloadSize(-1));
        } finally {
            v4.unsafe().closeForcibly();
        }
        Assumptions.assumeTrue(Sockets.preferredFamily() == SocketProtocolFamily.INET6, "no IPv6 on this host");
        Socket2DatagramChannel v6 = new Socket2DatagramChannel(SocketProtocolFamily.INET6);
        try {
            v6.config().setTrafficClass(0x20);
            assertEquals(0x20, v6.socket().getOption(SockOpt.IPV6_TCLASS), "IP_TOS is IPV6_TCLASS on IPv6");
            v6.config().setTimeToLive(9);
            assertEquals(9, v6.socket().getOption(SockOpt.IPV6_MULTICAST_HOPS));
            // and the IPv4 twins too, for IPv4-mapped peers of the dual-stack socket
            assertEquals(0x20, v6.socket().getOption(SockOpt.IP_TOS));
            assertEquals(9, v6.socket().getOption(SockOpt.IP_MULTICAST_TTL));
            v6.config().setLoopbackModeDisabled(true);
            assertFalse(v6.socket().getOption(SockOpt.IPV6_MULTICAST_LOOP));
            assertTrue(v6.config().isLoopbackModeDisabled());
        } finally {
            v6.unsafe().closeForcibly();
        }
    }

    @Test
    void kernelRefusalFailsTheBootstrap() throws Exception {
        // SO_RCVBUF takes any value, but IP_TTL 0 is refused with EINVAL
        Throwable cause = new Bootstrap().group(GROUP).channelFactory(() -> new Socket2DatagramChannel(SocketProtocolFamily.INET))
            .option(Socket2ChannelOption.of(SockOpt.IP_TTL), 0)
            .handler(new ChannelInboundHandlerAdapter()).bind(new InetSocketAddress(LO4, 0)).await().cause();
        assertNotNull(cause, "a refused option fails the bootstrap");
    }

}
