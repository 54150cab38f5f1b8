package dev.socket2j.netty.testsuite.uring;

import dev.socket2j.netty.testsuite.Socket2DomainSocketSslEchoTest;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

@ExtendWith(UringAvailable.class)
public class Socket2UringDomainSocketSslEchoTest extends Socket2DomainSocketSslEchoTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return Socket2UringDomainSocketTestPermutation.INSTANCE.domainSocket();
    }

    /** One allocator instead of three, as the TCP runs: the test is slow, and allocators are not what it checks. */
    @Override
    protected List<ByteBufAllocator> newAllocators() { return List.of(PooledByteBufAllocator.DEFAULT); }
}
