package dev.socket2j;

import dev.socket2j.ControlMessage.UdpGro;
import dev.socket2j.ControlMessage.UdpSegment;
import dev.socket2j.internal.C;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

import static dev.socket2j.MsgTestSupport.setInt;
import static dev.socket2j.MsgTestSupport.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** UDP generic segmentation offload on send (UDP_SEGMENT) and receive coalescing (UDP_GRO) over loopback. */
class UdpGsoGroTest {
    static final int SEGMENTS = 8, SIZE = 1000;

    private static ByteBuffer payload(int total) {
        ByteBuffer b = ByteBuffer.allocateDirect(total);
        for (int i = 0; i < total; i++) b.put((byte) (i / SIZE));  // each segment filled with its index
        return b.flip();
    }

    /** One sendmsg of 8 x 1000 bytes with UDP_SEGMENT(1000) arrives as 8 datagrams of 1000 bytes, in order. */
    @Test
    void gsoSplitsOneSendIntoSegments() throws Exception {
        try (Socket a = udp(false); Socket b = udp(false)) {
            long sent = a.sendmsg(new MsgHdr().withAddr(b.localAddr()).withBuffers(payload(SEGMENTS * SIZE))
                .withControl(new UdpSegment(SIZE)), 0);
            assertEquals(SEGMENTS * SIZE, sent);
            byte[] buf = new byte[4 * SIZE];
            for (int i = 0; i < SEGMENTS; i++) {
                assertEquals(SIZE, b.recv(buf), "datagram " + i);
                assertEquals(i, buf[0]);
                assertEquals(i, buf[SIZE - 1]);
            }
            IOException none = assertThrows(IOException.class, () -> b.recvWithFlags(buf, 0, buf.length, C.MSG_DONTWAIT));
            assertEquals("EAGAIN", ((OsError) none).errnoName(), "exactly " + SEGMENTS + " datagrams");
        }
    }

    /** The last segment may be shorter: 2500 bytes with segment size 1000 are 1000, 1000, 500. */
    @Test
    void gsoLastSegmentMayBeShorter() throws Exception {
        try (Socket a = udp(false); Socket b = udp(false)) {
            a.connect(b.localAddr());
            a.sendmsg(new MsgHdr().withBuffers(payload(2500)).withControl(new UdpSegment(SIZE)), 0);
            byte[] buf = new byte[4096];
            assertEquals(1000, b.recv(buf));
            assertEquals(1000, b.recv(buf));
            assertEquals(500, b.recv(buf));
        }
    }

    /**
     * With UDP_GRO on the receiver, a GSO send over loopback is not split: one receive holds all 8 segments and a
     * UDP_GRO control message gives the segment size (observed on Linux 6.18: loopback hands the GSO packet to a
     * GRO-enabled socket whole).
     */
    @Test
    void groReceiveReportsSegmentSize() throws Exception {
        try (Socket a = udp(false); Socket b = udp(false)) {
            setInt(b, "UDP_GRO", C.SOL_UDP, C.UDP_GRO, 1);
            a.sendmsg(new MsgHdr().withAddr(b.localAddr()).withBuffers(payload(SEGMENTS * SIZE))
                .withControl(new UdpSegment(SIZE)), 0);
            ByteBuffer into = ByteBuffer.allocateDirect(65535);
            try (MsgHdrMut m = new MsgHdrMut().withBuffers(into).withControl(ControlMessage.spaceFor(4))) {
                long n = b.recvmsg(m, 0);
                List<ControlMessage> cm = m.controlMessages();
                assertEquals(SEGMENTS * SIZE, n, "coalesced receive; control: " + cm);
                assertEquals(List.of(new UdpGro(SIZE)), cm);
                for (int i = 0; i < SEGMENTS; i++) assertEquals(i, into.get(i * SIZE));
            }
        }
    }

    /** GSO through a batch: per-slot UDP_SEGMENT control messages with sendmmsg. */
    @Test
    void gsoInABatch() throws Exception {
        try (Socket a = udp(false); Socket b = udp(false);
             MsgBatch batch = MsgBatch.allocate(2, SEGMENTS * SIZE, ControlMessage.spaceFor(2))) {
            batch.add(payload(SEGMENTS * SIZE), b.localAddr());
            batch.setControl(0, new UdpSegment(SIZE));
            batch.add(payload(3 * SIZE), b.localAddr());
            batch.setControl(1, new UdpSegment(SIZE));
            assertEquals(2, a.sendmmsg(batch, 0));
            assertEquals(SEGMENTS * SIZE, batch.length(0));
            byte[] buf = new byte[2 * SIZE];
            for (int i = 0; i < SEGMENTS + 3; i++) assertEquals(SIZE, b.recv(buf), "datagram " + i);
            assertThrows(IllegalArgumentException.class, () -> batch.setControl(0, new UdpSegment(SIZE), new UdpSegment(SIZE)),
                "two messages do not fit a CMSG_SPACE(2) slot");
        }
    }
}
