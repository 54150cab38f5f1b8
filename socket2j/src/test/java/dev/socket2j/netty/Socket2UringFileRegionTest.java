package dev.socket2j.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** File regions on the io_uring engine, beyond Netty's shared SocketFileRegionTest. */
class Socket2UringFileRegionTest {
    @BeforeAll
    static void available() {
        Assumptions.assumeTrue(Socket2Uring.isAvailable(), () -> "io_uring: " + Socket2Uring.unavailabilityCause());
    }

    @Test
    void aRegionQueuedBehindEmptyBuffersIsSentInTheSameFlush() throws Exception {
        byte[] content = new byte[300 * 1024];   // several staging chunks
        for (int i = 0; i < content.length; i++) content[i] = (byte) (i * 7 + (i >>> 10));
        File file = Files.createTempFile("socket2j-region", ".bin").toFile();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, Socket2UringIoHandler.newFactory());
        try {
            Files.write(file.toPath(), content);
            ByteBuf acc = Unpooled.buffer(content.length);
            CompletableFuture<byte[]> got = new CompletableFuture<>();
            Channel server = new ServerBootstrap().group(group).channel(Socket2UringServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf b = (ByteBuf) msg;
                        acc.writeBytes(b);
                        b.release();
                        if (acc.readableBytes() == content.length) got.complete(acc.array());
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            Channel client = new Bootstrap().group(group).channel(Socket2UringSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
            // one flush on the loop: two empty buffers, then the region
            ChannelFuture sent = client.eventLoop().submit(() -> {
                client.write(Unpooled.EMPTY_BUFFER);
                client.write(Unpooled.directBuffer(0));
                return client.writeAndFlush(new DefaultFileRegion(file, 0, content.length));
            }).get(10, TimeUnit.SECONDS);
            assertTrue(sent.await(10, TimeUnit.SECONDS), "the region was written");
            assertTrue(sent.isSuccess(), () -> String.valueOf(sent.cause()));
            assertArrayEquals(content, got.get(10, TimeUnit.SECONDS));
            client.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            Files.deleteIfExists(file.toPath());
        }
    }
}
