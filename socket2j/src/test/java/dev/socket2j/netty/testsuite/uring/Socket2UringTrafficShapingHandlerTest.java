package dev.socket2j.netty.testsuite.uring;

import dev.socket2j.netty.testsuite.Socket2TrafficShapingHandlerTest;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

@ExtendWith(UringAvailable.class)
public class Socket2UringTrafficShapingHandlerTest extends Socket2TrafficShapingHandlerTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return Socket2UringSocketTestPermutation.INSTANCE.socket();
    }
}
