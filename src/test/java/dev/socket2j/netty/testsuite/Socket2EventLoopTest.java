package dev.socket2j.netty.testsuite;

import dev.socket2j.netty.Socket2IoHandler;
import dev.socket2j.netty.Socket2ServerSocketChannel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.testsuite.transport.AbstractSingleThreadEventLoopTest;

public class Socket2EventLoopTest extends AbstractSingleThreadEventLoopTest {
    @Override protected boolean supportsChannelIteration() { return true; }

    @Override protected EventLoopGroup newEventLoopGroup() {
        return new MultiThreadIoEventLoopGroup(Socket2IoHandler.newFactory());
    }

    @Override protected EventLoopGroup newAutoScalingEventLoopGroup() {
        return new MultiThreadIoEventLoopGroup(SCALING_MAX_THREADS, (java.util.concurrent.Executor) null,
            AUTO_SCALING_CHOOSER_FACTORY, Socket2IoHandler.newFactory());
    }

    @Override protected ServerSocketChannel newChannel() { return new Socket2ServerSocketChannel(); }

    @Override protected Class<? extends ServerChannel> serverChannelClass() { return Socket2ServerSocketChannel.class; }
}
