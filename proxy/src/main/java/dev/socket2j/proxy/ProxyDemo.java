package dev.socket2j.proxy;

import dev.socket2j.SockOpt;
import dev.socket2j.SockRef;
import dev.socket2j.Socket;
import dev.socket2j.Domain;
import dev.socket2j.Type;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The demo: an echo backend, the proxy in front of it and a client pushing data through it, all on loopback
 * in this process; then the options of one proxied connection as the kernel reports them on both sides.
 */
final class ProxyDemo {
    /** Options the demo sets when the command line sets none on that side; those the table lacks are skipped. */
    static final List<String> DEMO_LISTEN = List.of("tcp_nodelay=true", "so_keepalive=true", "tcp_keepalive_time=30s",
        "tcp_keepalive_interval=5s", "recv_buffer_size=262144");
    static final List<String> DEMO_UPSTREAM = List.of("tcp_nodelay=true", "ip_tos=0x10", "tcp_congestion=reno",
        "send_buffer_size=262144", "tcp_user_timeout=20s");

    private ProxyDemo() {}

    static int run(ProxyConfig given, PrintStream out, PrintStream err) throws IOException, InterruptedException {
        // Options the user gave are tried at start as in a proxy run: a refusal stops the demo before any traffic.
        Forwarder.probeUpstreamOptions(given.upstreamOpts(), new InetSocketAddress("127.0.0.1", 1), false);
        List<String> notes = new ArrayList<>();
        List<OptionSetting> listenOpts = given.listenOpts().isEmpty() ? usable(DEMO_LISTEN, notes) : given.listenOpts();
        List<OptionSetting> upstreamOpts = given.upstreamOpts().isEmpty() ? usable(DEMO_UPSTREAM, notes) : given.upstreamOpts();
        ProxyTransport t = given.transport();
        out.printf("socket2j-proxy demo: transport %s, %d event loop(s), %d connections, %.1f s of traffic%n",
            t.name() + (given.splice() ? " with splice(2)" : ""), given.threads(), given.connections(), given.seconds());
        for (String n : notes) out.println("  note: " + n);

        EventLoopGroup backendGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("backend", true),
            t.factory().get());
        EventLoopGroup clientGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("client", true),
            t.factory().get());
        ProxyServer proxy = null;
        try {
            Channel backend = echoServer(t, backendGroup);
            InetSocketAddress backendAddr = (InetSocketAddress) backend.localAddress();
            ProxyConfig config = new ProxyConfig("run", new InetSocketAddress("127.0.0.1", 0), backendAddr, t,
                given.threads(), given.connectTimeout(), listenOpts, upstreamOpts, false, given.seconds(),
                given.connections(), false, given.idleTimeout(), given.maxSessions(), given.splice());
            ProxyMain.StatusLine status = new ProxyMain.StatusLine(err, given.status());
            proxy = ProxyServer.start(config, status::report);
            out.println("  backend " + ProxyMain.hostPort(backendAddr) + "  <-  proxy "
                + ProxyMain.hostPort(proxy.localAddress()) + "  <-  client");
            out.println("  listen side:   " + listenOpts);
            out.println("  upstream side: " + upstreamOpts);

            LongAdder echoed = new LongAdder();
            Pusher pusher = new Pusher(echoed);
            List<Channel> clients = new ArrayList<>();
            for (int i = 0; i < given.connections(); i++) {
                Channel c = new Bootstrap().group(clientGroup).channel(t.socketChannel())
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, ProxyServer.WATER_MARK)
                    .handler(pusher).connect(proxy.localAddress()).sync().channel();
                clients.add(c);
            }
            long start = System.nanoTime();
            long end = start + (long) (given.seconds() * 1e9);
            List<String[]> table = null;
            while (System.nanoTime() < end) {
                Thread.sleep(Math.min(250, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                if (table == null && System.nanoTime() - start > (end - start) / 2) table = optionTable(proxy, listenOpts, upstreamOpts);
                status.show(proxy.stats().statusLine());
            }
            pusher.running = false;
            double secs = (System.nanoTime() - start) / 1e9;
            long got = echoed.sum();
            long proxied = proxy.stats().totalBytes();
            // Half-close each client: the EOF travels through the proxy, the backend echoes what is left and
            // closes, and that EOF travels back; so the demo ends without a reset.
            for (Channel c : clients) ((DuplexChannel) c).shutdownOutput();
            for (Channel c : clients) {
                if (!c.closeFuture().awaitUninterruptibly(5, TimeUnit.SECONDS)) c.close();
            }
            status.clear();
            if (table == null) table = optionTable(proxy, listenOpts, upstreamOpts);
            printTable(out, table);
            out.printf(Locale.ROOT, "%nthroughput: %.1f MiB/s echoed through the proxy (%.1f MiB/s proxied, both "
                    + "directions), %d connections, %d errors%n", got / secs / 1048576.0,
                proxied / secs / 1048576.0, proxy.stats().accepted.sum(), proxy.stats().errors.sum());
            return proxy.stats().errors.sum() == 0 && got > 0 ? 0 : 1;
        } finally {
            if (proxy != null) proxy.close();
            clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            backendGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** The demo options that resolve in this build and that the kernel takes on a fresh TCP socket. */
    private static List<OptionSetting> usable(List<String> wanted, List<String> notes) {
        List<OptionSetting> ok = new ArrayList<>();
        for (String w : wanted) {
            try (Socket probe = Socket.open(Domain.IPV4, Type.STREAM)) {
                OptionSetting o = OptionSetting.parse("demo", w);
                o.applyTo(probe);
                ok.add(o);
            } catch (UsageException | IOException | RuntimeException e) {
                notes.add("skipping " + w + ": " + e.getMessage());
            }
        }
        return ok;
    }

    /** Rows: option, client side (accepted socket), upstream side; the options the demo set come first. */
    static List<String[]> optionTable(ProxyServer proxy, List<OptionSetting> listen, List<OptionSetting> up) {
        Connection c = proxy.connections().stream().filter(x -> x.upstream() != null && x.upstream().isActive())
            .findFirst().orElse(null);
        List<String[]> rows = new ArrayList<>();
        if (c == null) return rows;
        SockRef a = ProxyTransport.sockRef(c.inbound());
        SockRef b = ProxyTransport.sockRef(c.upstream());
        Set<SockOpt<?>> order = new LinkedHashSet<>();
        for (OptionSetting o : listen) order.add(o.opt());
        for (OptionSetting o : up) order.add(o.opt());
        order.addAll(SockOpt.all());
        for (SockOpt<?> o : order) {
            if (!o.readable()) continue;
            String va = read(a, o), vb = read(b, o);
            if (va == null && vb == null) continue;
            boolean set = listen.stream().anyMatch(s -> s.opt() == o) || up.stream().anyMatch(s -> s.opt() == o);
            rows.add(new String[] {(set ? "* " : "  ") + SockOptNames.nameOf(o), va == null ? "-" : va, vb == null ? "-" : vb});
        }
        return rows;
    }

    private static String read(SockRef r, SockOpt<?> o) {
        try {
            String v = OptionSetting.read(r, o);
            return v.length() > 40 ? v.substring(0, 37) + "..." : v;   // struct options such as tcp_info
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void printTable(PrintStream out, List<String[]> rows) {
        out.println();
        out.println("socket options of one proxied connection, read back from the kernel (* = set by the proxy):");
        int w0 = 8, w1 = 11;
        for (String[] r : rows) { w0 = Math.max(w0, r[0].length()); w1 = Math.max(w1, r[1].length()); }
        String fmt = "  %-" + w0 + "s  %-" + w1 + "s  %s%n";
        out.printf(fmt, "option", "client side", "upstream side");
        for (String[] r : rows) out.printf(fmt, r[0], r[1], r[2]);
        if (rows.isEmpty()) out.println("  (no live connection to read)");
    }

    /** An echo server with the same backpressure as the proxy. */
    static Channel echoServer(ProxyTransport t, EventLoopGroup group) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(t.serverChannel())
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, ProxyServer.WATER_MARK)
            .childHandler(new ChannelInitializer<Channel>() {
                @Override protected void initChannel(Channel ch) { ch.pipeline().addLast(new Echo()); }
            })
            .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
            if (!ctx.channel().isWritable()) {
                ctx.flush();
                if (!ctx.channel().isWritable()) ctx.channel().config().setAutoRead(false);
            }
        }
        @Override public void channelReadComplete(ChannelHandlerContext ctx) { ctx.flush(); }
        @Override public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) ctx.channel().config().setAutoRead(true);
        }
        @Override public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE) {
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
            }
        }
        @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) { ctx.close(); }
    }

    /** Writes 32 KiB chunks while the channel is writable, counts what comes back. */
    @io.netty.channel.ChannelHandler.Sharable
    private static final class Pusher extends ChannelInboundHandlerAdapter {
        private final ByteBuf chunk = Unpooled.unreleasableBuffer(Unpooled.directBuffer(32 * 1024).writeZero(32 * 1024));
        private final LongAdder echoed;
        volatile boolean running = true;

        Pusher(LongAdder echoed) { this.echoed = echoed; }

        private void push(Channel ch) {
            while (running && ch.isWritable()) ch.write(chunk.duplicate(), ch.voidPromise());
            ch.flush();
        }
        @Override public void channelActive(ChannelHandlerContext ctx) { push(ctx.channel()); }
        @Override public void channelWritabilityChanged(ChannelHandlerContext ctx) { push(ctx.channel()); }
        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf b) echoed.add(b.readableBytes());
            ReferenceCountUtil.release(msg);
        }
        @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // After the stop, shutdownOutput fails the writes still queued: expected, keep reading the echo.
            if (running) ctx.close();
        }
    }
}
