package dev.socket2j.netty;

import dev.socket2j.Domain;
import dev.socket2j.Socket;
import dev.socket2j.Type;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.PortUnreachableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The io_uring datagram channels: the UDP contract of both engines (GSO/GRO, ancillary data, connect, multicast),
 * plus what is the engine's own: several RECVMSG in flight, a flush of more datagrams than send slots, auto-read
 * off, Unix datagrams, and close with receives in flight.
 */
class Socket2UringDatagramChannelTest extends DatagramChannelContract {
    private static EventLoopGroup group;

    @BeforeAll
    static void start() {
        assumeTrue(Socket2Uring.isAvailable(), () -> "io_uring unavailable: " + Socket2Uring.unavailabilityCause());
        group = new MultiThreadIoEventLoopGroup(2, Socket2UringIoHandler.newFactory());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (group != null) group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Override EventLoopGroup group() { return group; }

    @Override DatagramChannel newUdp(SocketProtocolFamily family) { return new Socket2UringDatagramChannel(family); }

    @Override
    ChannelFuture unblock(DatagramChannel ch, InetAddress g, NetworkInterface iface, InetAddress source) {
        return ((Socket2UringDatagramChannel) ch).unblock(g, iface, source);
    }

    private static boolean fdOpen(int fd) { return Files.exists(Path.of("/proc/self/fd/" + fd)); }

    private static Socket2UringIoHandler loopOf(Channel ch) { return ((UringChannel) ch).registration.loop(); }

    private static int registrationsOn(Channel ch) throws Exception {
        Socket2UringIoHandler loop = loopOf(ch);
        return ch.eventLoop().submit(loop::registrations).get(5, TimeUnit.SECONDS);
    }

    @Test
    void udpChannelOnAnEpollLoopIsRefusedAndTheUringOneIsAccepted() throws Exception {
        EventLoopGroup epoll = new MultiThreadIoEventLoopGroup(1, Socket2IoHandler.newFactory());
        try {
            Throwable t = new Bootstrap().group(epoll).channelFactory(() -> new Socket2UringDatagramChannel(SocketProtocolFamily.INET))
                .handler(new ChannelInboundHandlerAdapter()).bind(new InetSocketAddress(LO4, 0)).await().cause();
            assertNotNull(t, "a uring channel needs a uring loop");
        } finally {
            epoll.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        Channel ok = sender(SocketProtocolFamily.INET, new InetSocketAddress(LO4, 0));
        assertTrue(ok.isActive());
        ok.close().sync();
    }

    @Test
    void adoptedBoundUdpDescriptorIsActiveAndReceives() throws Exception {
        Socket s = Socket.open(Domain.IPV4, Type.DGRAM);
        s.bind(dev.socket2j.SockAddr.of(new InetSocketAddress(LO4, 0)));
        int fd = s.intoFd();
        BlockingQueue<Object> got = new LinkedBlockingQueue<>();
        Socket2UringDatagramChannel rx = new Socket2UringDatagramChannel(fd);
        assertTrue(rx.isActive(), "bound, so active");
        assertFalse(rx.isConnected());
        group.register(rx).sync();
        rx.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override public void channelRead(ChannelHandlerContext ctx, Object msg) { got.add(msg); }
        });
        rx.read();
        Channel tx = sender(SocketProtocolFamily.INET, new InetSocketAddress(LO4, 0));
        try {
            tx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(new byte[3]), rx.localAddress())).sync();
            DatagramPacket p = assertInstanceOf(DatagramPacket.class, take(got));
            assertEquals(3, p.content().readableBytes());
            p.release();
        } finally {
            tx.close().sync();
            rx.close().sync();
        }
        for (int i = 0; i < 200 && fdOpen(fd); i++) Thread.sleep(10);   // closed once the cancelled receives are in
        assertFalse(fdOpen(fd), "the channel owned and closed the adopted descriptor");
    }

    @Test
    void adoptedSocketpairEndIsConnectedAndSendsBuffersToItsPeer() throws Exception {
        Socket[] pair = Socket.pair(Domain.UNIX, Type.DGRAM, null);
        try (Socket peer = pair[1]) {
            Socket2UringDomainDatagramChannel ch = new Socket2UringDomainDatagramChannel(pair[0].intoFd());
            assertTrue(ch.isConnected());
            assertTrue(ch.isActive());
            group.register(ch).sync();
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter());
            try {
                ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {5, 6})).sync();
                byte[] b = new byte[8];
                assertEquals(2, peer.recv(b));
                assertEquals(6, b[1]);
            } finally {
                ch.close().sync();
            }
        }
    }

    @Test
    void severalReceivesAreInFlightAtOnceWithAutoRead() throws Exception {
        BlockingQueue<Object> got = new LinkedBlockingQueue<>();
        Channel rx = receiver(SocketProtocolFamily.INET, new InetSocketAddress(LO4, 0), got, new Bootstrap());
        try {
            rx.eventLoop().submit(() -> { }).sync();
            int inFlight = rx.eventLoop().submit(() -> ((UringChannel) rx).registration.inFlight).get();
            assertTrue(inFlight > 1, "more than one RECVMSG armed: " + inFlight);
        } finally {
            rx.close().sync();
        }
    }

    /** 100 datagrams in one flush: more than the 32 send slots, so the batch continues after its completions. */
    @Test
    void oneFlushOfMoreDatagramsThanSendSlotsArrivesWholeAndEachPromiseSucceeds() throws Exception {
        int total = 100;
        BitSet seen = new BitSet(total);
        BlockingQueue<Object> got = new LinkedBlockingQueue<>();
        Channel rx = receiver(SocketProtocolFamily.INET, new InetSocketAddress(LO4, 0), got,
            new Bootstrap().option(ChannelOption.SO_RCVBUF, 1 << 20));
        Channel tx = sender(SocketProtocolFamily.INET, new InetSocketAddress(LO4, 0));
        try {
            InetSocketAddress to = (InetSocketAddress) rx.localAddress();
            ChannelFuture[] fs = new ChannelFuture[total];
            for (int i = 0; i < total; i++) {
                // half heap (copied to direct when written), half direct
                ByteBuf b = i % 2 == 0 ? Unpooled.buffer(8).writeInt(i) : tx.alloc().directBuffer(8).writeInt(i);
                fs[i] = tx.write(new DatagramPacket(b, to));
            }
            tx.flush();
            for (ChannelFuture f : fs) assertTrue(f.await(10, TimeUnit.SECONDS) && f.isSuccess(), "write " + f.cause());
            for (int i = 0; i < total; i++) {
                DatagramPacket p = (DatagramPacket) take(got);
                seen.set(p.content().getInt(0));
                assertEquals(tx.localAddress(), p.sender());
                p.release();
            }
            assertEquals(total, seen.cardinality());
        } finally {
            tx.close().sync();
            rx.close().sync();
        }
    }

    /** Bounded load: 5000 datagrams in bursts, at most 256 unanswered; each arrives once, no descriptor is left. */
    @Test
    void fiveThousandDatagramsArriveOnceEachAndLeaveNoDescriptor() throws Exception {
        long fdsBefore = dev.socket2j.TestSockets.settledFdCount();
        int total = 5000, window = 256;
        BitSet seen = new BitSet(total);
        java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger duplicates = new java.util.concurrent.atomic.AtomicInteger();
        Channel rx = new Bootstrap().group(group).channel(Socket2UringDatagramChannel.class)
            .option(ChannelOption.SO_RCVBUF, 1 << 20)
            .handler(new io.netty.channel.SimpleChannelInboundHandler<DatagramPacket>() {
                @Override protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                    int seq = p.content().getInt(p.content().readerIndex());
                    synchronized (seen) {
                        if (seen.get(seq)) duplicates.incrementAndGet();
                        seen.set(seq);
                    }
                    received.incrementAndGet();
                }
            }).bind(new InetSocketAddress(LO4, 0)).sync().channel();
        Channel tx = sender(SocketProtocolFamily.INET, new InetSocketAddress(LO4, 0));
        InetSocketAddress to = (InetSocketAddress) rx.localAddress();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int sent = 0;
        while (sent < total) {
            while (sent - received.get() >= window) {
                assertTrue(System.nanoTime() < deadline, "stalled: sent " + sent + ", received " + received.get());
                Thread.sleep(1);
            }
            int burst = Math.min(48, total - sent);
            for (int i = 0; i < burst; i++) tx.write(new DatagramPacket(tx.alloc().directBuffer(64).writeInt(sent + i).writeZero(60), to));
            tx.flush();
            sent += burst;
        }
        while (received.get() < total && System.nanoTime() < deadline) Thread.sleep(5);
        assertEquals(total, received.get(), "every datagram arrived");
        assertEquals(0, duplicates.get());
        assertEquals(total, seen.cardinality());
        tx.close().sync();
        rx.close().sync();
        for (int i = 0; i < 200 && dev.socket2j.TestSockets.fdCount() > fdsBefore; i++) Thread.sleep(10);
        assertEquals(fdsBefore, dev.socket2j.TestSockets.fdCount(), "descriptors after closing both channels");
    }

    @Test
    void withAutoReadOffEachReadDeliversOneDatagram() throws Exception {
        BlockingQueue<Object> got = new LinkedBlockingQueue<>();
        Channel rx = receiver(SocketProtocolFamily.INET, new InetSocketAddress(LO4, 0), got,
            new Bootstrap().option(ChannelOption.AUTO_READ, false));
        Channel tx = sender(SocketProtocolFamily.INET, new InetSocketAddress(LO4, 0));
        try {
            for (int i = 0; i < 3; i++) {
                tx.writeAndFlush(new DatagramPacket(Unpooled.buffer().writeInt(i), (InetSocketAddress) rx.localAddress())).sync();
            }
            assertNull(got.poll(200, TimeUnit.MILLISECONDS), "nothing read before read()");
            for (int i = 0; i < 3; i++) {
                rx.read();
                DatagramPacket p = (DatagramPacket) take(got);
                assertEquals(i, p.content().getInt(0));
                p.release();
                assertNull(got.poll(100, TimeUnit.MILLISECONDS), "one datagram per read()");
            }
        } finally {
            tx.close().sync();
            rx.close().sync();
        }
    }

    @Test
    void connectedSocketLearnsOfAMissingPeerAsPortUnreachableAndStaysOpen() throws Exception {
        int port;
        try (Socket s = Socket.open(Domain.IPV4, Type.DGRAM)) {   // a port that was just free and now is again
            s.bind(dev.socket2j.SockAddr.of(new InetSocketAddress(LO4, 0)));
            port = s.localAddr().asSocket().orElseThrow().getPort();
        }
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        Channel c = new Bootstrap().group(group).channelFactory(() -> new Socket2UringDatagramChannel(SocketProtocolFamily.INET))
            .handler(new ChannelInboundHandlerAdapter() {
                @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) { error.complete(cause); }
            }).connect(new InetSocketAddress(LO4, port)).sync().channel();
        try {
            c.writeAndFlush(Unpooled.wrappedBuffer(new byte[4])).sync();
            assertInstanceOf(PortUnreachableException.class, error.get(10, TimeUnit.SECONDS));
            assertTrue(c.isOpen(), "an ICMP error does not close the channel");
        } finally {
            c.close().sync();
        }
    }

    @Test
    void closeWithReceivesInFlightClosesTheDescriptorAndEndsTheRegistration() throws Exception {
        closeWithReceivesInFlight(group);
    }

    /** The pre-5.19 path: one ASYNC_CANCEL per slot's tag instead of IORING_ASYNC_CANCEL_FD. */
    @Test
    void closeCancelsEachReceiveWhereTheKernelCannotCancelByDescriptor() throws Exception {
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(1,
            Socket2UringIoHandler.newFactory(64, 256, 16, 1024, Set.of("CANCEL_FD")));
        try {
            closeWithReceivesInFlight(g);
        } finally {
            g.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static void closeWithReceivesInFlight(EventLoopGroup g) throws Exception {
        Channel rx = new Bootstrap().group(g).channelFactory(() -> new Socket2UringDatagramChannel(SocketProtocolFamily.INET))
            .handler(new ChannelInboundHandlerAdapter()).bind(new InetSocketAddress(LO4, 0)).sync().channel();
        UringDatagramChannel u = (UringDatagramChannel) rx;
        int fd = u.fd;
        int before = registrationsOn(rx);
        int inFlight = rx.eventLoop().submit(() -> u.registration.inFlight).get();
        assertTrue(inFlight > 1, "receives in flight: " + inFlight);
        assertNotNull(rx.eventLoop().submit(u::slotsIfMade).get());
        Socket2UringIoHandler loop = loopOf(rx);
        rx.close().sync();
        for (int i = 0; i < 200 && fdOpen(fd); i++) Thread.sleep(10);   // closed once the cancelled receives are in
        assertFalse(fdOpen(fd), "descriptor " + fd + " still open");
        assertEquals(before - 1, (int) rx.eventLoop().submit(loop::registrations).get());
        assertNull(rx.eventLoop().submit(u::slotsIfMade).get(), "the slots are freed");
    }

    // ---------------------------------------------------------------- Unix datagrams

    private static DomainSocketAddress newPath() throws Exception {
        File f = File.createTempFile("socket2j-uring-dgram", ".sock");
        assertTrue(f.delete());
        f.deleteOnExit();
        return new DomainSocketAddress(f);
    }

    private static Channel domain(BlockingQueue<Object> got, DomainSocketAddress at) throws InterruptedException {
        Bootstrap b = new Bootstrap().group(group).channel(Socket2UringDomainDatagramChannel.class)
            .handler(new ChannelInboundHandlerAdapter() {
                @Override public void channelRead(ChannelHandlerContext ctx, Object msg) { got.add(msg); }
            });
        // an unbound channel is active (can send) only with DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION
        return at == null ? b.option(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, true).register().sync().channel()
            : b.bind(at).sync().channel();
    }

    @Test
    void unixDatagramsTravelBothWaysAndUnboundSendersAreTheEmptyPath() throws Exception {
        BlockingQueue<Object> a = new LinkedBlockingQueue<>(), b = new LinkedBlockingQueue<>();
        DomainSocketAddress pa = newPath(), pb = newPath();
        Channel ca = domain(a, pa), cb = domain(b, pb), anon = domain(new LinkedBlockingQueue<>(), null);
        try {
            ca.writeAndFlush(new DomainDatagramPacket(Unpooled.wrappedBuffer(new byte[] {1, 2}), pb)).sync();
            DomainDatagramPacket p = assertInstanceOf(DomainDatagramPacket.class, take(b));
            assertEquals(pa, p.sender());
            assertEquals(pb, p.recipient());
            assertEquals(2, p.content().readableBytes());
            cb.writeAndFlush(new DomainDatagramPacket(p.content().retain(), p.sender())).sync();
            p.release();
            DomainDatagramPacket echo = assertInstanceOf(DomainDatagramPacket.class, take(a));
            assertEquals(pb, echo.sender());
            echo.release();
            anon.writeAndFlush(new DomainDatagramPacket(Unpooled.wrappedBuffer(new byte[1]), pa)).sync();
            DomainDatagramPacket q = assertInstanceOf(DomainDatagramPacket.class, take(a));
            assertEquals("", q.sender().path(), "an unbound sender has no name");
            q.release();
        } finally {
            ca.close().sync();
            cb.close().sync();
            anon.close().sync();
        }
        assertFalse(new File(pa.path()).exists(), "close deletes the socket file");
    }

    @Test
    void descriptorsTravelBothWaysOnAUnixDatagramChannel() throws Exception {
        BlockingQueue<Object> got = new LinkedBlockingQueue<>();
        DomainSocketAddress p = newPath();
        Channel rx = domain(got, p);
        DomainSocketAddress peerPath = newPath();
        try (Socket peer = Socket.open(Domain.UNIX, Type.DGRAM)) {
            peer.bind(dev.socket2j.SockAddr.unix(peerPath.path()));
            DomainDatagramChecks.passedDescriptorsArriveAsWorkingFileDescriptors(p.path(), got);
            DomainDatagramChecks.writtenDescriptorsReachThePeer(rx, peerPath, peer);
        } finally {
            rx.close().sync();
            new File(peerPath.path()).delete();
        }
    }

    @Test
    void connectedUnixDatagramChannelSendsBuffersToItsPeer() throws Exception {
        BlockingQueue<Object> got = new LinkedBlockingQueue<>();
        DomainSocketAddress p = newPath();
        Channel rx = domain(got, p);
        Socket2UringDomainDatagramChannel tx = (Socket2UringDomainDatagramChannel) new Bootstrap().group(group)
            .channel(Socket2UringDomainDatagramChannel.class).handler(new ChannelInboundHandlerAdapter())
            .connect(p).sync().channel();
        try {
            assertTrue(tx.isConnected());
            assertEquals(p, tx.remoteAddress());
            tx.writeAndFlush(Unpooled.wrappedBuffer(new byte[7])).sync();
            DomainDatagramPacket d = assertInstanceOf(DomainDatagramPacket.class, take(got));
            assertEquals(7, d.content().readableBytes());
            d.release();
        } finally {
            tx.close().sync();
            rx.close().sync();
        }
    }
}
