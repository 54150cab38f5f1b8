package dev.socket2j.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketReadPendingTest;

import java.util.List;

public class Socket2SocketReadPendingTest extends SocketReadPendingTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return Socket2SocketTestPermutation.INSTANCE.socketWithFastOpen();
    }

    /** One allocator instead of three: the test is slow, and allocators are not what it checks of a transport. */
    @Override
    protected List<io.netty.buffer.ByteBufAllocator> newAllocators() {
        return List.of(io.netty.buffer.PooledByteBufAllocator.DEFAULT);
    }
}
