package dev.socket2j.netty;

import dev.socket2j.Domain;
import dev.socket2j.SockAddr;
import dev.socket2j.Socket;
import dev.socket2j.Type;
import dev.socket2j.internal.C;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Event dispatch and registration details of the channels: EPOLLHUP, EPOLLRDHUP across loops, plain bytes in
 * FILE_DESCRIPTORS mode, unnamed Unix addresses, the addresses of accepted children, the cached interest masks.
 */
class Socket2ChannelEventTest {
    private static MultiThreadIoEventLoopGroup group;

    @BeforeAll static void start() { group = new MultiThreadIoEventLoopGroup(2, Socket2IoHandler.newFactory()); }

    @AfterAll static void stop() { group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly(); }

    private static Socket2DomainSocketChannel adopt(Socket s) throws Exception {
        return new Socket2DomainSocketChannel(s.intoFd());
    }

    private static String abstractName() {
        return "\0socket2j-event-" + ProcessHandle.current().pid() + "-" + ThreadLocalRandom.current().nextLong();
    }

    @Test
    void aHangupAloneEndsAChannelWhosePeerIsGone() throws Exception {
        Socket[] pair = Socket.pair(Domain.UNIX, Type.STREAM, null);
        Socket2DomainSocketChannel ch = adopt(pair[0]);
        ch.config().setAutoRead(false);
        group.next().register(ch).sync();
        // out of the epoll set (no interest left), so the kernel tells it nothing of the peer's close by itself
        ch.eventLoop().submit(() -> ch.clearFlag(C.EPOLLRDHUP)).sync();
        pair[1].close();
        // what epoll reports for a socket shut down both ways when nothing in the mask matches: EPOLLHUP alone
        Socket2IoEvent hup = new Socket2IoEvent();
        hup.events = C.EPOLLHUP;
        ch.eventLoop().submit(() -> ((AbstractSocket2Channel.AbstractSocket2Unsafe) ch.unsafe()).handle(null, hup)).sync();
        assertTrue(ch.closeFuture().await(10, TimeUnit.SECONDS), "EPOLLHUP handled like EPOLLERR: the read saw EOF");
    }

    @Test
    void aClientMovedToAnotherLoopStillHearsThePeersFin() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            EventLoop first = group.next(), second = group.next();
            assertNotSame(first, second);
            Channel ch = new Bootstrap().group(first).channel(Socket2SocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(server.getLocalSocketAddress()).sync().channel();
            try (java.net.Socket peer = server.accept()) {
                ch.deregister().sync();
                second.register(ch).sync();
                assertSame(second, ch.eventLoop());
                peer.shutdownOutput();  // FIN: only EPOLLRDHUP can tell a channel that reads nothing
                assertTrue(ch.closeFuture().await(10, TimeUnit.SECONDS), "EPOLLRDHUP kept across the move");
            }
        }
    }

    @Test
    void plainBytesInFileDescriptorModeAreDrainedInChunksNotOneByteAWakeup() throws Exception {
        Socket[] pair = Socket.pair(Domain.UNIX, Type.STREAM, null);
        Socket[] passed = Socket.pair(Domain.UNIX, Type.STREAM, null);
        Socket2DomainSocketChannel reader = adopt(pair[0]), writer = adopt(pair[1]);
        reader.config().setReadMode(DomainSocketReadMode.FILE_DESCRIPTORS);
        AtomicInteger readCompletes = new AtomicInteger();
        BlockingQueue<FileDescriptor> got = new LinkedBlockingQueue<>();
        reader.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override public void channelRead(ChannelHandlerContext ctx, Object msg) { got.add((FileDescriptor) msg); }

            @Override public void channelReadComplete(ChannelHandlerContext ctx) { readCompletes.incrementAndGet(); }
        });
        try {
            group.next().register(writer).sync();
            group.next().register(reader).sync();
            writer.writeAndFlush(Unpooled.wrappedBuffer(new byte[200])).sync();  // one write(2): one message
            writer.writeAndFlush(new FileDescriptor(passed[0].rawFd())).sync();
            FileDescriptor fd = got.poll(10, TimeUnit.SECONDS);
            assertNotNull(fd, "the descriptor after the bytes arrived");
            fd.close();
            // one read per wakeup would take 200 wakeups (and as many channelReadComplete) before the descriptor
            assertTrue(readCompletes.get() < 10, "wakeups to drain 200 plain bytes: " + readCompletes.get());
        } finally {
            reader.close().sync();
            writer.close().sync();
            for (Socket s : passed) s.close();
        }
    }

    @Test
    void anUnnamedUnixPeerIsTheEmptyDomainSocketAddressAsInNettyEpoll() throws Exception {
        Socket[] pair = Socket.pair(Domain.UNIX, Type.STREAM, null);
        Socket2DomainSocketChannel ch = adopt(pair[0]);
        group.next().register(ch).sync();
        try {
            assertEquals(new DomainSocketAddress(""), ch.remoteAddress());
            assertEquals(new DomainSocketAddress(""), ch.localAddress());
        } finally {
            ch.close().sync();
            pair[1].close();
        }
    }

    @Test
    void acceptedUnixChildrenKnowBothAddressesBoundOrNot() throws Exception {
        String name = abstractName();
        BlockingQueue<Channel> children = new LinkedBlockingQueue<>();
        Channel server = new ServerBootstrap().group(group).channel(Socket2ServerDomainSocketChannel.class)
            .childHandler(new ChannelInboundHandlerAdapter() {
                @Override public void channelActive(ChannelHandlerContext ctx) { children.add(ctx.channel()); }
                @Override public boolean isSharable() { return true; }
            })
            .bind(new DomainSocketAddress(name)).sync().channel();
        try {
            Bootstrap b = new Bootstrap().group(group).channel(Socket2DomainSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override public boolean isSharable() { return true; }
                });
            Channel unbound = b.connect(server.localAddress()).sync().channel();
            Channel child = children.poll(10, TimeUnit.SECONDS);
            assertNotNull(child);
            assertEquals(new DomainSocketAddress(""), child.remoteAddress(), "an unbound client");
            assertEquals(new DomainSocketAddress(""), unbound.localAddress());
            assertEquals(server.localAddress(), child.localAddress());
            assertEquals(server.localAddress(), unbound.remoteAddress());
            unbound.close().sync();

            String clientName = abstractName();
            Channel bound = b.connect(server.localAddress(), new DomainSocketAddress(clientName)).sync().channel();
            Channel child2 = children.poll(10, TimeUnit.SECONDS);
            assertNotNull(child2);
            assertEquals(new DomainSocketAddress(clientName), child2.remoteAddress(), "the name the client bound");
            assertEquals(bound.localAddress(), child2.remoteAddress());
            bound.close().sync();
        } finally {
            server.close().sync();
        }
    }

    @Test
    void acceptedTcpChildrenGetThePeerAddressThatAccept4Wrote() throws Exception {
        BlockingQueue<Channel> children = new LinkedBlockingQueue<>();
        try (Loopback lb = new Loopback(new ChannelInboundHandlerAdapter() {
                @Override public void channelActive(ChannelHandlerContext ctx) { children.add(ctx.channel()); }
                @Override public boolean isSharable() { return true; }
            })) {
            for (InetAddress local : new InetAddress[] { InetAddress.getLoopbackAddress() }) {
                try (java.net.Socket c = new java.net.Socket()) {
                    c.bind(new InetSocketAddress(local, 0));
                    c.connect(lb.server.localAddress(), 10_000);
                    Channel child = children.poll(10, TimeUnit.SECONDS);
                    assertNotNull(child);
                    assertEquals(c.getLocalSocketAddress(), child.remoteAddress());
                    assertEquals(c.getRemoteSocketAddress(), child.localAddress());
                    // what the kernel says now is what the child was told at accept
                    assertEquals(SockAddr.of((InetSocketAddress) child.remoteAddress()).asSocketAddress().orElseThrow(),
                        ((Socket2SocketChannel) child).socket().peerAddr().asSocketAddress().orElseThrow());
                }
            }
        }
    }

    @Test
    void singleHeapBuffersAreWrittenStraightFromTheirArrayIntact() throws Exception {
        Socket[] pair = Socket.pair(Domain.UNIX, Type.STREAM, null);
        Socket2DomainSocketChannel writer = adopt(pair[0]);
        Socket reader = pair[1];
        group.next().register(writer).sync();
        try {
            byte[] big = new byte[3 << 20];  // more than the socket buffer: partial writes, then EPOLLOUT
            ThreadLocalRandom.current().nextBytes(big);
            byte[] small = "at an offset".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] framed = new byte[small.length + 10];
            System.arraycopy(small, 0, framed, 5, small.length);
            var first = writer.writeAndFlush(Unpooled.wrappedBuffer(big));
            var second = writer.writeAndFlush(Unpooled.wrappedBuffer(framed, 5, small.length));  // arrayOffset 5
            byte[] got = new byte[big.length + small.length];
            int n = 0;
            reader.setReadTimeout(java.util.Optional.of(java.time.Duration.ofSeconds(30)));
            while (n < got.length) {
                int r = reader.recv(got, n, got.length - n);
                assertTrue(r > 0, "end of stream after " + n);
                n += r;
            }
            assertTrue(first.await(10, TimeUnit.SECONDS) && first.isSuccess());
            assertTrue(second.await(10, TimeUnit.SECONDS) && second.isSuccess());
            assertEquals(java.nio.ByteBuffer.wrap(big), java.nio.ByteBuffer.wrap(got, 0, big.length));
            assertEquals(java.nio.ByteBuffer.wrap(small), java.nio.ByteBuffer.wrap(got, big.length, small.length));
        } finally {
            writer.close().sync();
            reader.close();
        }
    }

    @Test
    void theFirstLoopsWarmUpLeavesNoDescriptorBehind() throws Exception {
        long before = openFds();
        MultiThreadIoEventLoopGroup g = new MultiThreadIoEventLoopGroup(1, Socket2IoHandler.newFactory());
        g.next().submit(() -> { }).sync();
        g.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        assertEquals(before, openFds());
    }

    private static long openFds() throws java.io.IOException {
        try (var s = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    @Test
    void interestMasksAreSharedInstances() {
        Socket2IoOps none = Socket2IoOps.of(0);
        assertSame(Socket2IoOps.of(C.EPOLLIN | C.EPOLLRDHUP), none.with(C.EPOLLIN).with(C.EPOLLRDHUP));
        assertSame(none, Socket2IoOps.of(C.EPOLLOUT).without(C.EPOLLOUT));
        for (int v = 0; v < 8; v++) {
            int bits = ((v & 1) != 0 ? C.EPOLLIN : 0) | ((v & 2) != 0 ? C.EPOLLOUT : 0) | ((v & 4) != 0 ? C.EPOLLRDHUP : 0);
            assertSame(Socket2IoOps.of(bits), Socket2IoOps.of(bits));
            assertEquals(bits, Socket2IoOps.of(bits).value());
        }
        assertEquals(C.EPOLLIN | C.EPOLLPRI, Socket2IoOps.of(C.EPOLLIN | C.EPOLLPRI).value());
    }
}
