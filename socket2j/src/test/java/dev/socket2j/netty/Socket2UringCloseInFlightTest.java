package dev.socket2j.netty;

import dev.socket2j.Domain;
import dev.socket2j.Socket;
import dev.socket2j.Type;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.socket2j.netty.UringTestSupport.assertClosedSoon;
import static dev.socket2j.netty.UringTestSupport.assertRegistrationsSoon;
import static dev.socket2j.netty.UringTestSupport.client;
import static dev.socket2j.netty.UringTestSupport.eventually;
import static dev.socket2j.netty.UringTestSupport.onLoop;
import static dev.socket2j.netty.UringTestSupport.reusedNumberIsLeftAlone;
import static dev.socket2j.netty.UringTestSupport.server;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Close while a read, a write, an accept or a connect is in flight in the kernel: each leaves no descriptor open, no
 * registration in the handler, fails what has a promise with {@link ClosedChannelException}, and never touches the
 * descriptor number once another socket got it. The channel under test runs alone on its own loop, so the loop's
 * registration count is exactly the channel's.
 */
class Socket2UringCloseInFlightTest {
    private static EventLoopGroup peers, alone;

    @BeforeAll
    static void start() {
        assumeTrue(Socket2Uring.isAvailable(), () -> "io_uring unavailable: " + Socket2Uring.unavailabilityCause());
        peers = new MultiThreadIoEventLoopGroup(1, Socket2UringIoHandler.newFactory());
        alone = new MultiThreadIoEventLoopGroup(1, Socket2UringIoHandler.newFactory());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (peers != null) peers.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        if (alone != null) alone.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @ChannelHandler.Sharable
    static class Shared extends ChannelInboundHandlerAdapter { }

    /** The checks after close: descriptor closed, registration gone, the number left alone once reused. */
    private static void assertCleanlyClosed(Channel c, int fd) throws Exception {
        Socket2UringIoHandler h = UringTestSupport.loopOf(c);
        assertFalse(c.isOpen());
        assertClosedSoon(fd);
        assertRegistrationsSoon(c.eventLoop(), h, 0);
        assumeTrue(reusedNumberIsLeftAlone(fd, c.eventLoop()), "descriptor number " + fd + " was not reused");
    }

    private static int inFlight(Channel c) throws Exception {
        return onLoop(c.eventLoop(), () -> ((UringChannel) c).registration.inFlight);
    }

    @Test
    void closeDuringAnInFlightReadLeavesNoDescriptorOrRegistration() throws Exception {
        Channel server = server(peers, new Shared(), true);
        CompletableFuture<Object> read = new CompletableFuture<>();
        Channel c = client(alone, new ChannelInboundHandlerAdapter() {
            @Override public void channelRead(ChannelHandlerContext ctx, Object msg) { read.complete(msg); }
        }).connect(server.localAddress()).sync().channel();
        int fd = ((UringChannel) c).fd;
        assertTrue(inFlight(c) > 0, "a read is in flight");
        c.close().sync();
        assertCleanlyClosed(c, fd);
        assertFalse(read.isDone(), "no read after close");
        server.close().sync();
    }

    @Test
    void closeDuringAnInFlightWriteFailsItWithClosedChannelException() throws Exception {
        // the peer never reads: 16 MiB cannot leave, the SEND waits in the kernel
        Channel server = server(peers, new Shared(), false);
        Channel c = client(alone, new Shared()).connect(server.localAddress()).sync().channel();
        int fd = ((UringChannel) c).fd;
        ByteBuf big = c.alloc().directBuffer(16 << 20).writeZero(16 << 20);
        ChannelFuture w = c.writeAndFlush(big);
        assertFalse(w.await(100, TimeUnit.MILLISECONDS), "the write waits for the peer");
        c.close().sync();
        assertTrue(w.await(5, TimeUnit.SECONDS));
        assertInstanceOf(ClosedChannelException.class, w.cause());
        assertCleanlyClosed(c, fd);
        assertTrue(eventually(() -> big.refCnt() == 0), "the written buffer is released");
        server.close().sync();
    }

    @Test
    void closeOfAListenerWithItsMultishotAcceptArmedLeavesNothing() throws Exception {
        Channel server = server(alone, new Shared(), true);
        int fd = ((UringChannel) server).fd;
        assertTrue(inFlight(server) > 0, "an accept is in flight");
        InetSocketAddress at = (InetSocketAddress) server.localAddress();
        server.close().sync();
        assertCleanlyClosed(server, fd);
        ChannelFuture refused = client(peers, new Shared()).connect(at).await();
        assertInstanceOf(java.net.ConnectException.class, refused.cause(), "nothing listens there any more");
    }

    @Test
    void closeDuringAnInFlightConnectFailsItsPromiseWithClosedChannelException() throws Exception {
        // a listener nobody accepts from: once its queue (backlog 0 takes one) is full the kernel drops further SYNs,
        // and the next CONNECT waits in flight (SYN retries) until it is cancelled
        try (Socket listener = Socket.open(Domain.IPV4, Type.STREAM)) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            listener.listen(0);
            InetSocketAddress at = (InetSocketAddress) listener.localAddr().asSocketAddress().orElseThrow();
            List<Channel> queued = new ArrayList<>();
            ChannelFuture pending = null;
            for (int i = 0; i < 8 && pending == null; i++) {
                ChannelFuture f = client(peers, new Shared()).connect(at);
                if (f.await(300, TimeUnit.MILLISECONDS)) {
                    assertTrue(f.isSuccess(), String.valueOf(f.cause()));
                    queued.add(f.channel());
                } else {
                    pending = f;
                }
            }
            assumeTrue(pending != null, "every connect was queued: this kernel does not drop SYNs of a full backlog");
            // the queued clients share the loop: count its registrations relative to before the close
            Channel c = pending.channel();
            int fd = ((UringChannel) c).fd;
            Socket2UringIoHandler h = UringTestSupport.loopOf(c);
            int regsBefore = onLoop(c.eventLoop(), h::registrations);
            assertTrue(inFlight(c) > 0, "the connect is in flight");
            c.close().sync();
            assertTrue(pending.await(5, TimeUnit.SECONDS));
            assertInstanceOf(ClosedChannelException.class, pending.cause());
            assertClosedSoon(fd);
            assertRegistrationsSoon(c.eventLoop(), h, regsBefore - 1);
            assumeTrue(reusedNumberIsLeftAlone(fd, c.eventLoop()), "descriptor number " + fd + " was not reused");
            for (Channel q : queued) q.close().sync();
        }
    }
}
