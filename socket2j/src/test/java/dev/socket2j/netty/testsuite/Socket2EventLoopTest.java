package dev.socket2j.netty.testsuite;

import dev.socket2j.netty.Socket2IoHandler;
import dev.socket2j.netty.Socket2ServerSocketChannel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.testsuite.transport.AbstractSingleThreadEventLoopTest;

public class Socket2EventLoopTest extends AbstractSingleThreadEventLoopTest {
    /**
     * Channel iteration exists only on Netty's deprecated per-transport loops (EpollEventLoop, NioEventLoop):
     * {@code SingleThreadIoEventLoop}, which every 4.2 {@code IoHandler} runs in, throws for it.
     */
    @Override protected boolean supportsChannelIteration() { return false; }

    @Override protected EventLoopGroup newEventLoopGroup() {
        return new MultiThreadIoEventLoopGroup(Socket2IoHandler.newFactory());
    }

    /**
     * None: in Netty 4.2.18 {@code MultiThreadIoEventLoopGroup} makes its loops without suspension support, so no
     * {@code IoHandler} can be scaled down (only the deprecated NIO/epoll groups can); the shared test skips on null.
     */
    @Override protected EventLoopGroup newAutoScalingEventLoopGroup() { return null; }

    @Override protected ServerSocketChannel newChannel() { return new Socket2ServerSocketChannel(); }

    @Override protected Class<? extends ServerChannel> serverChannelClass() { return Socket2ServerSocketChannel.class; }
}
