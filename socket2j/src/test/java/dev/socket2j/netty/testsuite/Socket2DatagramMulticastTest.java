package dev.socket2j.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.DatagramMulticastTest;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

import java.util.List;

public class Socket2DatagramMulticastTest extends DatagramMulticastTest {
    @BeforeEach
    void onLoopbackOnly() {
        Assumptions.assumeTrue(LoopbackOnly.loopbackMulticast(), LoopbackOnly.NO_LOOPBACK_MULTICAST);
    }

    @Override
    protected List<BootstrapComboFactory<Bootstrap, Bootstrap>> newFactories() {
        return Socket2DatagramTestPermutation.INSTANCE.datagram(socketInternetProtocalFamily());
    }
}
