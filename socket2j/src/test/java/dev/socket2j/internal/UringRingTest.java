package dev.socket2j.internal;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The ring itself: setup with and without each optional flag, NOP round trips, the opcode probe, a buffer ring. */
class UringRingTest {
    private static String unavailable;

    @BeforeAll
    static void probe() {
        try (UringRing r = UringRing.open(4, 8, 0)) {
            unavailable = null;
        } catch (IOException | RuntimeException e) {
            unavailable = "io_uring is not available here: " + e;
        }
    }

    private static UringRing open(int excluded) throws IOException {
        assumeTrue(unavailable == null, unavailable);
        UringRing r = UringRing.open(16, 64, excluded);
        r.enable();
        return r;
    }

    private record Cqe(long ud, int res, int flags) {}

    private static List<Cqe> reapAll(UringRing r) {
        List<Cqe> out = new ArrayList<>();
        r.reap((ud, res, f) -> out.add(new Cqe(ud, res, f)));
        return out;
    }

    private static void nopRoundTrip(UringRing r, int count) {
        for (int i = 0; i < count; i++) {
            long sqe = r.nextSqe();
            assertTrue(sqe >= 0);
            r.prep(sqe, Uring.OP_NOP, -1, 0, 0, 0, 1000L + i);
        }
        assertEquals(count, r.pending());
        int rc = r.submitAndWait(count, 1_000_000_000L, true);
        assertEquals(count, rc, "SQEs consumed");
        List<Cqe> got = new ArrayList<>();
        for (int tries = 0; got.size() < count && tries < 100; tries++) {
            got.addAll(reapAll(r));
            if (got.size() < count) r.submitAndWait(1, 10_000_000L, true);
        }
        assertEquals(count, got.size());
        for (int i = 0; i < count; i++) {
            assertEquals(1000L + i, got.get(i).ud());
            assertEquals(0, got.get(i).res());
        }
    }

    @Test
    void nopCompletesWithItsUserDataInOrder() throws IOException {
        try (UringRing r = open(0)) {
            nopRoundTrip(r, 10);
            nopRoundTrip(r, 16);  // the full SQ, and wrap-around of both rings
            nopRoundTrip(r, 16);
        }
    }

    @Test
    void nextSqeReportsAFullQueue() throws IOException {
        try (UringRing r = open(0)) {
            for (int i = 0; i < r.sqEntries(); i++) assertTrue(r.nextSqe() >= 0);
            assertEquals(-1, r.nextSqe());
            for (int i = 0; i < r.sqEntries(); i++) r.prep(i * Uring.SQE_SIZE, Uring.OP_NOP, -1, 0, 0, 0, i);
            assertEquals(r.sqEntries(), r.submit());
            assertTrue(r.nextSqe() >= 0);
        }
    }

    @Test
    void everyOptionalFlagIsGrantedOnThisKernelOrDroppedCleanly() throws IOException {
        try (UringRing r = open(0)) {
            // 6.1+ grants these; older kernels drop them one by one and the ring still works
            System.out.printf("io_uring setup flags 0x%x, features 0x%x%n", r.setupFlags(), r.features());
            if (r.hasFlag(Uring.SETUP_DEFER_TASKRUN)) assertTrue(r.hasFlag(Uring.SETUP_SINGLE_ISSUER));
            assertFalse(r.hasFlag(Uring.SETUP_DEFER_TASKRUN) && r.hasFlag(Uring.SETUP_COOP_TASKRUN));
            nopRoundTrip(r, 4);
        }
    }

    @Test
    void eachOptionalFlagCanBeForcedOff() throws IOException {
        for (int f : UringRing.OPTIONAL_FLAGS) {
            try (UringRing r = open(f)) {
                assertFalse(r.hasFlag(f), "excluded flag 0x" + Integer.toHexString(f));
                nopRoundTrip(r, 4);
            }
        }
        int all = 0;
        for (int f : UringRing.OPTIONAL_FLAGS) all |= f;
        try (UringRing r = open(all)) {   // the 5.x path: no optional flag, and the SQ index array in use
            assertFalse(r.hasFlag(Uring.SETUP_SINGLE_ISSUER));
            assertFalse(r.hasFlag(Uring.SETUP_R_DISABLED));
            nopRoundTrip(r, 16);
            nopRoundTrip(r, 16);
        }
    }

    @Test
    void waitWithoutExtArgTimesOutThroughATimeoutSqe() throws IOException {
        try (UringRing r = open(0); Arena a = Arena.ofConfined()) {
            MemorySegment ts = a.allocate(16, 8);
            ts.set(java.lang.foreign.ValueLayout.JAVA_LONG, 8, 5_000_000L);
            long sqe = r.nextSqe();
            r.prep(sqe, Uring.OP_TIMEOUT, -1, ts.address(), 1, 0, 77);
            int rc = r.submitAndWait(1, -1, false);
            assertEquals(1, rc);
            List<Cqe> got = reapAll(r);
            // io_uring_enter may return before min_complete when task work or a signal interrupts the wait (it
            // reports what it submitted, not EINTR): wait again until the timeout's completion is there
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (got.isEmpty() && System.nanoTime() < deadline) {
                r.submitAndWait(1, -1, false);
                got.addAll(reapAll(r));
            }
            assertEquals(1, got.size());
            assertEquals(77, got.get(0).ud());
            assertEquals(-62, got.get(0).res(), "ETIME");
        }
    }

    @Test
    void extArgWaitReturnsEtimeWhenNothingCompletes() throws IOException {
        try (UringRing r = open(0)) {
            assumeTrue(r.hasFeature(Uring.FEAT_EXT_ARG), "no IORING_FEAT_EXT_ARG (Linux 5.11)");
            int rc = r.submitAndWait(1, 2_000_000L, true);
            assertEquals(-62, rc, "ETIME");
            assertEquals(0, r.ready());
        }
    }

    @Test
    void probeReportsTheOpcodesTheTransportNeeds() throws IOException {
        try (UringRing r = open(0)) {
            for (byte op : new byte[] { Uring.OP_NOP, Uring.OP_READ, Uring.OP_WRITEV, Uring.OP_ACCEPT, Uring.OP_RECV,
                    Uring.OP_SEND, Uring.OP_CONNECT, Uring.OP_ASYNC_CANCEL, Uring.OP_TIMEOUT, Uring.OP_SHUTDOWN }) {
                assertTrue(r.supports(op), Uring.opName(op));
            }
            assertFalse(r.supports(255));
            assertFalse(r.supports(-1));
        }
    }

    @Test
    void setupRefusesNonPositiveSizes() {
        assertThrows(IllegalArgumentException.class, () -> UringRing.open(0, 8, 0));
        assertThrows(IllegalArgumentException.class, () -> UringRing.open(8, -1, 0));
    }

    @Test
    void bufferRingFeedsRecvAndReportsEnobufsWhenEmpty() throws IOException {
        try (UringRing r = open(0); Arena a = Arena.ofConfined()) {
            MemorySegment fds = a.allocate(8, 4);
            Sys.socketpair(C.AF_UNIX, C.SOCK_STREAM, 0, fds);
            int s0 = fds.get(JAVA_INT, 0), s1 = fds.get(JAVA_INT, 4);
            try (UringBufRing br = UringBufRing.register(r, (short) 3, 2, 64)) {
                assertThrows(IllegalArgumentException.class, () -> UringBufRing.register(r, (short) 4, 3, 64));
                MemorySegment msg = a.allocateFrom("hello");
                for (int round = 0; round < 3; round++) {
                    assertEquals(5, Sys.writeNb(r.capture, s1, msg, 5));
                    long sqe = r.nextSqe();
                    r.prep(sqe, Uring.OP_RECV, s0, 0, 0, 0, round);
                    r.sqeFlags(sqe, Uring.SQE_BUFFER_SELECT);
                    r.sqeBufGroup(sqe, br.group());
                    r.submitAndWait(1, 1_000_000_000L, true);
                    List<Cqe> got = reapAll(r);
                    assertEquals(1, got.size());
                    Cqe c = got.get(0);
                    if (round < 2) {
                        assertEquals(5, c.res());
                        assertTrue((c.flags() & Uring.CQE_F_BUFFER) != 0);
                        int bid = c.flags() >>> Uring.CQE_BUFFER_SHIFT;
                        assertEquals('h', br.buffer(bid, 5).get(JAVA_BYTE, 0));
                        br.taken();
                        // keep the buffer: after two rounds the ring is empty
                    } else {
                        assertEquals(-Errno.ENOBUFS, c.res(), "empty ring");
                    }
                }
                br.recycle(0);
                long sqe = r.nextSqe();
                r.prep(sqe, Uring.OP_RECV, s0, 0, 0, 0, 9);
                r.sqeFlags(sqe, Uring.SQE_BUFFER_SELECT);
                r.sqeBufGroup(sqe, br.group());
                r.submitAndWait(1, 1_000_000_000L, true);
                List<Cqe> got = reapAll(r);
                assertEquals(5, got.get(0).res(), "the data left in the socket after ENOBUFS is read once a buffer is back");
            } finally {
                Sys.closeQuietly(s0);
                Sys.closeQuietly(s1);
            }
        }
    }
}
