package dev.socket2j.netty;

import dev.socket2j.Domain;
import dev.socket2j.Socket;
import dev.socket2j.Type;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Steady state allocates nothing per completion on the io_uring loop thread.
 *
 * <p>What is counted: every byte the server loop's thread allocates on the Java heap
 * ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}, HotSpot's per-thread TLAB accounting) while it
 * echoes {@value #MEASURED} messages of {@value #SIZE} bytes, after {@value #WARMUP} messages of warm-up. Per message
 * that thread handles two completions (the RECV that brought the bytes, the SEND that wrote them back) and runs the
 * whole path around them: the ring, the engine's dispatch, Netty's pipeline, the read {@code ByteBuf} (from a
 * {@link PooledByteBufAllocator}, whose buffer objects are recycled) and its outbound-buffer entry (recycled too);
 * the echo writes with the void promise so that no promise object is made. The client is a plain blocking socket on
 * the test thread, outside the loop. Netty's leak detector is off while it runs: at its default level it tracks one
 * buffer in 128 with a stack trace, which is its own allocation, not the transport's.
 *
 * <p>A blocking {@code io_uring_enter} with errno capture allocates one 40-byte segment in the JDK
 * ({@code SharedUtils.checkCaptureSegment} slices the capture segment) unless C2 inlines the downcall into the loop
 * and removes it; the bound below fails if that stays in the steady state.
 */
class Socket2UringAllocationTest {
    private static final int SIZE = 64, WARMUP = 30_000, MEASURED = 20_000;
    /** Bytes per message allowed for what is not per message (a TLAB refill seen at the edge, a rare resize). */
    private static final long BOUND_PER_MESSAGE = 8;

    @BeforeAll
    static void available() {
        assumeTrue(Socket2Uring.isAvailable(), () -> "io_uring unavailable: " + Socket2Uring.unavailabilityCause());
    }

    @ChannelHandler.Sharable
    static final class VoidEcho extends ChannelInboundHandlerAdapter {
        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) { ctx.writeAndFlush(msg, ctx.voidPromise()); }
    }

    @Test
    void anEchoedMessageAllocatesNothingOnTheLoopThreadInSteadyState() throws Exception {
        ThreadBytes mx = new ThreadBytes();
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);   // its sampled tracking allocates by design
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(1, Socket2UringIoHandler.newFactory());
        try {
            Channel server = new io.netty.bootstrap.ServerBootstrap().group(g)
                .channel(Socket2UringServerSocketChannel.class)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childHandler(new VoidEcho())
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            long loopThread = g.next().submit(() -> Thread.currentThread().threadId()).get();
            try (Socket client = Socket.open(Domain.IPV4, Type.STREAM)) {
                client.setTcpNodelay(true);
                client.connect(server.localAddress());
                byte[] out = new byte[SIZE], in = new byte[SIZE];
                for (int i = 0; i < SIZE; i++) out[i] = (byte) i;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                pingPong(client, out, in, WARMUP, deadline);
                long before = mx.getThreadAllocatedBytes(loopThread);
                pingPong(client, out, in, MEASURED, deadline);
                long after = mx.getThreadAllocatedBytes(loopThread);
                assertArrayEquals(out, in);
                double perMessage = (after - before) / (double) MEASURED;
                System.out.printf("io_uring loop thread: %d bytes over %d echoed messages (%.2f per message)%n",
                    after - before, MEASURED, perMessage);
                assertTrue(perMessage <= BOUND_PER_MESSAGE, String.format(
                    "%.2f bytes allocated per echoed message on the loop thread (bound %d)", perMessage, BOUND_PER_MESSAGE));
            }
            server.close().sync();
        } finally {
            g.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            ResourceLeakDetector.setLevel(level);
        }
    }

    /**
     * {@code com.sun.management.ThreadMXBean.getThreadAllocatedBytes}, reached reflectively: the test classes compile
     * inside module {@code dev.socket2j}, which does not read {@code jdk.management}; they run on the class path.
     */
    private static final class ThreadBytes {
        private final Object bean;
        private final Method allocated;

        ThreadBytes() throws Exception {
            bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            Class<?> sun = Class.forName("com.sun.management.ThreadMXBean");
            assumeTrue(sun.isInstance(bean), "no com.sun.management.ThreadMXBean in this JVM");
            assumeTrue((boolean) sun.getMethod("isThreadAllocatedMemorySupported").invoke(bean),
                "this JVM does not count allocated bytes per thread");
            sun.getMethod("setThreadAllocatedMemoryEnabled", boolean.class).invoke(bean, true);
            allocated = sun.getMethod("getThreadAllocatedBytes", long.class);
        }

        long getThreadAllocatedBytes(long threadId) throws Exception { return (long) allocated.invoke(bean, threadId); }
    }

    private static void pingPong(Socket client, byte[] out, byte[] in, int n, long deadline) throws Exception {
        for (int i = 0; i < n; i++) {
            if (System.nanoTime() > deadline) throw new AssertionError("not done within the time bound: " + i + "/" + n);
            client.send(out);
            Arrays.fill(in, (byte) 0);
            for (int got = 0; got < SIZE; ) {
                int r = client.recv(in, got, SIZE - got);
                if (r <= 0) throw new AssertionError("the server closed");
                got += r;
            }
        }
    }
}
