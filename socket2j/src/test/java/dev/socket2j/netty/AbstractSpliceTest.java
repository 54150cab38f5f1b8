package dev.socket2j.netty;

import dev.socket2j.internal.C;
import dev.socket2j.internal.Sys;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.ReferenceCountUtil;
import io.netty.channel.ChannelPromise;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DuplexChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.lang.foreign.Arena;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * spliceTo: bytes moved between sockets (and into a file) by the kernel, on loopback; run for each engine by a
 * subclass that names its loop factory, its channel classes and its {@code spliceTo} methods.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractSpliceTest {
    /** One loop for the proxy side: splicing channels must share it. */
    EventLoopGroup LOOP;
    EventLoopGroup PEERS;

    abstract IoHandlerFactory factory();

    abstract Class<? extends ServerChannel> serverClass();

    abstract Class<? extends Channel> socketClass();

    /** {@code in.spliceTo(target, len, promise)} of the engine's channel class. */
    abstract ChannelFuture splice(Channel in, Channel target, int len, ChannelPromise promise);

    /** {@code in.spliceTo(file, offset, len)} of the engine's channel class. */
    abstract ChannelFuture splice(Channel in, FileDescriptor file, long offset, int len);

    final ChannelFuture splice(Channel in, Channel target, int len) {
        return splice(in, target, len, in.newPromise());
    }

    @BeforeAll
    void start() {
        LOOP = new MultiThreadIoEventLoopGroup(1, factory());
        PEERS = new MultiThreadIoEventLoopGroup(2, factory());
    }

    @AfterAll
    void shutdown() {
        if (LOOP == null) return;   // the engine is not available here
        LOOP.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        PEERS.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A server on {@link #PEERS} whose children add what they read to {@code sink} and report EOF. */
    Channel collector(ByteArrayOutputStream sink, CompletableFuture<Void> eof) throws InterruptedException {
        return new ServerBootstrap().group(PEERS).channel(serverClass())
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .childHandler(new ChannelInitializer<Channel>() {   // a handler per child: the collector serves many
                @Override protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ByteBuf b = (ByteBuf) msg;
                            synchronized (sink) {
                                byte[] a = new byte[b.readableBytes()];
                                b.readBytes(a);
                                sink.write(a, 0, a.length);
                            }
                            b.release();
                        }
                        @Override public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                            if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent) eof.complete(null);
                        }
                    });
                }
            }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    /**
     * A proxy on {@link #LOOP}: each accepted connection (auto-read off, {@code init} run on it) connects to
     * {@code backend} from its own loop, and {@code connected} gets both channels to splice.
     */
    Channel spliceProxy(Channel backend, Consumer<Channel> init, BiConsumer<Channel, Channel> connected)
            throws InterruptedException {
        return spliceProxy(backend, false, init, connected);
    }

    Channel spliceProxy(Channel backend, boolean autoRead, Consumer<Channel> init,
                        BiConsumer<Channel, Channel> connected) throws InterruptedException {
        return new ServerBootstrap().group(LOOP).channel(serverClass())
            .childOption(ChannelOption.AUTO_READ, autoRead)
            .childHandler(new ChannelInitializer<Channel>() {
                @Override protected void initChannel(Channel in) {
                    init.accept(in);
                    new Bootstrap().group(in.eventLoop()).channel(socketClass())
                        .handler(new ChannelInboundHandlerAdapter()).connect(backend.localAddress())
                        .addListener((ChannelFuture f) -> connected.accept(in, f.channel()));
                }
            }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    static byte[] received(ByteArrayOutputStream sink) {
        synchronized (sink) {
            return sink.toByteArray();
        }
    }

    Channel client(InetSocketAddress to) throws InterruptedException {
        return new Bootstrap().group(PEERS).channel(socketClass())
            .handler(new ChannelInboundHandlerAdapter()).connect(to).sync().channel();
    }

    /**
     * The zero-copy proxy: each accepted connection opens its upstream on the same loop and splices into it until
     * end of stream; 16 MiB of random bytes arrive unchanged, the slow start of the upstream included.
     */
    @Test
    void proxySplicesSixteenMegabytesUnchangedUntilEndOfStream() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        CompletableFuture<Void> eof = new CompletableFuture<>();
        Channel backend = collector(sink, eof);
        CompletableFuture<ChannelFuture> spliced = new CompletableFuture<>();
        AtomicLong progress = new AtomicLong(), progressTotal = new AtomicLong();
        Channel proxy = spliceProxy(backend, in -> { }, (in, up) -> {
            ChannelProgressivePromise p = in.newProgressivePromise();
            p.addListener(new ChannelProgressiveFutureListener() {
                @Override public void operationProgressed(ChannelProgressiveFuture f, long done, long total) {
                    progress.set(done);
                    progressTotal.set(total);
                }
                @Override public void operationComplete(ChannelProgressiveFuture f) {
                    ((DuplexChannel) up).shutdownOutput();   // pass the half-close on
                }
            });
            spliced.complete(splice(in, up, Integer.MAX_VALUE, p));
        });
        try {
            byte[] data = new byte[16 << 20];
            new Random(7).nextBytes(data);
            Channel c = client((InetSocketAddress) proxy.localAddress());
            ChannelFuture written = null;
            for (int off = 0; off < data.length; off += 1 << 20) written = c.write(Unpooled.wrappedBuffer(data, off, 1 << 20));
            c.flush();
            written.sync();   // shutdownOutput does not wait for queued writes
            ((DuplexChannel) c).shutdownOutput().sync();
            ChannelFuture done = spliced.get(30, TimeUnit.SECONDS);
            assertTrue(done.await(30, TimeUnit.SECONDS), "splice completes at end of stream");
            assertTrue(done.isSuccess(), () -> "splice failed: " + done.cause());
            eof.get(30, TimeUnit.SECONDS);
            byte[] got = received(sink);
            assertEquals(data.length, got.length);
            assertEquals(crc(data), crc(got), "bytes arrive unchanged and in order");
            assertEquals(data.length, progress.get(), "a progressive promise counts the spliced bytes");
            assertEquals(-1, progressTotal.get(), "of an unbounded splice");
            c.close().sync();
        } finally {
            proxy.close().sync();
            backend.close().sync();
        }
    }

    /** A splice of N bytes moves exactly N; what follows is read into the pipeline as usual. */
    @Test
    void finiteSpliceMovesItsBytesAndTheRestIsReadNormally() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        Channel backend = collector(sink, new CompletableFuture<>());
        BlockingQueue<Object> afterwards = new LinkedBlockingQueue<>();
        CompletableFuture<ChannelFuture> spliced = new CompletableFuture<>();
        Channel proxy = spliceProxy(backend, in -> in.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf b = (ByteBuf) msg;
                for (int i = 0; i < b.readableBytes(); i++) afterwards.add(b.getByte(b.readerIndex() + i));
                ReferenceCountUtil.release(msg);
            }
        }), (in, up) -> {
            ChannelFuture done = splice(in, up, 1000);
            done.addListener(d -> in.config().setAutoRead(true));
            spliced.complete(done);
        });
        try {
            Channel c = client((InetSocketAddress) proxy.localAddress());
            byte[] data = new byte[1500];
            for (int i = 0; i < data.length; i++) data[i] = (byte) (i < 1000 ? 1 : 2);
            c.writeAndFlush(Unpooled.wrappedBuffer(data)).sync();
            ChannelFuture done = spliced.get(30, TimeUnit.SECONDS);
            assertTrue(done.await(30, TimeUnit.SECONDS) && done.isSuccess(), () -> "splice: " + done.cause());
            for (int i = 0; i < 500; i++) {
                Object b = afterwards.poll(10, TimeUnit.SECONDS);
                assertEquals((byte) 2, b, "byte " + (1000 + i) + " reaches the pipeline");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (sink.size() < 1000 && System.nanoTime() < deadline) Thread.sleep(10);
            byte[] got = received(sink);
            byte[] ones = new byte[1000];
            Arrays.fill(ones, (byte) 1);
            assertArrayEquals(ones, got, "exactly the first 1000 bytes were spliced");
            c.close().sync();
        } finally {
            proxy.close().sync();
            backend.close().sync();
        }
    }

    /** Into a file at an offset: the bytes land there; the stream ending first fails a finite splice. */
    @Test
    void spliceToFileWritesAtTheOffsetAndEndOfStreamFailsAnUnfinishedCount() throws Exception {
        Path file = Files.createTempFile("socket2j-splice", ".bin");
        int fd;
        try (Arena a = Arena.ofConfined()) {
            fd = Sys.open(a.allocateFrom(file.toString()), 2 /* O_RDWR */ | C.O_CLOEXEC);
        }
        FileDescriptor out = new FileDescriptor(fd);
        CompletableFuture<ChannelFuture> first = new CompletableFuture<>(), second = new CompletableFuture<>();
        Channel proxy = new ServerBootstrap().group(LOOP).channel(serverClass())
            .childOption(ChannelOption.AUTO_READ, false)
            .childHandler(new ChannelInitializer<Channel>() {
                @Override protected void initChannel(Channel in) {
                    in.eventLoop().execute(() -> {
                        first.complete(splice(in, out, 10, 4096));
                        second.complete(splice(in, out, 0, 100));   // the stream ends before these 100 bytes
                    });
                }
            }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try {
            byte[] data = new byte[4096];
            new Random(3).nextBytes(data);
            Channel c = client((InetSocketAddress) proxy.localAddress());
            c.writeAndFlush(Unpooled.wrappedBuffer(data)).sync();
            ChannelFuture f1 = first.get(30, TimeUnit.SECONDS);
            assertTrue(f1.await(30, TimeUnit.SECONDS) && f1.isSuccess(), () -> "splice to file: " + f1.cause());
            byte[] onDisk = Files.readAllBytes(file);
            assertEquals(10 + 4096, onDisk.length);
            assertArrayEquals(data, Arrays.copyOfRange(onDisk, 10, onDisk.length));
            c.close().sync();
            ChannelFuture f2 = second.get(30, TimeUnit.SECONDS);
            assertTrue(f2.await(30, TimeUnit.SECONDS));
            assertTrue(f2.cause() instanceof EOFException || f2.cause() instanceof ClosedChannelException,
                () -> "unfinished splice at end of stream: " + f2.cause());
        } finally {
            Sys.closeQuietly(fd);   // not out.close(): that is Netty's JNI
            proxy.close().sync();
            Files.deleteIfExists(file);
        }
    }

    /** A failed splice(2) names the call and the errno: a file opened read-only refuses with EBADF. */
    @Test
    void failedSpliceNamesTheCallAndTheErrno() throws Exception {
        Path file = Files.createTempFile("socket2j-splice-ro", ".bin");
        int fd;
        try (Arena a = Arena.ofConfined()) {
            fd = Sys.open(a.allocateFrom(file.toString()), C.O_CLOEXEC);   // O_RDONLY
        }
        CompletableFuture<ChannelFuture> spliced = new CompletableFuture<>();
        Channel proxy = new ServerBootstrap().group(LOOP).channel(serverClass())
            .childOption(ChannelOption.AUTO_READ, false)
            .childHandler(new ChannelInitializer<Channel>() {
                @Override protected void initChannel(Channel in) {
                    in.eventLoop().execute(() -> spliced.complete(splice(in, new FileDescriptor(fd), 0, 100)));
                }
            }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try {
            Channel c = client((InetSocketAddress) proxy.localAddress());
            c.writeAndFlush(Unpooled.wrappedBuffer(new byte[100])).sync();
            ChannelFuture f = spliced.get(30, TimeUnit.SECONDS);
            assertTrue(f.await(30, TimeUnit.SECONDS), "the splice ends");
            assertNotNull(f.cause(), "and fails");
            String m = String.valueOf(f.cause().getMessage());
            assertTrue(m.contains("splice(2)") && m.contains("EBADF"), () -> "names the call and errno: " + f.cause());
            c.close().sync();
        } finally {
            Sys.closeQuietly(fd);
            proxy.close().sync();
            Files.deleteIfExists(file);
        }
    }

    /** Scripting tools and DI containers call methods reflectively: the public ones must be reachable. */
    @Test
    void publicSpliceMethodsWorkThroughReflection() throws Exception {
        Channel a = new Bootstrap().group(LOOP).channel(socketClass())
            .handler(new ChannelInboundHandlerAdapter()).register().sync().channel();
        try {
            Object ref = socketClass().getMethod("socket").invoke(a);
            assertEquals(((io.netty.channel.unix.UnixChannel) a).fd().intValue(), ((dev.socket2j.SockRef) ref).rawFd());
            Object f = socketClass().getMethod("spliceTo", FileDescriptor.class, long.class, int.class)
                .invoke(a, new FileDescriptor(1), 0L, 0);
            assertTrue(((ChannelFuture) f).await(10, TimeUnit.SECONDS));
            assertTrue(((ChannelFuture) f).isSuccess(), "a splice of 0 bytes is done at once");
        } finally {
            a.close().sync();
        }
    }

    @Test
    void refusesBadArgumentsBeforeAnySyscall() throws Exception {
        Channel a = new Bootstrap().group(LOOP).channel(socketClass())
            .handler(new ChannelInboundHandlerAdapter()).register().sync().channel();
        Channel other = new Bootstrap().group(PEERS).channel(socketClass())
            .handler(new ChannelInboundHandlerAdapter()).register().sync().channel();
        Channel unregistered = socketClass().getConstructor().newInstance();
        try {
            assertThrows(IllegalArgumentException.class, () -> splice(a, other, -1));
            assertThrows(IllegalArgumentException.class, () -> splice(a, a, 10), "itself");
            assertThrows(IllegalArgumentException.class, () -> splice(a, other, 10), "another event loop");
            NioSocketChannel nio = new NioSocketChannel();
            assertThrows(IllegalArgumentException.class, () -> splice(a, nio, 10), "not socket2j");
            nio.unsafe().closeForcibly();
            assertThrows(IllegalArgumentException.class, () -> splice(a, new FileDescriptor(1), -1, 10));
            assertThrows(IllegalStateException.class, () -> splice(unregistered, a, 10, a.newPromise()), "not registered");
            ChannelFuture unconnected = splice(a, new FileDescriptor(1), 0, 10);
            assertTrue(unconnected.await(10, TimeUnit.SECONDS));
            assertInstanceOf(java.nio.channels.NotYetConnectedException.class, unconnected.cause());
            a.close().sync();
            ChannelFuture closed = splice(a, new FileDescriptor(1), 0, 10);
            assertTrue(closed.await(10, TimeUnit.SECONDS));
            assertInstanceOf(ClosedChannelException.class, closed.cause());
        } finally {
            a.close().sync();
            other.close().sync();
            unregistered.unsafe().closeForcibly();
        }
    }

    /** The target closing mid-splice fails the splice, and the source is not left waiting forever. */
    @Test
    void targetClosingFailsTheSplice() throws Exception {
        CompletableFuture<Channel> backendChild = new CompletableFuture<>();
        Channel backend = new ServerBootstrap().group(PEERS).channel(serverClass())
            .childOption(ChannelOption.AUTO_READ, false)   // never reads: the upstream fills up
            .childHandler(new ChannelInboundHandlerAdapter() {
                @Override public void channelActive(ChannelHandlerContext ctx) { backendChild.complete(ctx.channel()); }
            }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        CompletableFuture<ChannelFuture> spliced = new CompletableFuture<>();
        CompletableFuture<Channel> upstream = new CompletableFuture<>();
        Channel proxy = spliceProxy(backend, in -> { }, (in, up) -> {
            upstream.complete(up);
            spliced.complete(splice(in, up, Integer.MAX_VALUE));
        });
        try {
            Channel c = client((InetSocketAddress) proxy.localAddress());
            c.writeAndFlush(Unpooled.wrappedBuffer(new byte[8 << 20]));   // more than the sockets on the way hold
            ChannelFuture done = spliced.get(30, TimeUnit.SECONDS);
            assertNotNull(backendChild.get(30, TimeUnit.SECONDS));
            Thread.sleep(200);
            assertTrue(!done.isDone(), "waiting on the full upstream");
            upstream.get().close().sync();
            assertTrue(done.await(10, TimeUnit.SECONDS), "the splice ends when its target closes");
            assertTrue(done.cause() != null, "and fails");
            c.close().sync();
        } finally {
            proxy.close().sync();
            backend.close().sync();
        }
    }

    static long crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }
    /**
     * Urgent data (MSG_OOB) at the head of the stream makes TCP's splice(2) return 0 as if the stream had ended;
     * the source reads past it instead (recv(2) steps over the urgent byte): the splice goes on to the real end of
     * stream, and the bytes around the urgent one (which is out of band, SO_OOBINLINE being off) arrive in order.
     */
    @Test
    void urgentDataIsNotTheEndOfTheStream() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        CompletableFuture<Void> eof = new CompletableFuture<>();
        Channel backend = collector(sink, eof);
        CompletableFuture<ChannelFuture> spliced = new CompletableFuture<>();
        Channel proxy = spliceProxy(backend, in -> { }, (in, up) -> {
            ChannelFuture f = splice(in, up, Integer.MAX_VALUE);
            f.addListener(x -> ((DuplexChannel) up).shutdownOutput());
            spliced.complete(f);
        });
        try (dev.socket2j.Socket c = dev.socket2j.Socket.open(dev.socket2j.Domain.IPV4, dev.socket2j.Type.STREAM)) {
            c.connect((InetSocketAddress) proxy.localAddress());
            ChannelFuture done = spliced.get(30, TimeUnit.SECONDS);
            c.send("abc".getBytes());
            assertTrue(UringTestSupport.eventually(() -> received(sink).length == 3), "the first bytes are spliced");
            c.sendOutOfBand(new byte[] {'U'});
            c.send("def".getBytes());   // usually in before the next poll: urgent byte at the head, data behind it
            assertTrue(UringTestSupport.eventually(() -> received(sink).length == 6), "the bytes behind it too");
            assertTrue(!done.isDone(), () -> "urgent data did not end the splice: " + done.cause());
            c.shutdown(dev.socket2j.Shutdown.WRITE);
            assertTrue(done.await(30, TimeUnit.SECONDS) && done.isSuccess(), () -> "ends at the real end: " + done.cause());
            eof.get(30, TimeUnit.SECONDS);
            assertEquals("abcdef", new String(received(sink)));
        } finally {
            proxy.close().sync();
            backend.close().sync();
        }
    }


}
