package dev.socket2j.netty;

import dev.socket2j.ControlMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packet types' own contracts: derived packets keep their control messages, accessors read the typed items. */
class DatagramPacketTypesTest {
    private static final InetSocketAddress TO = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
    private static final InetSocketAddress FROM = new InetSocketAddress(InetAddress.getLoopbackAddress(), 10);
    private static final List<ControlMessage> RECEIVED = List.of(new ControlMessage.IpTos(0x10),
        new ControlMessage.IpTtl(64), new ControlMessage.UdpGro(100));

    @Test
    void segmentedPacketKeepsControlMessagesAndSegmentSizeThroughCopyDuplicateAndReplace() {
        ByteBuf data = Unpooled.copiedBuffer(new byte[300]);
        Socket2SegmentedDatagramPacket p = new Socket2SegmentedDatagramPacket(data, 100, TO, FROM, RECEIVED);
        try {
            for (Socket2SegmentedDatagramPacket d : List.of(p.copy(), p.duplicate(), p.replace(Unpooled.buffer(1)))) {
                assertEquals(RECEIVED, d.controlMessages());
                assertEquals(100, d.segmentSize());
                assertEquals(TO, d.recipient());
                assertEquals(FROM, d.sender());
                assertNotSame(p, d);
            }
            Socket2SegmentedDatagramPacket r = p.retainedDuplicate();
            assertEquals(2, data.refCnt(), "a retained duplicate shares the buffer");
            r.release();
            assertSame(p, p.retain().touch("hint"));
            p.release();
        } finally {
            p.release();
        }
        assertEquals(0, data.refCnt());
    }

    @Test
    void ancillaryAccessorsReadTheTypedItemsAndAreEmptyWhenAbsent() {
        Socket2SegmentedDatagramPacket p = new Socket2SegmentedDatagramPacket(Unpooled.buffer(1), 1, TO, FROM, RECEIVED);
        assertEquals(OptionalInt.of(0x10), p.trafficClass());
        assertEquals(OptionalInt.of(64), p.hopLimit());
        assertEquals(Optional.empty(), p.destination());
        assertEquals(OptionalInt.empty(), p.interfaceIndex());
        assertEquals(Optional.empty(), p.originalDestination());
        assertEquals(Optional.empty(), p.timestamp());
        assertTrue(p.toString().contains("UdpGro"), p.toString());
        p.release();
    }

    @Test
    void datagramPacketSendSettingsAreCheckedAndKeptByReplace() {
        Socket2DatagramPacket p = new Socket2DatagramPacket(Unpooled.buffer(1), TO).withTrafficClass(0xb8)
            .withSource(InetAddress.getLoopbackAddress());
        assertThrows(IllegalArgumentException.class, () -> p.withTrafficClass(256));
        assertThrows(IllegalArgumentException.class, () -> p.withTrafficClass(-1));
        Socket2DatagramPacket r = p.replace(Unpooled.buffer(2));
        assertEquals(0xb8, r.sendTrafficClass());
        assertEquals(InetAddress.getLoopbackAddress(), r.sendSource());
        r.release();
        p.release();
    }
}
