package dev.socket2j.netty;

import dev.socket2j.ControlMessage;
import dev.socket2j.Domain;
import dev.socket2j.SockAddr;
import dev.socket2j.Socket;
import dev.socket2j.Type;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelException;
import io.netty.channel.unix.DomainDatagramChannel;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.List;

/**
 * A Unix datagram socket on {@link Socket2UringIoHandler}: Netty's {@link DomainDatagramChannel}, as
 * {@link Socket2DomainDatagramChannel} is on epoll (same config class, {@link Socket2DomainDatagramChannelConfig}).
 * Datagrams arrive as {@link DomainDatagramPacket}s (the sender is the empty path when it is unbound); a
 * {@link DomainDatagramPacket} or an {@code AddressedEnvelope<ByteBuf, DomainSocketAddress>} is sent to its recipient,
 * a {@code ByteBuf} to the connected peer, each with one {@code IORING_OP_SENDMSG} (see {@link UringDatagramChannel}).
 * A {@link Socket2DomainDatagramPacket} carries file descriptors ({@code SCM_RIGHTS}) both ways. Closing deletes
 * the socket file the channel bound.
 */
public final class Socket2UringDomainDatagramChannel extends UringDatagramChannel implements DomainDatagramChannel {
    private final Socket2DomainDatagramChannelConfig config;

    /**
     * A new, unbound Unix datagram socket (an unbound socket can send, but cannot be answered).
     *
     * @throws ChannelException if socket(2) fails (EMFILE, ...)
     */
    public Socket2UringDomainDatagramChannel() { this(newUnixDgram()); }

    /** Adopts an open Unix datagram socket descriptor (e.g. one end of a socketpair); it is made blocking. */
    public Socket2UringDomainDatagramChannel(int fd) {
        this(blocking(Socket.fromFd(fd)));
        if (Sockets.isConnected(fd)) {
            connected = true;
            active = true;
        }
        resetCachedAddresses();
    }

    private Socket2UringDomainDatagramChannel(Socket socket) {
        super(socket, false);
        this.config = new Socket2DomainDatagramChannelConfig(host);
    }

    private static Socket newUnixDgram() {
        try {
            return Socket.open(Domain.UNIX, Type.DGRAM);
        } catch (IOException e) {
            throw new ChannelException("cannot open a Unix datagram socket", e);
        }
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
    protected Object filterOutboundMessage(Object msg) { return directPayload(DomainDatagramSupport.filterOutbound(msg)); }

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
