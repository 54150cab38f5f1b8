package dev.socket2j.netty;

import dev.socket2j.Domain;
import dev.socket2j.Socket;
import dev.socket2j.Type;
import dev.socket2j.internal.C;
import dev.socket2j.internal.Sys;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * spliceTo from a Unix stream channel, on both engines: bytes from one socketpair reach another (and a file) through
 * the kernel, ordinary reads resume after the splice, a channel in FILE_DESCRIPTORS mode refuses to splice, and a
 * target closed mid-splice fails the promise and leaves no descriptor behind. The peers are plain blocking sockets of
 * the test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Socket2DomainSpliceTest {
    private EventLoopGroup epoll, uring;

    @BeforeAll
    void start() {
        epoll = new MultiThreadIoEventLoopGroup(1, Socket2IoHandler.newFactory());
        if (Socket2Uring.isAvailable()) uring = new MultiThreadIoEventLoopGroup(1, Socket2UringIoHandler.newFactory());
    }

    @AfterAll
    void stop() throws InterruptedException {
        epoll.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        if (uring != null) uring.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /** A registered channel on one end of a new socketpair; {@code peer[0]} receives the test's end. */
    private Channel channel(String engine, Socket[] peer, boolean autoRead, ChannelInboundHandlerAdapter handler)
        throws Exception {
        EventLoopGroup g = engine.equals("epoll") ? epoll : uring;
        assumeTrue(g != null, () -> "io_uring unavailable: " + Socket2Uring.unavailabilityCause());
        Socket[] pair = Socket.pair(Domain.UNIX, new Type(C.SOCK_STREAM), null);
        peer[0] = pair[1];
        int fd = pair[0].intoFd();
        Channel ch = engine.equals("epoll") ? new Socket2DomainSocketChannel(fd) : new Socket2UringDomainSocketChannel(fd);
        ch.config().setAutoRead(autoRead);
        if (handler != null) ch.pipeline().addLast(handler);
        g.register(ch).sync();
        return ch;
    }

    private static ChannelFuture splice(Channel in, Channel target, int len) {
        return in instanceof Socket2DomainSocketChannel e ? e.spliceTo(target, len)
            : ((Socket2UringDomainSocketChannel) in).spliceTo(target, len);
    }

    private static ChannelFuture splice(Channel in, FileDescriptor file, long offset, int len) {
        return in instanceof Socket2DomainSocketChannel e ? e.spliceTo(file, offset, len)
            : ((Socket2UringDomainSocketChannel) in).spliceTo(file, offset, len);
    }

    private static byte[] readFully(Socket s, int n) throws IOException {
        byte[] out = new byte[n];
        int off = 0;
        while (off < n) {
            int r = s.recv(out, off, n - off);
            if (r <= 0) break;
            off += r;
        }
        return off == n ? out : Arrays.copyOf(out, off);
    }

    private static Thread writer(Socket s, byte[] data) {
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                int off = 0;
                while (off < data.length) off += s.send(data, off, data.length - off);
            } catch (IOException ignored) {
                // the test's assertion reports what did not arrive
            }
        });
        return t;
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "uring"})
    void aUnixSourceSplicesToAUnixTargetInOrderAndThenReadsAgain(String engine) throws Exception {
        Socket[] src = new Socket[1], dst = new Socket[1];
        CompletableFuture<String> tail = new CompletableFuture<>();
        Channel in = channel(engine, src, false, new ChannelInboundHandlerAdapter() {
            final ByteArrayOutputStream seen = new ByteArrayOutputStream();
            @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf b = (ByteBuf) msg;
                byte[] bytes = new byte[b.readableBytes()];
                b.readBytes(bytes);
                b.release();
                seen.writeBytes(bytes);
                if (seen.size() >= 4) tail.complete(seen.toString());
            }
        });
        Channel out = channel(engine, dst, false, null);
        try {
            byte[] data = new byte[1 << 20];
            new Random(1).nextBytes(data);
            ChannelFuture f = splice(in, out, data.length);
            Thread w = writer(src[0], data);
            assertArrayEquals(data, readFully(dst[0], data.length), "spliced bytes, in order");
            assertTrue(f.await(30, TimeUnit.SECONDS) && f.isSuccess(), () -> "splice: " + f.cause());
            w.join();
            in.config().setAutoRead(true);
            src[0].send("tail".getBytes(), 0, 4);
            assertEquals("tail", tail.get(30, TimeUnit.SECONDS), "reads go on after the splice");
        } finally {
            closeAll(in, out, src[0], dst[0]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "uring"})
    void aUnixSourceSplicesIntoAFileAtTheOffset(String engine) throws Exception {
        Path file = Files.createTempFile("socket2j-unix-splice", ".bin");
        int fd;
        try (Arena a = Arena.ofConfined()) {
            fd = Sys.open(a.allocateFrom(file.toString()), 2 /* O_RDWR */ | C.O_CLOEXEC);
        }
        FileDescriptor target = new FileDescriptor(fd);
        Socket[] src = new Socket[1];
        Channel in = channel(engine, src, false, null);
        try {
            byte[] data = new byte[100_000];
            new Random(2).nextBytes(data);
            ChannelFuture f = splice(in, target, 7, data.length);
            writer(src[0], data).join();
            assertTrue(f.await(30, TimeUnit.SECONDS) && f.isSuccess(), () -> "splice to file: " + f.cause());
            byte[] onDisk = Files.readAllBytes(file);
            assertEquals(7 + data.length, onDisk.length);
            assertArrayEquals(data, Arrays.copyOfRange(onDisk, 7, onDisk.length));
        } finally {
            in.close().sync();
            src[0].close();
            Sys.close(fd);
            Files.deleteIfExists(file);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "uring"})
    void aChannelReadingDescriptorsRefusesToSplice(String engine) throws Exception {
        Socket[] src = new Socket[1], dst = new Socket[1];
        Channel in = channel(engine, src, false, null);
        Channel out = channel(engine, dst, false, null);
        try {
            ((DomainSocketChannel) in).config().setReadMode(DomainSocketReadMode.FILE_DESCRIPTORS);
            ChannelFuture f = splice(in, out, 10);
            assertTrue(f.await(30, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, f.cause());
            assertTrue(f.cause().getMessage().contains("DomainSocketReadMode.BYTES"), f.cause().getMessage());
        } finally {
            closeAll(in, out, src[0], dst[0]);
        }
    }

    /** Rounds of: an unbounded splice under way, the target closed from another thread; then every descriptor is gone. */
    @ParameterizedTest
    @ValueSource(strings = {"epoll", "uring"})
    void closingTheTargetMidSpliceFailsThePromiseAndLeavesNoDescriptor(String engine) throws Exception {
        assumeTrue(engine.equals("epoll") || uring != null, "io_uring unavailable");
        long before = openFds();
        for (int r = 0; r < 20; r++) {
            int round = r;
            Socket[] src = new Socket[1], dst = new Socket[1];
            Channel in = channel(engine, src, false, null);
            Channel out = channel(engine, dst, false, null);
            try {
                ChannelFuture f = splice(in, out, Integer.MAX_VALUE);
                byte[] chunk = new byte[64 << 10];
                src[0].send(chunk, 0, chunk.length);
                if (round % 2 == 0) readFully(dst[0], 1000);   // sometimes the splice is known to have started
                out.close().sync();
                assertTrue(f.await(30, TimeUnit.SECONDS), "the splice ends when its target closes");
                assertInstanceOf(ClosedChannelException.class, f.cause(), () -> "round " + round + ": " + f.cause());
            } finally {
                closeAll(in, out, src[0], dst[0]);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (openFds() > before && System.nanoTime() < deadline) Thread.sleep(20);   // io_uring closes after its cancels
        assertEquals(before, openFds(), "descriptors left open");
    }

    /** Both channels, then the peers' sockets. */
    private static void closeAll(Channel in, Channel out, Socket inPeer, Socket outPeer) throws Exception {
        in.close().sync();
        out.close().sync();
        inPeer.close();
        outPeer.close();
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
