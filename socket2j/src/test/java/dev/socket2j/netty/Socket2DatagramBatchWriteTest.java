package dev.socket2j.netty;

import dev.socket2j.SockOpt;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Datagrams flushed together go out through {@code sendmmsg(2)} with the channel's reused batch filler: each keeps
 * its own recipient, payload and control data, whatever the mix, over several flushes.
 */
class Socket2DatagramBatchWriteTest {
    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(2, Socket2IoHandler.newFactory());
    private static final InetAddress LO4 = InetAddress.getLoopbackAddress();
    private static final int RECEIVERS = 3, PER_RECEIVER = 100, ROUNDS = 3;

    @AfterAll
    static void shutdown() { GROUP.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly(); }

    private record Got(int receiver, int seq, int tos, InetSocketAddress sender) {}

    private static Channel receiver(int index, BlockingQueue<Got> got) throws InterruptedException {
        return new Bootstrap().group(GROUP).channelFactory(() -> new Socket2DatagramChannel(SocketProtocolFamily.INET))
            .option(ChannelOption.SO_RCVBUF, 1 << 20)
            .option(Socket2ChannelOption.of(SockOpt.IP_RECVTOS), true)
            .handler(new ChannelInboundHandlerAdapter() {
                @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    try {
                        DatagramPacket p = (DatagramPacket) msg;
                        int tos = p instanceof Socket2DatagramPacket a ? a.trafficClass().orElse(-1) : -1;
                        got.add(new Got(index, p.content().getInt(0), tos, p.sender()));
                    } finally {
                        ReferenceCountUtil.release(msg);
                    }
                }
            }).bind(new InetSocketAddress(LO4, 0)).sync().channel();
    }

    /** A payload of 4..36 bytes starting with {@code seq}; heap or direct by turns (heap ones go through the copy area). */
    private static ByteBuf payload(int seq) {
        ByteBuf b = seq % 2 == 0 ? Unpooled.buffer() : Unpooled.directBuffer();
        b.writeInt(seq);
        b.writeZero(seq % 33);
        return b;
    }

    @Test
    void manyDatagramsToMixedRecipientsWithControlDataArriveEachOnceWithTheirOwnData() throws Exception {
        BlockingQueue<Got> got = new LinkedBlockingQueue<>();
        List<Channel> rx = new ArrayList<>();
        for (int i = 0; i < RECEIVERS; i++) rx.add(receiver(i, got));
        Channel tx = new Bootstrap().group(GROUP).channelFactory(() -> new Socket2DatagramChannel(SocketProtocolFamily.INET))
            .option(ChannelOption.SO_SNDBUF, 1 << 20)
            .handler(new ChannelInboundHandlerAdapter()).bind(new InetSocketAddress(LO4, 0)).sync().channel();
        try {
            int total = RECEIVERS * PER_RECEIVER;
            Map<Integer, Integer> tosOf = new HashMap<>();
            for (int round = 0; round < ROUNDS; round++) {
                int base = round * total;
                List<ChannelFuture> sent = new ArrayList<>();
                // all written on the loop, then one flush: the outbound buffer holds them all for the batch path
                tx.eventLoop().submit(() -> {
                    for (int k = 0; k < total; k++) {
                        int seq = base + k;
                        // recipients change every datagram, in runs of one and two
                        InetSocketAddress to = (InetSocketAddress) rx.get((k + k / 2) % RECEIVERS).localAddress();
                        Object msg;
                        if (seq % 3 == 0) {
                            int tos = (seq % 16) << 2;   // DSCP bits only
                            tosOf.put(seq, tos);
                            msg = new Socket2DatagramPacket(payload(seq), to).withTrafficClass(tos);
                        } else {
                            tosOf.put(seq, 0);
                            msg = new DatagramPacket(payload(seq), to);
                        }
                        sent.add(tx.write(msg));
                    }
                    tx.flush();
                }).sync();
                for (ChannelFuture f : sent) assertTrue(f.await(10, TimeUnit.SECONDS) && f.isSuccess(), "" + f.cause());
            }
            InetSocketAddress from = (InetSocketAddress) tx.localAddress();
            boolean[] seen = new boolean[ROUNDS * total];
            for (int n = 0; n < ROUNDS * total; n++) {
                Got g = got.poll(10, TimeUnit.SECONDS);
                assertNotNull(g, "datagram " + n + " of " + ROUNDS * total + " not received");
                assertFalse(seen[g.seq()], "received twice: " + g.seq());
                seen[g.seq()] = true;
                int k = g.seq() % total;
                assertEquals((k + k / 2) % RECEIVERS, g.receiver(), "datagram " + g.seq() + " reached the wrong socket");
                assertEquals(tosOf.get(g.seq()), g.tos(), "TOS of datagram " + g.seq());
                assertEquals(from, g.sender());
            }
        } finally {
            tx.close().sync();
            for (Channel c : rx) c.close().sync();
        }
    }

    @Test
    void aDatagramTheKernelRefusesInsideABatchFailsAloneAndTheOthersArrive() throws Exception {
        BlockingQueue<Got> got = new LinkedBlockingQueue<>();
        Channel rx = receiver(0, got);
        Channel tx = new Bootstrap().group(GROUP).channelFactory(() -> new Socket2DatagramChannel(SocketProtocolFamily.INET))
            .handler(new ChannelInboundHandlerAdapter()).bind(new InetSocketAddress(LO4, 0)).sync().channel();
        try {
            InetSocketAddress to = (InetSocketAddress) rx.localAddress();
            // port 0 is refused by sendmsg(2) with EINVAL
            InetSocketAddress bad = new InetSocketAddress(LO4, 0);
            List<ChannelFuture> sent = new ArrayList<>();
            tx.eventLoop().submit(() -> {
                for (int seq = 0; seq < 10; seq++) sent.add(tx.write(new DatagramPacket(payload(seq), seq == 4 ? bad : to)));
                tx.flush();
            }).sync();
            for (int seq = 0; seq < 10; seq++) {
                ChannelFuture f = sent.get(seq);
                assertTrue(f.await(10, TimeUnit.SECONDS));
                assertEquals(seq != 4, f.isSuccess(), "datagram " + seq + ": " + f.cause());
            }
            assertInstanceOf(java.io.IOException.class, sent.get(4).cause());
            boolean[] seen = new boolean[10];
            for (int n = 0; n < 9; n++) {
                Got g = got.poll(10, TimeUnit.SECONDS);
                assertNotNull(g, "datagram missing after " + n);
                seen[g.seq()] = true;
            }
            for (int seq = 0; seq < 10; seq++) assertEquals(seq != 4, seen[seq], "datagram " + seq);
        } finally {
            tx.close().sync();
            rx.close().sync();
        }
    }

    /** Receive buffers of {@code size} bytes on the heap (Netty's allocators hand out direct I/O buffers wherever they can). */
    private static RecvByteBufAllocator heapReceives(int size) {
        FixedRecvByteBufAllocator fixed = new FixedRecvByteBufAllocator(size);
        return new RecvByteBufAllocator() {
            @Override public Handle newHandle() {
                return new DelegatingHandle(fixed.newHandle()) {
                    @Override public ByteBuf allocate(ByteBufAllocator alloc) { return alloc.heapBuffer(guess()); }
                };
            }
        };
    }

    /** A heap-buffer allocator: datagrams land in the loop's copy area and are copied into the heap array. */
    @ParameterizedTest(name = "recvmmsg={0}")
    @ValueSource(booleans = {false, true})
    void datagramsReadIntoHeapBuffersKeepTheirBytes(boolean recvmmsg) throws Exception {
        BlockingQueue<byte[]> got = new LinkedBlockingQueue<>();
        Bootstrap b = new Bootstrap().group(GROUP).channelFactory(() -> new Socket2DatagramChannel(SocketProtocolFamily.INET))
            .option(ChannelOption.RCVBUF_ALLOCATOR, heapReceives(recvmmsg ? 64 * 16 : 2048))
            .option(ChannelOption.SO_RCVBUF, 1 << 20);
        if (recvmmsg) b.option(Socket2ChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 64);
        Channel rx = b.handler(new ChannelInboundHandlerAdapter() {
            @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
                DatagramPacket p = (DatagramPacket) msg;
                try {
                    assertFalse(p.content().isDirect());
                    byte[] bytes = new byte[p.content().readableBytes()];
                    p.content().getBytes(p.content().readerIndex(), bytes);
                    got.add(bytes);
                } finally {
                    p.release();
                }
            }
        }).bind(new InetSocketAddress(LO4, 0)).sync().channel();
        Channel tx = new Bootstrap().group(GROUP).channelFactory(() -> new Socket2DatagramChannel(SocketProtocolFamily.INET))
            .handler(new ChannelInboundHandlerAdapter()).bind(new InetSocketAddress(LO4, 0)).sync().channel();
        try {
            InetSocketAddress to = (InetSocketAddress) rx.localAddress();
            int count = 200;
            tx.eventLoop().submit(() -> {
                for (int seq = 0; seq < count; seq++) {
                    ByteBuf data = Unpooled.buffer();
                    data.writeInt(seq);
                    for (int i = 0; i < seq % 60; i++) data.writeByte(seq + i);
                    tx.write(new DatagramPacket(data, to));
                }
                tx.flush();
            }).sync();
            boolean[] seen = new boolean[count];
            for (int n = 0; n < count; n++) {
                byte[] d = got.poll(10, TimeUnit.SECONDS);
                assertNotNull(d, "datagram missing after " + n);
                int seq = ((d[0] & 0xFF) << 24) | ((d[1] & 0xFF) << 16) | ((d[2] & 0xFF) << 8) | (d[3] & 0xFF);
                assertFalse(seen[seq], "twice: " + seq);
                seen[seq] = true;
                assertEquals(4 + seq % 60, d.length, "length of " + seq);
                for (int i = 0; i < seq % 60; i++) assertEquals((byte) (seq + i), d[4 + i], "byte " + i + " of " + seq);
            }
        } finally {
            tx.close().sync();
            rx.close().sync();
        }
    }
}
