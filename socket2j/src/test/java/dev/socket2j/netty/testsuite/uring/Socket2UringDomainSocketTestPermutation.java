package dev.socket2j.netty.testsuite.uring;

import dev.socket2j.netty.Socket2UringDomainSocketChannel;
import dev.socket2j.netty.Socket2UringServerDomainSocketChannel;
import dev.socket2j.netty.testsuite.Socket2DatagramTestPermutation;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketTestPermutation;

import java.util.List;

/**
 * Netty's shared Unix stream tests on the io_uring engine: uring×uring only, as {@link Socket2DatagramTestPermutation}
 * runs the epoll engine's Unix stream channels (and Netty's epoll module its own): NIO's Unix stream channel is another
 * class family. The loop is {@link Socket2UringSocketTestPermutation}'s, made on first use.
 */
public final class Socket2UringDomainSocketTestPermutation extends SocketTestPermutation {
    public static final Socket2UringDomainSocketTestPermutation INSTANCE = new Socket2UringDomainSocketTestPermutation();

    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> domainSocket() {
        List<BootstrapFactory<Bootstrap>> clients = List.of(
            () -> new Bootstrap().group(Socket2UringSocketTestPermutation.group()).channel(Socket2UringDomainSocketChannel.class));
        return combo(serverDomainSocket(), clients);
    }

    public List<BootstrapFactory<ServerBootstrap>> serverDomainSocket() {
        return List.of(() -> new ServerBootstrap().group(Socket2UringSocketTestPermutation.group())
            .channel(Socket2UringServerDomainSocketChannel.class));
    }
}
