package dev.socket2j.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.FileDescriptor;

import java.util.List;

/**
 * A Unix datagram with file descriptors ({@code SCM_RIGHTS}, unix(7)), on {@link Socket2DomainDatagramChannel} and
 * {@link Socket2UringDomainDatagramChannel}.
 *
 * <p>Sending: the kernel duplicates each descriptor into the receiving process; the sender keeps its own, which must
 * stay open until the write's promise completes. More than 253 descriptors in one datagram fail the write with
 * {@code EINVAL}; a receiver whose {@code RLIMIT_NOFILE} is exhausted loses them ({@code MSG_CTRUNC}).
 *
 * <p>Receiving: a datagram that came with descriptors arrives as this packet instead of a {@link DomainDatagramPacket}
 * (a final class); the descriptors are new ones of this process (close-on-exec), owned by the handler, which must
 * {@code close()} them (releasing the packet does not). It is an {@code AddressedEnvelope<ByteBuf,
 * DomainSocketAddress>} and a {@link ByteBufHolder}, as a {@code DomainDatagramPacket} is.
 */
public final class Socket2DomainDatagramPacket extends DefaultAddressedEnvelope<ByteBuf, DomainSocketAddress>
        implements ByteBufHolder {
    private final List<FileDescriptor> fds;

    /** A datagram to {@code recipient} carrying {@code fds}. */
    public Socket2DomainDatagramPacket(ByteBuf data, DomainSocketAddress recipient, FileDescriptor... fds) {
        this(data, recipient, null, List.of(fds));
    }

    /** A datagram from {@code sender} to {@code recipient} carrying {@code fds}. */
    public Socket2DomainDatagramPacket(ByteBuf data, DomainSocketAddress recipient, DomainSocketAddress sender,
                                       List<FileDescriptor> fds) {
        super(data, recipient, sender);
        this.fds = List.copyOf(fds);
    }

    /** The descriptors the datagram carries, in the order they were sent. */
    public List<FileDescriptor> fileDescriptors() { return fds; }

    @Override public Socket2DomainDatagramPacket copy() { return replace(content().copy()); }
    @Override public Socket2DomainDatagramPacket duplicate() { return replace(content().duplicate()); }
    @Override public Socket2DomainDatagramPacket retainedDuplicate() { return replace(content().retainedDuplicate()); }

    @Override
    public Socket2DomainDatagramPacket replace(ByteBuf content) {
        return new Socket2DomainDatagramPacket(content, recipient(), sender(), fds);
    }

    @Override public Socket2DomainDatagramPacket retain() { super.retain(); return this; }
    @Override public Socket2DomainDatagramPacket retain(int n) { super.retain(n); return this; }
    @Override public Socket2DomainDatagramPacket touch() { super.touch(); return this; }
    @Override public Socket2DomainDatagramPacket touch(Object hint) { super.touch(hint); return this; }

    @Override public String toString() { return super.toString() + fds; }
}
