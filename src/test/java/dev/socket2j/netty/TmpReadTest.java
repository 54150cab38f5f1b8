package dev.socket2j.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.*;
import io.netty.channel.*;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.testsuite.transport.TestsuitePermutation;
import org.junit.jupiter.api.Test;
import java.util.Random;
import java.util.concurrent.*;
import static org.junit.jupiter.api.Assertions.*;

class TmpReadTest {
    @Test
    void read() throws Exception {
        byte[] data = new byte[1 << 20];
        new Random(1).nextBytes(data);
        EventLoopGroup s2 = new MultiThreadIoEventLoopGroup(4, Socket2IoHandler.newFactory());
        EventLoopGroup nio = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        for (int round = 0; round < 20; round++) {
          for (ByteBufAllocator alloc : TestsuitePermutation.allocator()) {
            ByteBuf received = Unpooled.buffer();
            CompletableFuture<Void> done = new CompletableFuture<>();
            Channel sc = new ServerBootstrap().group(nio).channel(io.netty.channel.socket.nio.NioServerSocketChannel.class)
                .option(ChannelOption.ALLOCATOR, alloc).childOption(ChannelOption.ALLOCATOR, alloc)
                .childHandler(new SimpleChannelInboundHandler<ByteBuf>() {
                    @Override protected void channelRead0(ChannelHandlerContext ctx, ByteBuf b) {
                        received.writeBytes(b);
                        if (received.readableBytes() >= data.length) done.complete(null);
                    }
                }).bind(new java.net.InetSocketAddress(io.netty.util.NetUtil.LOCALHOST, 0)).sync().channel();
            Channel cc = new Bootstrap().group(s2).channel(Socket2SocketChannel.class).option(ChannelOption.ALLOCATOR, alloc)
                .handler(new ChannelInboundHandlerAdapter()).connect(sc.localAddress()).sync().channel();
            for (int i = 0; i < data.length;) {
                int length = Math.min(ThreadLocalRandom.current().nextInt(1024 * 8), data.length - i);
                cc.write(TestsuitePermutation.randomBufferType(cc.alloc(), data, i, length));
                i += length;
            }
            cc.writeAndFlush(Unpooled.EMPTY_BUFFER).sync();
            done.get(20, TimeUnit.SECONDS);
            Thread.sleep(20);
            cc.close().sync(); sc.close().sync();
            if (!ByteBufUtil.equals(Unpooled.wrappedBuffer(data), received)) {
                int n = received.readableBytes(), first = -1;
                for (int k = 0; k < Math.min(n, data.length); k++) if (received.getByte(k) != data[k]) { first = k; break; }
                // where does the received tail at 'first' come from in data?
                fail("round " + round + " alloc " + alloc.getClass().getSimpleName() + " got " + n + " first diff at " + first);
            }
          }
        }
        s2.shutdownGracefully(); nio.shutdownGracefully();
    }
}
