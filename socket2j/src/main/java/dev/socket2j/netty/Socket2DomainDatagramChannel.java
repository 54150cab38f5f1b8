package dev.socket2j.netty;

import dev.socket2j.SockAddr;
import dev.socket2j.Socket;
import dev.socket2j.internal.C;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.unix.DomainDatagramChannel;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.internal.StringUtil;

import java.io.File;
import java.net.SocketAddress;

/**
 * A Unix datagram socket on socket2j's epoll loop: Netty's {@link DomainDatagramChannel}. Datagrams arrive as
 * {@link DomainDatagramPacket}s (the sender is {@code null} when it is unbound); a {@link DomainDatagramPacket} or
 * an {@code AddressedEnvelope<ByteBuf, DomainSocketAddress>} is sent to its recipient, a {@code ByteBuf} to the
 * connected peer. Several flushed together go out in one {@code sendmmsg(2)}. Closing deletes the socket file the
 * channel bound.
 */
public final class Socket2DomainDatagramChannel extends AbstractSocket2DatagramChannel implements DomainDatagramChannel {
    private static final DomainSocketAddress UNNAMED = new DomainSocketAddress("");

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
        this.config = new Socket2DomainDatagramChannelConfig(this);
    }

    @Override public Socket2DomainDatagramChannelConfig config() { return config; }

    @Override public DomainSocketAddress localAddress() { return (DomainSocketAddress) super.localAddress(); }

    @Override public DomainSocketAddress remoteAddress() { return (DomainSocketAddress) super.remoteAddress(); }

    @Override SockAddr toKernel(SocketAddress address) { return DomainAddresses.toKernel(address); }

    @Override SocketAddress fromKernel(SockAddr address) { return DomainAddresses.fromKernel(address); }

    @Override
    Object newPacket(ByteBuf data, SocketAddress sender, MsgSlots slots, int i) {
        // an unbound sender has no name: it is reported as the empty path, which cannot be answered
        DomainSocketAddress from = sender == null ? UNNAMED : (DomainSocketAddress) sender;
        DomainSocketAddress recipient = localAddress();
        return new DomainDatagramPacket(data, recipient == null ? UNNAMED : recipient, from);
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof DomainDatagramPacket || msg instanceof ByteBuf) return msg;
        if (msg instanceof AddressedEnvelope<?, ?> e && e.content() instanceof ByteBuf
                && (e.recipient() == null || e.recipient() instanceof DomainSocketAddress)) {
            return msg;
        }
        throw new UnsupportedOperationException("unsupported message type: " + StringUtil.simpleClassName(msg)
            + " (expected: DomainDatagramPacket, AddressedEnvelope<ByteBuf, DomainSocketAddress>, ByteBuf)");
    }

    @Override
    protected void doClose() throws Exception {
        DomainSocketAddress l = (DomainSocketAddress) local;
        try {
            super.doClose();
        } finally {
            if (l != null && !l.path().isEmpty() && l.path().charAt(0) != '\0') new File(l.path()).delete();
        }
    }
}
