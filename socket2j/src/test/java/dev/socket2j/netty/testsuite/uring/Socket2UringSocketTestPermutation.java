package dev.socket2j.netty.testsuite.uring;

import dev.socket2j.netty.Socket2;
import dev.socket2j.netty.Socket2UringIoHandler;
import dev.socket2j.netty.Socket2UringServerSocketChannel;
import dev.socket2j.netty.Socket2UringSocketChannel;
import dev.socket2j.netty.testsuite.Socket2SocketTestPermutation;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketTestPermutation;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Netty's shared socket tests on the io_uring engine: uring×uring, uring×NIO and NIO×uring, plus a Fast Open server
 * ({@code TCP_FASTOPEN}) and, in the Fast Open lists, a Fast Open client ({@code TCP_FASTOPEN_CONNECT}) where
 * net.ipv4.tcp_fastopen allows them, as {@link Socket2SocketTestPermutation} does for epoll. The loops are made on
 * first use: where io_uring is not available the test classes are skipped ({@link UringAvailable}) before asking
 * for them.
 */
public final class Socket2UringSocketTestPermutation extends SocketTestPermutation {
    public static final Socket2UringSocketTestPermutation INSTANCE = new Socket2UringSocketTestPermutation();

    private static final class Group {
        static final EventLoopGroup URING = new MultiThreadIoEventLoopGroup(
            NUM_THREADS, new DefaultThreadFactory("testsuite-socket2j-uring", true), Socket2UringIoHandler.newFactory());
    }

    static EventLoopGroup group() { return Group.URING; }

    @Override
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> socket() {
        List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> list = combo(serverSocket(), clientSocket());
        list.remove(list.size() - 1);  // NIO x NIO
        return list;
    }

    @Override
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> socketWithFastOpen() {
        List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> list = combo(serverSocket(), clientSocketWithFastOpen());
        list.remove(list.size() - 1);  // NIO x NIO
        return list;
    }

    @Override
    public List<BootstrapFactory<ServerBootstrap>> serverSocket() {
        List<BootstrapFactory<ServerBootstrap>> list = new ArrayList<>();
        list.add(() -> new ServerBootstrap().group(group()).channel(Socket2UringServerSocketChannel.class));
        if (Socket2.isTcpFastOpenServerSideAvailable()) {
            list.add(() -> new ServerBootstrap().group(group()).channel(Socket2UringServerSocketChannel.class)
                .option(ChannelOption.TCP_FASTOPEN, 5));
        }
        list.add(() -> new ServerBootstrap().group(NIO_GROUP).channel(NioServerSocketChannel.class));
        return list;
    }

    @Override
    public List<BootstrapFactory<Bootstrap>> clientSocket() {
        List<BootstrapFactory<Bootstrap>> list = new ArrayList<>();
        list.add(() -> new Bootstrap().group(group()).channel(Socket2UringSocketChannel.class));
        list.add(() -> new Bootstrap().group(NIO_GROUP).channel(NioSocketChannel.class));
        return list;
    }

    @Override
    public List<BootstrapFactory<Bootstrap>> clientSocketWithFastOpen() {
        List<BootstrapFactory<Bootstrap>> list = clientSocket();
        if (Socket2.isTcpFastOpenClientSideAvailable()) {
            list.add(list.size() - 1, () -> new Bootstrap().group(group()).channel(Socket2UringSocketChannel.class)
                .option(ChannelOption.TCP_FASTOPEN_CONNECT, true));
        }
        return list;
    }

    /** Kept for symmetry with {@link Socket2SocketTestPermutation}. */
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> socketWithoutFastOpen() { return socket(); }
}
