package dev.socket2j.netty.testsuite.uring;

import dev.socket2j.netty.testsuite.Socket2DomainSocketShutdownOutputByPeerTest;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

@ExtendWith(UringAvailable.class)
public class Socket2UringDomainSocketShutdownOutputByPeerTest extends Socket2DomainSocketShutdownOutputByPeerTest {
    @Override
    protected List<BootstrapFactory<ServerBootstrap>> newFactories() {
        return Socket2UringDomainSocketTestPermutation.INSTANCE.serverDomainSocket();
    }
}
