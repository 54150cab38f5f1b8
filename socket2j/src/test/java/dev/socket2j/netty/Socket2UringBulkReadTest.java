package dev.socket2j.netty;

import dev.socket2j.Domain;
import dev.socket2j.Socket;
import dev.socket2j.Type;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static dev.socket2j.netty.UringTestSupport.loopOf;
import static dev.socket2j.netty.UringTestSupport.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bulk mode: a stream whose data comes faster or in larger arrivals than a request/response exchange switches to
 * single-shot reads straight into the handle's buffers, and short reads take it back to the buffer ring; every byte
 * arrives once and in order across the switches, while the handler turns auto-read off and on again in the middle of
 * the stream. Request/response traffic never switches, not even when every message fills a ring buffer.
 */
class Socket2UringBulkReadTest {
    private static final int BULK = 8 << 20, CHUNK = 256 * 1024, SMALL = 64, SMALLS = 16, PAUSE_EVERY = 1 << 20;

    @BeforeAll
    static void available() {
        Assumptions.assumeTrue(Socket2Uring.isAvailable(), () -> "io_uring: " + Socket2Uring.unavailabilityCause());
    }

    /** The stream's byte at offset {@code i}: a shifted byte or a reordered chunk shows up as a mismatch. */
    static byte at(long i) { return (byte) (i * 131 + (i >>> 11) + (i >>> 19)); }

    /** Checks every byte against {@link #at}; pauses auto-read for a millisecond at every MiB boundary. */
    @ChannelHandler.Sharable
    static final class Checker extends ChannelInboundHandlerAdapter {
        volatile long received, mismatchAt = -1;
        volatile int pauses;
        volatile Channel child;

        @Override public void channelActive(ChannelHandlerContext ctx) { child = ctx.channel(); ctx.fireChannelActive(); }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            long pos = received;
            int n = b.readableBytes();
            for (int k = 0; k < n; k++) {
                if (b.getByte(b.readerIndex() + k) != at(pos + k) && mismatchAt < 0) mismatchAt = pos + k;
            }
            b.release();
            received = pos + n;
            if ((pos + n) / PAUSE_EVERY != pos / PAUSE_EVERY) {
                ctx.channel().config().setAutoRead(false);
                pauses++;
                ctx.executor().schedule(() -> ctx.channel().config().setAutoRead(true), 1, TimeUnit.MILLISECONDS);
            }
        }
    }

    private static void send(Socket client, long from, int n) throws Exception {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) out[i] = at(from + i);
        for (int off = 0; off < n; ) off += client.send(out, off, n - off);
    }

    private static void await(BooleanSupplier cond, long deadline, String what) throws InterruptedException {
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within the time bound: " + what);
            Thread.sleep(1);
        }
    }

    /** The loop's bulk-mode switches and reads straight into a handle's buffer, read on its thread. */
    private static long[] counters(Channel ch, Socket2UringIoHandler loop) throws Exception {
        return onLoop(ch.eventLoop(), () -> new long[] {loop.bulkModeSwitches, loop.bulkReads});
    }

    private static void bulkThenSmallThenBulk(Set<String> disabled) throws Exception {
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(1, Socket2UringIoHandler.newFactory(256, 4096, 256, 8192, disabled));
        try {
            Checker checker = new Checker();
            Channel server = UringTestSupport.server(g, checker, true);
            Socket2UringIoHandler loop = loopOf(server);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            try (Socket client = Socket.open(Domain.IPV4, Type.STREAM)) {
                client.connect(server.localAddress());
                long pos = 0;
                for (int i = 0; i < BULK / CHUNK; i++, pos += CHUNK) send(client, pos, CHUNK);
                long sent = pos;
                await(() -> checker.received == sent, deadline, "the first 8 MiB");
                UringStreamChannel ch = (UringStreamChannel) checker.child;
                // the stream may enter (and, at a run of small arrivals, leave) at any point: that it entered and
                // read straight into the handle's buffers is what counts, not the mode at one instant
                long[] first = counters(ch, loop);
                assertTrue(first[0] >= 1, "a stream of 8 MiB switched into bulk mode: " + first[0]);
                assertTrue(first[1] >= 1, "and read straight into the handle's buffers: " + first[1]);
                boolean bulkAtEnd = onLoop(ch.eventLoop(), ch::bulkMode);

                // one small message at a time: each is one short read
                for (int i = 0; i < SMALLS; i++, pos += SMALL) {
                    send(client, pos, SMALL);
                    long upTo = pos + SMALL;
                    await(() -> checker.received == upTo, deadline, "small message " + i);
                }
                assertFalse(onLoop(ch.eventLoop(), ch::bulkMode), "short reads took the stream back to the ring");
                long[] small = counters(ch, loop);
                assertEquals(first[0] + (bulkAtEnd ? 1 : 0), small[0], "one switch back, if still in bulk mode");

                for (int i = 0; i < BULK / CHUNK; i++, pos += CHUNK) send(client, pos, CHUNK);
                long total = pos;
                await(() -> checker.received == total, deadline, "the second 8 MiB");
                long[] second = counters(ch, loop);
                assertTrue(second[0] > small[0], "the second bulk stream switched again");
                assertTrue(second[1] > small[1], "and read straight into the handle's buffers");
                assertEquals(-1, checker.mismatchAt, "every byte in order");
                assertTrue(checker.pauses >= 2 * BULK / PAUSE_EVERY - 1, "auto-read went off and on: " + checker.pauses);
            }
            server.close().sync();
        } finally {
            g.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** Writes back what it reads. */
    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) { ctx.writeAndFlush(msg); }
    }

    /**
     * Request/response traffic: {@code rounds} messages of {@code size} bytes, each echoed before the next goes out;
     * the socket empties once per message, so the channel never switches however many bytes go through.
     */
    private static void echoNeverSwitches(Set<String> disabled, int size, int rounds) throws Exception {
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(1, Socket2UringIoHandler.newFactory(256, 4096, 256, 8192, disabled));
        try {
            Channel server = UringTestSupport.server(g, new Echo(), true);
            Socket2UringIoHandler loop = loopOf(server);
            try (Socket client = Socket.open(Domain.IPV4, Type.STREAM)) {
                client.connect(server.localAddress());
                byte[] in = new byte[size];
                long pos = 0;
                for (int i = 0; i < rounds; i++, pos += size) {
                    send(client, pos, size);
                    for (int off = 0; off < size; ) {
                        int n = client.recv(in, off, size - off);
                        assertTrue(n > 0, "echo ended early");
                        off += n;
                    }
                    for (int k = 0; k < size; k++) {
                        if (in[k] != at(pos + k)) throw new AssertionError("echo differs at " + (pos + k));
                    }
                }
            }
            assertEquals(0L, (long) onLoop(server.eventLoop(), () -> loop.bulkModeSwitches),
                "request/response of " + size + " bytes stays on the ring");
            server.close().sync();
        } finally {
            g.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void smallEchoNeverSwitches() throws Exception {
        for (Set<String> d : List.of(Set.<String>of(), Set.of("RECV_BUNDLE"), Set.of("RECV_MULTISHOT"))) {
            echoNeverSwitches(d, SMALL, 2000);
        }
    }

    /** Each request fills a ring buffer exactly: 2.4 MiB of full buffers, yet one message at a time. */
    @Test
    void fullBufferRequestResponseNeverSwitches() throws Exception {
        for (Set<String> d : List.of(Set.<String>of(), Set.of("RECV_BUNDLE"), Set.of("RECV_MULTISHOT"))) {
            echoNeverSwitches(d, 8192, 300);
        }
    }

    @Test
    void aBulkStreamSwitchesToDirectReadsAndBackWithoutLosingOrReorderingAByte() throws Exception {
        bulkThenSmallThenBulk(Set.of());
    }

    @Test
    void withoutBundlesFullBuffersInARowSwitchAsWell() throws Exception {
        bulkThenSmallThenBulk(Set.of("RECV_BUNDLE"));
    }

    @Test
    void withoutMultishotSingleShotRingReadsSwitchAsWell() throws Exception {
        bulkThenSmallThenBulk(Set.of("RECV_MULTISHOT"));
    }
}
