package dev.socket2j.netty;

import dev.socket2j.Domain;
import dev.socket2j.SockRef;
import dev.socket2j.Socket;
import dev.socket2j.Type;
import dev.socket2j.internal.C;
import dev.socket2j.netty.testsuite.Socket2DatagramTestPermutation;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.PeerCredentials;
import io.netty.channel.unix.UnixChannelOption;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The io_uring Unix stream channels beyond Netty's shared tests: echo over pathname and abstract addresses,
 * descriptor passing both ways, peer credentials, half-closure, the socket file's removal, and close with reads or a
 * descriptor send in flight.
 */
class Socket2UringDomainChannelTest {
    private static EventLoopGroup group, epoll;

    @BeforeAll
    static void start() {
        assumeTrue(Socket2Uring.isAvailable(), () -> "io_uring unavailable: " + Socket2Uring.unavailabilityCause());
        group = new MultiThreadIoEventLoopGroup(2, Socket2UringIoHandler.newFactory());
        epoll = new MultiThreadIoEventLoopGroup(1, Socket2IoHandler.newFactory());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (group != null) group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        if (epoll != null) epoll.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private static Object take(BlockingQueue<Object> q) throws InterruptedException {
        Object o = q.poll(10, TimeUnit.SECONDS);
        assertNotNull(o, "nothing received within 10 s");
        return o;
    }

    /** A handler that queues its channel when active, each message read, and each user event. */
    private static ChannelInboundHandlerAdapter recorder(BlockingQueue<Object> got) {
        return new ChannelInboundHandlerAdapter() {
            @Override public void channelActive(ChannelHandlerContext ctx) { got.add(ctx.channel()); }
            @Override public void channelRead(ChannelHandlerContext ctx, Object msg) { got.add(msg); }
            @Override public void userEventTriggered(ChannelHandlerContext ctx, Object evt) { got.add(evt); }
        };
    }

    private static Channel server(DomainSocketAddress at, BlockingQueue<Object> got, DomainSocketReadMode mode)
            throws InterruptedException {
        return new ServerBootstrap().group(group).channel(Socket2UringServerDomainSocketChannel.class)
            .childOption(UnixChannelOption.DOMAIN_SOCKET_READ_MODE, mode)
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .childHandler(recorder(got)).bind(at).sync().channel();
    }

    private static Socket2UringDomainSocketChannel client(DomainSocketAddress to, BlockingQueue<Object> got,
                                                          DomainSocketReadMode mode) throws InterruptedException {
        return (Socket2UringDomainSocketChannel) new Bootstrap().group(group).channel(Socket2UringDomainSocketChannel.class)
            .option(UnixChannelOption.DOMAIN_SOCKET_READ_MODE, mode)
            .handler(recorder(got)).connect(to).sync().channel();
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] a = new byte[b.readableBytes()];
        b.readBytes(a);
        b.release();
        return a;
    }

    /** Reads from {@code q} until {@code n} bytes came (the stream may split them), skipping non-buffers. */
    private static byte[] readBytes(BlockingQueue<Object> q, int n) throws InterruptedException {
        byte[] all = new byte[n];
        int have = 0;
        while (have < n) {
            Object o = take(q);
            if (!(o instanceof ByteBuf b)) continue;
            byte[] part = bytes(b);
            System.arraycopy(part, 0, all, have, part.length);
            have += part.length;
        }
        return all;
    }

    private static void echo(DomainSocketAddress at) throws Exception {
        BlockingQueue<Object> srv = new LinkedBlockingQueue<>(), cli = new LinkedBlockingQueue<>();
        Channel sc = server(at, srv, DomainSocketReadMode.BYTES);
        Socket2UringDomainSocketChannel cc = client(at, cli, DomainSocketReadMode.BYTES);
        try {
            assertEquals(at, sc.localAddress());
            assertEquals(at, cc.remoteAddress());
            Socket2UringDomainSocketChannel child = assertInstanceOf(Socket2UringDomainSocketChannel.class, take(srv));
            assertSame(sc, child.parent());
            assertEquals(at, child.localAddress(), "an accepted socket's name is its listener's");
            assertSame(cc, take(cli));
            byte[] data = new byte[100_000];
            ThreadLocalRandom.current().nextBytes(data);
            cc.writeAndFlush(Unpooled.wrappedBuffer(data)).sync();
            byte[] got = readBytes(srv, data.length);
            assertArrayEquals(data, got);
            child.writeAndFlush(Unpooled.wrappedBuffer(got)).sync();
            assertArrayEquals(data, readBytes(cli, data.length));
        } finally {
            cc.close().sync();
            sc.close().sync();
        }
    }

    @Test
    void echoOverAPathnameAddress() throws Exception {
        echo(Socket2DatagramTestPermutation.newDomainSocketAddress());
    }

    @Test
    void echoOverAnAbstractAddressLeavesNoFile() throws Exception {
        String name = "socket2j-uring-" + ThreadLocalRandom.current().nextLong();
        echo(new DomainSocketAddress("\0" + name));
        assertFalse(new File(name).exists());
    }

    @Test
    void adoptedSocketpairEndsAreActiveUnnamedAndCarryBytes() throws Exception {
        Socket[] pair = Socket.pair(Domain.UNIX, Type.STREAM, null);
        int a = pair[0].intoFd(), b = pair[1].intoFd();   // the channels own the descriptors from here
        BlockingQueue<Object> qa = new LinkedBlockingQueue<>(), qb = new LinkedBlockingQueue<>();
        Socket2UringDomainSocketChannel ca = new Socket2UringDomainSocketChannel(a);
        Socket2UringDomainSocketChannel cb = new Socket2UringDomainSocketChannel(b);
        ca.pipeline().addLast(recorder(qa));
        cb.pipeline().addLast(recorder(qb));
        try {
            group.register(ca).sync();
            group.register(cb).sync();
            assertTrue(ca.isActive() && cb.isActive(), "a connected descriptor is active at once");
            assertEquals(new DomainSocketAddress(""), ca.localAddress());
            assertEquals(new DomainSocketAddress(""), ca.remoteAddress());
            ca.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {5, 6, 7})).sync();
            assertArrayEquals(new byte[] {5, 6, 7}, readBytes(qb, 3));
        } finally {
            ca.close().sync();
            cb.close().sync();
        }
        assertClosedSoon(a);
        assertClosedSoon(b);
    }

    /**
     * A handler that writes and flushes from {@code channelWritabilityChanged} (as ChunkedWriteHandler does) runs
     * inside the completion's removal of written bytes; its flush must not send a partly written buffer again.
     */
    @Test
    void bytesFlushedFromAWritabilityChangeArriveExactlyOnceInOrder() throws Exception {
        DomainSocketAddress at = Socket2DatagramTestPermutation.newDomainSocketAddress();
        int total = 4 << 20, chunk = 1024;   // many small buffers per write: one completion removes several
        java.util.concurrent.CompletableFuture<String> verdict = new java.util.concurrent.CompletableFuture<>();
        Channel sc = new ServerBootstrap().group(group).channel(Socket2UringServerDomainSocketChannel.class)
            .childHandler(new ChannelInboundHandlerAdapter() {
                private int seen;

                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf b = (ByteBuf) msg;
                    while (b.isReadable() && !verdict.isDone()) {
                        byte want = (byte) (seen % 251), got = b.readByte();
                        if (got != want) verdict.complete("byte " + seen + " is " + got + ", expected " + want);
                        seen++;
                    }
                    b.release();
                    if (seen == total) verdict.complete("ok");
                }
            }).bind(at).sync().channel();
        Channel cc = new Bootstrap().group(group).channel(Socket2UringDomainSocketChannel.class)
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new io.netty.channel.WriteBufferWaterMark(32 << 10, 64 << 10))
            .handler(new ChannelInboundHandlerAdapter() {
                private int sent;

                @Override public void channelActive(ChannelHandlerContext ctx) { writeWhileWritable(ctx); }

                @Override public void channelWritabilityChanged(ChannelHandlerContext ctx) { writeWhileWritable(ctx); }

                private void writeWhileWritable(ChannelHandlerContext ctx) {
                    while (sent < total && ctx.channel().isWritable()) {
                        int n = Math.min(chunk, total - sent);
                        ByteBuf b = ctx.alloc().directBuffer(n);
                        for (int i = 0; i < n; i++) b.writeByte((sent + i) % 251);
                        sent += n;
                        ctx.writeAndFlush(b);
                    }
                }
            }).connect(at).sync().channel();
        try {
            assertEquals("ok", verdict.get(20, TimeUnit.SECONDS));
        } finally {
            cc.close().sync();
            sc.close().sync();
        }
    }

    @Test
    void closingTheServerRemovesItsSocketFile() throws Exception {
        DomainSocketAddress at = Socket2DatagramTestPermutation.newDomainSocketAddress();
        Channel sc = server(at, new LinkedBlockingQueue<>(), DomainSocketReadMode.BYTES);
        assertTrue(new File(at.path()).exists());
        sc.close().sync();
        assertFalse(new File(at.path()).exists());
    }

    /** {@code from} writes one end of a fresh socketpair; {@code to}'s side (FILE_DESCRIPTORS mode) must get it. */
    private static void passDescriptor(Channel from, BlockingQueue<Object> toQueue) throws Exception {
        Socket[] pair = Socket.pair(Domain.UNIX, Type.STREAM, null);
        try {
            from.writeAndFlush(new FileDescriptor(pair[0].rawFd())).sync();
            FileDescriptor received = assertInstanceOf(FileDescriptor.class, take(toQueue));
            assertNotEquals(pair[0].rawFd(), received.intValue(), "a new descriptor for the same socket");
            // the received descriptor is the socket: what goes into it comes out of the pair's other end
            SockRef.of(received.intValue()).send(new byte[] {42, 43});
            byte[] buf = new byte[2];
            assertEquals(2, pair[1].recv(buf));
            assertArrayEquals(new byte[] {42, 43}, buf);
            assertEquals(2, descriptorsOf(pair[0].rawFd()), "the pair's end and the received one: no duplicate left");
            received.close();
            assertEquals(1, descriptorsOf(pair[0].rawFd()), "the received descriptor is closed by its FileDescriptor");
        } finally {
            pair[0].close();
            pair[1].close();
        }
    }

    @Test
    void descriptorWrittenByTheClientArrivesAtTheServerAsAWorkingFileDescriptor() throws Exception {
        DomainSocketAddress at = Socket2DatagramTestPermutation.newDomainSocketAddress();
        BlockingQueue<Object> srv = new LinkedBlockingQueue<>(), cli = new LinkedBlockingQueue<>();
        Channel sc = server(at, srv, DomainSocketReadMode.FILE_DESCRIPTORS);
        Socket2UringDomainSocketChannel cc = client(at, cli, DomainSocketReadMode.BYTES);
        try {
            assertInstanceOf(Channel.class, take(srv));
            passDescriptor(cc, srv);
        } finally {
            cc.close().sync();
            sc.close().sync();
        }
    }

    @Test
    void descriptorWrittenByTheServerArrivesAtTheClientAsAWorkingFileDescriptor() throws Exception {
        DomainSocketAddress at = Socket2DatagramTestPermutation.newDomainSocketAddress();
        BlockingQueue<Object> srv = new LinkedBlockingQueue<>(), cli = new LinkedBlockingQueue<>();
        Channel sc = server(at, srv, DomainSocketReadMode.BYTES);
        Socket2UringDomainSocketChannel cc = client(at, cli, DomainSocketReadMode.FILE_DESCRIPTORS);
        try {
            Channel child = assertInstanceOf(Channel.class, take(srv));
            assertSame(cc, take(cli));
            passDescriptor(child, cli);
        } finally {
            cc.close().sync();
            sc.close().sync();
        }
    }

    @Test
    void descriptorsPassBetweenTheEngines() throws Exception {
        DomainSocketAddress at = Socket2DatagramTestPermutation.newDomainSocketAddress();
        BlockingQueue<Object> srv = new LinkedBlockingQueue<>(), cli = new LinkedBlockingQueue<>();
        Channel sc = new ServerBootstrap().group(epoll).channel(Socket2ServerDomainSocketChannel.class)
            .childOption(UnixChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.FILE_DESCRIPTORS)
            .childHandler(recorder(srv)).bind(at).sync().channel();
        Socket2UringDomainSocketChannel cc = client(at, cli, DomainSocketReadMode.FILE_DESCRIPTORS);
        try {
            Socket2DomainSocketChannel child = assertInstanceOf(Socket2DomainSocketChannel.class, take(srv));
            assertSame(cc, take(cli));
            passDescriptor(cc, srv);      // io_uring SENDMSG -> epoll recvmsg
            passDescriptor(child, cli);   // epoll sendmsg -> io_uring RECVMSG
        } finally {
            cc.close().sync();
            sc.close().sync();
        }
    }

    @Test
    void descriptorsFlushedBetweenBuffersAreAllSentInOrder() throws Exception {
        DomainSocketAddress at = Socket2DatagramTestPermutation.newDomainSocketAddress();
        BlockingQueue<Object> srv = new LinkedBlockingQueue<>();
        Channel sc = server(at, srv, DomainSocketReadMode.FILE_DESCRIPTORS);
        Socket2UringDomainSocketChannel cc = client(at, new LinkedBlockingQueue<>(), DomainSocketReadMode.BYTES);
        Socket[] a = Socket.pair(Domain.UNIX, Type.STREAM, null), b = Socket.pair(Domain.UNIX, Type.STREAM, null);
        try {
            assertInstanceOf(Channel.class, take(srv));
            cc.write(Unpooled.directBuffer(0));   // an empty buffer first: dropped, and the descriptor after it still goes
            assertTrue(cc.writeAndFlush(new FileDescriptor(a[0].rawFd())).await(5, TimeUnit.SECONDS), "sent");
            cc.write(Unpooled.copiedBuffer(new byte[] {1, 2}));
            cc.write(Unpooled.copiedBuffer(new byte[] {3}));
            cc.writeAndFlush(new FileDescriptor(b[0].rawFd())).sync();
            // the bytes are dropped in FILE_DESCRIPTORS mode; the descriptors arrive in the order written
            for (Socket[] pair : List.of(a, b)) {
                FileDescriptor received = assertInstanceOf(FileDescriptor.class, take(srv));
                SockRef.of(received.intValue()).send(new byte[] {7});
                byte[] buf = new byte[1];
                assertEquals(1, pair[1].recv(buf), "the descriptor is the pair written at that place");
                received.close();
            }
        } finally {
            for (Socket s : List.of(a[0], a[1], b[0], b[1])) s.close();
            cc.close().sync();
            sc.close().sync();
        }
    }

    @Test
    void writingAClosedDescriptorFailsTheWriteWithEbadf() throws Exception {
        DomainSocketAddress at = Socket2DatagramTestPermutation.newDomainSocketAddress();
        BlockingQueue<Object> srv = new LinkedBlockingQueue<>();
        Channel sc = server(at, srv, DomainSocketReadMode.FILE_DESCRIPTORS);
        Socket2UringDomainSocketChannel cc = client(at, new LinkedBlockingQueue<>(), DomainSocketReadMode.BYTES);
        try {
            assertInstanceOf(Channel.class, take(srv));
            Socket s = Socket.open(Domain.UNIX, Type.STREAM);
            int closed = s.rawFd();
            s.close();
            ChannelFuture f = cc.writeAndFlush(new FileDescriptor(closed)).await();
            assertFalse(f.isSuccess());
            assertTrue(String.valueOf(f.cause()).contains("EBADF"), String.valueOf(f.cause()));
        } finally {
            cc.close().sync();
            sc.close().sync();
        }
    }

    @Test
    void peerCredentialsNameThisProcessOnBothEnds() throws Exception {
        DomainSocketAddress at = Socket2DatagramTestPermutation.newDomainSocketAddress();
        BlockingQueue<Object> srv = new LinkedBlockingQueue<>();
        Channel sc = server(at, srv, DomainSocketReadMode.BYTES);
        Socket2UringDomainSocketChannel cc = client(at, new LinkedBlockingQueue<>(), DomainSocketReadMode.BYTES);
        try {
            Socket2UringDomainSocketChannel child = assertInstanceOf(Socket2UringDomainSocketChannel.class, take(srv));
            int uid = uidFromProc();
            for (PeerCredentials c : new PeerCredentials[] {cc.peerCredentials(), child.peerCredentials()}) {
                assertEquals(ProcessHandle.current().pid(), c.pid());
                assertEquals(uid, c.uid());
                assertEquals(1, c.gids().length);
            }
        } finally {
            cc.close().sync();
            sc.close().sync();
        }
    }

    private static int uidFromProc() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) return Integer.parseInt(line.split("\\s+")[1]);
        }
        throw new IOException("no Uid: line in /proc/self/status");
    }

    @Test
    void halfClosedChildSeesInputShutdownAndStillWrites() throws Exception {
        DomainSocketAddress at = Socket2DatagramTestPermutation.newDomainSocketAddress();
        BlockingQueue<Object> srv = new LinkedBlockingQueue<>(), cli = new LinkedBlockingQueue<>();
        Channel sc = server(at, srv, DomainSocketReadMode.BYTES);
        Socket2UringDomainSocketChannel cc = client(at, cli, DomainSocketReadMode.BYTES);
        try {
            Socket2UringDomainSocketChannel child = assertInstanceOf(Socket2UringDomainSocketChannel.class, take(srv));
            assertSame(cc, take(cli));
            cc.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1})).sync();
            cc.shutdownOutput().sync();
            assertTrue(cc.isOutputShutdown());
            assertArrayEquals(new byte[] {1}, readBytes(srv, 1));
            Object evt;
            do {
                evt = take(srv);
            } while (evt != ChannelInputShutdownEvent.INSTANCE);
            assertTrue(child.isInputShutdown());
            assertTrue(child.isOpen(), "ALLOW_HALF_CLOSURE keeps the child open");
            child.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {2, 3})).sync();
            assertArrayEquals(new byte[] {2, 3}, readBytes(cli, 2));
        } finally {
            cc.close().sync();
            sc.close().sync();
        }
    }

    private static void assertClosedSoon(int fd) throws InterruptedException {
        for (int i = 0; i < 200 && Files.exists(Path.of("/proc/self/fd/" + fd)); i++) Thread.sleep(10);
        assertFalse(Files.exists(Path.of("/proc/self/fd/" + fd)), "descriptor " + fd + " still open");
    }

    private static void closeWithAReadInFlight(DomainSocketReadMode mode) throws Exception {
        DomainSocketAddress at = Socket2DatagramTestPermutation.newDomainSocketAddress();
        BlockingQueue<Object> srv = new LinkedBlockingQueue<>(), cli = new LinkedBlockingQueue<>();
        Channel sc = server(at, srv, DomainSocketReadMode.BYTES);
        Socket2UringDomainSocketChannel cc = client(at, cli, mode);
        try {
            Channel child = assertInstanceOf(Channel.class, take(srv));
            int fd = cc.fd;
            cc.eventLoop().submit(() -> { }).sync();   // the read is armed by now
            assertTrue(cc.registration.inFlight > 0, "a read is in flight");
            cc.close().sync();
            assertFalse(cc.isOpen());
            assertClosedSoon(fd);
            // the peer's data after close reaches no handler
            child.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {9})).await(5, TimeUnit.SECONDS);
            assertSame(cc, cli.poll(5, TimeUnit.SECONDS));
            assertEquals(null, cli.poll(100, TimeUnit.MILLISECONDS), "no read after close");
        } finally {
            sc.close().sync();
        }
    }

    @Test
    void closeWithAByteReadInFlightClosesTheDescriptor() throws Exception {
        closeWithAReadInFlight(DomainSocketReadMode.BYTES);
    }

    @Test
    void closeWithADescriptorReadInFlightClosesTheDescriptor() throws Exception {
        closeWithAReadInFlight(DomainSocketReadMode.FILE_DESCRIPTORS);
    }

    /** How many descriptors of this process refer to the same open file as {@code fd}. */
    private static long descriptorsOf(int fd) throws IOException {
        Path target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd));
        long n = 0;
        try (var fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : fds) {
                try {
                    if (Files.readSymbolicLink(p).equals(target)) n++;
                } catch (IOException closedMeanwhile) {
                    // a descriptor closed while listing: not ours
                }
            }
        }
        return n;
    }

    @Test
    void closeWithADescriptorSendInFlightFailsItAndClosesTheDuplicate() throws Exception {
        DomainSocketAddress at = Socket2DatagramTestPermutation.newDomainSocketAddress();
        BlockingQueue<Object> srv = new LinkedBlockingQueue<>();
        Channel sc = new ServerBootstrap().group(group).channel(Socket2UringServerDomainSocketChannel.class)
            .childOption(ChannelOption.AUTO_READ, false)   // the peer never reads: the send buffer fills
            .childHandler(recorder(srv)).bind(at).sync().channel();
        Socket2UringDomainSocketChannel cc = client(at, new LinkedBlockingQueue<>(), DomainSocketReadMode.BYTES);
        Socket[] pair = Socket.pair(Domain.UNIX, Type.STREAM, null);
        try {
            assertInstanceOf(Channel.class, take(srv));
            // fill the client's send buffer behind Netty's back: the descriptor's SENDMSG then waits in the kernel
            byte[] chunk = new byte[64 << 10];
            SockRef raw = SockRef.of(cc.fd);
            for (int i = 0; i < 10_000; i++) {
                try {
                    raw.sendWithFlags(chunk, 0, chunk.length, C.MSG_DONTWAIT);
                } catch (IOException full) {
                    break;
                }
            }
            ChannelFuture fdWrite = cc.writeAndFlush(new FileDescriptor(pair[0].rawFd()));
            Thread.sleep(50);
            assertFalse(fdWrite.isDone(), "the descriptor's send waits for the peer");
            assertEquals(2, descriptorsOf(pair[0].rawFd()), "the channel holds a duplicate while the send is in flight");
            cc.close().sync();
            assertTrue(fdWrite.await(5, TimeUnit.SECONDS));
            assertFalse(fdWrite.isSuccess());
            long left = descriptorsOf(pair[0].rawFd());
            for (int i = 0; i < 200 && left > 1; i++) {
                Thread.sleep(10);
                left = descriptorsOf(pair[0].rawFd());
            }
            assertEquals(1, left, "the duplicate is closed once the cancelled send completed");
        } finally {
            pair[0].close();
            pair[1].close();
            sc.close().sync();
        }
    }
}
