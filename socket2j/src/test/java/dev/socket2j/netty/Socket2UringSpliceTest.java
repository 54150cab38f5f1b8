package dev.socket2j.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.FileDescriptor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * spliceTo on the io_uring engine ({@link Socket2UringSocketChannel}): the shared cases, plus what only this
 * engine has to get right: bytes (and the end of stream) a multishot recv already received when the splice is
 * asked for, closes racing the splice's poll and its {@code IORING_OP_SPLICE}, and a kernel without that op.
 */
class Socket2UringSpliceTest extends AbstractSpliceTest {
    @Override IoHandlerFactory factory() { return Socket2UringIoHandler.newFactory(); }

    @Override Class<? extends ServerChannel> serverClass() { return Socket2UringServerSocketChannel.class; }

    @Override Class<? extends Channel> socketClass() { return Socket2UringSocketChannel.class; }

    @Override
    ChannelFuture splice(Channel in, Channel target, int len, ChannelPromise promise) {
        return ((Socket2UringSocketChannel) in).spliceTo(target, len, promise);
    }

    @Override
    ChannelFuture splice(Channel in, FileDescriptor file, long offset, int len) {
        return ((Socket2UringSocketChannel) in).spliceTo(file, offset, len);
    }

    @BeforeAll
    @Override
    void start() {
        Assumptions.assumeTrue(Socket2Uring.isAvailable(), () -> "io_uring: " + Socket2Uring.unavailabilityCause());
        super.start();
    }

    /**
     * The splice is asked for inside the first channelRead, with auto-read on: the rest of that completion and what
     * the multishot recv delivers before its cancellation (the end of stream too, since the client sends it at once)
     * were received but not read by any handler. They reach the target first, in order, and the unbounded splice
     * succeeds at the end of stream.
     */
    @Test
    void bytesAlreadyReceivedGoToTheTargetFirstAndAKeptEndOfStreamEndsTheSplice() throws Exception {
        for (int round = 0; round < 5; round++) {
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            CompletableFuture<Void> eof = new CompletableFuture<>();
            Channel backend = collector(sink, eof);
            CompletableFuture<Void> upstreamReady = new CompletableFuture<>();
            CompletableFuture<ChannelFuture> spliced = new CompletableFuture<>();
            AtomicInteger firstRead = new AtomicInteger(-1);
            AtomicLong kept = new AtomicLong();
            Channel proxy = spliceProxy(backend, in -> in.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                Channel up;
                @Override public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    if (evt instanceof Channel u) {
                        up = u;
                        ctx.channel().config().setAutoRead(true);
                        upstreamReady.complete(null);
                    }
                }
                @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf b = (ByteBuf) msg;
                    if (firstRead.get() < 0) {
                        firstRead.set(b.readableBytes());
                        ChannelFuture done = splice(ctx.channel(), up, Integer.MAX_VALUE);
                        done.addListener(f -> {
                            kept.set(((UringStreamChannel) ctx.channel()).keptBytesSpliced);
                            ((DuplexChannel) up).shutdownOutput();
                        });
                        spliced.complete(done);
                    } else {
                        spliced.completeExceptionally(new AssertionError("a second channelRead: the splice had its bytes"));
                    }
                    b.release();
                }
            }), (in, up) -> in.pipeline().fireUserEventTriggered(up));
            try {
                byte[] data = new byte[256 << 10];
                new Random(round).nextBytes(data);
                Channel c = client((InetSocketAddress) proxy.localAddress());
                upstreamReady.get(30, TimeUnit.SECONDS);
                c.writeAndFlush(Unpooled.wrappedBuffer(data)).sync();
                ((DuplexChannel) c).shutdownOutput().sync();
                ChannelFuture done = spliced.get(30, TimeUnit.SECONDS);
                assertTrue(done.await(30, TimeUnit.SECONDS), "the splice ends at end of stream");
                assertTrue(done.isSuccess(), () -> "and succeeds: " + done.cause());
                eof.get(30, TimeUnit.SECONDS);
                int n = firstRead.get();
                byte[] got = received(sink);
                assertEquals(data.length - n, got.length, "everything after the first channelRead is spliced");
                assertEquals(crc(Arrays.copyOfRange(data, n, data.length)), crc(got), "unchanged and in order");
                assertTrue(kept.get() > 0, "the recv's unread bytes went to the target (" + n + " read by the handler)");
                c.close().sync();
            } finally {
                proxy.close().sync();
                backend.close().sync();
            }
        }
    }

    /**
     * Closes race the splice: the source, the target or both close (from another thread) while bytes stream
     * through, at staggered moments. Each splice ends (failed with ClosedChannelException or, rarely, done), the
     * loop keeps working, and no descriptor (socket, pipe, pipe duplicate) is left open.
     */
    @Test
    void closingEitherEndMidSpliceEndsItAndLeaksNothing() throws Exception {
        // discards, and closes its end at the upstream's end (no half-closure): nothing of it stays open
        Channel backend = new ServerBootstrap().group(PEERS).channel(serverClass())
            .childHandler(new ChannelInitializer<Channel>() {
                @Override protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            io.netty.util.ReferenceCountUtil.release(msg);
                        }
                        @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            ctx.close();   // a reset upstream: expected here
                        }
                    });
                }
            }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        List<Channel> pair = new ArrayList<>();
        CompletableFuture<ChannelFuture>[] spliced = new CompletableFuture[1];
        Channel proxy = spliceProxy(backend, in -> { }, (in, up) -> {
            synchronized (pair) {
                pair.add(in);
                pair.add(up);
            }
            spliced[0].complete(splice(in, up, Integer.MAX_VALUE));
        });
        try {
            java.util.Map<String, String> before = fds();
            long baseline = before.size();
            Random r = new Random(42);
            for (int i = 0; i < 24; i++) {
                spliced[0] = new CompletableFuture<>();
                synchronized (pair) {
                    pair.clear();
                }
                Channel c = client((InetSocketAddress) proxy.localAddress());
                for (int k = 0; k < 8; k++) c.write(Unpooled.wrappedBuffer(new byte[512 << 10]));
                c.flush();
                ChannelFuture done = spliced[0].get(30, TimeUnit.SECONDS);
                Thread.sleep(r.nextInt(15));
                Channel in, up;
                synchronized (pair) {
                    in = pair.get(0);
                    up = pair.get(1);
                }
                switch (i % 3) {
                    case 0 -> in.close();
                    case 1 -> up.close();
                    default -> {
                        up.close();
                        in.close();
                    }
                }
                assertTrue(done.await(10, TimeUnit.SECONDS), "splice " + i + " ends when an end closes");
                if (!done.isSuccess()) {
                    Throwable cause = done.cause();
                    assertTrue(cause instanceof ClosedChannelException || cause instanceof java.io.IOException,
                        () -> "fails as closed: " + cause);
                }
                in.close().sync();
                up.close().sync();
                c.close().sync();
            }
            assertTrue(UringTestSupport.eventually(() -> {
                try { return UringTestSupport.openFds() <= baseline; } catch (java.io.IOException e) { return false; }
            }), () -> "no descriptor left open; new: " + newFds(before));
            // the loop still splices
            ByteArrayOutputStream sink2 = new ByteArrayOutputStream();
            CompletableFuture<Void> eof2 = new CompletableFuture<>();
            Channel backend2 = collector(sink2, eof2);
            CompletableFuture<ChannelFuture> s2 = new CompletableFuture<>();
            Channel proxy2 = spliceProxy(backend2, in -> { }, (in, up) -> {
                ChannelFuture f = splice(in, up, 1000);
                f.addListener(x -> ((DuplexChannel) up).shutdownOutput());
                s2.complete(f);
            });
            try {
                Channel c = client((InetSocketAddress) proxy2.localAddress());
                c.writeAndFlush(Unpooled.wrappedBuffer(new byte[1000])).sync();
                ChannelFuture f = s2.get(30, TimeUnit.SECONDS);
                assertTrue(f.await(30, TimeUnit.SECONDS) && f.isSuccess(), () -> "after the races: " + f.cause());
                eof2.get(30, TimeUnit.SECONDS);
                assertEquals(1000, received(sink2).length);
                c.close().sync();
            } finally {
                proxy2.close().sync();
                backend2.close().sync();
            }
        } finally {
            proxy.close().sync();
            backend.close().sync();
        }
    }

    private static java.util.Map<String, String> fds() throws java.io.IOException {
        java.util.Map<String, String> m = new java.util.TreeMap<>();
        try (var s = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            for (java.nio.file.Path p : s.toList()) {
                try { m.put(p.getFileName().toString(), java.nio.file.Files.readSymbolicLink(p).toString()); }
                catch (java.io.IOException gone) { /* closed meanwhile */ }
            }
        }
        return m;
    }

    private static String newFds(java.util.Map<String, String> before) {
        try {
            java.util.Map<String, String> now = fds();
            now.keySet().removeAll(before.keySet());
            return now.toString();
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    /** A kernel without IORING_OP_SPLICE (here: the probe's answer turned off) refuses a channel target clearly. */
    @Test
    void withoutOpSpliceAChannelTargetIsRefused() throws Exception {
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(1,
            Socket2UringIoHandler.newFactory(256, 4096, 256, 8192, Set.of("SPLICE")));
        try {
            Channel a = new Bootstrap().group(g).channel(Socket2UringSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).register().sync().channel();
            Channel b = new Bootstrap().group(a.eventLoop()).channel(Socket2UringSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).register().sync().channel();
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> splice(a, b, 10));
            assertTrue(e.getMessage().contains("IORING_OP_SPLICE"), e.getMessage());
            a.close().sync();
            b.close().sync();
        } finally {
            g.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
