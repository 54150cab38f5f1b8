package dev.socket2j.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketEchoTest;

import java.net.SocketAddress;
import java.util.List;

/** Netty's {@code SocketEchoTest} over Unix stream sockets, as Netty's epoll module runs it. */
public class Socket2DomainSocketEchoTest extends SocketEchoTest {
    @Override
    protected SocketAddress newSocketAddress() { return Socket2DatagramTestPermutation.newDomainSocketAddress(); }

    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return Socket2DatagramTestPermutation.INSTANCE.domainSocket();
    }
}
