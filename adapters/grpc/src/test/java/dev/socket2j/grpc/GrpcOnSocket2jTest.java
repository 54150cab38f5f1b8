package dev.socket2j.grpc;

import dev.socket2j.netty.Socket2ChannelOption;
import dev.socket2j.netty.Socket2DomainSocketChannel;
import dev.socket2j.netty.Socket2IoHandler;
import dev.socket2j.netty.Socket2ServerDomainSocketChannel;
import dev.socket2j.netty.Socket2ServerSocketChannel;
import dev.socket2j.netty.Socket2SocketChannel;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * gRPC-java (grpc-netty) on socket2j, set up as the README shows: the server and channel builders get socket2j's
 * event loop group and channel classes, over TCP and Unix domain sockets. A small hand-written service (byte[]
 * messages, no protoc): unary, server streaming, bidirectional streaming, a deadline, a 4 MiB message, keepalive.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GrpcOnSocket2jTest {
    private static final int MAX_MESSAGE = 8 * 1024 * 1024;
    private static EventLoopGroup group;
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    /** Every client channel the channel builders made (through a channel factory that records them). */
    private final List<Channel> clientChannels = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() { group = new MultiThreadIoEventLoopGroup(2, Socket2IoHandler.newFactory()); }

    @AfterAll
    static void stop() throws Exception { group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync(); }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) c.close();
    }

    // ---- the service: byte[] in, byte[] out ----

    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override public InputStream stream(byte[] value) { return new ByteArrayInputStream(value); }
        @Override public byte[] parse(InputStream in) {
            try {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    static MethodDescriptor<byte[], byte[]> method(String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<byte[], byte[]>newBuilder().setType(type)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("socket2j.Test", name))
            .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    }

    static final MethodDescriptor<byte[], byte[]> ECHO = method("Echo", MethodDescriptor.MethodType.UNARY);
    static final MethodDescriptor<byte[], byte[]> COUNT = method("Count", MethodDescriptor.MethodType.SERVER_STREAMING);
    static final MethodDescriptor<byte[], byte[]> CHAT = method("Chat", MethodDescriptor.MethodType.BIDI_STREAMING);
    static final MethodDescriptor<byte[], byte[]> NEVER = method("Never", MethodDescriptor.MethodType.UNARY);
    static final MethodDescriptor<byte[], byte[]> SLOW = method("Slow", MethodDescriptor.MethodType.SERVER_STREAMING);

    private final CompletableFuture<Status> neverEnded = new CompletableFuture<>();

    private ServerServiceDefinition service() {
        return ServerServiceDefinition.builder("socket2j.Test")
            .addMethod(ECHO, ServerCalls.asyncUnaryCall((req, out) -> {
                out.onNext(req);
                out.onCompleted();
            }))
            .addMethod(COUNT, ServerCalls.asyncServerStreamingCall((req, out) -> {
                int n = Integer.parseInt(new String(req, StandardCharsets.US_ASCII));
                for (int i = 0; i < n; i++) out.onNext(Integer.toString(i).getBytes(StandardCharsets.US_ASCII));
                out.onCompleted();
            }))
            .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall(out -> new StreamObserver<byte[]>() {
                @Override public void onNext(byte[] m) { out.onNext(m); }
                @Override public void onError(Throwable t) { }
                @Override public void onCompleted() { out.onCompleted(); }
            }))
            .addMethod(NEVER, ServerCalls.asyncUnaryCall((req, out) ->
                io.grpc.Context.current().addListener(ctx -> neverEnded.complete(Status.fromThrowable(ctx.cancellationCause())),
                    Runnable::run)))
            .addMethod(SLOW, ServerCalls.asyncServerStreamingCall((req, out) -> {
                // Three messages 400 ms apart: the call outlives several keepalive pings of the server.
                for (int i = 0; i < 3; i++) {
                    int n = i;
                    group.schedule(() -> {
                        out.onNext(new byte[] {(byte) n});
                        if (n == 2) out.onCompleted();
                    }, 400L * (i + 1), TimeUnit.MILLISECONDS);
                }
            }))
            .build();
    }

    // ---- the two-call setup ----

    private Server tcpServer() throws IOException {
        Server s = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .bossEventLoopGroup(group).workerEventLoopGroup(group).channelType(Socket2ServerSocketChannel.class)
            .maxInboundMessageSize(MAX_MESSAGE)
            .keepAliveTime(200, TimeUnit.MILLISECONDS).keepAliveTimeout(2, TimeUnit.SECONDS)
            .permitKeepAliveTime(1, TimeUnit.SECONDS)
            .addService(service()).build().start();
        cleanup.add(() -> s.shutdownNow().awaitTermination(10, TimeUnit.SECONDS));
        return s;
    }

    private Server unixServer(DomainSocketAddress at) throws IOException {
        Server s = NettyServerBuilder.forAddress(at)
            .bossEventLoopGroup(group).workerEventLoopGroup(group).channelType(Socket2ServerDomainSocketChannel.class)
            .maxInboundMessageSize(MAX_MESSAGE).addService(service()).build().start();
        cleanup.add(() -> s.shutdownNow().awaitTermination(10, TimeUnit.SECONDS));
        return s;
    }

    private ManagedChannel tcpChannel(int port) {
        ManagedChannel ch = NettyChannelBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .eventLoopGroup(group).channelFactory(() -> record(new Socket2SocketChannel()))
            // gRPC sets TCP_USER_TIMEOUT = keepAliveTimeout only on epoll channels; here it comes from the option table
            .withOption(Socket2ChannelOption.TCP_USER_TIMEOUT, 7000)
            .keepAliveTime(10, TimeUnit.SECONDS).keepAliveTimeout(7, TimeUnit.SECONDS)
            .maxInboundMessageSize(MAX_MESSAGE).usePlaintext().build();
        cleanup.add(() -> ch.shutdownNow().awaitTermination(10, TimeUnit.SECONDS));
        return ch;
    }

    private ManagedChannel unixChannel(DomainSocketAddress at) {
        ManagedChannel ch = NettyChannelBuilder.forAddress(at)
            .eventLoopGroup(group).channelFactory(() -> record(new Socket2DomainSocketChannel()), DomainSocketAddress.class)
            .maxInboundMessageSize(MAX_MESSAGE).usePlaintext().build();
        cleanup.add(() -> ch.shutdownNow().awaitTermination(10, TimeUnit.SECONDS));
        return ch;
    }

    private <C extends Channel> C record(C c) {
        clientChannels.add(c);
        return c;
    }

    private ManagedChannel channel(String kind, Path dir) throws IOException {
        if (kind.equals("tcp")) return tcpChannel(tcpServer().getPort());
        DomainSocketAddress at = new DomainSocketAddress(dir.resolve("grpc.sock").toFile());
        unixServer(at);
        return unixChannel(at);
    }

    private static byte[] ascii(String s) { return s.getBytes(StandardCharsets.US_ASCII); }

    // ---- the tests ----

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "unix"})
    void unaryAndStreamingCalls(String kind, @TempDir Path dir) throws Exception {
        ManagedChannel ch = channel(kind, dir);
        assertArrayEquals(ascii("hello"), ClientCalls.blockingUnaryCall(ch, ECHO, CallOptions.DEFAULT, ascii("hello")));

        Iterator<byte[]> it = ClientCalls.blockingServerStreamingCall(ch, COUNT, CallOptions.DEFAULT, ascii("100"));
        int n = 0;
        while (it.hasNext()) assertEquals(Integer.toString(n++), new String(it.next(), StandardCharsets.US_ASCII));
        assertEquals(100, n);

        List<String> got = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<byte[]> out = ClientCalls.asyncBidiStreamingCall(ch.newCall(CHAT, CallOptions.DEFAULT),
            new StreamObserver<>() {
                @Override public void onNext(byte[] m) { got.add(new String(m, StandardCharsets.US_ASCII)); }
                @Override public void onError(Throwable t) { done.completeExceptionally(t); }
                @Override public void onCompleted() { done.complete(null); }
            });
        for (int i = 0; i < 50; i++) out.onNext(ascii("m" + i));
        out.onCompleted();
        done.get(20, TimeUnit.SECONDS);
        assertEquals(50, got.size());
        assertEquals("m49", got.getLast());

        Class<?> expected = kind.equals("tcp") ? Socket2SocketChannel.class : Socket2DomainSocketChannel.class;
        assertFalse(clientChannels.isEmpty());
        for (Channel c : clientChannels) assertInstanceOf(expected, c);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "unix"})
    void deadlineExceededCancelsTheServerCall(String kind, @TempDir Path dir) throws Exception {
        ManagedChannel ch = channel(kind, dir);
        // Connected first, so that the deadline runs out on the server's call, not during the first connection.
        assertArrayEquals(ascii("up"), ClientCalls.blockingUnaryCall(ch, ECHO, CallOptions.DEFAULT, ascii("up")));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(ch, NEVER,
            CallOptions.DEFAULT.withDeadlineAfter(300, TimeUnit.MILLISECONDS), ascii("x")));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
        // The server hears of it too: its call context is cancelled.
        assertTrue(neverEnded.get(20, TimeUnit.SECONDS) != null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "unix"})
    void fourMebibyteMessageBothWays(String kind, @TempDir Path dir) throws Exception {
        ManagedChannel ch = channel(kind, dir);
        byte[] big = new byte[4 * 1024 * 1024];
        new Random(42).nextBytes(big);
        byte[] back = ClientCalls.blockingUnaryCall(ch, ECHO, CallOptions.DEFAULT, big);
        assertTrue(Arrays.equals(big, back), "the 4 MiB echo differs");
    }

    /**
     * Keepalive over TCP: the user timeout the channel builder asked for through {@link Socket2ChannelOption} is what
     * the kernel reports on the client's socket, and a call outlives several server keepalive pings (200 ms apart,
     * each answered within the 2 s timeout, or the server would close the connection).
     */
    @Test
    void keepaliveWithTcpUserTimeoutFromTheOptionTable() throws Exception {
        ManagedChannel ch = tcpChannel(tcpServer().getPort());
        assertArrayEquals(ascii("up"), ClientCalls.blockingUnaryCall(ch, ECHO, CallOptions.DEFAULT, ascii("up")));
        Channel c = clientChannels.getFirst();
        assertEquals(7000, c.config().getOption(Socket2ChannelOption.TCP_USER_TIMEOUT));

        Iterator<byte[]> it = ClientCalls.blockingServerStreamingCall(ch, SLOW, CallOptions.DEFAULT, new byte[0]);
        int n = 0;
        while (it.hasNext()) assertEquals(n++, it.next()[0]);
        assertEquals(3, n);
        assertEquals(1, clientChannels.size(), "the connection stayed up through the pings");
        assertTrue(c.isActive());
    }

    /** Netty's JNI transports must not be on this module's class path: socket2j replaces them. */
    @Test
    void noNettyJniJarOnTheClassPath() {
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            assertFalse(entry.matches(".*netty-(transport-native-(epoll|kqueue|io_uring)|codec-native-quic"
                + "|resolver-dns-native-macos|tcnative).*"), entry);
        }
        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.netty.channel.epoll.Native"));
    }
}
