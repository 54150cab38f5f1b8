package dev.socket2j.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketHalfClosedTest;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.net.SocketAddress;
import java.util.List;

/** Netty's {@code SocketHalfClosedTest} over Unix stream sockets, as Netty's epoll module runs it. */
public class Socket2DomainSocketHalfClosedTest extends SocketHalfClosedTest {
    @Override
    protected SocketAddress newSocketAddress() { return Socket2DatagramTestPermutation.newDomainSocketAddress(); }

    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return Socket2DatagramTestPermutation.INSTANCE.domainSocket();
    }

    @Override
    @Test
    @Disabled("TCP only: drives the peer into FIN_WAIT2 with SO_LINGER and casts the channel to SocketChannel")
    public void testHalfClosureReceiveDataOnFinalWait2StateWhenSoLingerSet(TestInfo testInfo) {}
}
