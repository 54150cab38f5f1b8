package dev.socket2j.bench;

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
 * The transports every scenario runs, selected by name. socket2j's is looked up by class name, so this
 * project builds and runs (without that column) against a library that does not have it yet.
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

    @SuppressWarnings("unchecked")
    private static Transport socket2j() {
        try {
            var newFactory = Class.forName("dev.socket2j.netty.Socket2IoHandler").getMethod("newFactory");
            var sc = (Class<? extends SocketChannel>) Class.forName("dev.socket2j.netty.Socket2SocketChannel");
            var ssc = (Class<? extends ServerSocketChannel>) Class.forName("dev.socket2j.netty.Socket2ServerSocketChannel");
            Class<? extends DatagramChannel> dc;
            try {
                dc = (Class<? extends DatagramChannel>) Class.forName("dev.socket2j.netty.Socket2DatagramChannel");
            } catch (ClassNotFoundException e) {
                dc = null;   // UDP channel not written yet
            }
            Supplier<IoHandlerFactory> f = () -> {
                try {
                    return (IoHandlerFactory) newFactory.invoke(null);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            };
            return new Transport("socket2j", f, sc, ssc, dc);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the socket2j Netty transport is not in the installed library (" + e + ")");
        }
    }

    /**
     * socket2j's io_uring engine, found by class name so this project runs (without that column) against a library
     * that does not have it: {@code Socket2UringIoHandler.newFactory()} with the {@code Socket2Uring*Channel} classes
     * ({@code Socket2UringDatagramChannel} for UDP), or with the epoll engine's TCP classes where the engine has no
     * channels of its own.
     */
    @SuppressWarnings("unchecked")
    private static Transport socket2jUring() {
        String pkg = "dev.socket2j.netty.";
        Class<?> handler;
        try {
            handler = Class.forName(pkg + "Socket2UringIoHandler");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the installed library has no io_uring engine (no " + pkg + "Socket2UringIoHandler)");
        }
        try {
            Class<?> avail = Class.forName(pkg + "Socket2Uring");
            if (!(Boolean) avail.getMethod("isAvailable").invoke(null)) {
                throw new IllegalStateException("io_uring engine unavailable: " + avail.getMethod("unavailabilityCause").invoke(null));
            }
        } catch (ReflectiveOperationException e) {
            // no availability class: starting a loop tells
        }
        try {
            var newFactory = handler.getMethod("newFactory");
            Supplier<IoHandlerFactory> f = () -> {
                try {
                    return (IoHandlerFactory) newFactory.invoke(null);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            };
            var sc = (Class<? extends SocketChannel>) firstClass(pkg + "Socket2UringSocketChannel", pkg + "Socket2SocketChannel");
            var ssc = (Class<? extends ServerSocketChannel>) firstClass(pkg + "Socket2UringServerSocketChannel",
                pkg + "Socket2ServerSocketChannel");
            // the engine's own UDP channel: the epoll engine's cannot register on an io_uring loop ("incompatible event
            // loop type"), so a library without it has no UDP column for this transport
            Class<? extends DatagramChannel> dc;
            try {
                dc = (Class<? extends DatagramChannel>) Class.forName(pkg + "Socket2UringDatagramChannel");
            } catch (ClassNotFoundException e) {
                dc = null;
            }
            return new Transport("socket2j-uring", f, sc, ssc, dc);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the socket2j io_uring engine does not load (" + e + ")");
        }
    }

    private static Class<?> firstClass(String... names) throws ClassNotFoundException {
        for (String n : names) {
            try {
                return Class.forName(n);
            } catch (ClassNotFoundException e) {
                // try the next
            }
        }
        throw new ClassNotFoundException(String.join(" or ", names));
    }
}
