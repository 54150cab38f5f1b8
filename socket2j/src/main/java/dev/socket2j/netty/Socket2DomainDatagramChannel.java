package dev.socket2j.netty;

import dev.socket2j.ControlMessage;
import dev.socket2j.SockAddr;
import dev.socket2j.Socket;
import dev.socket2j.internal.C;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.unix.DomainDatagramChannel;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;

import java.net.SocketAddress;
import java.util.List;

/**
 * A Unix datagram socket on socket2j's epoll loop: Netty's {@link DomainDatagramChannel}. Datagrams arrive as
 * {@link DomainDatagramPacket}s (the sender is {@code null} when it is unbound); a {@link DomainDatagramPacket} or
 * an {@code AddressedEnvelope<ByteBuf, DomainSocketAddress>} is sent to its recipient, a {@code ByteBuf} to the
 * connected peer. Several flushed together go out in one {@code sendmmsg(2)}. A {@link Socket2DomainDatagramPacket}
 * carries file descriptors ({@code SCM_RIGHTS}) both ways. Closing deletes the socket file the channel bound.
 */
public final class Socket2DomainDatagramChannel extends AbstractSocket2DatagramChannel implements DomainDatagramChannel {
    private final Socket2DomainDatagramChannelConfig config;

    /** A new, unbound Unix datagram socket (an unbound socket can send, but cannot be answered). */
    public Socket2DomainDatagramChannel() { this(Socket2DomainSocketChannel.newUnix(C.SOCK_DGRAM)); }

    /** Adopts an open Unix datagram socket descriptor (e.g. one end of a socketpair). */
    public Socket2DomainDatagramChannel(int fd) {
        this(nonBlocking(Socket.fromFd(fd)));
        if (Sockets.isConnected(fd)) {
            connected = true;
            active = true;
        }
        resetCachedAddresses();
    }

    private Socket2DomainDatagramChannel(Socket socket) {
        super(socket, false);
        this.config = new Socket2DomainDatagramChannelConfig(host);
    }

    @Override public Socket2DomainDatagramChannelConfig config() { return config; }

    @Override public DomainSocketAddress localAddress() { return (DomainSocketAddress) super.localAddress(); }

    @Override public DomainSocketAddress remoteAddress() { return (DomainSocketAddress) super.remoteAddress(); }

    @Override SockAddr toKernel(SocketAddress address) { return DomainAddresses.toKernel(address); }

    @Override SocketAddress fromKernel(SockAddr address) { return DomainAddresses.fromKernel(address); }

    @Override
    Object newPacket(ByteBuf data, SocketAddress sender, MsgSlots slots, int i) {
        return DomainDatagramSupport.newPacket(data, localAddress(), sender, slots, i);
    }

    @Override
    List<ControlMessage> controlOf(Object msg, SocketAddress recipient) { return DomainDatagramSupport.controlOf(msg); }

    @Override
    protected Object filterOutboundMessage(Object msg) { return DomainDatagramSupport.filterOutbound(msg); }

    @Override
    protected void doClose() throws Exception {
        SocketAddress l = local;
        try {
            super.doClose();
        } finally {
            DatagramIo.deleteSocketFile(l);
        }
    }
}
