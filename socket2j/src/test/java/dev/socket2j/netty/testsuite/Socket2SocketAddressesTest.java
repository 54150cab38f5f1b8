package dev.socket2j.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketAddressesTest;

import java.util.List;

public class Socket2SocketAddressesTest extends SocketAddressesTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return Socket2SocketTestPermutation.INSTANCE.socketWithFastOpen();
    }

    @Override
    protected void assertAddress(java.net.SocketAddress address) {
        org.junit.jupiter.api.Assertions.assertTrue(((java.net.InetSocketAddress) address).getPort() > 0);
        org.junit.jupiter.api.Assertions.assertFalse(((java.net.InetSocketAddress) address).getAddress().isAnyLocalAddress());
    }
}
