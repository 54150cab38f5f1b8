package dev.socket2j.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Close while operations are in flight (reads, writes, accepts), buffer-ring exhaustion, and many connections
 * opened and closed: no descriptor, registration or buffer is left behind.
 */
class Socket2UringLifecycleTest {
    private static EventLoopGroup group;

    @BeforeAll
    static void start() {
        assumeTrue(Socket2Uring.isAvailable(), () -> "io_uring unavailable: " + Socket2Uring.unavailabilityCause());
        group = new MultiThreadIoEventLoopGroup(2, Socket2UringIoHandler.newFactory());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (group != null) group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private static Channel server(EventLoopGroup g, ChannelInboundHandlerAdapter child, boolean autoRead)
            throws InterruptedException {
        return new ServerBootstrap().group(g).channel(Socket2UringServerSocketChannel.class)
            .childOption(ChannelOption.AUTO_READ, autoRead)
            .childHandler(new io.netty.channel.ChannelInitializer<Channel>() {
                @Override protected void initChannel(Channel ch) { ch.pipeline().addLast(child); }
            }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    private static Channel client(EventLoopGroup g, Channel server, ChannelInboundHandlerAdapter h) throws InterruptedException {
        return new Bootstrap().group(g).channel(Socket2UringSocketChannel.class).handler(h)
            .connect(server.localAddress()).sync().channel();
    }

    @io.netty.channel.ChannelHandler.Sharable
    static class Shared extends ChannelInboundHandlerAdapter { }

    private static boolean fdOpen(int fd) { return Files.exists(Path.of("/proc/self/fd/" + fd)); }

    private static long openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) { return s.count(); }
    }

    private static Socket2UringIoHandler loopOf(Channel ch) { return ((UringChannel) ch).registration.loop(); }

    /** The descriptor is closed once the cancelled operations have completed: wait for it, bounded. */
    private static void assertClosedSoon(int fd) throws InterruptedException {
        for (int i = 0; i < 200 && fdOpen(fd); i++) Thread.sleep(10);
        assertFalse(fdOpen(fd), "descriptor " + fd + " still open");
    }

    @Test
    void closeDuringAnInFlightReadCancelsItThenClosesTheDescriptor() throws Exception {
        closeDuringAnInFlightRead(group);
    }

    /** The pre-5.19 path: one ASYNC_CANCEL per operation tag instead of IORING_ASYNC_CANCEL_FD. */
    @Test
    void closeCancelsByOperationWhereTheKernelCannotCancelByDescriptor() throws Exception {
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(1,
            Socket2UringIoHandler.newFactory(64, 256, 16, 1024, Set.of("CANCEL_FD")));
        try {
            closeDuringAnInFlightRead(g);
        } finally {
            g.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static void closeDuringAnInFlightRead(EventLoopGroup group) throws Exception {
        Channel server = server(group, new Shared(), true);
        CompletableFuture<Object> read = new CompletableFuture<>();
        Channel c = client(group, server, new ChannelInboundHandlerAdapter() {
            @Override public void channelRead(ChannelHandlerContext ctx, Object msg) { read.complete(msg); }
        });
        int fd = ((UringChannel) c).fd;
        c.eventLoop().submit(() -> { }).sync();   // the multishot recv is armed by now
        assertTrue(((UringChannel) c).registration.inFlight > 0, "a read is in flight");
        c.close().sync();
        assertFalse(c.isOpen());
        assertClosedSoon(fd);
        assertFalse(read.isDone(), "no read after close");
        server.close().sync();
    }

    @Test
    void closeDuringAnInFlightWriteFailsItAndClosesTheDescriptor() throws Exception {
        // the peer never reads: an 8 MiB write cannot complete, and stays in flight in the kernel
        Channel server = server(group, new Shared(), false);
        Channel c = client(group, server, new ChannelInboundHandlerAdapter());
        int fd = ((UringChannel) c).fd;
        ByteBuf big = c.alloc().directBuffer(8 << 20).writeZero(8 << 20);
        ChannelFuture w = c.writeAndFlush(big);
        Thread.sleep(50);
        assertFalse(w.isDone(), "the write waits for the peer");
        c.close().sync();
        assertTrue(w.await(5, TimeUnit.SECONDS));
        assertFalse(w.isSuccess());
        assertClosedSoon(fd);
        // kept alive while the kernel could still read it, then released with the descriptor
        for (int i = 0; i < 200 && big.refCnt() > 0; i++) Thread.sleep(10);
        assertEquals(0, big.refCnt(), "the written buffer is released");
        server.close().sync();
    }

    @Test
    void closeDuringAnInFlightAcceptClosesTheListener() throws Exception {
        Channel server = server(group, new Shared(), true);
        int fd = ((UringChannel) server).fd;
        server.eventLoop().submit(() -> { }).sync();
        assertTrue(((UringChannel) server).registration.inFlight > 0, "an accept is in flight");
        server.close().sync();
        assertClosedSoon(fd);
        // nothing listens there any more
        ChannelFuture refused = new Bootstrap().group(group).channel(Socket2UringSocketChannel.class)
            .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).await();
        assertTrue(refused.cause() instanceof java.net.ConnectException, String.valueOf(refused.cause()));
        refused.channel().close().sync();
    }

    @Test
    void anExhaustedBufferRingLosesNoData() throws Exception {
        // four provided buffers of 256 bytes on one loop for four sockets: multishot recvs end in ENOBUFS and are armed again
        EventLoopGroup tiny = new MultiThreadIoEventLoopGroup(1, Socket2UringIoHandler.newFactory(64, 256, 4, 256, Set.of()));
        try {
            int size = 32 * 1024, conns = 2;
            Channel server = server(tiny, new Shared() {
                @Override public void channelRead(ChannelHandlerContext ctx, Object msg) { ctx.writeAndFlush(msg); }
            }, true);
            List<CompletableFuture<byte[]>> results = new ArrayList<>();
            List<Channel> clients = new ArrayList<>();
            byte[] payload = new byte[size];
            for (int i = 0; i < size; i++) payload[i] = (byte) (i * 31 + 7);
            for (int k = 0; k < conns; k++) {
                CompletableFuture<byte[]> done = new CompletableFuture<>();
                ByteBuf acc = Unpooled.buffer(size);
                results.add(done);
                clients.add(client(tiny, server, new ChannelInboundHandlerAdapter() {
                    @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf b = (ByteBuf) msg;
                        acc.writeBytes(b);
                        b.release();
                        if (acc.readableBytes() == size) done.complete(acc.array());
                    }
                }));
            }
            for (Channel c : clients) c.writeAndFlush(Unpooled.wrappedBuffer(payload));
            for (CompletableFuture<byte[]> r : results) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(payload, r.get(20, TimeUnit.SECONDS));
            }
            Socket2UringIoHandler loop = loopOf(server);
            long exhausted = server.eventLoop().submit(() -> loop.bufferRingExhausted).get();
            assertTrue(exhausted > 0, "the ring ran dry at least once");
            for (Channel c : clients) c.close().sync();
            server.close().sync();
        } finally {
            tiny.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void tenThousandConnectionsLeaveNoDescriptorOrRegistrationBehind() throws Exception {
        AtomicLong accepted = new AtomicLong();
        Channel server = server(group, new Shared() {
            @Override public void channelActive(ChannelHandlerContext ctx) { accepted.incrementAndGet(); }
            @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ((ByteBuf) msg).release();
                ctx.close();
            }
        }, true);
        Socket2UringIoHandler loop = loopOf(server);
        int regsBefore = server.eventLoop().submit(loop::registrations).get();
        long before = openFds();
        churn(server, 100);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        int done = 0;
        while (done < 10_000 && System.nanoTime() < deadline) {
            churn(server, 100);
            done += 100;
        }
        assertEquals(10_000, done, "10,000 connections within the time bound");
        // closes finish asynchronously (cancel, then close(2)): wait, bounded, for the count to settle
        long after = openFds();
        for (int i = 0; i < 200 && after > before; i++) {
            Thread.sleep(10);
            after = openFds();
        }
        assertTrue(after <= before, "descriptors before " + before + ", after " + after);
        int regs = server.eventLoop().submit(loop::registrations).get();
        for (int i = 0; i < 200 && regs > regsBefore; i++) {
            Thread.sleep(10);
            regs = server.eventLoop().submit(loop::registrations).get();
        }
        assertTrue(regs <= regsBefore, "registrations on the listener's loop: before " + regsBefore + ", after " + regs);
        assertTrue(accepted.get() >= 10_000);
        server.close().sync();
    }

    /** Opens {@code n} connections at once, sends a byte on each, and waits until both ends of each have closed. */
    private static void churn(Channel server, int n) throws Exception {
        CountDownLatch closed = new CountDownLatch(n);
        List<ChannelFuture> connects = new ArrayList<>(n);
        Bootstrap b = new Bootstrap().group(group).channel(Socket2UringSocketChannel.class)
            .handler(new Shared() {
                @Override public void channelActive(ChannelHandlerContext ctx) {
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] { 1 }));
                }
                @Override public void channelInactive(ChannelHandlerContext ctx) { closed.countDown(); }
            });
        for (int i = 0; i < n; i++) connects.add(b.connect(server.localAddress()));
        for (ChannelFuture f : connects) {
            f.await(10, TimeUnit.SECONDS);
            if (!f.isSuccess()) {
                assertInstanceOf(Throwable.class, f.cause());
                throw new AssertionError("connect failed", f.cause());
            }
        }
        assertTrue(closed.await(20, TimeUnit.SECONDS), "every connection closed by the server");
    }
}
