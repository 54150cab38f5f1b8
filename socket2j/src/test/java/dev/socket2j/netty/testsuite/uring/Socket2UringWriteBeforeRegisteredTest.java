package dev.socket2j.netty.testsuite.uring;

import dev.socket2j.netty.testsuite.Socket2WriteBeforeRegisteredTest;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

@ExtendWith(UringAvailable.class)
public class Socket2UringWriteBeforeRegisteredTest extends Socket2WriteBeforeRegisteredTest {
    @Override
    protected List<BootstrapFactory<Bootstrap>> newFactories() {
        return Socket2UringSocketTestPermutation.INSTANCE.clientSocketWithFastOpen();
    }
}
