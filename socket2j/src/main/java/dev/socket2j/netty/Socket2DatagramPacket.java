package dev.socket2j.netty;

import dev.socket2j.ControlMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * A {@link DatagramPacket} with the ancillary data ({@code cmsg(3)}) that travelled with it. Handlers written for
 * {@code DatagramPacket} see an ordinary packet.
 *
 * <p><b>Received</b>: a {@link Socket2DatagramChannel} delivers this type when the kernel attached control messages,
 * which it does for what the socket asked for: {@code IP_RECVTOS}/{@code IPV6_RECVTCLASS} ({@link #trafficClass()}),
 * {@code IP_RECVTTL}/{@code IPV6_RECVHOPLIMIT} ({@link #hopLimit()}), {@code IP_PKTINFO}/{@code IPV6_RECVPKTINFO}
 * ({@link #destination()}, {@link #interfaceIndex()}), {@code IP_RECVORIGDSTADDR}/{@code IPV6_RECVORIGDSTADDR}
 * ({@link #originalDestination()}), {@code SO_TIMESTAMPNS} ({@link #timestamp()}); set them as
 * {@link Socket2ChannelOption}s. The typed messages themselves are in {@link #controlMessages()}. A GRO-coalesced
 * receive arrives as a {@link Socket2SegmentedDatagramPacket} with the same accessors.
 *
 * <p><b>Sent</b>: {@link #withTrafficClass(int)} sets the TOS (IPv4) or traffic class (IPv6) of this datagram alone;
 * {@link #withSource(InetAddress)} picks its source address through {@code IP_PKTINFO}/{@code IPV6_PKTINFO} (the
 * address must be local, else {@code sendmsg(2)} fails with {@code EINVAL}, or {@code EADDRNOTAVAIL} on IPv6).
 * The channel encodes them for the destination's family; any other {@link ControlMessage} given to the constructor
 * is sent as it is.
 */
public final class Socket2DatagramPacket extends DatagramPacket implements DatagramAncillary {
    private final List<ControlMessage> control;
    private final int trafficClass;
    private final InetAddress source;

    /** A packet to send to {@code recipient}, with extra control messages sent as given. */
    public Socket2DatagramPacket(ByteBuf data, InetSocketAddress recipient, ControlMessage... control) {
        this(data, recipient, null, List.of(control), -1, null);
    }

    /** A packet with the given addresses and control messages (as a channel delivers it). */
    public Socket2DatagramPacket(ByteBuf data, InetSocketAddress recipient, InetSocketAddress sender,
                                 List<ControlMessage> control) {
        this(data, recipient, sender, control, -1, null);
    }

    private Socket2DatagramPacket(ByteBuf data, InetSocketAddress recipient, InetSocketAddress sender,
                                  List<ControlMessage> control, int trafficClass, InetAddress source) {
        super(data, recipient, sender);
        this.control = List.copyOf(Objects.requireNonNull(control, "control"));
        this.trafficClass = trafficClass;
        this.source = source;
    }

    /**
     * This packet sent with TOS / traffic class {@code tc} (0..255) instead of the socket's {@code IP_TOS}.
     *
     * @throws IllegalArgumentException outside 0..255
     */
    public Socket2DatagramPacket withTrafficClass(int tc) {
        if (tc < 0 || tc > 255) throw new IllegalArgumentException("traffic class outside 0..255: " + tc);
        return new Socket2DatagramPacket(content(), recipient(), sender(), control, tc, source);
    }

    /** This packet sent from the local address {@code source} (through PKTINFO). */
    public Socket2DatagramPacket withSource(InetAddress source) {
        return new Socket2DatagramPacket(content(), recipient(), sender(), control, trafficClass,
            Objects.requireNonNull(source, "source"));
    }

    /** Every control message received with (or to be sent with) this packet. */
    @Override
    public List<ControlMessage> controlMessages() { return control; }

    /** The traffic class to send with; -1 for the socket's. */
    public int sendTrafficClass() { return trafficClass; }

    /** The source address to send from; {@code null} for the kernel's choice. */
    public InetAddress sendSource() { return source; }

    @Override public Socket2DatagramPacket copy() { return replace(content().copy()); }
    @Override public Socket2DatagramPacket duplicate() { return replace(content().duplicate()); }
    @Override public Socket2DatagramPacket retainedDuplicate() { return replace(content().retainedDuplicate()); }

    @Override
    public Socket2DatagramPacket replace(ByteBuf content) {
        return new Socket2DatagramPacket(content, recipient(), sender(), control, trafficClass, source);
    }

    @Override public Socket2DatagramPacket retain() { super.retain(); return this; }
    @Override public Socket2DatagramPacket retain(int n) { super.retain(n); return this; }
    @Override public Socket2DatagramPacket touch() { super.touch(); return this; }
    @Override public Socket2DatagramPacket touch(Object hint) { super.touch(hint); return this; }

    @Override
    public String toString() {
        return super.toString() + control + (trafficClass >= 0 ? " tc=" + trafficClass : "")
            + (source != null ? " from " + source.getHostAddress() : "");
    }
}
