package dev.socket2j.netty;

import dev.socket2j.Domain;
import dev.socket2j.OsError;
import dev.socket2j.Socket;
import dev.socket2j.Type;
import dev.socket2j.internal.Libc;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * accept failing with EMFILE, on both engines: the server reports it once (not once per retry), backs off instead of
 * spinning (on the level-triggered EPOLLIN; on io_uring, re-arming an accept that fails at once), and accepts the
 * waiting connections once descriptors are available again.
 */
class Socket2DescriptorExhaustionTest {
    private static final int RLIMIT_NOFILE = 7;
    private static final MethodHandle GETRLIMIT = Libc.bind("getrlimit", Libc.PLAIN,
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SETRLIMIT = Libc.bind("setrlimit", Libc.PLAIN,
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    @ParameterizedTest(name = "io_uring = {0}")
    @ValueSource(booleans = {false, true})
    void emfileOnAcceptIsReportedOnceAndRetriedWithoutSpinning(boolean uring) throws Throwable {
        if (uring) Assumptions.assumeTrue(Socket2Uring.isAvailable(), "io_uring is not available here");
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        AtomicInteger accepted = new AtomicInteger();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2,
            uring ? Socket2UringIoHandler.newFactory() : Socket2IoHandler.newFactory());
        try (Arena arena = Arena.ofConfined()) {
            Channel server = new ServerBootstrap().group(group)
                .channel(uring ? Socket2UringServerSocketChannel.class : Socket2ServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override protected void initChannel(SocketChannel ch) { accepted.incrementAndGet(); }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            server.pipeline().addFirst(new ChannelInboundHandlerAdapter() {
                @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    reported.add(cause);
                    ctx.fireExceptionCaught(cause);
                }
            });
            // load every class the accept path needs while descriptors (for jar reads) are still available
            new Bootstrap().group(group)
                .channel(uring ? Socket2UringSocketChannel.class : Socket2SocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(server.localAddress()).sync().channel().close().sync();
            long warm = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (accepted.get() < 1 && System.nanoTime() < warm) Thread.sleep(10);
            assertEquals(1, accepted.getAndSet(0));
            // io_uring reads RLIMIT_NOFILE when it takes an accept's SQE: the accept armed since bind must go (auto-read
            // off cancels it), and the one that meets the lowered limit is armed by the read() below
            server.config().setAutoRead(false);
            server.eventLoop().submit(() -> { }).sync();
            Thread.sleep(100);
            List<java.nio.channels.SocketChannel> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) clients.add(java.nio.channels.SocketChannel.open());  // descriptors made now
            dev.socket2j.OsError.of("accept4(2)", dev.socket2j.internal.Errno.EMFILE);  // load classes now
            dev.socket2j.OsError.ofReceive("accept(2)", dev.socket2j.internal.Errno.EMFILE);
            MemorySegment saved = arena.allocate(16, 8), limited = arena.allocate(16, 8);
            assertEquals(0, (int) GETRLIMIT.invokeExact(RLIMIT_NOFILE, saved));
            // the limit is on descriptor numbers: below the lowest free one every number is taken, so the next
            // descriptor (accept4's) fails with EMFILE even if earlier tests left holes higher up
            int lowestFree;
            try (Socket probe = Socket.open(Domain.UNIX, Type.STREAM)) {
                lowestFree = probe.rawFd();
            }
            limited.set(JAVA_LONG, 0, lowestFree);
            limited.set(JAVA_LONG, 8, saved.get(JAVA_LONG, 8));
            try {
                assertEquals(0, (int) SETRLIMIT.invokeExact(RLIMIT_NOFILE, limited));
                for (var c : clients) c.connect(server.localAddress());  // the kernel completes them in the backlog
                server.read();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (reported.isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
                Thread.sleep(300);   // several back-offs (10, 20, 40, 80, 160 ms): each retry fails again
            } finally {
                int rc = (int) SETRLIMIT.invokeExact(RLIMIT_NOFILE, saved);
                assertEquals(0, rc);
            }
            assertFalse(reported.isEmpty(), "EMFILE reported");
            assertEquals(1, reported.size(), "reported once, not once per retry: " + reported);
            assertTrue(reported.get(0) instanceof OsError e && e.errnoName().equals("EMFILE"), reported.get(0).toString());
            server.config().setAutoRead(true);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (accepted.get() < 3 && System.nanoTime() < deadline) Thread.sleep(10);
            assertEquals(3, accepted.get(), "the waiting connections are accepted after the back-off");
            for (var c : clients) c.close();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
