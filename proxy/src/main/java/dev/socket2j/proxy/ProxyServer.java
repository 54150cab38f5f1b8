package dev.socket2j.proxy;

import dev.socket2j.SockRef;
import dev.socket2j.netty.Socket2SocketChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The forwarding proxy: {@code threads} event loops, each with its own listening socket bound to the same
 * address with SO_REUSEPORT (the kernel spreads connections over them), and an upstream connection made on
 * the accepting loop for every accepted one.
 */
final class ProxyServer implements Forwarder {
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private final ProxyConfig config;
    private final ProxyStats stats = new ProxyStats();
    private final Consumer<String> report;
    private final EventLoopGroup group;
    private final List<Channel> listeners = new ArrayList<>();
    private final Map<Long, Connection> live = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private InetSocketAddress bound;

    private ProxyServer(ProxyConfig config, Consumer<String> report) {
        this.config = config;
        this.report = report;
        this.group = new MultiThreadIoEventLoopGroup(config.threads(), new DefaultThreadFactory("proxy", true),
            config.transport().factory().get());
    }

    /**
     * Starts listening. Listener options are applied before bind; a refusal by the kernel closes everything
     * and throws, naming the option.
     */
    static ProxyServer start(ProxyConfig config, Consumer<String> report) throws IOException, InterruptedException {
        ProxyServer s = new ProxyServer(config, report);
        try {
            s.bind();
            return s;
        } catch (IOException | InterruptedException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void bind() throws IOException, InterruptedException {
        ProxyTransport t = config.transport();
        ServerBootstrap b = new ServerBootstrap()
            .group(group, group)
            .channel(t.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .option(t.reusePort(), true)
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
            .childHandler(new ChannelInitializer<Channel>() {
                @Override protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new Frontend());
                }
            });
        InetSocketAddress at = config.listen();
        for (int i = 0; i < config.threads(); i++) {
            ChannelFuture reg = b.register().await();
            if (!reg.isSuccess()) throw asIo("listen on " + at, reg.cause());
            listeners.add(reg.channel());
            // Behind ServerBootstrap's acceptor, which the registration queued on the loop before this task: the
            // acceptor pauses accepting for a second on an accept error, then passes the error on to this handler.
            reg.channel().eventLoop().submit(() -> reg.channel().pipeline().addLast(new ListenerErrors(report))).await();
            apply(config.listenOpts(), reg.channel(), "listening socket");
            ChannelFuture f = reg.channel().bind(at).await();
            if (!f.isSuccess()) throw asIo("listen on " + at, f.cause());
            // Every further listener joins the first one's port (matters when asked for port 0).
            if (at.getPort() == 0) at = (InetSocketAddress) f.channel().localAddress();
        }
        bound = (InetSocketAddress) listeners.getFirst().localAddress();
    }

    /** The innermost cause: Netty wraps a socket(2) refusal (EMFILE) in a ChannelException of a reflective call. */
    static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        return c;
    }

    private static IOException asIo(String what, Throwable cause) {
        Throwable c = cause;
        while (c.getCause() != null && !(c instanceof IOException) && c.getCause() != c) c = c.getCause();
        return new IOException(what + ": " + Connection.message(c), cause);
    }

    /** Applies options through a borrowed reference to the channel's socket; names the option that failed. */
    static void apply(List<OptionSetting> opts, Channel ch, String side) throws IOException {
        if (opts.isEmpty()) return;
        SockRef ref;
        try {
            ref = ProxyTransport.sockRef(ch);
        } catch (RuntimeException e) {
            throw new IOException(side + ": " + e.getMessage(), e);
        }
        for (OptionSetting o : opts) {
            try {
                o.applyTo(ref);
            } catch (IOException | RuntimeException e) {
                throw new IOException(side + ": cannot set " + o + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Ends an accept error's trip through a listener's pipeline: without it, {@code accept4(2) EMFILE} reaches
     * Netty's tail-of-pipeline warning, whose logging may itself need descriptors (time-zone data) and fail. One
     * line per {@link #QUIET_NANOS} at most, with the count of errors since the last line.
     */
    static final class ListenerErrors extends ChannelInboundHandlerAdapter {
        static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(10);
        private final Consumer<String> report;
        private long lastReport = System.nanoTime() - QUIET_NANOS;
        private long suppressed;

        ListenerErrors(Consumer<String> report) { this.report = report; }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            long now = System.nanoTime();
            if (now - lastReport < QUIET_NANOS) {
                suppressed++;
                return;
            }
            String more = suppressed == 0 ? "" : " (and " + suppressed + " more since the last report)";
            report.accept("listener " + ctx.channel().localAddress() + ": " + Connection.message(cause) + more
                + "; accepting pauses for a second");
            lastReport = now;
            suppressed = 0;
        }
    }

    @Override public InetSocketAddress localAddress() { return bound; }
    @Override public ProxyStats stats() { return stats; }
    EventLoopGroup group() { return group; }

    /** The connections open now, oldest first is not guaranteed. */
    List<Connection> connections() { return List.copyOf(live.values()); }

    /** Handles one accepted connection: connects upstream, then relays both ways. */
    private final class Frontend extends ChannelInboundHandlerAdapter {
        private final List<Object> early = new ArrayList<>();
        private boolean eofWhileConnecting;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel in = ctx.channel();
            Connection conn = new Connection(ids.incrementAndGet(), in, stats, report);
            live.put(conn.id(), conn);
            in.closeFuture().addListener(f -> { live.remove(conn.id()); conn.closed(); });
            try {
                apply(config.listenOpts(), in, "accepted socket");
            } catch (IOException | RuntimeException e) {
                conn.error("options", e);
                in.close();
                return;
            }
            ProxyTransport t = config.transport();
            Bootstrap b = new Bootstrap()
                .group(in.eventLoop())
                .channel(t.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.AUTO_READ, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .handler(new ChannelInitializer<Channel>() {
                    @Override protected void initChannel(Channel up) {
                        // splicing: nothing may be read into the pipeline before the splice is queued
                        if (config.splice()) up.config().setAutoRead(false);
                        else up.pipeline().addLast(new Relay(conn, in, stats.downstreamBytes));
                    }
                });
            ChannelFuture reg = b.register();   // on this loop: done when it returns, or failed
            Channel up = reg.channel();
            conn.upstream(up);
            if (reg.cause() != null) {
                conn.error("upstream socket", rootCause(reg.cause()));   // the errno, not "Unable to create Channel"
                in.close();
                return;
            }
            try {
                apply(config.upstreamOpts(), up, "upstream socket");   // before connect, as some options must be
            } catch (IOException | RuntimeException e) {
                conn.error("options", e);
                up.close();
                in.close();
                return;
            }
            in.closeFuture().addListener(f -> { if (!up.isActive()) up.close(); });   // client gone while connecting
            ChannelFuture cf = up.connect(config.upstream());
            cf.addListener((ChannelFutureListener) f -> {
                if (f.isSuccess() && !in.isActive()) {
                    up.close();
                } else if (f.isSuccess() && config.splice()) {
                    List<Object> replay = new ArrayList<>(early);
                    early.clear();
                    in.pipeline().remove(this);
                    Splicing.start(conn, (Socket2SocketChannel) in, (Socket2SocketChannel) f.channel(), replay,
                        eofWhileConnecting);
                } else if (f.isSuccess()) {
                    // Replay what arrived while connecting (a transport may read on EPOLLRDHUP with auto-read off).
                    List<Object> replay = new ArrayList<>(early);
                    early.clear();
                    in.pipeline().addLast(new Relay(conn, f.channel(), stats.upstreamBytes));
                    in.pipeline().remove(this);
                    for (Object m : replay) in.pipeline().fireChannelRead(m);
                    in.pipeline().fireChannelReadComplete();
                    if (eofWhileConnecting) in.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                    else in.config().setAutoRead(true);
                } else {
                    conn.error("upstream " + ProxyMain.hostPort(config.upstream()), f.cause());
                    in.close();
                }
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) { early.add(msg); }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ChannelInputShutdownEvent.INSTANCE) eofWhileConnecting = true;
            else ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            for (Object m : early) ReferenceCountUtil.release(m);
            early.clear();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @Override
    public void close() {
        for (Channel l : listeners) l.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
