package dev.socket2j.netty.testsuite.uring;

import dev.socket2j.netty.testsuite.Socket2ServerSocketSuspendTest;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

@ExtendWith(UringAvailable.class)
public class Socket2UringServerSocketSuspendTest extends Socket2ServerSocketSuspendTest {
    @Override
    protected List<BootstrapFactory<ServerBootstrap>> newFactories() {
        return Socket2UringSocketTestPermutation.INSTANCE.serverSocket();
    }
}
