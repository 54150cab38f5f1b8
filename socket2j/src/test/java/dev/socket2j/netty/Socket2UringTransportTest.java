package dev.socket2j.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** End-to-end on the io_uring engine: echo, with each optional feature on and off. */
class Socket2UringTransportTest {
    @BeforeAll
    static void available() {
        assumeTrue(Socket2Uring.isAvailable(), () -> "io_uring unavailable: " + Socket2Uring.unavailabilityCause());
    }

    static String echo(IoHandlerFactory factory, int bytes) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, factory);
        try {
            Channel server = new ServerBootstrap().group(group).channel(Socket2UringServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override public void channelRead(ChannelHandlerContext ctx, Object msg) { ctx.writeAndFlush(msg); }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            CompletableFuture<String> got = new CompletableFuture<>();
            StringBuilder sb = new StringBuilder();
            Channel client = new Bootstrap().group(group).channel(Socket2UringSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ByteBuf b = (ByteBuf) msg;
                                sb.append(b.toString(StandardCharsets.US_ASCII));
                                b.release();
                                if (sb.length() >= bytes) got.complete(sb.toString());
                            }
                            @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                got.completeExceptionally(cause);
                            }
                        });
                    }
                }).connect(server.localAddress()).sync().channel();
            String payload = "x".repeat(bytes - 1) + "!";
            client.writeAndFlush(Unpooled.copiedBuffer(payload, StandardCharsets.US_ASCII));
            String r = got.get(10, TimeUnit.SECONDS);
            client.close().sync();
            server.close().sync();
            return r;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void echoesThroughTheDefaultFeatures() throws Exception {
        String r = echo(Socket2UringIoHandler.newFactory(), 100_000);
        assertEquals(100_000, r.length());
    }

    @Test
    void echoesWithEachFeatureForcedOff() throws Exception {
        for (String f : new String[] { "PBUF_RING", "RECV_MULTISHOT", "ACCEPT_MULTISHOT", "EXT_ARG", "DEFER_TASKRUN",
                "SINGLE_ISSUER", "NO_SQARRAY", "SUBMIT_ALL", "COOP_TASKRUN", "CANCEL_FD", "RECV_BUNDLE" }) {
            String r = echo(Socket2UringIoHandler.newFactory(64, 256, 16, 1024, Set.of(f)), 50_000);
            assertEquals(50_000, r.length(), f);
        }
    }

    @Test
    void aServerCloseReachesTheClientAsEndOfStream() throws Exception {
        for (boolean halfClosure : new boolean[] { false, true }) {
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, Socket2UringIoHandler.newFactory());
            try {
                Channel server = new ServerBootstrap().group(group).channel(Socket2UringServerSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override public void channelActive(ChannelHandlerContext ctx) { ctx.close(); }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
                CompletableFuture<Object> event = new CompletableFuture<>();
                Channel client = new Bootstrap().group(group).channel(Socket2UringSocketChannel.class)
                    .option(io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE, halfClosure)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                            event.complete(evt);
                            ctx.close();
                        }
                    }).connect(server.localAddress()).sync().channel();
                org.junit.jupiter.api.Assertions.assertTrue(client.closeFuture().await(5, TimeUnit.SECONDS),
                    "half closure " + halfClosure);
                if (halfClosure) assertEquals(io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE, event.getNow(null));
                server.close().sync();
            } finally {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            }
        }
    }

    @Test
    void scheduledTasksWakeAnIdleLoopWithAndWithoutExtArg() throws Exception {
        for (Set<String> off : List.of(Set.<String>of(), Set.of("EXT_ARG"))) {
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                Socket2UringIoHandler.newFactory(8, 16, 1, 64, off));
            try {
                group.submit(() -> { }).sync();   // the loop is started and goes to sleep in io_uring_enter
                for (int i = 0; i < 3; i++) {
                    group.schedule(() -> { }, 20, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS);
                }
                // a task from another thread wakes the sleeping loop (eventfd read armed in the ring)
                group.submit(() -> { }).get(5, TimeUnit.SECONDS);
            } finally {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            }
        }
    }
}
