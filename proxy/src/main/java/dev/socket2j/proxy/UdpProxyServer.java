package dev.socket2j.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The UDP forwarding proxy. {@code threads} listening sockets share the address with SO_REUSEPORT (the
 * kernel hashes a client's address to one of them, so a client always lands on the same loop). Each client
 * address gets a session: its own datagram socket connected to the upstream, on the listener's loop, so a
 * session's state is touched by one thread only. A datagram is forwarded as one datagram, never merged or
 * split. Backpressure is UDP's: a datagram that finds the socket it must leave by over its write water mark
 * is dropped and counted. Sessions close after {@code --idle-timeout} without a datagram either way; beyond
 * {@code --max-sessions} the datagrams of new clients are dropped and counted. An ICMP port unreachable on
 * a session's upstream socket (the backend is down) is counted and reported once for the session, which
 * stays open: the backend may come back, and the session idles out otherwise.
 */
final class UdpProxyServer implements Forwarder {
    /** Per socket: what may wait in Netty's outbound buffer before datagrams are dropped. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(128 * 1024, 512 * 1024);
    /** Datagrams a session holds while its upstream socket is being connected. */
    private static final int MAX_PENDING = 64;
    /**
     * Every read has room for the largest UDP payload (65,507 bytes over IPv4, 65,527 over IPv6): Netty's
     * default of 2,048 would let the kernel truncate larger datagrams.
     */
    static final int READ_SIZE = 65536;
    /**
     * What a queued datagram costs against the water mark besides its bytes (the packet object, the queue
     * entry), so that a flood of tiny datagrams is bounded by count as well.
     */
    private static final int PER_DATAGRAM = 128;
    private static final MessageSizeEstimator SIZE = () -> msg -> {
        if (msg instanceof ByteBufHolder h) return h.content().readableBytes() + PER_DATAGRAM;
        if (msg instanceof ByteBuf b) return b.readableBytes() + PER_DATAGRAM;
        return PER_DATAGRAM;
    };

    private final ProxyConfig config;
    private final ProxyStats stats = new ProxyStats(true);
    private final Consumer<String> report;
    private final EventLoopGroup group;
    private final List<Listener> listeners = new ArrayList<>();
    private final AtomicInteger sessions = new AtomicInteger();   // across listeners: the limit is global
    private final AtomicLong ids = new AtomicLong();
    private InetSocketAddress bound;

    private UdpProxyServer(ProxyConfig config, Consumer<String> report) {
        this.config = config;
        this.report = report;
        this.group = new MultiThreadIoEventLoopGroup(config.threads(), new DefaultThreadFactory("udp-proxy", true),
            config.transport().factory().get());
    }

    /** Binds the listening sockets (options applied before bind); a refusal closes everything and throws. */
    static UdpProxyServer start(ProxyConfig config, Consumer<String> report) throws IOException, InterruptedException {
        UdpProxyServer s = new UdpProxyServer(config, report);
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
        InetSocketAddress at = config.listen();
        for (int i = 0; i < config.threads(); i++) {
            Listener l = new Listener();
            Bootstrap b = new Bootstrap()
                .group(group)
                .channel(t.datagramChannel())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .option(ChannelOption.MESSAGE_SIZE_ESTIMATOR, SIZE)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(READ_SIZE))
                .handler(l);
            if (config.threads() > 1) b.option(t.reusePort(), true);
            ChannelFuture reg = b.register().await();
            if (!reg.isSuccess()) throw asIo("listen on udp " + at, reg.cause());
            listeners.add(l);
            ProxyServer.apply(config.listenOpts(), reg.channel(), "listening socket");
            ChannelFuture f = reg.channel().bind(at).await();
            if (!f.isSuccess()) throw asIo("listen on udp " + at, f.cause());
            if (at.getPort() == 0) at = (InetSocketAddress) f.channel().localAddress();
        }
        bound = (InetSocketAddress) listeners.getFirst().ch.localAddress();
    }

    private static IOException asIo(String what, Throwable cause) {
        Throwable c = cause;
        while (c.getCause() != null && !(c instanceof IOException) && c.getCause() != c) c = c.getCause();
        return new IOException(what + ": " + Connection.message(c), cause);
    }

    @Override public InetSocketAddress localAddress() { return bound; }
    @Override public ProxyStats stats() { return stats; }

    /** The listening channels, one per event loop. */
    List<Channel> listenChannels() { return listeners.stream().map(l -> l.ch).toList(); }

    /** The upstream channels of the sessions open now (read on each listener's loop). */
    List<Channel> upstreamChannels() throws InterruptedException, ExecutionException {
        List<Channel> all = new ArrayList<>();
        for (Listener l : listeners) {
            all.addAll(l.ch.eventLoop().submit(() -> l.byClient.values().stream().map(s -> s.up).toList()).get());
        }
        return all;
    }

    /** One listening socket and the sessions of the clients the kernel sends to it; confined to its loop. */
    private final class Listener extends ChannelInboundHandlerAdapter {
        final Map<InetSocketAddress, Session> byClient = new HashMap<>();
        final List<Session> dirty = new ArrayList<>();
        volatile Channel ch;
        private ScheduledFuture<?> sweeper;
        private boolean full;          // the limit was reached and reported; reset when a session closes
        private String lastError;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) { ch = ctx.channel(); }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            long period = Math.clamp(config.idleTimeout().toMillis() / 4, 10, 1000);
            sweeper = ctx.channel().eventLoop().scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof DatagramPacket p)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            Session s = byClient.get(p.sender());
            if (s == null) s = open(p.sender());
            if (s == null) {
                p.release();
                return;
            }
            if (isCoalesced(p)) {
                for (ByteBuf d = nextSegment(p); d != null; d = nextSegment(p)) s.fromClient(d);
            } else {
                s.fromClient(fit(p.content()));
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            for (Session s : dirty) {
                s.dirty = false;
                s.up.flush();
            }
            dirty.clear();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            stats.errors.increment();
            String m = Connection.message(cause);
            if (!m.equals(lastError)) report.accept("udp listener " + ProxyMain.hostPort(bound()) + ": " + m);
            lastError = m;
        }

        private InetSocketAddress bound() { return (InetSocketAddress) ch.localAddress(); }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (sweeper != null) sweeper.cancel(false);
            for (Session s : List.copyOf(byClient.values())) s.up.close();
            ctx.fireChannelInactive();
        }

        private void sweep() {
            long now = System.nanoTime();
            long idle = config.idleTimeout().toNanos();
            for (Session s : List.copyOf(byClient.values())) {   // closing may remove from the map
                if (now - s.lastNanos > idle && !s.expired) {
                    s.expired = true;
                    stats.expired.increment();
                    s.up.close();
                }
            }
        }

        /** A new session for {@code client}, or null (over the limit, or its socket could not be made). */
        private Session open(InetSocketAddress client) {
            if (sessions.incrementAndGet() > config.maxSessions()) {
                sessions.decrementAndGet();
                stats.refused.increment();
                if (!full) {
                    full = true;
                    report.accept("udp session limit " + config.maxSessions() + " reached: dropping datagrams of new "
                        + "clients (first: " + ProxyMain.hostPort(client) + ")");
                }
                return null;
            }
            Session s = new Session(ids.incrementAndGet(), client, this);
            stats.active.incrementAndGet();
            stats.accepted.increment();
            ProxyTransport t = config.transport();
            ChannelFuture reg = new Bootstrap()
                .group(ch.eventLoop())
                .channel(t.datagramChannel())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .option(ChannelOption.MESSAGE_SIZE_ESTIMATOR, SIZE)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(READ_SIZE))
                .handler(new Upstream(s))
                .register();   // on this loop: done when it returns
            s.up = reg.channel();
            byClient.put(client, s);
            s.up.closeFuture().addListener(f -> s.closed());
            if (reg.cause() != null) {
                s.error("upstream socket", reg.cause());
                s.up.close();
                return null;
            }
            try {
                ProxyServer.apply(config.upstreamOpts(), s.up, "upstream socket");   // before connect
            } catch (IOException | RuntimeException e) {
                s.error("options", e);
                s.up.close();
                return null;
            }
            s.up.connect(config.upstream()).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    s.connected();
                } else {
                    s.error("upstream " + ProxyMain.hostPort(config.upstream()), f.cause());
                    s.up.close();
                }
            });
            return s;
        }
    }

    /** One client address and its upstream socket. Touched only on its listener's loop. */
    private final class Session {
        final long id;
        final InetSocketAddress client;
        final Listener listener;
        Channel up;
        long lastNanos = System.nanoTime();
        boolean dirty, expired, isConnected, closed, failed, unreachableReported;
        private ArrayDeque<ByteBuf> pending;

        Session(long id, InetSocketAddress client, Listener listener) {
            this.id = id;
            this.client = client;
            this.listener = listener;
        }

        void fromClient(ByteBuf data) {
            lastNanos = System.nanoTime();
            if (!isConnected && !closed) {
                if (pending == null) pending = new ArrayDeque<>();
                if (pending.size() < MAX_PENDING) pending.add(data);
                else drop(data);
                return;
            }
            if (!up.isActive() || !up.isWritable()) {
                drop(data);
                return;
            }
            int n = data.readableBytes();
            up.write(data, up.voidPromise());
            stats.upstreamDatagrams.increment();
            stats.upstreamBytes.add(n);
            if (!dirty) {
                dirty = true;
                listener.dirty.add(this);
            }
        }

        void connected() {
            isConnected = true;
            ArrayDeque<ByteBuf> q = pending;
            pending = null;
            if (q == null) return;
            for (ByteBuf b : q) fromClient(b);
            up.flush();
        }

        void toClient(ByteBuf data) {
            lastNanos = System.nanoTime();
            Channel l = listener.ch;
            if (!l.isActive() || !l.isWritable()) {
                drop(data);
                return;
            }
            int n = data.readableBytes();
            l.write(new DatagramPacket(data, client), l.voidPromise());
            stats.downstreamDatagrams.increment();
            stats.downstreamBytes.add(n);
        }

        private void drop(ByteBuf data) {
            data.release();
            stats.drops.increment();
        }

        void unreachable(Throwable cause) {
            stats.unreachable.increment();
            if (unreachableReported) return;
            unreachableReported = true;
            report.accept(prefix() + "upstream " + ProxyMain.hostPort(config.upstream()) + ": " + Connection.message(cause)
                + " (ICMP unreachable; session kept until idle)");
        }

        /** Counts every failure, reports the first of the session (later ones are usually its consequences). */
        void error(String where, Throwable cause) {
            stats.errors.increment();
            if (failed) return;
            failed = true;
            report.accept(prefix() + where + ": " + Connection.message(cause));
        }

        private String prefix() { return "udp session " + id + " " + ProxyMain.hostPort(client) + ": "; }

        void closed() {
            if (closed) return;
            closed = true;
            if (pending != null) {
                for (ByteBuf b : pending) drop(b);
                pending = null;
            }
            listener.byClient.remove(client, this);
            listener.full = false;
            sessions.decrementAndGet();
            stats.active.decrementAndGet();
        }
    }

    /** The handler of a session's upstream socket: replies go back to the client from the listening socket. */
    private static final class Upstream extends ChannelInboundHandlerAdapter {
        private final Session s;

        Upstream(Session s) { this.s = s; }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof DatagramPacket p && isCoalesced(p)) {
                for (ByteBuf d = nextSegment(p); d != null; d = nextSegment(p)) s.toClient(d);
            } else if (msg instanceof DatagramPacket p) {
                s.toClient(fit(p.content()));
            } else if (msg instanceof ByteBuf b) {
                s.toClient(fit(b));
            }
            else ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) { s.listener.ch.flush(); }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // The transport closes the channel itself on errors that end it; ICMP reports do not.
            if (cause instanceof PortUnreachableException) s.unreachable(cause);
            else s.error("upstream side", cause);
        }
    }

    /**
     * The datagram in a buffer of its own size: a read buffer has room for 64 KiB, and holding that for each
     * small datagram waiting to be sent would make memory grow with the count, not the bytes.
     */
    /**
     * A GRO receive ({@code udp_gro} set on either side): several datagrams of one sender in one buffer. The proxy
     * keeps datagram boundaries, so each segment is forwarded as a datagram of its own.
     */
    private static boolean isCoalesced(DatagramPacket p) {
        return p instanceof SegmentedDatagramPacket s && s.segmentSize() > 0
            && p.content().readableBytes() > s.segmentSize();
    }

    /**
     * The next segment of a coalesced packet as a slice that holds its own reference (the last segment may be
     * shorter), or {@code null} when all have been taken, when the packet's own reference is released.
     */
    private static ByteBuf nextSegment(DatagramPacket p) {
        ByteBuf data = p.content();
        if (!data.isReadable()) {
            data.release();
            return null;
        }
        return data.readRetainedSlice(Math.min(((SegmentedDatagramPacket) p).segmentSize(), data.readableBytes()));
    }

    private static ByteBuf fit(ByteBuf b) {
        int n = b.readableBytes();
        if (b.capacity() - n < 1024) return b;
        ByteBuf c = b.alloc().directBuffer(n, n).writeBytes(b);
        b.release();
        return c;
    }

    @Override
    public void close() {
        for (Listener l : listeners) if (l.ch != null) l.ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
