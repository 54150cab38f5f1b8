package dev.socket2j.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A server of the server-only table: one event loop of one transport, run pinned to one core by {@link ServerBench},
 * driven by the C load generator or wrk from another core.
 * Usage: {@code ServerMain <transport> echo|http|udp}; prints {@code READY <port>} once it listens, serves until
 * stdin closes.
 *
 * <ul>
 * <li>{@code echo}: TCP echo; a reply that does not fit the send buffer stops reading from that connection until it
 * drains (Netty's writability), so a bulk client cannot grow the server's memory without bound.
 * <li>{@code http}: HTTP/1.1 hello world ({@link HttpServer.Hello}, Netty's {@code HttpServerCodec}).
 * <li>{@code udp}: UDP echo, each datagram back to its sender, flushed once per read.
 * </ul>
 */
public final class ServerMain {
    private ServerMain() {}

    public static void main(String[] args) throws Exception {
        Transport t = Transport.byName(args[0]);
        String mode = args[1];
        EventLoopGroup g = t.group(1, "server");
        Channel ch = switch (mode) {
            case "echo" -> tcp(t, g, new ChannelInitializer<Channel>() {
                @Override protected void initChannel(Channel c) { c.pipeline().addLast(BackpressuredEcho.INSTANCE); }
            });
            case "http" -> tcp(t, g, new ChannelInitializer<Channel>() {
                @Override protected void initChannel(Channel c) {
                    c.pipeline().addLast(new HttpServerCodec(), new HttpServer.Hello());
                }
            });
            case "udp" -> {
                if (t.datagram() == null) throw new IllegalStateException(t.name() + " has no datagram channel");
                yield new Bootstrap().group(g).channel(t.datagram()).option(ChannelOption.SO_RCVBUF, 4 << 20)
                    .option(ChannelOption.SO_SNDBUF, 4 << 20).handler(UdpEcho.INSTANCE)
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            }
            default -> throw new IllegalArgumentException("mode " + mode + " (have echo, http, udp)");
        };
        System.out.println("READY " + ((InetSocketAddress) ch.localAddress()).getPort());
        System.out.flush();
        // until the runner closes stdin; "ALLOC" asks for the bytes the loop's thread has allocated so far
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.trim().equals("ALLOC")) {
                System.out.println("ALLOC " + Load.allocated(g));
                System.out.flush();
            }
        }
        ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        g.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        System.exit(0);
    }

    private static Channel tcp(Transport t, EventLoopGroup g, ChannelHandler child) throws InterruptedException {
        return new ServerBootstrap().group(g).channel(t.server())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(child)
            .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    /** Echoes every read, flushed once per read burst; stops reading while the channel is not writable. */
    @ChannelHandler.Sharable
    static final class BackpressuredEcho extends ChannelInboundHandlerAdapter {
        static final BackpressuredEcho INSTANCE = new BackpressuredEcho();

        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) { ctx.write(msg, ctx.voidPromise()); }

        @Override public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
            if (!ctx.channel().isWritable()) ctx.channel().config().setAutoRead(false);
        }

        @Override public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) ctx.channel().config().setAutoRead(true);
            ctx.fireChannelWritabilityChanged();
        }

        @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) { ctx.close(); }
    }

    /** Sends each datagram back to where it came from; one flush per read burst. */
    @ChannelHandler.Sharable
    static final class UdpEcho extends ChannelInboundHandlerAdapter {
        static final UdpEcho INSTANCE = new UdpEcho();

        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof DatagramPacket p) {
                ByteBuf content = p.content();
                ctx.write(new DatagramPacket(content, p.sender()), ctx.voidPromise());
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override public void channelReadComplete(ChannelHandlerContext ctx) { ctx.flush(); }

        @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) { /* keep serving */ }
    }
}
