package dev.socket2j.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The transport end to end: echo, the core socket behind a channel, descriptor hygiene, and no JNI. */
class Socket2TransportTest {
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) { ctx.writeAndFlush(msg); }
    }

    private static long openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    @Test
    void echoesThroughSocket2jOnBothSides() throws Exception {
        try (Loopback lb = new Loopback(new Echo())) {
            CompletableFuture<String> got = new CompletableFuture<>();
            Channel ch = lb.client().handler(new SimpleChannelInboundHandler<ByteBuf>() {
                final StringBuilder sb = new StringBuilder();
                @Override protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                    sb.append(msg.toString(StandardCharsets.US_ASCII));
                    if (sb.length() >= 5) got.complete(sb.toString());
                }
            }).connect(lb.server.localAddress()).sync().channel();
            ch.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII)).sync();
            assertEquals("hello", got.get(30, TimeUnit.SECONDS));
            ch.close().sync();
        }
    }

    @Test
    void tcpInfoOfALiveConnectionIsEstablishedAndAClosedOneIsRefused() throws Exception {
        try (Loopback lb = new Loopback(new Echo())) {
            Socket2SocketChannel ch = lb.connect();
            dev.socket2j.TcpInfo info = ch.tcpInfo();
            assertEquals(1 /* TCP_ESTABLISHED */, info.state().orElseThrow());
            assertTrue(info.rtt().isPresent(), "the kernel reports an RTT");
            ch.close().sync();
            io.netty.channel.ChannelException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.netty.channel.ChannelException.class, ch::tcpInfo);
            assertTrue(e.getCause() instanceof java.io.IOException, e.toString());
        }
    }

    @Test
    void socketOfAChannelIsTheKernelSocket() throws Exception {
        try (Loopback lb = new Loopback(new Echo())) {
            Socket2SocketChannel ch = lb.connect();
            assertEquals(ch.fd().intValue(), ch.socket().rawFd());
            assertEquals(ch.localAddress(), ch.socket().localAddr().asSocket().orElseThrow());
            assertEquals(ch.remoteAddress(), ch.socket().peerAddr().asSocket().orElseThrow());
            assertTrue(ch.socket().tcpNodelay());
            ch.close().sync();
            assertFalse(ch.fd().isOpen());
        }
    }

    @Test
    void thousandConnectionsThroughAServerLeaveNoDescriptorBehind() throws Exception {
        AtomicInteger childrenClosed = new AtomicInteger();
        try (Loopback lb = new Loopback(new ChannelInitializer<SocketChannel>() {
            @Override protected void initChannel(SocketChannel ch) {
                ch.closeFuture().addListener(f -> childrenClosed.incrementAndGet());
            }
        })) {
            cycle(lb, 20, childrenClosed);  // warm up: classes, loop threads, pools
            long before = dev.socket2j.TestSockets.settledFdCount();
            cycle(lb, 1000, childrenClosed);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long after = openFds();
            while (after > before && System.nanoTime() < deadline) {
                Thread.sleep(50);
                after = openFds();
            }
            assertTrue(after <= before, "descriptors before " + before + ", after " + after);
        }
    }

    private static void cycle(Loopback lb, int n, AtomicInteger childrenClosed) throws Exception {
        int target = childrenClosed.get() + n;
        for (int i = 0; i < n; i++) {
            Channel c = lb.connect();
            c.close().sync();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (childrenClosed.get() < target && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(target, childrenClosed.get(), "server children closed");
    }

    @Test
    void gracefulShutdownClosesOpenChannelsAndTheLoopsDescriptors() throws Exception {
        try (Loopback warm = new Loopback(new Echo())) {
            warm.connect().close().sync();  // classes and pools first, so that only our descriptors count
        }
        long before = dev.socket2j.TestSockets.settledFdCount();
        Loopback lb = new Loopback(new Echo());
        Socket2SocketChannel ch = lb.connect();
        lb.group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        assertTrue(ch.closeFuture().await(30_000), "client closed by the shutdown");
        assertTrue(lb.server.closeFuture().await(30_000), "server closed by the shutdown");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long after = openFds();
        while (after > before && System.nanoTime() < deadline) {
            Thread.sleep(50);
            after = openFds();
        }
        assertTrue(after <= before, "descriptors before " + before + ", after " + after);
    }

    @Test
    void defaultFileRegionReachesSendfile() throws Exception {
        Path f = Files.createTempFile("socket2j", ".bin");
        try {
            Files.write(f, new byte[] { 1, 2, 3 });
            var region = new io.netty.channel.DefaultFileRegion(f.toFile(), 0, 3);
            try {
                // the surefire argLine opens sun.nio.ch and java.io: the descriptor is reachable, so sendfile(2) runs
                assertTrue(FileRegions.fdOf(region) >= 0);
            } finally {
                region.release();
            }
        } finally {
            Files.delete(f);
        }
    }

    @Test
    void adoptsAConnectedDescriptor() throws Exception {
        try (Loopback lb = new Loopback(new Echo())) {
            dev.socket2j.Socket raw = dev.socket2j.Socket.open(dev.socket2j.Domain.IPV4, dev.socket2j.Type.STREAM);
            raw.connect(lb.server.localAddress());
            Socket2SocketChannel ch = new Socket2SocketChannel(raw.intoFd());
            assertTrue(ch.isActive());
            assertTrue(ch.socket().nonblocking());
            CompletableFuture<String> got = new CompletableFuture<>();
            ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                @Override protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                    got.complete(msg.toString(StandardCharsets.US_ASCII));
                }
            });
            lb.group.next().register(ch).sync();
            ch.writeAndFlush(Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII)).sync();
            assertEquals("x", got.get(30, TimeUnit.SECONDS));
            ch.close().sync();
        }
    }

    @Test
    void noNettyNativeLibraryIsMapped() throws Exception {
        echoesThroughSocket2jOnBothSides();  // the transport has run in this JVM
        List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"));
        for (String line : maps) {
            assertFalse(line.contains("netty_transport_native") || line.contains("netty_tcnative")
                || line.contains("netty_quiche"), line);
        }
    }

    @Test
    void scheduledTasksFireWithTheTimerfdFallback() throws Exception {
        io.netty.channel.EventLoopGroup g = new io.netty.channel.MultiThreadIoEventLoopGroup(1,
            Socket2IoHandler.newTimerfdFactory(64));
        try {
            CountDownLatch fired = new CountDownLatch(3);
            long start = System.nanoTime();
            long[] at = new long[3];
            long[] delaysUs = { 5000, 250, 1000 };
            for (int i = 0; i < 3; i++) {
                int k = i;
                g.next().schedule(() -> { at[k] = System.nanoTime() - start; fired.countDown(); }, delaysUs[i],
                    TimeUnit.MICROSECONDS);
            }
            assertTrue(fired.await(30, TimeUnit.SECONDS));
            for (int i = 0; i < 3; i++) assertTrue(at[i] >= TimeUnit.MICROSECONDS.toNanos(delaysUs[i]), "task " + i + " early");
        } finally {
            g.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void scheduledTaskFiresOnTheLoop() throws Exception {
        try (Loopback lb = new Loopback(new Echo())) {
            CountDownLatch fired = new CountDownLatch(1);
            long start = System.nanoTime();
            lb.group.next().schedule(fired::countDown, 300, TimeUnit.MICROSECONDS);
            assertTrue(fired.await(30, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - start >= TimeUnit.MICROSECONDS.toNanos(300));
        }
    }
}
