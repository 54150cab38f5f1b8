package dev.socket2j.netty;

import dev.socket2j.ControlMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.unix.SegmentedDatagramPacket;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * A receive that {@code UDP_GRO} (Linux 5.0) coalesced: several datagrams of {@link #segmentSize()} bytes from one
 * sender (the last may be shorter), delivered as one Netty {@link SegmentedDatagramPacket} that also keeps the
 * ancillary data of that receive ({@link DatagramAncillary}); the {@code UDP_GRO} message itself is among
 * {@link #controlMessages()}. The kernel coalesces only datagrams whose headers match, so TOS, TTL and destination
 * hold for every segment.
 */
public final class Socket2SegmentedDatagramPacket extends SegmentedDatagramPacket implements DatagramAncillary {
    private final List<ControlMessage> control;

    /** A coalesced packet with the control messages it arrived with. */
    public Socket2SegmentedDatagramPacket(ByteBuf data, int segmentSize, InetSocketAddress recipient,
                                          InetSocketAddress sender, List<ControlMessage> control) {
        super(data, segmentSize, recipient, sender);
        this.control = List.copyOf(Objects.requireNonNull(control, "control"));
    }

    @Override public List<ControlMessage> controlMessages() { return control; }

    @Override public Socket2SegmentedDatagramPacket copy() { return replace(content().copy()); }
    @Override public Socket2SegmentedDatagramPacket duplicate() { return replace(content().duplicate()); }
    @Override public Socket2SegmentedDatagramPacket retainedDuplicate() { return replace(content().retainedDuplicate()); }

    @Override
    public Socket2SegmentedDatagramPacket replace(ByteBuf content) {
        return new Socket2SegmentedDatagramPacket(content, segmentSize(), recipient(), sender(), control);
    }

    @Override public Socket2SegmentedDatagramPacket retain() { super.retain(); return this; }
    @Override public Socket2SegmentedDatagramPacket retain(int n) { super.retain(n); return this; }
    @Override public Socket2SegmentedDatagramPacket touch() { super.touch(); return this; }
    @Override public Socket2SegmentedDatagramPacket touch(Object hint) { super.touch(hint); return this; }

    @Override public String toString() { return super.toString() + control; }
}
