package dev.socket2j.reactor;

import dev.socket2j.netty.Socket2DatagramChannel;
import dev.socket2j.netty.Socket2DomainDatagramChannel;
import dev.socket2j.netty.Socket2DomainSocketChannel;
import dev.socket2j.netty.Socket2IoHandler;
import dev.socket2j.netty.Socket2ServerDomainSocketChannel;
import dev.socket2j.netty.Socket2ServerSocketChannel;
import dev.socket2j.netty.Socket2SocketChannel;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.unix.DomainDatagramChannel;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.channel.unix.ServerDomainSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * reactor-netty {@link LoopResources} on socket2j: event loops driven by {@link Socket2IoHandler} and socket2j's
 * channel classes for every channel kind reactor-netty asks for (TCP, UDP, Unix domain stream and datagram).
 * Pass it to {@code runOn(...)} of {@code HttpServer}, {@code HttpClient}, {@code TcpServer}, {@code TcpClient},
 * {@code UdpServer} or {@code UdpClient}:
 * <pre>{@code
 * LoopResources loops = Socket2LoopResources.create("http");
 * DisposableServer server = HttpServer.create().runOn(loops).handle(...).bindNow();
 * HttpClient client = HttpClient.create().runOn(loops);
 * }</pre>
 * A client's DNS resolver ({@code runOn} makes one from these resources) runs on the same loops over
 * {@link Socket2DatagramChannel}s, with TCP fallback over {@link Socket2SocketChannel}s.
 *
 * <p>reactor-netty's own {@code runOn(EventLoopGroup)} refuses a socket2j group ("Unsupported event loop group":
 * it knows only NIO, epoll, kqueue and io_uring); {@link #wrap(EventLoopGroup)} takes such a group instead.
 * The {@code useNative} flag of reactor-netty's methods is ignored: every group here is socket2j's, which needs
 * no native library.
 */
public final class Socket2LoopResources implements LoopResources {

    /** Each channel kind reactor-netty asks for, and the socket2j class that answers it. */
    private static final Map<Class<?>, Kind> KINDS = Map.of(
        SocketChannel.class, new Kind(Socket2SocketChannel.class, Socket2SocketChannel::new),
        ServerSocketChannel.class, new Kind(Socket2ServerSocketChannel.class, Socket2ServerSocketChannel::new),
        DatagramChannel.class, new Kind(Socket2DatagramChannel.class, Socket2DatagramChannel::new),
        DomainSocketChannel.class, new Kind(Socket2DomainSocketChannel.class, Socket2DomainSocketChannel::new),
        ServerDomainSocketChannel.class, new Kind(Socket2ServerDomainSocketChannel.class,
            Socket2ServerDomainSocketChannel::new),
        DomainDatagramChannel.class, new Kind(Socket2DomainDatagramChannel.class, Socket2DomainDatagramChannel::new));

    private record Kind(Class<? extends Channel> type, Supplier<? extends Channel> make) {}

    private final EventLoopGroup workers;
    private final EventLoopGroup selectors;
    private final EventLoopGroup clients;
    private final boolean daemon;
    private final boolean owned;
    private final AtomicBoolean disposed = new AtomicBoolean();

    private Socket2LoopResources(EventLoopGroup selectors, EventLoopGroup workers, boolean daemon, boolean owned) {
        this.selectors = selectors;
        this.workers = workers;
        // Clients run on the loop of the caller when it is one of ours (reactor-netty's default colocation).
        this.clients = LoopResources.colocate(workers);
        this.daemon = daemon;
        this.owned = owned;
    }

    /**
     * Daemon event loops named {@code prefix-...}: {@link LoopResources#DEFAULT_IO_WORKER_COUNT} workers, which also
     * accept (as reactor-netty does by default).
     */
    public static Socket2LoopResources create(String prefix) {
        return create(prefix, -1, DEFAULT_IO_WORKER_COUNT, true, Socket2IoHandler.newFactory());
    }

    /** {@code workerCount} event loops that accept and serve; see {@link #create(String, int, int, boolean, IoHandlerFactory)}. */
    public static Socket2LoopResources create(String prefix, int workerCount, boolean daemon) {
        return create(prefix, -1, workerCount, daemon, Socket2IoHandler.newFactory());
    }

    /**
     * Event loops made by {@code factory} ({@link Socket2IoHandler#newFactory()}, or another socket2j engine's).
     *
     * @param prefix thread name prefix
     * @param selectCount loops that only accept, or {@code -1} to accept on the workers
     * @param workerCount loops that serve connections (and clients)
     * @param daemon whether the loop threads are daemon threads
     * @param factory the I/O handler of every loop
     * @throws IllegalArgumentException for an empty prefix, {@code workerCount < 1} or {@code selectCount} below 1
     *         and not -1
     */
    public static Socket2LoopResources create(String prefix, int selectCount, int workerCount, boolean daemon,
                                              IoHandlerFactory factory) {
        if (Objects.requireNonNull(prefix, "prefix").isEmpty()) throw new IllegalArgumentException("empty prefix");
        Objects.requireNonNull(factory, "factory");
        if (workerCount < 1) throw new IllegalArgumentException("workerCount must be at least 1, got " + workerCount);
        if (selectCount < 1 && selectCount != -1) {
            throw new IllegalArgumentException("selectCount must be at least 1, or -1, got " + selectCount);
        }
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(workerCount,
            new DefaultThreadFactory(prefix + "-socket2j", daemon), factory);
        EventLoopGroup selectors = selectCount == -1 ? workers : new MultiThreadIoEventLoopGroup(selectCount,
            new DefaultThreadFactory(prefix + "-socket2j-select", daemon), factory);
        return new Socket2LoopResources(selectors, workers, daemon, true);
    }

    /**
     * Resources over a socket2j group the caller already has (it accepts, serves and runs clients). Disposing these
     * resources leaves {@code group} running: its owner shuts it down.
     */
    public static Socket2LoopResources wrap(EventLoopGroup group) {
        return new Socket2LoopResources(Objects.requireNonNull(group, "group"), group, false, false);
    }

    @Override public EventLoopGroup onServer(boolean useNative) { return workers; }

    @Override public EventLoopGroup onServerSelect(boolean useNative) { return selectors; }

    @Override public EventLoopGroup onClient(boolean useNative) { return clients; }

    @Override public boolean daemon() { return daemon; }

    /**
     * A new unregistered socket2j channel for {@code channelType}: {@code SocketChannel}, {@code ServerSocketChannel},
     * {@code DatagramChannel}, {@code DomainSocketChannel}, {@code ServerDomainSocketChannel} or
     * {@code DomainDatagramChannel}.
     *
     * @throws IllegalArgumentException for any other type
     */
    @Override
    public <C extends Channel> C onChannel(Class<C> channelType, EventLoopGroup group) {
        return channelType.cast(kind(channelType).make().get());
    }

    /** The socket2j class for {@code channelType}; see {@link #onChannel(Class, EventLoopGroup)}. */
    @Override
    @SuppressWarnings("unchecked")
    public <C extends Channel> Class<? extends C> onChannelClass(Class<C> channelType, EventLoopGroup group) {
        return (Class<? extends C>) kind(channelType).type();
    }

    private static Kind kind(Class<?> channelType) {
        Kind k = KINDS.get(channelType);
        if (k == null) throw new IllegalArgumentException("socket2j has no channel for " + channelType.getName());
        return k;
    }

    @Override public boolean isDisposed() { return disposed.get(); }

    /** Shuts the loops down gracefully (unless they were {@linkplain #wrap wrapped}); completes when they ended. */
    @Override
    public Mono<Void> disposeLater(Duration quietPeriod, Duration timeout) {
        return Mono.defer(() -> {
            if (!disposed.compareAndSet(false, true) || !owned) return Mono.empty();
            List<Mono<Void>> ends = new ArrayList<>();
            ends.add(end(workers.shutdownGracefully(quietPeriod.toMillis(), timeout.toMillis(), TimeUnit.MILLISECONDS)));
            if (selectors != workers) {
                ends.add(end(selectors.shutdownGracefully(quietPeriod.toMillis(), timeout.toMillis(), TimeUnit.MILLISECONDS)));
            }
            return Mono.when(ends);
        });
    }

    private static Mono<Void> end(Future<?> f) {
        return Mono.create(sink -> f.addListener(done -> {
            if (done.isSuccess()) sink.success();
            else sink.error(done.cause());
        }));
    }

    @Override public String toString() { return "Socket2LoopResources" + (owned ? "" : "(wrapped)"); }
}
