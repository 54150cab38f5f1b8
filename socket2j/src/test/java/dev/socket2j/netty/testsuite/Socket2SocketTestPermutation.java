package dev.socket2j.netty.testsuite;

import dev.socket2j.netty.Socket2;
import dev.socket2j.netty.Socket2IoHandler;
import dev.socket2j.netty.Socket2ServerSocketChannel;
import dev.socket2j.netty.Socket2SocketChannel;
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
 * Netty's shared socket tests on socket2j: socket2j×socket2j, socket2j×NIO and NIO×socket2j (NIO×NIO is Netty's
 * own business), plus Fast Open servers and clients where net.ipv4.tcp_fastopen allows them.
 */
public final class Socket2SocketTestPermutation extends SocketTestPermutation {
    public static final Socket2SocketTestPermutation INSTANCE = new Socket2SocketTestPermutation();

    public static final EventLoopGroup SOCKET2_GROUP = new MultiThreadIoEventLoopGroup(
        NUM_THREADS, new DefaultThreadFactory("testsuite-socket2j", true), Socket2IoHandler.newFactory());


    /** Without the Fast Open variants. */
    @Override
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> socket() {
        List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> list = combo(serverSocket(), clientSocket());
        list.remove(list.size() - 1);  // NIO x NIO
        return list;
    }

    /** Same as {@link #socket()}, named as in Netty's epoll module. */
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> socketWithoutFastOpen() { return socket(); }

    @Override
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> socketWithFastOpen() {
        List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> list = combo(serverSocket(), clientSocketWithFastOpen());
        list.remove(list.size() - 1);  // NIO x NIO
        return list;
    }

    @Override
    public List<BootstrapFactory<ServerBootstrap>> serverSocket() {
        List<BootstrapFactory<ServerBootstrap>> list = new ArrayList<>();
        list.add(() -> new ServerBootstrap().group(SOCKET2_GROUP).channel(Socket2ServerSocketChannel.class));
        if (Socket2.isTcpFastOpenServerSideAvailable()) {
            list.add(() -> new ServerBootstrap().group(SOCKET2_GROUP).channel(Socket2ServerSocketChannel.class)
                .option(ChannelOption.TCP_FASTOPEN, 5));
        }
        list.add(() -> new ServerBootstrap().group(NIO_GROUP).channel(NioServerSocketChannel.class));
        return list;
    }

    @Override
    public List<BootstrapFactory<Bootstrap>> clientSocket() {
        List<BootstrapFactory<Bootstrap>> list = new ArrayList<>();
        list.add(() -> new Bootstrap().group(SOCKET2_GROUP).channel(Socket2SocketChannel.class));
        list.add(() -> new Bootstrap().group(NIO_GROUP).channel(NioSocketChannel.class));
        return list;
    }

    @Override
    public List<BootstrapFactory<Bootstrap>> clientSocketWithFastOpen() {
        List<BootstrapFactory<Bootstrap>> list = clientSocket();
        if (Socket2.isTcpFastOpenClientSideAvailable()) {
            list.add(list.size() - 1, () -> new Bootstrap().group(SOCKET2_GROUP).channel(Socket2SocketChannel.class)
                .option(ChannelOption.TCP_FASTOPEN_CONNECT, true));
        }
        return list;
    }
}
