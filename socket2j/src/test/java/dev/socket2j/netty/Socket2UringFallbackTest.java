package dev.socket2j.netty;

import dev.socket2j.internal.Uring;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static dev.socket2j.netty.UringTestSupport.server;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every optional kernel feature the engine probes has a working fallback: each one forced off (the same switch as
 * {@code -Dsocket2j.uring.disable}) gives a loop that really runs without it, on which several connections each echo
 * several writes byte for byte; and the system property itself, read in a child JVM, turns them all off at once.
 * ({@code Socket2UringTransportTest.echoesWithEachFeatureForcedOff} echoes with each switch but does not check that
 * the switch took effect.)
 */
class Socket2UringFallbackTest {
    private static final int CLIENTS = 3, WRITES = 4, WRITE_SIZE = 12_000;

    @BeforeAll
    static void available() {
        assumeTrue(Socket2Uring.isAvailable(), () -> "io_uring unavailable: " + Socket2Uring.unavailabilityCause());
    }

    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) { ctx.writeAndFlush(msg); }
    }

    /** What a loop looks like with {@code feature} off; true if the feature is in use. */
    private static Predicate<Socket2UringIoHandler> inUse(String feature) {
        return switch (feature) {
            case "NO_SQARRAY" -> h -> h.ring.hasFlag(Uring.SETUP_NO_SQARRAY);
            case "DEFER_TASKRUN" -> h -> h.ring.hasFlag(Uring.SETUP_DEFER_TASKRUN);
            case "SINGLE_ISSUER" -> h -> h.ring.hasFlag(Uring.SETUP_SINGLE_ISSUER);
            case "COOP_TASKRUN" -> h -> h.ring.hasFlag(Uring.SETUP_COOP_TASKRUN);
            case "SUBMIT_ALL" -> h -> h.ring.hasFlag(Uring.SETUP_SUBMIT_ALL);
            case "EXT_ARG" -> Socket2UringIoHandler::usesExtArg;
            case "PBUF_RING" -> Socket2UringIoHandler::usesBufferRing;
            case "RECV_MULTISHOT" -> Socket2UringIoHandler::recvMultishot;
            case "ACCEPT_MULTISHOT" -> Socket2UringIoHandler::acceptMultishot;
            case "CANCEL_FD" -> Socket2UringIoHandler::cancelsByFd;
            case "SEND_ZC" -> Socket2UringIoHandler::sendZc;
            case "REGISTERED_RING" -> h -> h.ring.ringFdRegistered();
            default -> throw new IllegalArgumentException(feature);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = { "NO_SQARRAY", "DEFER_TASKRUN", "SINGLE_ISSUER", "COOP_TASKRUN", "SUBMIT_ALL", "EXT_ARG",
        "PBUF_RING", "RECV_MULTISHOT", "ACCEPT_MULTISHOT", "CANCEL_FD", "SEND_ZC", "REGISTERED_RING" })
    void eachProbedFeatureForcedOffIsOffAndEchoStillWorks(String feature) throws Exception {
        Predicate<Socket2UringIoHandler> used = inUse(feature);
        // COOP_TASKRUN is only asked for without DEFER_TASKRUN: turn that off too so that it would be in use
        Set<String> base = feature.equals("COOP_TASKRUN") ? Set.of("DEFER_TASKRUN") : Set.of();
        Socket2UringIoHandler withIt = echo(Socket2UringIoHandler.newFactory(64, 256, 16, 1024, base));
        assumeTrue(used.test(withIt), feature + " is not available on this kernel: nothing to fall back from");
        Set<String> off = new HashSet<>(base);
        off.add(feature);
        Socket2UringIoHandler without = echo(Socket2UringIoHandler.newFactory(64, 256, 16, 1024, off));
        assertFalse(used.test(without), feature + " still in use after it was turned off");
    }

    /** The property as a user sets it, read when the factory is made: every feature off in a child JVM. */
    @Test
    void thePropertyTurnsEveryFeatureOffInAFreshJvm() throws Exception {
        String all = "NO_SQARRAY,DEFER_TASKRUN,SINGLE_ISSUER,COOP_TASKRUN,SUBMIT_ALL,EXT_ARG,PBUF_RING,RECV_MULTISHOT,"
            + "ACCEPT_MULTISHOT,CANCEL_FD,SEND_ZC,REGISTERED_RING";
        String javaCmd = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(javaCmd, "--enable-native-access=ALL-UNNAMED",
            "-Dsocket2j.uring.disable=" + all.toLowerCase(Locale.ROOT), "-cp",
            System.getProperty("java.class.path"), Child.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        boolean exited = p.waitFor(60, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!exited) p.destroyForcibly();
        assertTrue(exited, "child JVM within 60 s: " + out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("features off: " + all.replace(",", " ")), out);
    }

    /** The child: echo on a default factory, then name each feature that is off. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            Socket2UringIoHandler h = echo(Socket2UringIoHandler.newFactory());
            StringBuilder sb = new StringBuilder("features off:");
            for (String f : new String[] { "NO_SQARRAY", "DEFER_TASKRUN", "SINGLE_ISSUER", "COOP_TASKRUN", "SUBMIT_ALL",
                    "EXT_ARG", "PBUF_RING", "RECV_MULTISHOT", "ACCEPT_MULTISHOT", "CANCEL_FD", "SEND_ZC",
                    "REGISTERED_RING" }) {
                if (!inUse(f).test(h)) sb.append(' ').append(f);
            }
            System.out.println(sb);
            System.exit(0);
        }
    }

    /**
     * {@value #CLIENTS} clients on one loop of {@code factory}, each sending {@value #WRITES} writes of
     * {@value #WRITE_SIZE} bytes to an echo server on the same loop, each getting its bytes back exactly; returns
     * the loop's handler (its group is shut down, its fields still tell what it used).
     */
    static Socket2UringIoHandler echo(IoHandlerFactory factory) throws Exception {
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(1, factory);
        try {
            Channel server = server(g, new Echo(), true);
            int total = WRITES * WRITE_SIZE;
            List<CompletableFuture<byte[]>> results = new ArrayList<>();
            List<Channel> clients = new ArrayList<>();
            for (int k = 0; k < CLIENTS; k++) {
                CompletableFuture<byte[]> done = new CompletableFuture<>();
                ByteBuf acc = Unpooled.buffer(total);
                results.add(done);
                clients.add(new Bootstrap().group(g).channel(Socket2UringSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ByteBuf b = (ByteBuf) msg;
                            acc.writeBytes(b);
                            b.release();
                            if (acc.readableBytes() >= total) done.complete(acc.array());
                        }
                        @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable t) {
                            done.completeExceptionally(t);
                        }
                    }).connect(server.localAddress()).sync().channel());
            }
            byte[][] sent = new byte[CLIENTS][total];
            for (int k = 0; k < CLIENTS; k++) {
                for (int i = 0; i < total; i++) sent[k][i] = (byte) (i * 7 + k * 13 + i / 251);
                for (int w = 0; w < WRITES; w++) {
                    ByteBuf d = clients.get(k).alloc().directBuffer(WRITE_SIZE);
                    d.writeBytes(sent[k], w * WRITE_SIZE, WRITE_SIZE);
                    clients.get(k).writeAndFlush(d);
                }
            }
            for (int k = 0; k < CLIENTS; k++) {
                byte[] got = results.get(k).get(20, TimeUnit.SECONDS);
                assertArrayEquals(sent[k], Arrays.copyOf(got, total), "client " + k);
            }
            Socket2UringIoHandler h = UringTestSupport.loopOf(server);
            for (Channel c : clients) c.close().sync();
            server.close().sync();
            return h;
        } finally {
            g.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
