package dev.socket2j.netty;

import dev.socket2j.SockAddr;
import dev.socket2j.Socket;
import dev.socket2j.internal.C;
import io.netty.channel.Channel;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.ServerDomainSocketChannel;

import java.io.IOException;
import java.net.SocketAddress;

/**
 * A listening Unix stream socket on socket2j's epoll loop: Netty's {@link ServerDomainSocketChannel}. Accepted
 * connections are {@link Socket2DomainSocketChannel}s. Closing the channel deletes the socket file it bound (as
 * Netty's epoll transport does); abstract addresses leave nothing behind.
 */
public final class Socket2ServerDomainSocketChannel extends AbstractSocket2ServerChannel implements ServerDomainSocketChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);

    private final Socket2ServerDomainSocketChannelConfig config;

    /** A new Unix stream socket, to be bound to a {@code DomainSocketAddress} (pathname, or abstract as {@code "\0name"}). */
    public Socket2ServerDomainSocketChannel() {
        super(Socket2DomainSocketChannel.newUnix(C.SOCK_STREAM), false);
        this.config = new Socket2ServerDomainSocketChannelConfig(this);
    }

    @Override public Socket2ServerDomainSocketChannelConfig config() { return config; }

    @Override public ChannelMetadata metadata() { return METADATA; }

    @Override public DomainSocketAddress localAddress() { return (DomainSocketAddress) super.localAddress(); }

    @Override public DomainSocketAddress remoteAddress() { return null; }


    @Override
    void resetCachedAddresses() {
        try { local = DomainAddresses.fromKernel(socket.localAddr()); } catch (IOException e) { local = null; }
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        socket.bind(DomainAddresses.toKernel(localAddress));
        local = DomainAddresses.fromKernel(socket.localAddr());
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
    Channel newChild(Socket child, SockAddr peer) {
        Socket2DomainSocketChannel ch = new Socket2DomainSocketChannel(this, child, true);
        ch.acceptedFrom(peer);
        return ch;
    }
}
