package dev.socket2j.netty;

import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.socket2j.netty.UringTestSupport.assertClosedSoon;
import static dev.socket2j.netty.UringTestSupport.assertRegistrationsSoon;
import static dev.socket2j.netty.UringTestSupport.client;
import static dev.socket2j.netty.UringTestSupport.eventually;
import static dev.socket2j.netty.UringTestSupport.onLoop;
import static dev.socket2j.netty.UringTestSupport.server;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link Socket2ChannelOption#URING_SEND_ZC_THRESHOLD}: large writes go out as {@code IORING_OP_SEND_ZC}, byte for
 * byte, and each buffer is let go only by the kernel's notification; where the feature is off they go out as plain
 * sends; the option round-trips through the config and refuses a negative value in Java.
 */
class Socket2UringSendZcTest {
    private static final int CHUNK = 64 * 1024, CHUNKS = 96, THRESHOLD = 16 * 1024;

    @BeforeAll
    static void available() {
        assumeTrue(Socket2Uring.isAvailable(), () -> "io_uring unavailable: " + Socket2Uring.unavailabilityCause());
    }

    @ChannelHandler.Sharable
    static class Shared extends ChannelInboundHandlerAdapter { }

    /** A server that collects what one connection sends, and completes with it at {@code total} bytes. */
    private static Channel collector(EventLoopGroup g, int total, CompletableFuture<byte[]> got) throws Exception {
        ByteBuf acc = Unpooled.buffer(total);
        return server(g, new Shared() {
            @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf b = (ByteBuf) msg;
                acc.writeBytes(b);
                b.release();
                if (acc.readableBytes() >= total) got.complete(acc.array());
            }
        }, true);
    }

    /**
     * Sends {@value #CHUNKS} chunks of {@value #CHUNK} bytes with the threshold set: the first half one at a time
     * (each a lone flushed buffer, so each a SEND_ZC), the rest back to back; checks the bytes, that every written
     * buffer is released, and returns the client loop's {zero-copy sends, notifications}.
     */
    private static long[] bulk(IoHandlerFactory factory) throws Exception {
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(1, factory);
        try {
            int total = CHUNK * CHUNKS;
            CompletableFuture<byte[]> got = new CompletableFuture<>();
            Channel server = collector(g, total, got);
            Channel c = client(g, new Shared()).option(Socket2ChannelOption.URING_SEND_ZC_THRESHOLD, THRESHOLD)
                .connect(server.localAddress()).sync().channel();
            byte[] sent = new byte[total];
            for (int i = 0; i < total; i++) sent[i] = (byte) (i * 31 + i / 4093);
            List<ByteBuf> written = new ArrayList<>();
            List<ChannelFuture> writes = new ArrayList<>();
            for (int k = 0; k < CHUNKS; k++) {
                ByteBuf b = Unpooled.directBuffer(CHUNK).writeBytes(sent, k * CHUNK, CHUNK);   // not recycled: refCnt stays readable
                written.add(b);
                ChannelFuture f = c.writeAndFlush(b);
                writes.add(f);
                if (k < CHUNKS / 2) assertTrue(f.await(10, TimeUnit.SECONDS) && f.isSuccess(), String.valueOf(f.cause()));
            }
            for (ChannelFuture f : writes) assertTrue(f.await(10, TimeUnit.SECONDS) && f.isSuccess(), String.valueOf(f.cause()));
            assertArrayEquals(sent, Arrays.copyOf(got.get(20, TimeUnit.SECONDS), total));
            Socket2UringIoHandler h = UringTestSupport.loopOf(c);
            assertTrue(eventually(() -> written.stream().allMatch(b -> b.refCnt() == 0)),
                "every written buffer released once the kernel let it go");
            long[] counts = onLoop(c.eventLoop(), () -> new long[] { h.zeroCopySends, h.zeroCopyNotifications });
            c.close().sync();
            server.close().sync();
            return counts;
        } finally {
            g.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static boolean kernelHasSendZc() throws Exception {
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(1, Socket2UringIoHandler.newFactory());
        try {
            Channel s = server(g, new Shared(), true);
            boolean has = onLoop(s.eventLoop(), () -> UringTestSupport.loopOf(s).sendZc());
            s.close().sync();
            return has;
        } finally {
            g.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void bulkTransferWithZeroCopySendsIsByteExactAndEveryNotificationReleasesItsBuffer() throws Exception {
        assumeTrue(kernelHasSendZc(), "no IORING_OP_SEND_ZC (Linux 6.0)");
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        // the ByteBuf detector is Netty's package-private AbstractByteBuf.leakDetector; its listener hears each report
        Field field = AbstractByteBuf.class.getDeclaredField("leakDetector");
        field.setAccessible(true);
        ResourceLeakDetector<?> detector = (ResourceLeakDetector<?>) field.get(null);
        List<String> leaks = new CopyOnWriteArrayList<>();
        detector.setLeakListener((type, records) -> leaks.add(type + ": " + records));
        try {
            long[] n = bulk(Socket2UringIoHandler.newFactory());
            assertTrue(n[0] >= CHUNKS / 2, "zero-copy sends: " + n[0]);
            assertEquals(n[0], n[1], "one notification per zero-copy send");
            for (int i = 0; i < 3; i++) {   // leaked buffers are reported once collected, at a later allocation
                System.gc();
                Thread.sleep(50);
                PooledByteBufAllocator.DEFAULT.directBuffer(1).release();
                Unpooled.directBuffer(1).release();
            }
            assertEquals(List.of(), leaks, "leaks reported by the paranoid detector");
        } finally {
            detector.setLeakListener(null);
            ResourceLeakDetector.setLevel(level);
        }
    }

    @Test
    void withSendZcSwitchedOffLargeWritesGoOutAsPlainSends() throws Exception {
        long[] n = bulk(Socket2UringIoHandler.newFactory(64, 256, 16, 1024, Set.of("SEND_ZC")));
        assertEquals(0, n[0], "zero-copy sends with SEND_ZC off");
    }

    @Test
    void closeDuringAnInFlightZeroCopySendReleasesTheBufferAfterItsNotification() throws Exception {
        assumeTrue(kernelHasSendZc(), "no IORING_OP_SEND_ZC (Linux 6.0)");
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(1, Socket2UringIoHandler.newFactory());
        EventLoopGroup alone = new MultiThreadIoEventLoopGroup(1, Socket2UringIoHandler.newFactory());
        try {
            CompletableFuture<Channel> accepted = new CompletableFuture<>();
            Channel server = server(g, new Shared() {   // never reads: the send stays in flight
                @Override public void channelActive(ChannelHandlerContext ctx) { accepted.complete(ctx.channel()); }
            }, false);
            Channel c = client(alone, new Shared()).option(Socket2ChannelOption.URING_SEND_ZC_THRESHOLD, THRESHOLD)
                .connect(server.localAddress()).sync().channel();
            int fd = ((UringChannel) c).fd;
            Socket2UringIoHandler h = UringTestSupport.loopOf(c);
            ByteBuf big = Unpooled.directBuffer(16 << 20).writeZero(16 << 20);
            ChannelFuture w = c.writeAndFlush(big);
            assertFalse(w.await(100, TimeUnit.MILLISECONDS), "the write waits for the peer");
            // the first SEND_ZC takes what the socket buffer holds; the rest waits in a second one
            assertTrue(onLoop(c.eventLoop(), () -> h.zeroCopySends) >= 1, "the write went out as SEND_ZC");
            assertTrue(big.refCnt() > 0, "held while the kernel may read it");
            c.close().sync();
            assertTrue(w.await(5, TimeUnit.SECONDS));
            assertInstanceOf(ClosedChannelException.class, w.cause());
            assertClosedSoon(fd);   // close(2) does not wait for the notification: it may come only after it
            // the data already queued in the socket still comes from the buffer's pages: held while the peer keeps it
            assertTrue(big.refCnt() > 0, "held after close while the kernel may still send from it");
            assertTrue(onLoop(c.eventLoop(), h::registrations) == 1, "the registration waits for the notification");
            accepted.get(5, TimeUnit.SECONDS).close().sync();   // unread data: the peer resets, the kernel drops ours
            assertRegistrationsSoon(c.eventLoop(), h, 0);
            assertTrue(eventually(() -> big.refCnt() == 0), "released after the notification");
            long[] n = onLoop(c.eventLoop(), () -> new long[] { h.zeroCopySends, h.zeroCopyNotifications });
            assertEquals(n[0], n[1], "a notification for each zero-copy send, the cancelled one too");
            assumeTrue(UringTestSupport.reusedNumberIsLeftAlone(fd, c.eventLoop()), "descriptor number not reused");
            server.close().sync();
        } finally {
            g.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            alone.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void theThresholdRoundTripsThroughTheConfigAndANegativeOneIsRefusedInJava() {
        Socket2UringSocketChannel ch = new Socket2UringSocketChannel(SocketProtocolFamily.INET);
        try {
            Socket2UringSocketChannelConfig config = ch.config();
            assertEquals(0, config.getOption(Socket2ChannelOption.URING_SEND_ZC_THRESHOLD), "off by default");
            assertTrue(config.setOption(Socket2ChannelOption.URING_SEND_ZC_THRESHOLD, 32768));
            assertEquals(32768, config.getOption(Socket2ChannelOption.URING_SEND_ZC_THRESHOLD));
            Map<ChannelOption<?>, Object> all = config.getOptions();
            assertEquals(32768, all.get(Socket2ChannelOption.URING_SEND_ZC_THRESHOLD));
            config.setOption(Socket2ChannelOption.URING_SEND_ZC_THRESHOLD, 0);
            assertTrue(config.setOptions(all));
            assertEquals(32768, config.getOption(Socket2ChannelOption.URING_SEND_ZC_THRESHOLD), "setOptions takes it back");
        } finally {
            ch.unsafe().closeForcibly();
        }
        // closed: a value that reached the socket would fail as closed; a negative threshold never gets that far
        ChannelException closed = assertThrows(ChannelException.class,
            () -> ch.config().setOption(ChannelOption.SO_RCVBUF, 4096));
        assertInstanceOf(ClosedChannelException.class, closed.getCause());
        assertThrows(IllegalArgumentException.class,
            () -> ch.config().setOption(Socket2ChannelOption.URING_SEND_ZC_THRESHOLD, -1));
        assertEquals(32768, ch.config().getOption(Socket2ChannelOption.URING_SEND_ZC_THRESHOLD), "unchanged by the refusal");
        assertFalse(new Socket2SocketChannel().config().setOption(Socket2ChannelOption.URING_SEND_ZC_THRESHOLD, 1),
            "the epoll engine does not know the option");
    }
}
