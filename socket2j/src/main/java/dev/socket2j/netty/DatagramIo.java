package dev.socket2j.netty;

import dev.socket2j.SockAddr;
import dev.socket2j.Socket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.unix.DomainSocketAddress;

import java.io.File;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.channels.NotYetConnectedException;
import java.util.function.Function;

/**
 * The message-socket work both engines' datagram channels share: the kernel form of recipients and the Java form of
 * senders, each cached for a stream of datagrams to or from one peer (so such a stream makes no address per
 * datagram), and the rules for recipients, disconnect and read errors. One per channel, used on its event loop.
 */
final class DatagramIo {
    private final Function<SocketAddress, SockAddr> toKernel;
    private final Function<SockAddr, SocketAddress> fromKernel;

    DatagramIo(Function<SocketAddress, SockAddr> toKernel, Function<SockAddr, SocketAddress> fromKernel) {
        this.toKernel = toKernel;
        this.fromKernel = fromKernel;
    }

    /** The payload of an outbound message (the channel's {@code filterOutboundMessage} let only these kinds through). */
    static ByteBuf contentOf(Object msg) {
        return msg instanceof ByteBuf b ? b : (ByteBuf) ((AddressedEnvelope<?, ?>) msg).content();
    }

    /**
     * The destination to pass to the kernel: {@code null} when the socket is connected and the message goes to the
     * connected peer (or names none).
     *
     * @throws NotYetConnectedException for a message without a recipient on an unconnected socket
     */
    static SocketAddress recipientOf(Object msg, boolean connected, SocketAddress remote) {
        SocketAddress to = msg instanceof AddressedEnvelope<?, ?> e ? e.recipient() : null;
        if (to == null && !connected) throw new NotYetConnectedException();
        return connected && to != null && to.equals(remote) ? null : to;
    }

    /** connect(2) to AF_UNSPEC dissolves the association; the socket stays bound. */
    static void disconnect(Socket socket) throws IOException {
        byte[] unspec = new byte[16];  // sa_family AF_UNSPEC (0)
        socket.connect(SockAddr.fromBytes(unspec, unspec.length));
    }

    /** Closing on a read error, as NIO does: yes, but not for an ICMP port unreachable, and not once inactive. */
    static boolean closeOnReadError(boolean active, Throwable cause) {
        if (!active) return true;
        if (cause instanceof PortUnreachableException) return false;
        return cause instanceof IOException;
    }

    /** Deletes the socket file a Unix channel bound (not an abstract or unnamed address). */
    static void deleteSocketFile(SocketAddress local) {
        if (local instanceof DomainSocketAddress l && !l.path().isEmpty() && l.path().charAt(0) != '\0') {
            new File(l.path()).delete();
        }
    }

    /** The last recipient written to, and its kernel bytes. */
    private SocketAddress lastRecipient;
    private byte[] lastRecipientName;

    /** The kernel's form of {@code to} ({@code null} for the connected peer), as the bytes of its {@code sockaddr}. */
    byte[] kernelName(SocketAddress to) {
        if (to == null) return null;
        if (to != lastRecipient && !to.equals(lastRecipient)) {
            byte[] name = toKernel.apply(to).toBytes();
            lastRecipient = to;
            lastRecipientName = name;
        }
        return lastRecipientName;
    }

    /** The last sender seen. */
    private final byte[] lastSenderBytes = new byte[(int) MsgSlots.NAME];
    private final MemorySegment lastSenderSegment = MemorySegment.ofArray(lastSenderBytes);
    private int lastSenderLen = -1;
    private SocketAddress lastSender;

    /** The sender of the datagram received in slot {@code i} ({@code null} if the kernel named none). */
    SocketAddress senderOf(MsgSlots m, int i) {
        int len = m.senderLen(i);
        if (len <= 0) return null;
        long at = MsgSlots.NAME * i;
        if (len == lastSenderLen && MemorySegment.mismatch(m.names, at, at + len, lastSenderSegment, 0, len) == -1) {
            return lastSender;
        }
        SocketAddress sender = fromKernel.apply(SockAddr.fromSegment(m.name(i), len));
        MemorySegment.copy(m.names, at, lastSenderSegment, 0, len);
        lastSenderLen = len;
        lastSender = sender;
        return sender;
    }
}
