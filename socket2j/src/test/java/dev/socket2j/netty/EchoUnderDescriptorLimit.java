package dev.socket2j.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The child process of {@link Socket2EventLoopSurvivalTest}: an echo server on two socket2j event loops, run under a
 * low descriptor limit. It prints {@code PORT <n>}, then answers each {@code STATUS} line on standard input with
 * {@code LOOPS <threads> <alive> <shutting down>}.
 */
public final class EchoUnderDescriptorLimit {
    private EchoUnderDescriptorLimit() {}

    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) { ctx.writeAndFlush(msg); }

        @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) { ctx.close(); }
    }

    public static void main(String[] args) throws Exception {
        // Netty's default when no other logging library is present (as for the proxy): java.util.logging, whose
        // formatter loads the JDK's time-zone data on its first record, a file it cannot open at the limit
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
        List<Thread> loopThreads = new CopyOnWriteArrayList<>();
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2, r -> {
            Thread t = new Thread(r, "echo-loop-" + loopThreads.size());
            loopThreads.add(t);
            return t;
        }, Socket2IoHandler.newFactory());
        Channel server = new ServerBootstrap().group(group).channel(Socket2ServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 2048)
            .childHandler(new Echo())
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        for (EventExecutor e : group) e.submit(() -> { }).sync();  // both loop threads run from now on
        System.out.println("PORT " + ((InetSocketAddress) server.localAddress()).getPort());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        for (String line; (line = in.readLine()) != null; ) {
            if (!line.equals("STATUS")) continue;
            long alive = loopThreads.stream().filter(Thread::isAlive).count();
            long down = 0;
            for (EventExecutor e : group) if (e.isShuttingDown()) down++;
            System.out.println("LOOPS " + loopThreads.size() + " " + alive + " " + down);
            System.out.flush();
        }
        server.close().sync();
        group.shutdownGracefully().sync();
    }
}
