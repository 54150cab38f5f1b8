package dev.socket2j.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The multishot recv over the provided buffer ring under pressure: recv bundles (several buffers per completion,
 * Linux 6.10) where the kernel has them, the single-buffer path when they are forced off, and an exhausted ring
 * (ENOBUFS) with many connections sending at once.
 */
class Socket2UringRecvTest {
    private static final int CONNS = 16, SIZE = 64 * 1024;

    @BeforeAll
    static void available() {
        Assumptions.assumeTrue(Socket2Uring.isAvailable(), () -> "io_uring: " + Socket2Uring.unavailabilityCause());
    }

    /** What one run saw on the server's loop. */
    private record Seen(boolean bundles, long bundled, long exhausted) { }

    /**
     * {@code CONNS} clients on a normal loop each send {@code SIZE} bytes of their own pattern at once to an echo
     * server whose loop has 8 provided buffers of 512 bytes; every client must get its bytes back in order.
     */
    private static Seen echoThroughASmallRing(Set<String> disabled) throws Exception {
        EventLoopGroup tiny = new MultiThreadIoEventLoopGroup(1, Socket2UringIoHandler.newFactory(64, 256, 8, 512, disabled));
        EventLoopGroup clients = new MultiThreadIoEventLoopGroup(1, Socket2UringIoHandler.newFactory());
        try {
            @ChannelHandler.Sharable
            final class Echo extends ChannelInboundHandlerAdapter {
                @Override public void channelRead(ChannelHandlerContext ctx, Object msg) { ctx.write(msg); }
                @Override public void channelReadComplete(ChannelHandlerContext ctx) { ctx.flush(); }
            }
            Channel server = new ServerBootstrap().group(tiny).channel(Socket2UringServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override protected void initChannel(Channel ch) { ch.pipeline().addLast(new Echo()); }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            List<CompletableFuture<byte[]>> results = new ArrayList<>();
            List<Channel> chans = new ArrayList<>();
            List<byte[]> payloads = new ArrayList<>();
            for (int k = 0; k < CONNS; k++) {
                byte[] payload = new byte[SIZE];
                for (int i = 0; i < SIZE; i++) payload[i] = (byte) (i * 31 + k * 7 + (i >>> 9));
                payloads.add(payload);
                CompletableFuture<byte[]> done = new CompletableFuture<>();
                ByteBuf acc = Unpooled.buffer(SIZE);
                results.add(done);
                chans.add(new Bootstrap().group(clients).channel(Socket2UringSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ByteBuf b = (ByteBuf) msg;
                            acc.writeBytes(b);
                            b.release();
                            if (acc.readableBytes() == SIZE) done.complete(acc.array());
                        }
                    }).connect(server.localAddress()).sync().channel());
            }
            for (int k = 0; k < CONNS; k++) chans.get(k).writeAndFlush(Unpooled.wrappedBuffer(payloads.get(k)));
            for (int k = 0; k < CONNS; k++) assertArrayEquals(payloads.get(k), results.get(k).get(30, TimeUnit.SECONDS), "connection " + k);
            Socket2UringIoHandler loop = ((UringChannel) server).registration.loop();
            Seen seen = server.eventLoop().submit(() -> new Seen(loop.recvBundle(), loop.bundledCompletions,
                loop.bufferRingExhausted)).get();
            for (Channel c : chans) c.close().sync();
            server.close().sync();
            return seen;
        } finally {
            clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            tiny.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void bundlesFillSeveralBuffersPerCompletionAndLoseNothingWhenTheRingRunsDry() throws Exception {
        Seen seen = echoThroughASmallRing(Set.of());
        Assumptions.assumeTrue(seen.bundles(), "the kernel has no IORING_RECVSEND_BUNDLE (Linux 6.10+)");
        assertTrue(seen.bundled() > 0, "some completion spanned more than one 512-byte buffer");
        assertTrue(seen.exhausted() > 0, "16 senders ran the 8-buffer ring dry (ENOBUFS) at least once");
    }

    @Test
    void withoutBundlesEachCompletionFillsOneBufferAndTheRingRunsDryWithoutLoss() throws Exception {
        Seen seen = echoThroughASmallRing(Set.of("RECV_BUNDLE"));
        assertEquals(false, seen.bundles(), "forced off");
        assertEquals(0, seen.bundled(), "no completion spans two buffers");
        assertTrue(seen.exhausted() > 0, "16 senders ran the 8-buffer ring dry (ENOBUFS) at least once");
    }

    @Test
    void aCompletionIsCutIntoTheHandlesBuffersAndCyclesOfAtMostMaxMessagesPerRead() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, Socket2UringIoHandler.newFactory());
        try {
            byte[] payload = new byte[SIZE];
            for (int i = 0; i < SIZE; i++) payload[i] = (byte) (i * 13 + (i >>> 8));
            ByteBuf acc = Unpooled.buffer(SIZE);
            CompletableFuture<Void> done = new CompletableFuture<>();
            int[] largest = new int[1], inCycle = new int[1], mostInCycle = new int[1], cycles = new int[1];
            Channel server = new ServerBootstrap().group(group).channel(Socket2UringServerSocketChannel.class)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(512).maxMessagesPerRead(2))
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf b = (ByteBuf) msg;
                        largest[0] = Math.max(largest[0], b.readableBytes());
                        inCycle[0]++;
                        acc.writeBytes(b);
                        b.release();
                    }
                    @Override public void channelReadComplete(ChannelHandlerContext ctx) {
                        mostInCycle[0] = Math.max(mostInCycle[0], inCycle[0]);
                        inCycle[0] = 0;
                        cycles[0]++;
                        if (acc.readableBytes() == SIZE) done.complete(null);
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            Channel client = new Bootstrap().group(group).channel(Socket2UringSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
            client.writeAndFlush(Unpooled.wrappedBuffer(payload)).sync();
            done.get(30, TimeUnit.SECONDS);
            assertArrayEquals(payload, acc.array());
            assertTrue(largest[0] <= 512, "every channelRead holds at most the handle's 512 bytes: " + largest[0]);
            assertEquals(2, mostInCycle[0], "a cycle reads up to maxMessagesPerRead = 2 buffers, no more");
            assertTrue(cycles[0] >= SIZE / 1024, "64 KiB in cycles of at most 1 KiB: " + cycles[0]);
            client.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
