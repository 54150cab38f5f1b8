package dev.socket2j.netty.testsuite.uring;

import dev.socket2j.netty.Socket2UringIoHandler;
import dev.socket2j.netty.Socket2UringServerSocketChannel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.testsuite.transport.AbstractSingleThreadEventLoopTest;
import org.junit.jupiter.api.extension.ExtendWith;

/** Netty's shared event-loop tests on the io_uring loop (see {@code Socket2EventLoopTest} for the two overrides). */
@ExtendWith(UringAvailable.class)
public class Socket2UringEventLoopTest extends AbstractSingleThreadEventLoopTest {
    @Override protected boolean supportsChannelIteration() { return false; }

    @Override protected EventLoopGroup newEventLoopGroup() {
        return new MultiThreadIoEventLoopGroup(Socket2UringIoHandler.newFactory());
    }

    @Override protected EventLoopGroup newAutoScalingEventLoopGroup() { return null; }

    @Override protected ServerSocketChannel newChannel() { return new Socket2UringServerSocketChannel(); }

    @Override protected Class<? extends ServerChannel> serverChannelClass() { return Socket2UringServerSocketChannel.class; }
}
