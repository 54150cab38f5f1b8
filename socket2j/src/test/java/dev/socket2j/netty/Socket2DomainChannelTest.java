package dev.socket2j.netty;

import dev.socket2j.Domain;
import dev.socket2j.Socket;
import dev.socket2j.Type;
import dev.socket2j.netty.testsuite.Socket2DatagramTestPermutation;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.PeerCredentials;
import io.netty.channel.unix.UnixChannelOption;
import org.junit.jupiter.api.AfterAll;
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
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Unix-domain channels beyond Netty's shared tests: descriptor passing, peer credentials, abstract names. */
class Socket2DomainChannelTest {
    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(2, Socket2IoHandler.newFactory());

    @AfterAll
    static void shutdown() { GROUP.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly(); }

    private static Object take(BlockingQueue<Object> q) throws InterruptedException {
        Object o = q.poll(10, TimeUnit.SECONDS);
        assertNotNull(o, "nothing received within 10 s");
        return o;
    }

    private static Channel server(DomainSocketAddress at, BlockingQueue<Object> got, boolean fds) throws InterruptedException {
        return new ServerBootstrap().group(GROUP).channel(Socket2ServerDomainSocketChannel.class)
            .childOption(UnixChannelOption.DOMAIN_SOCKET_READ_MODE, fds ? DomainSocketReadMode.FILE_DESCRIPTORS : DomainSocketReadMode.BYTES)
            .childHandler(new ChannelInboundHandlerAdapter() {
                @Override public void channelActive(ChannelHandlerContext ctx) { got.add(ctx.channel()); }
                @Override public void channelRead(ChannelHandlerContext ctx, Object msg) { got.add(msg); }
            }).bind(at).sync().channel();
    }

    private static Socket2DomainSocketChannel client(DomainSocketAddress to) throws InterruptedException {
        return (Socket2DomainSocketChannel) new Bootstrap().group(GROUP).channel(Socket2DomainSocketChannel.class)
            .handler(new ChannelInboundHandlerAdapter()).connect(to).sync().channel();
    }

    private static long openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    @Test
    void descriptorWrittenInAPipelineArrivesAsAWorkingFileDescriptor() throws Exception {
        DomainSocketAddress at = Socket2DatagramTestPermutation.newDomainSocketAddress();
        BlockingQueue<Object> got = new LinkedBlockingQueue<>();
        Channel sc = server(at, got, true);
        Socket2DomainSocketChannel cc = client(at);
        Socket[] pair = Socket.pair(Domain.UNIX, Type.STREAM, null);
        try {
            assertInstanceOf(Channel.class, take(got));
            long fdsBefore = dev.socket2j.TestSockets.settledFdCount();
            cc.writeAndFlush(new FileDescriptor(pair[0].rawFd())).sync();
            FileDescriptor received = assertInstanceOf(FileDescriptor.class, take(got));
            assertNotEquals(pair[0].rawFd(), received.intValue(), "a new descriptor for the same socket");
            // the received descriptor is the socket: what goes into it comes out of the pair's other end
            dev.socket2j.SockRef.of(received.intValue()).send(new byte[] {42, 43});
            byte[] buf = new byte[2];
            assertEquals(2, pair[1].recv(buf));
            assertArrayEquals(new byte[] {42, 43}, buf);
            received.close();
            assertFalse(received.isOpen());
            assertEquals(fdsBefore, openFds(), "the received descriptor is closed by its FileDescriptor");
        } finally {
            pair[0].close();
            pair[1].close();
            cc.close().sync();
            sc.close().sync();
        }
    }

    @Test
    void descriptorsFlushedBetweenBuffersAreAllSentInOrder() throws Exception {
        DomainSocketAddress at = Socket2DatagramTestPermutation.newDomainSocketAddress();
        BlockingQueue<Object> got = new LinkedBlockingQueue<>();
        Channel sc = server(at, got, true);
        Socket2DomainSocketChannel cc = client(at);
        Socket[] a = Socket.pair(Domain.UNIX, Type.STREAM, null), b = Socket.pair(Domain.UNIX, Type.STREAM, null);
        try {
            assertInstanceOf(Channel.class, take(got));
            cc.write(Unpooled.copiedBuffer(new byte[] {1, 2}));
            cc.write(new FileDescriptor(a[0].rawFd()));
            cc.write(Unpooled.copiedBuffer(new byte[] {3}));
            cc.writeAndFlush(new FileDescriptor(b[0].rawFd())).sync();
            // the bytes are dropped in FILE_DESCRIPTORS mode; the descriptors arrive in the order written
            for (Socket[] pair : List.of(a, b)) {
                FileDescriptor received = assertInstanceOf(FileDescriptor.class, take(got));
                dev.socket2j.SockRef.of(received.intValue()).send(new byte[] {7});
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
    void peerCredentialsNameThisProcess() throws Exception {
        DomainSocketAddress at = Socket2DatagramTestPermutation.newDomainSocketAddress();
        BlockingQueue<Object> got = new LinkedBlockingQueue<>();
        Channel sc = server(at, got, false);
        Socket2DomainSocketChannel cc = client(at);
        try {
            Socket2DomainSocketChannel child = assertInstanceOf(Socket2DomainSocketChannel.class, take(got));
            int uid = uidFromProc();
            for (PeerCredentials c : new PeerCredentials[] {cc.peerCredentials(), child.peerCredentials()}) {
                assertEquals(ProcessHandle.current().pid(), c.pid());
                assertEquals(uid, c.uid());
                assertEquals(1, c.gids().length);
            }
            // made without Netty's JNI (PeerCredentials, FileDescriptor and DomainSocketAddress are plain classes)
            assertFalse(Files.readString(Path.of("/proc/self/maps")).contains("netty_transport_native"));
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
    void abstractAddressesCarryNoFileAndEchoWorks() throws Exception {
        DomainSocketAddress at = new DomainSocketAddress("\0socket2j-" + ThreadLocalRandom.current().nextLong());
        BlockingQueue<Object> got = new LinkedBlockingQueue<>();
        Channel sc = server(at, got, false);
        Socket2DomainSocketChannel cc = client(at);
        try {
            assertEquals(at, sc.localAddress());
            assertEquals(at, cc.remoteAddress());
            assertInstanceOf(Channel.class, take(got));
            cc.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})).sync();
            ByteBuf b = assertInstanceOf(ByteBuf.class, take(got));
            assertEquals(3, b.readableBytes());
            b.release();
        } finally {
            cc.close().sync();
            sc.close().sync();
        }
    }

    @Test
    void closingTheServerRemovesItsSocketFile() throws Exception {
        DomainSocketAddress at = Socket2DatagramTestPermutation.newDomainSocketAddress();
        Channel sc = server(at, new LinkedBlockingQueue<>(), false);
        assertTrue(new File(at.path()).exists());
        sc.close().sync();
        assertFalse(new File(at.path()).exists());
    }

    @Test
    void descriptorsTravelBothWaysOnADomainDatagramChannel() throws Exception {
        DomainSocketAddress a = Socket2DatagramTestPermutation.newDomainSocketAddress();
        DomainSocketAddress peerPath = Socket2DatagramTestPermutation.newDomainSocketAddress();
        BlockingQueue<Object> got = new LinkedBlockingQueue<>();
        Channel rx = new Bootstrap().group(GROUP).channel(Socket2DomainDatagramChannel.class)
            .handler(new ChannelInboundHandlerAdapter() {
                @Override public void channelRead(ChannelHandlerContext ctx, Object msg) { got.add(msg); }
            }).bind(a).sync().channel();
        try (dev.socket2j.Socket peer = dev.socket2j.Socket.open(dev.socket2j.Domain.UNIX, dev.socket2j.Type.DGRAM)) {
            peer.bind(dev.socket2j.SockAddr.unix(peerPath.path()));
            DomainDatagramChecks.passedDescriptorsArriveAsWorkingFileDescriptors(a.path(), got);
            DomainDatagramChecks.writtenDescriptorsReachThePeer(rx, peerPath, peer);
        } finally {
            rx.close().sync();
            new java.io.File(peerPath.path()).delete();
        }
    }

    @Test
    void domainDatagramsFlushedTogetherAllArriveInOrder() throws Exception {
        DomainSocketAddress a = Socket2DatagramTestPermutation.newDomainSocketAddress();
        DomainSocketAddress b = Socket2DatagramTestPermutation.newDomainSocketAddress();
        BlockingQueue<Object> got = new LinkedBlockingQueue<>();
        Channel rx = new Bootstrap().group(GROUP).channel(Socket2DomainDatagramChannel.class)
            .handler(new ChannelInboundHandlerAdapter() {
                @Override public void channelRead(ChannelHandlerContext ctx, Object msg) { got.add(msg); }
            }).bind(a).sync().channel();
        Channel tx = new Bootstrap().group(GROUP).channel(Socket2DomainDatagramChannel.class)
            .handler(new ChannelInboundHandlerAdapter()).bind(b).sync().channel();
        try {
            for (int i = 0; i < 100; i++) tx.write(new DomainDatagramPacket(Unpooled.buffer(4).writeInt(i), a));
            tx.flush();
            for (int i = 0; i < 100; i++) {
                DomainDatagramPacket p = assertInstanceOf(DomainDatagramPacket.class, take(got));
                assertEquals(i, p.content().readInt());
                assertEquals(b, p.sender());
                assertEquals(a, p.recipient());
                p.release();
            }
        } finally {
            tx.close().sync();
            rx.close().sync();
        }
        assertFalse(new File(a.path()).exists(), "closing removes the bound file");
    }
}
