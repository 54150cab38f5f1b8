package dev.socket2j.netty;

import dev.socket2j.SockAddr;
import dev.socket2j.Socket;
import dev.socket2j.SocketKind;
import io.netty.channel.Channel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.ServerDomainSocketChannel;

import java.net.SocketAddress;

/**
 * A listening Unix stream socket on {@link Socket2UringIoHandler}: Netty's {@link ServerDomainSocketChannel}, with the
 * configuration of {@link Socket2ServerDomainSocketChannel}. Accepted connections are
 * {@link Socket2UringDomainSocketChannel}s; how it accepts (multishot {@code IORING_OP_ACCEPT}, back-off on
 * {@code EMFILE}) is {@link UringServerChannel}'s. Closing the channel deletes the socket file it bound, as the epoll
 * engine's channel and Netty's epoll transport do; abstract addresses ({@code "\0name"}) leave nothing behind.
 */
public final class Socket2UringServerDomainSocketChannel extends UringServerChannel implements ServerDomainSocketChannel {
    private final Socket2ServerDomainSocketChannelConfig config;

    /** A new Unix stream socket, to be bound to a {@code DomainSocketAddress} (pathname, or abstract as {@code "\0name"}). */
    public Socket2UringServerDomainSocketChannel() {
        super(Socket2UringDomainSocketChannel.newUnixStream(), SocketKind.UNIX_STREAM);
        this.config = new Socket2ServerDomainSocketChannelConfig(this);
    }

    @Override public Socket2ServerDomainSocketChannelConfig config() { return config; }

    @Override public DomainSocketAddress localAddress() { return (DomainSocketAddress) super.localAddress(); }

    @Override public DomainSocketAddress remoteAddress() { return null; }

    @Override SockAddr toKernel(SocketAddress address) { return DomainAddresses.toKernel(address); }

    @Override SocketAddress fromKernel(SockAddr address) { return DomainAddresses.fromKernel(address); }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        super.doBind(localAddress);
        socket.listen(config.getBacklog());
        active = true;
    }

    @Override
    protected void doClose() throws Exception {
        try {
            super.doClose();
        } finally {
            DomainAddresses.deleteSocketFile(local);
        }
    }

    @Override
    Channel newChild(Socket child) { return new Socket2UringDomainSocketChannel(this, child, true); }
}
