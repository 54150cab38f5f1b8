package dev.socket2j.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A datagram channel's native message slots (about 45 KiB) are freed when it closes, and never used after. */
class Socket2DatagramSlotsTest {
    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(2, Socket2IoHandler.newFactory());
    private static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @AfterAll
    static void shutdown() { GROUP.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly(); }

    private static Channel bind(ChannelInboundHandlerAdapter handler) throws InterruptedException {
        return new Bootstrap().group(GROUP).channel(Socket2DatagramChannel.class).handler(handler).bind(ANY).sync().channel();
    }

    /** A receiver that reads with recvmmsg(2): up to 64 datagrams of 64 bytes per call. */
    private static Channel bindBatching(ChannelInboundHandlerAdapter handler) throws InterruptedException {
        return new Bootstrap().group(GROUP).channel(Socket2DatagramChannel.class)
            .option(Socket2ChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 64)
            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(64 * 64))
            .handler(handler).bind(ANY).sync().channel();
    }

    private static void awaitDeregistered(Channel ch) throws InterruptedException {
        ch.closeFuture().await(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ch.isRegistered() && System.nanoTime() < deadline) Thread.sleep(5);
        assertFalse(ch.isRegistered(), "not deregistered within 10 s");
        // the free runs in doDeregister, before the flag drops; one more loop turn settles it
        ch.eventLoop().submit(() -> { }).await(10, TimeUnit.SECONDS);
    }

    @Test
    void slotsAreFreedWhenTheChannelCloses() throws Exception {
        CountDownLatch got = new CountDownLatch(1);
        Channel rx = bind(new ChannelInboundHandlerAdapter() {
            @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
                got.countDown();
            }
        });
        Channel tx = bind(new ChannelInboundHandlerAdapter());
        try {
            tx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}),
                (InetSocketAddress) rx.localAddress())).sync();
            assertTrue(got.await(10, TimeUnit.SECONDS), "nothing received");
            MsgSlots slots = rx.eventLoop().submit(() -> ((AbstractSocket2DatagramChannel) rx).slotsIfMade()).get();
            assertNotNull(slots, "a read makes the slots");
            assertTrue(slots.isLive());
            rx.close().sync();
            awaitDeregistered(rx);
            assertFalse(slots.isLive(), "the slots' memory is freed once the channel is closed and deregistered");
            assertNull(((AbstractSocket2DatagramChannel) rx).slotsIfMade());
        } finally {
            tx.close().sync();
        }
    }

    @Test
    void deregisteringAnOpenChannelKeepsItsSlots() throws Exception {
        Channel ch = bind(new ChannelInboundHandlerAdapter());
        Channel tx = bind(new ChannelInboundHandlerAdapter());
        try {
            tx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(new byte[] {1}), (InetSocketAddress) ch.localAddress()))
                .sync();
            MsgSlots slots = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (slots == null && System.nanoTime() < deadline) {
                slots = ch.eventLoop().submit(() -> ((AbstractSocket2DatagramChannel) ch).slotsIfMade()).get();
                if (slots == null) Thread.sleep(5);
            }
            assertNotNull(slots);
            ch.deregister().sync();
            assertTrue(slots.isLive(), "an open channel may be registered again and keeps its memory");
            GROUP.next().register(ch).sync();
            ch.close().sync();
            awaitDeregistered(ch);
            assertFalse(slots.isLive());
        } finally {
            tx.close().sync();
        }
    }

    /**
     * The race: a handler closes the channel in the middle of a recvmmsg batch (the batch still reads the slots
     * after the close), and other threads close channels while datagrams arrive. No read may meet freed slots.
     */
    @Test
    void closeWhileReadingNeverTouchesFreedSlots() throws Exception {
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Channel tx = bind(new ChannelInboundHandlerAdapter());
        byte[] payload = new byte[64];
        try {
            for (int round = 0; round < 20; round++) {
                boolean closeInHandler = round % 2 == 0;
                AtomicInteger reads = new AtomicInteger();
                CountDownLatch someRead = new CountDownLatch(1);
                ChannelInboundHandlerAdapter handler = new ChannelInboundHandlerAdapter() {
                    @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);
                        someRead.countDown();
                        if (closeInHandler && reads.incrementAndGet() == 3) ctx.close();
                    }
                    @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) { failures.add(cause); }
                };
                Channel rx = round % 4 < 2 ? bindBatching(handler) : bind(handler);
                InetSocketAddress to = (InetSocketAddress) rx.localAddress();
                for (int i = 0; i < 200; i++) {
                    tx.write(new DatagramPacket(Unpooled.wrappedBuffer(payload), to));
                    if (i % 32 == 31) tx.flush();
                }
                tx.flush();
                someRead.await(10, TimeUnit.SECONDS);
                if (!closeInHandler) rx.close();   // from this thread, while datagrams may still be read
                awaitDeregistered(rx);
                MsgSlots left = ((AbstractSocket2DatagramChannel) rx).slotsIfMade();
                assertNull(left, "round " + round + ": slots not freed");
            }
        } finally {
            tx.close().sync();
        }
        assertEquals(List.of(), failures);
    }
}
