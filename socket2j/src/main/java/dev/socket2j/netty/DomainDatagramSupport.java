package dev.socket2j.netty;

import dev.socket2j.internal.Sys;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.internal.StringUtil;

import java.net.SocketAddress;

/** What the Unix datagram channels of both engines do alike: the packets they deliver and the messages they take. */
final class DomainDatagramSupport {
    private static final DomainSocketAddress UNNAMED = new DomainSocketAddress("");

    private DomainDatagramSupport() {}

    /**
     * The packet of the datagram received in slot {@code i}. An unbound sender has no name: it is reported as the
     * empty path, which cannot be answered. Descriptors the sender passed ({@code SCM_RIGHTS}) were installed in
     * this process by the receive; a {@link DomainDatagramPacket} has no place for them, so they are closed here
     * rather than leaked.
     */
    static DomainDatagramPacket newPacket(ByteBuf data, DomainSocketAddress recipient, SocketAddress sender,
                                          MsgSlots slots, int i) {
        if (slots.controlLen(i) > 0) {
            for (int fd : slots.takeFds(i)) Sys.closeQuietly(fd);
        }
        DomainSocketAddress from = sender == null ? UNNAMED : (DomainSocketAddress) sender;
        return new DomainDatagramPacket(data, recipient == null ? UNNAMED : recipient, from);
    }

    static Object filterOutbound(Object msg) {
        if (msg instanceof DomainDatagramPacket || msg instanceof ByteBuf) return msg;
        if (msg instanceof AddressedEnvelope<?, ?> e && e.content() instanceof ByteBuf
                && (e.recipient() == null || e.recipient() instanceof DomainSocketAddress)) {
            return msg;
        }
        throw new UnsupportedOperationException("unsupported message type: " + StringUtil.simpleClassName(msg)
            + " (expected: DomainDatagramPacket, AddressedEnvelope<ByteBuf, DomainSocketAddress>, ByteBuf)");
    }
}
