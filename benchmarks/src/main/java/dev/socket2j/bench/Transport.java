package dev.socket2j.bench;

import dev.socket2j.netty.Socket2DatagramChannel;
import dev.socket2j.netty.Socket2IoHandler;
import dev.socket2j.netty.Socket2ServerSocketChannel;
import dev.socket2j.netty.Socket2SocketChannel;
import dev.socket2j.netty.Socket2Uring;
import dev.socket2j.netty.Socket2UringDatagramChannel;
import dev.socket2j.netty.Socket2UringIoHandler;
import dev.socket2j.netty.Socket2UringServerSocketChannel;
import dev.socket2j.netty.Socket2UringSocketChannel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The transports every scenario runs, selected by name; each column is built the same way (method references to
 * its handler factory and channel classes), so no column pays for reflection at start.
 *
 * @param name column name in the results
 * @param factory the event loop's I/O handler
 * @param socket TCP client channel class
 * @param server TCP listening channel class
 * @param datagram UDP channel class, or {@code null} where the transport has none yet
 */
public record Transport(String name, Supplier<IoHandlerFactory> factory, Class<? extends SocketChannel> socket,
                        Class<? extends ServerSocketChannel> server, Class<? extends DatagramChannel> datagram) {

    /** The in-JVM table's columns (client and server on the same transport). */
    public static final List<String> ORDER = List.of("socket2j", "epoll", "io_uring", "nio");
    /** The server-only table's Java columns: socket2j's two engines (io_uring when the library has it), then Netty's. */
    public static final List<String> SERVER_ORDER = List.of("socket2j", "socket2j-uring", "epoll", "io_uring", "nio");

    public EventLoopGroup group(int threads, String prefix) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(prefix + "-" + name, true), factory.get());
    }

    /** The transport called {@code name}, or an exception saying why it cannot run here. */
    public static Transport byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "nio" -> new Transport("nio", NioIoHandler::newFactory, NioSocketChannel.class,
                NioServerSocketChannel.class, NioDatagramChannel.class);
            case "epoll" -> {
                Epoll.ensureAvailability();
                yield new Transport("epoll", EpollIoHandler::newFactory, EpollSocketChannel.class,
                    EpollServerSocketChannel.class, EpollDatagramChannel.class);
            }
            case "io_uring" -> {
                IoUring.ensureAvailability();
                yield new Transport("io_uring", IoUringIoHandler::newFactory, IoUringSocketChannel.class,
                    IoUringServerSocketChannel.class, IoUringDatagramChannel.class);
            }
            case "socket2j" -> socket2j();
            case "socket2j-uring" -> socket2jUring();
            default -> throw new IllegalArgumentException("unknown transport " + name + " (have " + SERVER_ORDER + ")");
        };
    }

    /** The transports of {@code order} that load on this machine; the reasons for the others go to {@code why}. */
    public static List<String> available(List<String> order, List<String> why) {
        List<String> ok = new ArrayList<>();
        for (String n : order) {
            try {
                byName(n);
                ok.add(n);
            } catch (Throwable t) {
                why.add(n + ": " + t);
            }
        }
        return ok;
    }

    private static Transport socket2j() {
        return new Transport("socket2j", Socket2IoHandler::newFactory, Socket2SocketChannel.class,
            Socket2ServerSocketChannel.class, Socket2DatagramChannel.class);
    }

    private static Transport socket2jUring() {
        if (!Socket2Uring.isAvailable()) {
            throw new IllegalStateException("io_uring engine unavailable: " + Socket2Uring.unavailabilityCause());
        }
        return new Transport("socket2j-uring", Socket2UringIoHandler::newFactory, Socket2UringSocketChannel.class,
            Socket2UringServerSocketChannel.class, Socket2UringDatagramChannel.class);
    }
}
