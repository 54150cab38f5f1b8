package dev.socket2j.netty;

import dev.socket2j.Domain;
import dev.socket2j.NativeIoException;
import dev.socket2j.SockAddr;
import dev.socket2j.Socket;
import dev.socket2j.Type;
import dev.socket2j.internal.Errno;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a framework sees when the kernel refuses on the transport's hot path. */
class Socket2HotPathErrorsTest {
    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1, Socket2IoHandler.newFactory());

    @AfterAll
    static void shutdown() { GROUP.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly(); }

    @Test
    void peerResetReadIsAPublicNativeIoExceptionWithoutStackTrace() throws Exception {
        BlockingQueue<Throwable> caught = new LinkedBlockingQueue<>();
        CountDownLatch active = new CountDownLatch(1);
        Channel server = new ServerBootstrap().group(GROUP).channel(Socket2ServerSocketChannel.class)
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                        @Override public void channelActive(ChannelHandlerContext ctx) { active.countDown(); }
                        @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            caught.add(cause);
                            ctx.close();
                        }
                    });
                }
            }).bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        try (Socket client = Socket.open(Domain.IPV4, Type.STREAM)) {
            client.connect(SockAddr.of(server.localAddress()));
            assertTrue(active.await(10, TimeUnit.SECONDS), "the server never saw the connection");
            client.setLinger(Optional.of(Duration.ZERO));   // close(2) sends RST instead of FIN
        }
        try {
            Throwable t = caught.poll(10, TimeUnit.SECONDS);
            assertNotNull(t, "no exception after the peer's reset");
            // gRPC (NettyServerTransport.getLogLevel) logs quietly for exactly this simple name
            assertEquals("NativeIoException", t.getClass().getSimpleName());
            NativeIoException e = assertInstanceOf(NativeIoException.class, t);
            assertInstanceOf(IOException.class, e);
            assertEquals(Errno.ECONNRESET, e.errno());
            assertEquals("recv(2)", e.call());   // the stream read is recv(2): no VFS layer
            assertEquals(0, e.getStackTrace().length, "no stack trace filled on the hot path");
        } finally {
            server.close().sync();
        }
    }
}
