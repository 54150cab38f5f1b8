package dev.socket2j.netty.testsuite.uring;

import dev.socket2j.netty.testsuite.Socket2DomainSocketFileRegionTest;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

@ExtendWith(UringAvailable.class)
public class Socket2UringDomainSocketFileRegionTest extends Socket2DomainSocketFileRegionTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return Socket2UringDomainSocketTestPermutation.INSTANCE.domainSocket();
    }
}
