package dev.socket2j.proxy;

import dev.socket2j.SockRef;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.nio.AbstractNioChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.UnixChannel;
import dev.socket2j.netty.Socket2;
import dev.socket2j.netty.Socket2ChannelOption;
import dev.socket2j.netty.Socket2DatagramChannel;
import dev.socket2j.netty.Socket2IoHandler;
import dev.socket2j.netty.Socket2ServerSocketChannel;
import dev.socket2j.netty.Socket2SocketChannel;

import java.lang.reflect.Method;
import java.net.StandardSocketOptions;
import java.util.List;
import java.util.function.Supplier;

/**
 * The Netty transports the proxy runs on, chosen by name: {@code socket2j} (this project's, the default) and
 * {@code nio} (the JDK's, for comparison).
 *
 * @param name the name given to {@code --transport}
 * @param factory makes the event loops' I/O handler
 * @param socketChannel the client channel class
 * @param serverChannel the listening channel class
 * @param reusePort the {@code ChannelOption} this transport takes for SO_REUSEPORT
 * @param datagramChannel the UDP channel class ({@code --udp})
 */
record ProxyTransport(String name, Supplier<IoHandlerFactory> factory, Class<? extends SocketChannel> socketChannel,
                      Class<? extends ServerSocketChannel> serverChannel, ChannelOption<Boolean> reusePort,
                      Class<? extends DatagramChannel> datagramChannel) {

    static final ProxyTransport NIO = new ProxyTransport("nio", NioIoHandler::newFactory, NioSocketChannel.class,
        NioServerSocketChannel.class, NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT),
        NioDatagramChannel.class);

    static final ProxyTransport SOCKET2J = new ProxyTransport("socket2j", Socket2IoHandler::newFactory,
        Socket2SocketChannel.class, Socket2ServerSocketChannel.class, Socket2ChannelOption.SO_REUSEPORT,
        Socket2DatagramChannel.class);

    /** Every transport, the preferred one first. */
    static List<ProxyTransport> available() { return List.of(SOCKET2J, NIO); }

    static ProxyTransport defaultTransport() { return available().getFirst(); }

    /**
     * A borrowed reference to the channel's socket, for reading and writing any option of the table.
     * socket2j's channels (and any {@link UnixChannel}) give their descriptor directly; NIO hides it inside
     * the JDK, which needs {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED} (bin/socket2j-proxy passes it).
     *
     * @throws UnsupportedOperationException with what to do, if the descriptor cannot be reached
     */
    static SockRef sockRef(Channel ch) {
        if (ch instanceof UnixChannel u) return Socket2.sockRef(u);
        if (ch instanceof AbstractNioChannel) return SockRef.of(NioFd.of(ch));
        throw new UnsupportedOperationException("cannot reach the socket of a " + ch.getClass().getSimpleName());
    }

    /** The descriptor number behind a NIO channel, through the JDK's internal {@code SelChImpl.getFDVal()}. */
    static final class NioFd {
        private static final Method JAVA_CHANNEL;
        private static final Method FD_VAL;
        private static final String PROBLEM;

        static {
            Method jc = null, fv = null;
            String problem = null;
            try {
                jc = AbstractNioChannel.class.getDeclaredMethod("javaChannel");
                jc.setAccessible(true);
                fv = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
                fv.setAccessible(true);
            } catch (ReflectiveOperationException | RuntimeException e) {
                problem = e.toString();
            }
            JAVA_CHANNEL = problem == null ? jc : null;
            FD_VAL = problem == null ? fv : null;
            PROBLEM = problem;
        }

        private NioFd() {}

        static boolean available() { return PROBLEM == null; }

        static int of(Channel ch) {
            if (PROBLEM != null) throw new UnsupportedOperationException("setting or reading socket options on the "
                + "nio transport needs the JVM flag --add-opens java.base/sun.nio.ch=ALL-UNNAMED "
                + "(bin/socket2j-proxy passes it), or use --transport socket2j (" + PROBLEM + ")");
            try {
                return (int) FD_VAL.invoke(JAVA_CHANNEL.invoke(ch));
            } catch (ReflectiveOperationException e) {
                throw new UnsupportedOperationException("cannot read the descriptor of " + ch, e);
            }
        }
    }
}
