package dev.socket2j;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The segment forms of ControlMessage's codec, which the transport uses on native control buffers. */
class ControlMessageSegmentTest {
    @Test
    void encodeIntoASegmentParsesBack() {
        List<ControlMessage> msgs = List.of(new ControlMessage.IpTos(0x28), new ControlMessage.IpTtl(9),
            new ControlMessage.ScmRights(new int[] {3, 4}));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ctl = a.allocate(256, 8);
            long n = ControlMessage.encode(msgs, ctl);
            assertEquals(ControlMessage.space(msgs.toArray(new ControlMessage[0])), n);
            assertEquals(msgs, ControlMessage.parse(ctl, n));
            assertArrayEquals(ControlMessage.encode(msgs.toArray(new ControlMessage[0])), ctl.asSlice(0, n).toArray(JAVA_BYTE));
        }
    }

    @Test
    void encodeRefusesASegmentTooSmall() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ctl = a.allocate(8, 8);
            assertThrows(IllegalArgumentException.class, () -> ControlMessage.encode(List.of(new ControlMessage.IpTtl(1)), ctl));
        }
    }

    @Test
    void descriptorsCollectsEveryScmRightsAndStopsAtAMalformedHeader() {
        List<ControlMessage> msgs = List.of(new ControlMessage.ScmRights(new int[] {5}), new ControlMessage.IpTos(1),
            new ControlMessage.ScmRights(new int[] {6, 7}));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ctl = a.allocate(256, 8);
            long n = ControlMessage.encode(msgs, ctl);
            assertArrayEquals(new int[] {5, 6, 7}, ControlMessage.descriptors(ctl, n));
            long first = ControlMessage.spaceFor(4);
            ctl.set(JAVA_LONG, first, 1L);   // second header's cmsg_len below a header: malformed
            assertArrayEquals(new int[] {5}, ControlMessage.descriptors(ctl, n), "what came before is kept, no throw");
            assertThrows(IllegalArgumentException.class, () -> ControlMessage.parse(ctl, n));
        }
    }
}
