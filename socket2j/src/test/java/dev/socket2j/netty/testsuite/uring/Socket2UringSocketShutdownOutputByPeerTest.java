package dev.socket2j.netty.testsuite.uring;

import dev.socket2j.netty.testsuite.Socket2SocketShutdownOutputByPeerTest;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

@ExtendWith(UringAvailable.class)
public class Socket2UringSocketShutdownOutputByPeerTest extends Socket2SocketShutdownOutputByPeerTest {
    @Override
    protected List<BootstrapFactory<ServerBootstrap>> newFactories() {
        return Socket2UringSocketTestPermutation.INSTANCE.serverSocket();
    }
}
