package dev.socket2j.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The load driver: runs the TCP and UDP scenarios for one transport (server and client on that transport,
 * one event loop each, so the two loops share the machine's cores) and prints {@code RESULT scenario metric value}
 * lines for {@link Runner}. Every loop is bounded by time; the client stops when its time is up.
 *
 * <p>Usage: {@code Load <transport> <warmupSeconds> <measureSeconds> [scenario...]}
 */
public final class Load {
    static final List<String> SCENARIOS = List.of("pingpong", "echo1", "echo50", "echo500", "bulk", "proxy",
        "proxysplice", "udp64", "udp1200", "udp64batched", "udp1200gso");
    static final int MSG = 64;
    static final int WINDOW = 16;   // messages in flight per connection in the pipelined echo

    private final Transport t;
    private final double warm, measure;

    private Load(Transport t, double warm, double measure) {
        this.t = t;
        this.warm = warm;
        this.measure = measure;
    }

    public static void main(String[] args) throws Exception {
        Transport t = Transport.byName(args[0]);
        Load l = new Load(t, Double.parseDouble(args[1]), Double.parseDouble(args[2]));
        List<String> which = args.length > 3 ? Arrays.asList(args).subList(3, args.length)
            : SCENARIOS;
        for (String s : which) {
            try {
                switch (s) {
                    case "pingpong" -> l.pingPong();
                    case "echo1" -> l.echo(1);
                    case "echo50" -> l.echo(50);
                    case "echo500" -> l.echo(500);
                    case "bulk" -> l.bulk();
                    case "proxy" -> l.proxy(false);
                    case "proxysplice" -> l.proxy(true);
                    case "udp64" -> l.udp(64, "plain");
                    case "udp1200" -> l.udp(1200, "plain");
                    case "udp64batched" -> l.udp(64, "batched");
                    case "udp1200gso" -> l.udp(1200, "gso");
                    default -> throw new IllegalArgumentException(s);
                }
            } catch (Exception | Error e) {
                System.out.println("FAILED " + s + " " + e.toString().replace('\n', ' '));
                e.printStackTrace();
            }
        }
        System.exit(0);
    }

    static void result(String scenario, String metric, double value) {
        System.out.println(String.format(Locale.ROOT, "RESULT %s %s %.3f", scenario, metric, value));
    }

    /** Bytes allocated so far by the (single) thread of {@code g}: the steady-state allocation of a loop. */
    static long allocated(EventLoopGroup g) throws Exception {
        long id = g.next().submit(() -> Thread.currentThread().threadId()).get();
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
            .getThreadAllocatedBytes(id);
    }

    // ------------------------------------------------------------------ servers

    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        static final Echo INSTANCE = new Echo();
        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) { ctx.write(msg, ctx.voidPromise()); }
        @Override public void channelReadComplete(ChannelHandlerContext ctx) { ctx.flush(); }
        @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) { ctx.close(); }
    }

    static final class Sink extends ChannelInboundHandlerAdapter {
        final LongAdder bytes = new LongAdder();
        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf b) bytes.add(b.readableBytes());
            else if (msg instanceof DatagramPacket) bytes.increment();
            ReferenceCountUtil.release(msg);
        }
        @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) { ctx.close(); }
    }

    private Channel server(EventLoopGroup g, ChannelHandler h) throws InterruptedException {
        return new ServerBootstrap().group(g).channel(t.server())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<Channel>() {
                @Override protected void initChannel(Channel ch) { ch.pipeline().addLast(h); }
            })
            .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    private Bootstrap client(EventLoopGroup g, ChannelHandler h) {
        return new Bootstrap().group(g).channel(t.socket()).option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20))
            .handler(h);
    }

    private static void shutdown(EventLoopGroup... gs) {
        for (EventLoopGroup g : gs) g.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        for (EventLoopGroup g : gs) g.terminationFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------ ping-pong

    /** One connection, one 64-byte message in flight: round trips/s and latency percentiles. */
    void pingPong() throws Exception {
        EventLoopGroup sg = t.group(1, "srv"), cg = t.group(1, "cli");
        try {
            Channel srv = server(sg, Echo.INSTANCE);
            run1PingPong(cg, srv, warm);
            PingPong p = run1PingPong(cg, srv, measure);
            long[] s = Arrays.copyOf(p.samples, p.n);
            Arrays.sort(s);
            result("pingpong", "rt_per_s", p.n / p.seconds);
            result("pingpong", "p50_us", s[s.length / 2] / 1e3);
            result("pingpong", "p99_us", s[(int) (s.length * 0.99)] / 1e3);
        } finally {
            shutdown(cg, sg);
        }
    }

    private PingPong run1PingPong(EventLoopGroup cg, Channel srv, double secs) throws InterruptedException {
        PingPong p = new PingPong((long) (secs * 1e9));
        Channel c = client(cg, p).connect(srv.localAddress()).sync().channel();
        if (!p.done.await((long) (secs * 1000) + 30_000, TimeUnit.MILLISECONDS)) throw new IllegalStateException("ping-pong stalled");
        c.close().sync();
        return p;
    }

    static final class PingPong extends ChannelInboundHandlerAdapter {
        final long[] samples = new long[4_000_000];
        final CountDownLatch done = new CountDownLatch(1);
        final long duration;
        long start, sent;
        int n, got;
        double seconds;

        PingPong(long duration) { this.duration = duration; }

        private void send(ChannelHandlerContext ctx) {
            ByteBuf b = ctx.alloc().directBuffer(MSG).writeZero(MSG);
            sent = System.nanoTime();
            ctx.writeAndFlush(b, ctx.voidPromise());
        }

        @Override public void channelActive(ChannelHandlerContext ctx) {
            start = System.nanoTime();
            send(ctx);
        }

        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
            got += ((ByteBuf) msg).readableBytes();
            ReferenceCountUtil.release(msg);
            if (got < MSG) return;
            got -= MSG;
            long now = System.nanoTime();
            if (n < samples.length) samples[n++] = now - sent;
            if (now - start < duration && n < samples.length) {
                send(ctx);
            } else {
                seconds = (now - start) / 1e9;
                done.countDown();
            }
        }
    }

    // ------------------------------------------------------------------ pipelined echo

    /** {@code conns} connections, each keeping {@value #WINDOW} 64-byte messages in flight. */
    void echo(int conns) throws Exception {
        EventLoopGroup sg = t.group(1, "srv"), cg = t.group(1, "cli");
        try {
            Channel srv = server(sg, Echo.INSTANCE);
            LongAdder msgs = new LongAdder();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Channel> cs = new ArrayList<>();
            for (int i = 0; i < conns; i++) {
                cs.add(client(cg, new Pipeliner(msgs, running)).connect(srv.localAddress()).sync().channel());
            }
            Thread.sleep((long) (warm * 1000));
            long a0 = allocated(sg), c0 = allocated(cg);
            long m0 = msgs.sum(), t0 = System.nanoTime();
            Thread.sleep((long) (measure * 1000));
            long m1 = msgs.sum(), t1 = System.nanoTime();
            long a1 = allocated(sg), c1 = allocated(cg);
            running.set(false);
            for (Channel c : cs) c.close();
            for (Channel c : cs) c.closeFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
            double rate = (m1 - m0) / ((t1 - t0) / 1e9);
            result("echo_c" + conns, "msgs_per_s", rate);
            result("echo_c" + conns, "mb_per_s", rate * MSG / 1e6);
            result("echo_c" + conns, "server_alloc_b_per_msg", (a1 - a0) / (double) Math.max(1, m1 - m0));
            result("echo_c" + conns, "client_alloc_b_per_msg", (c1 - c0) / (double) Math.max(1, m1 - m0));
        } finally {
            shutdown(cg, sg);
        }
    }

    static final class Pipeliner extends ChannelInboundHandlerAdapter {
        final LongAdder msgs;
        final AtomicBoolean running;
        long got;

        Pipeliner(LongAdder msgs, AtomicBoolean running) {
            this.msgs = msgs;
            this.running = running;
        }

        private static void send(ChannelHandlerContext ctx, int k) {
            for (int i = 0; i < k; i++) ctx.write(ctx.alloc().directBuffer(MSG).writeZero(MSG), ctx.voidPromise());
            ctx.flush();
        }

        @Override public void channelActive(ChannelHandlerContext ctx) { send(ctx, WINDOW); }

        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
            long before = got / MSG;
            got += ((ByteBuf) msg).readableBytes();
            ReferenceCountUtil.release(msg);
            int done = (int) (got / MSG - before);
            msgs.add(done);
            if (running.get() && done > 0) send(ctx, done);
        }

        @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) { ctx.close(); }
    }

    // ------------------------------------------------------------------ bulk

    /** One connection writing 1 MiB buffers as fast as the receiver drains them. */
    void bulk() throws Exception {
        EventLoopGroup sg = t.group(1, "srv"), cg = t.group(1, "cli");
        try {
            Sink sink = new Sink();
            Channel srv = server(sg, sink);
            pushMiB("bulk", cg, srv.localAddress(), sink);
        } finally {
            shutdown(cg, sg);
        }
    }

    /**
     * Connects to {@code to} from {@code cg} and writes 1 MiB buffers while the channel is writable; after the
     * warm-up, reports the Gbit/s that reach {@code sink} during the measurement.
     */
    private void pushMiB(String scenario, EventLoopGroup cg, java.net.SocketAddress to, Sink sink) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        ByteBuf mib = Unpooled.unreleasableBuffer(Unpooled.directBuffer(1 << 20).writeZero(1 << 20));
        Channel c = client(cg, new ChannelInboundHandlerAdapter() {
            void push(ChannelHandlerContext ctx) {
                while (running.get() && ctx.channel().isWritable()) ctx.write(mib.duplicate(), ctx.voidPromise());
                ctx.flush();
            }
            @Override public void channelActive(ChannelHandlerContext ctx) { push(ctx); }
            @Override public void channelWritabilityChanged(ChannelHandlerContext ctx) { push(ctx); }
            @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) { ctx.close(); }
        }).connect(to).sync().channel();
        Thread.sleep((long) (warm * 1000));
        long b0 = sink.bytes.sum(), t0 = System.nanoTime();
        Thread.sleep((long) (measure * 1000));
        long b1 = sink.bytes.sum(), t1 = System.nanoTime();
        running.set(false);
        c.close().awaitUninterruptibly(10, TimeUnit.SECONDS);
        result(scenario, "gbit_per_s", (b1 - b0) * 8 / ((t1 - t0) / 1e9) / 1e9);
    }

    // ------------------------------------------------------------------ proxy

    /** Copies what one side reads to the other, pausing the reader while the other side is not writable. */
    static final class Forward extends ChannelInboundHandlerAdapter {
        private final Channel to;

        Forward(Channel to) { this.to = to; }

        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
            to.write(msg, to.voidPromise());
            if (!to.isWritable()) {
                to.flush();
                if (!to.isWritable()) ctx.channel().config().setAutoRead(false);
            }
        }
        @Override public void channelReadComplete(ChannelHandlerContext ctx) { to.flush(); }
        @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) { ctx.close(); to.close(); }
    }

    /** On the upstream side: it drained, so the inbound side may read again. */
    static final class Resume extends ChannelInboundHandlerAdapter {
        private final Channel from;

        Resume(Channel from) { this.from = from; }

        @Override public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) from.config().setAutoRead(true);
        }
        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) { ReferenceCountUtil.release(msg); }
    }

    /** Starts an unbounded splice from {@code in} to {@code up} with the transport's own spliceTo. */
    private void splice(Channel in, Channel up) throws Exception {
        switch (t.name()) {
            case "epoll" -> ((io.netty.channel.epoll.EpollSocketChannel) in)
                .spliceTo((io.netty.channel.epoll.EpollSocketChannel) up, Integer.MAX_VALUE);
            // looked up by name, like the transport itself: this project also builds against older libraries
            case "socket2j" -> in.getClass().getMethod("spliceTo", Channel.class, int.class)
                .invoke(in, up, Integer.MAX_VALUE);
            default -> throw new IllegalStateException("no splice in " + t.name());
        }
    }

    /**
     * Bulk through a proxy on a loop of its own: client → proxy → sink, 1 MiB writes, Gbit/s at the sink. The
     * proxy copies through its pipeline (ByteBufs, as a Netty proxy does) or, with {@code spliced}, moves the
     * bytes with {@code splice(2)} (the transports that have {@code spliceTo}: socket2j and epoll).
     */
    void proxy(boolean spliced) throws Exception {
        String name = spliced ? "proxysplice" : "proxy";
        if (spliced && !t.name().equals("socket2j") && !t.name().equals("epoll")) {
            System.out.println("SKIPPED " + name + " " + t.name() + " has no spliceTo");
            return;
        }
        EventLoopGroup sg = t.group(1, "srv"), pg = t.group(1, "proxy"), cg = t.group(1, "cli");
        try {
            Sink sink = new Sink();
            Channel backend = server(sg, sink);
            WriteBufferWaterMark marks = new WriteBufferWaterMark(1 << 20, 4 << 20);
            Channel proxy = new ServerBootstrap().group(pg).channel(t.server())
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override protected void initChannel(Channel in) {
                        new Bootstrap().group(in.eventLoop()).channel(t.socket())
                            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, marks)
                            .handler(new Resume(in)).connect(backend.localAddress())
                            .addListener((io.netty.channel.ChannelFuture f) -> {
                                if (!f.isSuccess()) {
                                    in.close();
                                    return;
                                }
                                if (spliced) splice(in, f.channel()); else in.pipeline().addLast(new Forward(f.channel()));
                                in.config().setAutoRead(true);
                            });
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            pushMiB(name, cg, proxy.localAddress(), sink);
        } finally {
            shutdown(cg, pg, sg);
        }
    }

    // ------------------------------------------------------------------ UDP

    /** Sends datagrams while the channel is writable; resumes on writability (transports that complete writes later). */
    static final class Blaster extends ChannelInboundHandlerAdapter {
        final ByteBuf payload;
        final InetSocketAddress to;
        final AtomicBoolean running;
        final int segmentSize;
        /** Datagrams written (segments for GSO), counted on the sender's loop. */
        volatile long sent;

        Blaster(ByteBuf payload, InetSocketAddress to, AtomicBoolean running, int segmentSize) {
            this.payload = payload;
            this.to = to;
            this.running = running;
            this.segmentSize = segmentSize;
        }

        private Object packet() {
            return segmentSize > 0 ? new io.netty.channel.epoll.SegmentedDatagramPacket(payload.duplicate(), segmentSize, to)
                : new DatagramPacket(payload.duplicate(), to);
        }

        void pump(Channel tx) {
            if (!running.get() || !tx.isActive()) return;
            int i = 0;
            for (; i < 64 && tx.isWritable(); i++) tx.write(packet(), tx.voidPromise());
            sent += segmentSize > 0 ? (long) i * (payload.readableBytes() / segmentSize) : i;
            tx.flush();
            if (tx.isWritable()) tx.eventLoop().execute(() -> pump(tx));
        }

        @Override public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) pump(ctx.channel());
        }

        @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) { }   // ICMP errors, close races
    }

    /** Datagrams of {@code size} bytes, one sender, one receiver: datagrams/s received (loss is not retried). */
    void udp(int size, String mode) throws Exception {
        String name = "udp" + size + (mode.equals("plain") ? "" : mode);
        if (t.datagram() == null) {
            System.out.println("SKIPPED " + name + " no datagram channel in this transport yet");
            return;
        }
        if (!mode.equals("plain") && !t.name().equals("epoll") && !t.name().equals("socket2j")) {
            // Netty's NIO and io_uring datagram channels have no recvmmsg or GSO.
            System.out.println("SKIPPED " + name + " " + mode + " datagrams not wired for " + t.name() + " in this benchmark");
            return;
        }
        EventLoopGroup sg = t.group(1, "srv"), cg = t.group(1, "cli");
        try {
            Sink sink = new Sink();
            Bootstrap rxb = new Bootstrap().group(sg).channel(t.datagram()).option(ChannelOption.SO_RCVBUF, 4 << 20);
            if (mode.equals("batched")) {
                // recvmmsg: one read fills the buffer with up to 64 datagrams
                rxb.option(io.netty.channel.epoll.EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, size)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new io.netty.channel.FixedRecvByteBufAllocator(size * 64));
            }
            Channel rx = rxb.handler(sink).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            InetSocketAddress to = (InetSocketAddress) rx.localAddress();
            AtomicBoolean running = new AtomicBoolean(true);
            int segments = mode.equals("gso") ? 50 : 1;   // GSO: one send of 50 segments, split by the kernel
            ByteBuf payload = Unpooled.unreleasableBuffer(Unpooled.directBuffer(size * segments).writeZero(size * segments));
            Blaster blaster = new Blaster(payload, to, running, mode.equals("gso") ? size : 0);
            Channel tx = new Bootstrap().group(cg).channel(t.datagram()).option(ChannelOption.SO_SNDBUF, 4 << 20)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 << 10, 1 << 20))
                .handler(blaster).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            tx.eventLoop().execute(() -> blaster.pump(tx));
            Thread.sleep((long) (warm * 1000));
            long a0 = allocated(sg), c0 = allocated(cg), s0 = blaster.sent;
            long d0 = sink.bytes.sum(), t0 = System.nanoTime();
            Thread.sleep((long) (measure * 1000));
            long d1 = sink.bytes.sum(), t1 = System.nanoTime();
            long a1 = allocated(sg), c1 = allocated(cg), s1 = blaster.sent;
            running.set(false);
            tx.close().awaitUninterruptibly(10, TimeUnit.SECONDS);
            rx.close().awaitUninterruptibly(10, TimeUnit.SECONDS);
            result(name, "dgrams_per_s", (d1 - d0) / ((t1 - t0) / 1e9));
            result(name, "rx_alloc_b_per_dgram", (a1 - a0) / (double) Math.max(1, d1 - d0));
            // the sender's loop, per datagram written: includes the benchmark's own packet and buffer duplicate
            result(name, "tx_alloc_b_per_dgram", (c1 - c0) / (double) Math.max(1, s1 - s0));
        } finally {
            shutdown(cg, sg);
        }
    }
}
