package dev.socket2j;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code struct tcp_info} as kernels of both byte orders and both layouts of the word at offset 276 write it. The
 * bytes are laid out here the way GCC places the bitfields for each byte order: from the low bit of the storage
 * unit on little-endian targets, from the high bit on big-endian ones.
 */
class TcpInfoDecodeTest {
    // tcpi_snd_wscale = 7, tcpi_rcv_wscale = 9; tcpi_delivery_rate_app_limited = 1, tcpi_fastopen_client_fail = 2
    private static final int SND_WSCALE = 7, RCV_WSCALE = 9, APP_LIMITED = 1, FASTOPEN_FAIL = 2;
    // Linux 7.0: tcpi_ecn_mode:2 = 2 (AccECN), tcpi_accecn_opt_seen:2 = 3, tcpi_accecn_fail_mode:4 = 5,
    // tcpi_options2:24 = 0xABCDE
    private static final int ECN_MODE = 2, OPT_SEEN = 3, FAIL_MODE = 5, OPTIONS2 = 0xABCDE;

    private static MemorySegment struct(Arena arena, ByteOrder order, boolean ecnBitfields) {
        MemorySegment b = arena.allocate(TcpInfo.KNOWN_SIZE);
        boolean le = order == ByteOrder.LITTLE_ENDIAN;
        b.set(JAVA_BYTE, 0, (byte) 1);  // TCP_ESTABLISHED
        b.set(JAVA_BYTE, 6, (byte) (le ? SND_WSCALE | RCV_WSCALE << 4 : SND_WSCALE << 4 | RCV_WSCALE));
        b.set(JAVA_BYTE, 7, (byte) (le ? APP_LIMITED | FASTOPEN_FAIL << 1 : APP_LIMITED << 7 | FASTOPEN_FAIL << 5));
        b.set(JAVA_INT_UNALIGNED.withOrder(order), 80, 10);  // tcpi_snd_cwnd
        b.set(JAVA_SHORT_UNALIGNED.withOrder(order), 240, (short) 0x1234);  // tcpi_total_rto
        if (ecnBitfields) {
            int word = le ? ECN_MODE | OPT_SEEN << 2 | FAIL_MODE << 4 | OPTIONS2 << 8
                : ECN_MODE << 30 | OPT_SEEN << 28 | FAIL_MODE << 24 | OPTIONS2;
            b.set(JAVA_INT_UNALIGNED.withOrder(order), 276, word);
        } else {
            b.set(JAVA_SHORT_UNALIGNED.withOrder(order), 276, (short) FAIL_MODE);  // __u16 tcpi_accecn_fail_mode
            b.set(JAVA_SHORT_UNALIGNED.withOrder(order), 278, (short) OPT_SEEN);   // __u16 tcpi_accecn_opt_seen
        }
        return b;
    }

    private static void assertCommon(TcpInfo info) {
        assertEquals(1, info.state().orElseThrow());
        assertEquals(SND_WSCALE, info.get(TcpInfo.Field.SND_WSCALE).orElseThrow());
        assertEquals(RCV_WSCALE, info.get(TcpInfo.Field.RCV_WSCALE).orElseThrow());
        assertEquals(APP_LIMITED, info.get(TcpInfo.Field.DELIVERY_RATE_APP_LIMITED).orElseThrow());
        assertEquals(FASTOPEN_FAIL, info.get(TcpInfo.Field.FASTOPEN_CLIENT_FAIL).orElseThrow());
        assertEquals(10, info.sndCwnd().orElseThrow());
        assertEquals(0x1234, info.totalRto().orElseThrow());
        assertEquals(FAIL_MODE, info.get(TcpInfo.Field.ACCECN_FAIL_MODE).orElseThrow());
        assertEquals(OPT_SEEN, info.get(TcpInfo.Field.ACCECN_OPT_SEEN).orElseThrow());
    }

    @Test
    void bitfieldsOfBothByteOrdersWithTheLinux70Word() {
        for (ByteOrder order : new ByteOrder[] { ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN }) {
            try (Arena arena = Arena.ofConfined()) {
                TcpInfo info = TcpInfo.decode(struct(arena, order, true), TcpInfo.KNOWN_SIZE, order, true);
                assertCommon(info);
                assertEquals(ECN_MODE, info.get(TcpInfo.Field.ECN_MODE).orElseThrow(), order.toString());
                assertEquals(OPTIONS2, info.get(TcpInfo.Field.OPTIONS2).orElseThrow(), order.toString());
                assertEquals(TcpInfo.Field.values().length, info.fields().size());
            }
        }
    }

    @Test
    void bothByteOrdersWithTheTwo16BitFieldsOfLinux618() {
        for (ByteOrder order : new ByteOrder[] { ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN }) {
            try (Arena arena = Arena.ofConfined()) {
                TcpInfo info = TcpInfo.decode(struct(arena, order, false), TcpInfo.KNOWN_SIZE, order, false);
                assertCommon(info);
                assertFalse(info.has(TcpInfo.Field.ECN_MODE), "no such field before Linux 7.0");
                assertFalse(info.has(TcpInfo.Field.OPTIONS2));
                assertEquals(TcpInfo.Field.values().length - 2, info.fields().size());
            }
        }
    }

    @Test
    void aShorterStructLeavesTheWordAt276Out() {
        try (Arena arena = Arena.ofConfined()) {
            for (boolean bitfields : new boolean[] { true, false }) {
                TcpInfo info = TcpInfo.decode(struct(arena, ByteOrder.LITTLE_ENDIAN, bitfields), 248,
                    ByteOrder.LITTLE_ENDIAN, bitfields);  // Linux 6.7..6.17
                assertTrue(info.has(TcpInfo.Field.TOTAL_RTO_TIME));
                assertFalse(info.has(TcpInfo.Field.ACCECN_FAIL_MODE));
                assertFalse(info.has(TcpInfo.Field.ACCECN_OPT_SEEN));
                assertFalse(info.has(TcpInfo.Field.ECN_MODE));
            }
        }
    }

    @Test
    void theLayoutFollowsTheKernelRelease() {
        assertFalse(TcpInfo.ecnBitfields("6.18.44-fc-v1045"));
        assertFalse(TcpInfo.ecnBitfields("6.19.0"));
        assertTrue(TcpInfo.ecnBitfields("7.0.0-rc1"));
        assertTrue(TcpInfo.ecnBitfields("7.2.1-generic"));
        assertTrue(TcpInfo.ecnBitfields("6.20"));
        assertFalse(TcpInfo.ecnBitfields("5.15.0-1-amd64"));
    }

    @Test
    void theRunningKernelAndJvmDecodeTheirOwnStruct() throws Exception {
        // this JVM's order and this kernel's layout, through the public path
        try (Arena arena = Arena.ofConfined()) {
            ByteOrder order = ByteOrder.nativeOrder();
            TcpInfo info = TcpInfo.decode(struct(arena, order, TcpInfo.KERNEL_ECN_BITFIELDS), TcpInfo.KNOWN_SIZE);
            assertCommon(info);
        }
    }
}
