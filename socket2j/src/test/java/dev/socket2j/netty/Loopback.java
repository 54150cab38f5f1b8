package dev.socket2j.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** A socket2j server and client on loopback, for the transport's own tests. */
final class Loopback implements AutoCloseable {
    final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, Socket2IoHandler.newFactory());
    final Channel server;

    Loopback(ChannelHandler childHandler) throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(Socket2ServerSocketChannel.class)
            .childHandler(childHandler)
            .option(io.netty.channel.ChannelOption.TCP_FASTOPEN, 5)
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    }

    Bootstrap client() {
        return new Bootstrap().group(group).channel(Socket2SocketChannel.class)
            .handler(new ChannelInboundHandlerAdapter());
    }

    Socket2SocketChannel connect() throws InterruptedException {
        return (Socket2SocketChannel) client().connect(server.localAddress()).sync().channel();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 5, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
