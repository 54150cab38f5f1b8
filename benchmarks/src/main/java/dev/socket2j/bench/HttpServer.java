package dev.socket2j.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 "Hello, World!" with Netty's {@code HttpServerCodec}, for wrk. Responses are written as requests
 * are decoded and flushed once per read, so pipelined requests share a write.
 * Usage: {@code HttpServer <transport> <threads>}; prints {@code READY <port>}, serves until stdin closes.
 */
public final class HttpServer {
    private static final ByteBuf HELLO = Unpooled.unreleasableBuffer(
        Unpooled.directBuffer().writeBytes("Hello, World!".getBytes(StandardCharsets.US_ASCII)));

    public static void main(String[] args) throws Exception {
        Transport t = Transport.byName(args[0]);
        EventLoopGroup g = t.group(Integer.parseInt(args[1]), "http");
        Channel ch = new ServerBootstrap().group(g).channel(t.server())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<Channel>() {
                @Override protected void initChannel(Channel c) {
                    c.pipeline().addLast(new HttpServerCodec(), new Hello());
                }
            }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        System.out.println("READY " + ((InetSocketAddress) ch.localAddress()).getPort());
        System.out.flush();
        while (System.in.read() >= 0) { /* until the runner closes stdin */ }
        ch.close().sync();
        g.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
    }

    static final class Hello extends SimpleChannelInboundHandler<Object> {
        @Override protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest req) {
                FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    HELLO.duplicate());
                r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, HELLO.readableBytes());
                if (!HttpUtil.isKeepAlive(req)) {
                    ctx.write(r).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                } else {
                    ctx.write(r, ctx.voidPromise());
                }
            } else if (msg instanceof LastHttpContent) {
                // request body end: nothing to do for GET
            }
        }
        @Override public void channelReadComplete(ChannelHandlerContext ctx) { ctx.flush(); }
        @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) { ctx.close(); }
    }
}
