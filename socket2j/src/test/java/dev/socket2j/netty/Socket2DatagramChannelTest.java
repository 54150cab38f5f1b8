package dev.socket2j.netty;

import dev.socket2j.SockOpt;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import org.junit.jupiter.api.AfterAll;
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

}
