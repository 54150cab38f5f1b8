package dev.socket2j.netty;

import dev.socket2j.ControlMessage;
import dev.socket2j.Socket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.internal.StringUtil;

import java.net.SocketAddress;
import java.util.List;

/** What the Unix datagram channels of both engines do alike: the packets they deliver and the messages they take. */
final class DomainDatagramSupport {
    private static final DomainSocketAddress UNNAMED = new DomainSocketAddress("");

    private DomainDatagramSupport() {}

    /**
     * The packet of the datagram received in slot {@code i}. An unbound sender has no name: it is reported as the
     * empty path, which cannot be answered. A datagram that came with descriptors ({@code SCM_RIGHTS}) is a
     * {@link Socket2DomainDatagramPacket} that hands them to the handler.
     */
    static Object newPacket(ByteBuf data, DomainSocketAddress recipient, SocketAddress sender,
                            MsgSlots slots, int i) {
        DomainSocketAddress from = sender == null ? UNNAMED : (DomainSocketAddress) sender;
        DomainSocketAddress to = recipient == null ? UNNAMED : recipient;
        int[] fds = slots.controlLen(i) > 0 ? slots.takeFds(i) : MsgSlots.NO_FDS;
        if (fds.length == 0) return new DomainDatagramPacket(data, to, from);
        FileDescriptor[] passed = new FileDescriptor[fds.length];
        for (int k = 0; k < fds.length; k++) passed[k] = new NettyFd(Socket.fromFd(fds[k]));
        return new Socket2DomainDatagramPacket(data, to, from, List.of(passed));
    }

    /** {@code SCM_RIGHTS} for the descriptors of a {@link Socket2DomainDatagramPacket}; none for other messages. */
    static List<ControlMessage> controlOf(Object msg) {
        if (!(msg instanceof Socket2DomainDatagramPacket p) || p.fileDescriptors().isEmpty()) return List.of();
        List<FileDescriptor> d = p.fileDescriptors();
        int[] fds = new int[d.size()];
        for (int k = 0; k < fds.length; k++) fds[k] = d.get(k).intValue();
        return List.of(new ControlMessage.ScmRights(fds));
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
