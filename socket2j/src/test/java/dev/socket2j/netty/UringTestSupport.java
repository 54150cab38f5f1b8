package dev.socket2j.netty;

import dev.socket2j.Domain;
import dev.socket2j.Socket;
import dev.socket2j.Type;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the io_uring robustness tests share: servers and clients on loopback, descriptor and loop checks. */
final class UringTestSupport {
    private UringTestSupport() {}

    static Channel server(EventLoopGroup g, ChannelHandler child, boolean autoRead) throws InterruptedException {
        return new ServerBootstrap().group(g).channel(Socket2UringServerSocketChannel.class)
            .childOption(io.netty.channel.ChannelOption.AUTO_READ, autoRead)
            .childHandler(new ChannelInitializer<Channel>() {
                @Override protected void initChannel(Channel ch) { ch.pipeline().addLast(child); }
            }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    static Bootstrap client(EventLoopGroup g, ChannelHandler h) {
        return new Bootstrap().group(g).channel(Socket2UringSocketChannel.class).handler(h);
    }

    static boolean fdOpen(int fd) { return Files.exists(Path.of("/proc/self/fd/" + fd)); }

    static long openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) { return s.count(); }
    }

    static Socket2UringIoHandler loopOf(Channel ch) { return ((UringChannel) ch).registration.loop(); }

    /** Runs {@code c} on {@code loop}'s thread (the handler's state is loop-only). */
    static <T> T onLoop(EventLoop loop, Callable<T> c) throws Exception { return loop.submit(c).get(); }

    /** Waits, bounded (2 s), for {@code cond}; the engine finishes a close once the kernel has cancelled. */
    static boolean eventually(Supplier<Boolean> cond) throws InterruptedException {
        for (int i = 0; i < 200 && !cond.get(); i++) Thread.sleep(10);
        return cond.get();
    }

    static void assertClosedSoon(int fd) throws InterruptedException {
        assertTrue(eventually(() -> !fdOpen(fd)), "descriptor " + fd + " still open");
    }

    /** Live registrations of the loop, read on its thread; waits, bounded, until it is {@code expected}. */
    static void assertRegistrationsSoon(EventLoop loop, Socket2UringIoHandler h, int expected) throws Exception {
        int n = onLoop(loop, h::registrations);
        for (int i = 0; i < 200 && n != expected; i++) {
            Thread.sleep(10);
            n = onLoop(loop, h::registrations);
        }
        assertEquals(expected, n, "registrations on the loop");
    }

    /**
     * Gives descriptor number {@code fd}, just freed by a channel, to a new socket pair and proves the engine leaves it
     * alone: bytes go through it before and after the channel's loop has run more turns, and it stays open. Skips the
     * check (returns false) if the kernel hands out another number.
     */
    static boolean reusedNumberIsLeftAlone(int fd, EventLoop loop) throws Exception {
        List<Socket> spare = new ArrayList<>();
        try {
            for (int i = 0; i < 32; i++) {
                Socket[] p = Socket.pair(Domain.UNIX, Type.STREAM, null);
                spare.add(p[0]);
                spare.add(p[1]);
                Socket mine = p[0].rawFd() == fd ? p[0] : p[1].rawFd() == fd ? p[1] : null;
                if (mine == null) continue;
                Socket other = mine == p[0] ? p[1] : p[0];
                roundTrip(mine, other);
                for (int k = 0; k < 5; k++) loop.submit(() -> { }).sync();
                Thread.sleep(50);
                for (int k = 0; k < 5; k++) loop.submit(() -> { }).sync();
                assertTrue(fdOpen(fd), "the reused number " + fd + " was closed by the engine");
                roundTrip(mine, other);
                roundTrip(other, mine);
                return true;
            }
            return false;
        } finally {
            for (Socket s : spare) s.close();
        }
    }

    private static void roundTrip(Socket from, Socket to) throws IOException {
        byte[] msg = { 1, 2, 3, 4 };
        assertEquals(4, from.send(msg));
        byte[] got = new byte[4];
        assertEquals(4, to.recv(got));
        assertArrayEquals(msg, got);
    }

}
