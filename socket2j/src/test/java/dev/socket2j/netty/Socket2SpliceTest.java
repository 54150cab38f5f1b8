package dev.socket2j.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.unix.FileDescriptor;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** spliceTo on the epoll engine ({@link Socket2SocketChannel}), and from its Unix-domain channel. */
class Socket2SpliceTest extends AbstractSpliceTest {
    @Override IoHandlerFactory factory() { return Socket2IoHandler.newFactory(); }

    @Override Class<? extends ServerChannel> serverClass() { return Socket2ServerSocketChannel.class; }

    @Override Class<? extends Channel> socketClass() { return Socket2SocketChannel.class; }

    @Override
    ChannelFuture splice(Channel in, Channel target, int len, ChannelPromise promise) {
        return ((Socket2SocketChannel) in).spliceTo(target, len, promise);
    }

    @Override
    ChannelFuture splice(Channel in, FileDescriptor file, long offset, int len) {
        return ((Socket2SocketChannel) in).spliceTo(file, offset, len);
    }

    /** From a Unix-domain connection into a TCP one: splice(2) takes any pair of stream sockets. */
    @Test
    void domainSocketSplicesIntoTcp() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        CompletableFuture<Void> eof = new CompletableFuture<>();
        Channel backend = collector(sink, eof);
        CompletableFuture<ChannelFuture> spliced = new CompletableFuture<>();
        io.netty.channel.unix.DomainSocketAddress at =
            dev.socket2j.netty.testsuite.Socket2DatagramTestPermutation.newDomainSocketAddress();
        Channel proxy = new ServerBootstrap().group(LOOP).channel(Socket2ServerDomainSocketChannel.class)
            .childOption(ChannelOption.AUTO_READ, false)
            .childHandler(new ChannelInitializer<Socket2DomainSocketChannel>() {
                @Override protected void initChannel(Socket2DomainSocketChannel in) {
                    new Bootstrap().group(in.eventLoop()).channel(Socket2SocketChannel.class)
                        .handler(new ChannelInboundHandlerAdapter()).connect(backend.localAddress())
                        .addListener((ChannelFuture f) -> {
                            ChannelFuture done = in.spliceTo(f.channel(), Integer.MAX_VALUE);
                            done.addListener(d -> ((Socket2SocketChannel) f.channel()).shutdownOutput());
                            spliced.complete(done);
                        });
                }
            }).bind(at).sync().channel();
        try {
            byte[] data = new byte[1 << 20];
            new Random(11).nextBytes(data);
            Socket2DomainSocketChannel c = (Socket2DomainSocketChannel) new Bootstrap().group(PEERS)
                .channel(Socket2DomainSocketChannel.class).handler(new ChannelInboundHandlerAdapter())
                .connect(at).sync().channel();
            c.writeAndFlush(Unpooled.wrappedBuffer(data)).sync();
            c.shutdownOutput().sync();
            ChannelFuture done = spliced.get(30, TimeUnit.SECONDS);
            assertTrue(done.await(30, TimeUnit.SECONDS) && done.isSuccess(), () -> "splice: " + done.cause());
            eof.get(30, TimeUnit.SECONDS);
            assertEquals(crc(data), crc(received(sink)));
            c.close().sync();
        } finally {
            proxy.close().sync();
            backend.close().sync();
        }
    }
}
