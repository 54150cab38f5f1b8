package dev.socket2j.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketStartTlsTest;

import java.net.SocketAddress;
import java.util.List;

/** Netty's {@code SocketStartTlsTest} over Unix stream sockets, as Netty's epoll module runs it. */
public class Socket2DomainSocketStartTlsTest extends SocketStartTlsTest {
    @Override
    protected SocketAddress newSocketAddress() { return Socket2DatagramTestPermutation.newDomainSocketAddress(); }

    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return Socket2DatagramTestPermutation.INSTANCE.domainSocket();
    }
}
