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
import io.netty.channel.socket.SocketChannel;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
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
 * accept4(2) failing with EMFILE: the server reports it, backs off instead of spinning on the level-triggered
 * EPOLLIN, and accepts the waiting connections once descriptors are available again.
 */
class Socket2DescriptorExhaustionTest {
    private static final int RLIMIT_NOFILE = 7;
    private static final MethodHandle GETRLIMIT = Libc.bind("getrlimit", Libc.PLAIN,
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SETRLIMIT = Libc.bind("setrlimit", Libc.PLAIN,
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    @Test
    void emfileOnAcceptIsReportedAndRetriedWithoutSpinning() throws Throwable {
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        AtomicInteger accepted = new AtomicInteger();
        try (Loopback lb = new Loopback(new ChannelInitializer<SocketChannel>() {
                @Override protected void initChannel(SocketChannel ch) { accepted.incrementAndGet(); }
            });
             Arena arena = Arena.ofConfined()) {
            lb.server.pipeline().addFirst(new ChannelInboundHandlerAdapter() {
                @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    reported.add(cause);
                    ctx.fireExceptionCaught(cause);
                }
            });
            // load every class the accept path needs while descriptors (for jar reads) are still available
            lb.connect().close().sync();
            long warm = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (accepted.get() < 1 && System.nanoTime() < warm) Thread.sleep(10);
            assertEquals(1, accepted.getAndSet(0));
            List<java.nio.channels.SocketChannel> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) clients.add(java.nio.channels.SocketChannel.open());  // descriptors made now
            dev.socket2j.OsError.of("accept4(2)", dev.socket2j.internal.Errno.EMFILE);  // load classes now
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
                for (var c : clients) c.connect(lb.server.localAddress());  // the kernel completes them in the backlog
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (reported.isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
            } finally {
                int rc = (int) SETRLIMIT.invokeExact(RLIMIT_NOFILE, saved);
                assertEquals(0, rc);
            }
            assertFalse(reported.isEmpty(), "EMFILE reported");
            assertTrue(reported.get(0) instanceof OsError e && e.errnoName().equals("EMFILE"), reported.get(0).toString());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (accepted.get() < 3 && System.nanoTime() < deadline) Thread.sleep(10);
            assertEquals(3, accepted.get(), "the waiting connections are accepted after the back-off");
            for (var c : clients) c.close();
        }
    }
}
