package dev.socket2j.netty;

import dev.socket2j.OsError;
import dev.socket2j.internal.Errno;
import dev.socket2j.internal.Uring;
import dev.socket2j.internal.UringBufRing;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.socket2j.netty.UringTestSupport.client;
import static dev.socket2j.netty.UringTestSupport.eventually;
import static dev.socket2j.netty.UringTestSupport.onLoop;
import static dev.socket2j.netty.UringTestSupport.openFds;
import static dev.socket2j.netty.UringTestSupport.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Many connections opened, used and closed against an io_uring server leave nothing behind: no descriptor, no
 * registration, no provided buffer the kernel took and never got back, and no native memory of the engine.
 *
 * <p>Native memory is measured with {@link Uring#liveNativeBytes()}: every mapping the engine makes (SQ/CQ rings, SQE
 * array, buffer rings and their buffers) and every segment of its loops' and rings' arenas, counted when made and
 * when freed. Netty's {@code ByteBuf}s (the read copies, the written buffers) are the allocator's, not the engine's.
 */
class Socket2UringChurnTest {
    private static final int CONNECTIONS = 10_000, BATCH = 200, MESSAGE = 64;

    @BeforeAll
    static void available() {
        assumeTrue(Socket2Uring.isAvailable(), () -> "io_uring unavailable: " + Socket2Uring.unavailabilityCause());
    }

    @ChannelHandler.Sharable
    static class Shared extends ChannelInboundHandlerAdapter { }

    /** The kernel's count of free buffers in the loop's ring ({@code PBUF_STATUS}, 6.8), or -1 before 6.8. */
    private static int kernelFreeBuffers(EventLoop loop, Socket2UringIoHandler h) throws Exception {
        return onLoop(loop, () -> {
            UringBufRing r = h.bufRing();
            try {
                return r.kernelAvailable();
            } catch (IOException e) {
                if (e instanceof OsError o && o.errno() == Errno.EINVAL) return -1;
                throw e;
            }
        });
    }

    @Test
    void tenThousandEchoedConnectionsLeaveNoDescriptorRegistrationBufferOrNativeMemory() throws Exception {
        long nativeBeforeLoops = Uring.liveNativeBytes();
        EventLoopGroup serverGroup = new MultiThreadIoEventLoopGroup(1, Socket2UringIoHandler.newFactory());
        EventLoopGroup clientGroup = new MultiThreadIoEventLoopGroup(1, Socket2UringIoHandler.newFactory());
        try {
            AtomicLong serverClosed = new AtomicLong();
            Channel server = server(serverGroup, new Shared() {
                @Override public void channelRead(ChannelHandlerContext ctx, Object msg) { ctx.writeAndFlush(msg); }
                @Override public void channelInactive(ChannelHandlerContext ctx) { serverClosed.incrementAndGet(); }
            }, true);
            EventLoop serverLoop = server.eventLoop(), clientLoop = clientGroup.next();
            Socket2UringIoHandler sh = UringTestSupport.loopOf(server);
            clientLoop.submit(() -> { }).sync();
            Channel probe = client(clientGroup, new Shared()).connect(server.localAddress()).sync().channel();
            Socket2UringIoHandler ch = UringTestSupport.loopOf(probe);
            probe.close().sync();
            assumeTrue(sh.usesBufferRing() && ch.usesBufferRing(), "no provided buffer ring (Linux 5.19)");
            int entries = sh.bufRing().entries();

            churn(clientGroup, server, BATCH);   // warm-up, then the measured run
            assertTrue(eventually(() -> serverClosed.get() >= BATCH + 1));
            long fdsBefore = openFds();
            long nativeBefore = Uring.liveNativeBytes();
            assertTrue(nativeBefore > nativeBeforeLoops, "the two loops' rings and arenas are counted");

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            int done = 0;
            while (done < CONNECTIONS && System.nanoTime() < deadline) {
                churn(clientGroup, server, BATCH);
                done += BATCH;
            }
            assertEquals(CONNECTIONS, done, "10,000 connections within the time bound");
            assertTrue(eventually(() -> serverClosed.get() >= CONNECTIONS + BATCH + 1), "every server side closed");

            long fds = openFds();
            for (int i = 0; i < 200 && fds > fdsBefore; i++) {
                Thread.sleep(10);
                fds = openFds();
            }
            assertTrue(fds <= fdsBefore, "descriptors before " + fdsBefore + ", after " + fds);
            UringTestSupport.assertRegistrationsSoon(serverLoop, sh, 1);   // the listener
            UringTestSupport.assertRegistrationsSoon(clientLoop, ch, 0);
            int serverFree = kernelFreeBuffers(serverLoop, sh), clientFree = kernelFreeBuffers(clientLoop, ch);
            assertEquals(Uring.liveNativeBytes(), nativeBefore, "native bytes of the engine after 10,000 connections");
            if (serverFree >= 0) {
                assertEquals(entries, serverFree, "server loop: provided buffers the kernel can still pick from");
                assertEquals(entries, clientFree, "client loop: provided buffers the kernel can still pick from");
            }
            server.close().sync();
            assumeTrue(serverFree >= 0, "the buffer-ring check needs IORING_REGISTER_PBUF_STATUS (Linux 6.8)");
        } finally {
            serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        assertEquals(nativeBeforeLoops, Uring.liveNativeBytes(), "a shut-down loop gives back all its native memory");
    }

    /**
     * Opens {@code n} connections at once; each sends {@value #MESSAGE} bytes, the server echoes them, and the client
     * closes once the echo is in. Waits until every client has closed.
     */
    private static void churn(EventLoopGroup g, Channel server, int n) throws Exception {
        CountDownLatch closed = new CountDownLatch(n);
        Bootstrap b = client(g, new Shared() {
            @Override public void channelActive(ChannelHandlerContext ctx) {
                ctx.writeAndFlush(ctx.alloc().directBuffer(MESSAGE).writeZero(MESSAGE));
            }
            @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ((ByteBuf) msg).release();
                ctx.close();   // the first bytes of the echo are enough: the rest arrive into a closing channel
            }
            @Override public void channelInactive(ChannelHandlerContext ctx) { closed.countDown(); }
        });
        List<ChannelFuture> connects = new ArrayList<>(n);
        for (int i = 0; i < n; i++) connects.add(b.connect(server.localAddress()));
        for (ChannelFuture f : connects) {
            assertTrue(f.await(10, TimeUnit.SECONDS), "connect within 10 s");
            if (!f.isSuccess()) throw new AssertionError("connect failed", f.cause());
        }
        assertTrue(closed.await(20, TimeUnit.SECONDS), "every client closed after its echo");
    }
}
