package dev.socket2j.internal;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A ring registered with its thread ({@code IORING_REGISTER_RING_FDS}, 5.18) is entered by index and unregistered on close. */
class UringRingFdTest {
    /** Without SINGLE_ISSUER, so that any thread may enter the ring by its descriptor. */
    private static UringRing open() throws IOException {
        UringRing r;
        try {
            r = UringRing.open(8, 16, Uring.SETUP_SINGLE_ISSUER | Uring.SETUP_DEFER_TASKRUN);
        } catch (IOException e) {
            assumeTrue(false, "io_uring is not available here: " + e);
            throw e;
        }
        r.enable();
        return r;
    }

    private static int nop(UringRing r) {
        r.prep(r.nextSqe(), Uring.OP_NOP, -1, 0, 0, 0, 5);
        int rc = r.submitAndWait(1, 1_000_000_000L, true);
        r.reap((ud, res, f) -> { });
        return rc;
    }

    private static int nopOnAnotherThread(UringRing r) throws Exception {
        CompletableFuture<Integer> rc = new CompletableFuture<>();
        Thread t = new Thread(() -> rc.complete(nop(r)));
        t.start();
        t.join(5000);
        return rc.get(1, TimeUnit.SECONDS);
    }

    @Test
    void aRegisteredRingIsEnteredByItsIndexFromTheRegisteringThreadOnly() throws Exception {
        try (UringRing r = open()) {
            assertEquals(1, nopOnAnotherThread(r), "by descriptor any thread may enter");
            assumeTrue(r.registerRingFd(), "no IORING_REGISTER_RING_FDS (Linux 5.18)");
            assertTrue(r.ringFdRegistered());
            assertEquals(1, nop(r), "the registering thread enters by index");
            assertEquals(1, nop(r));
            // another thread's table has no such index: proof that the enter names the ring by index, not descriptor
            assertTrue(nopOnAnotherThread(r) < 0, "an enter by index from a thread that did not register it");
        }
    }

    @Test
    void closeUnregistersSoTheThreadsSixteenSlotsAreNeverUsedUp() throws Exception {
        for (int i = 0; i < 40; i++) {   // the kernel keeps 16 registered rings per thread
            try (UringRing r = open()) {
                assumeTrue(i > 0 || r.registerRingFd(), "no IORING_REGISTER_RING_FDS (Linux 5.18)");
                if (i > 0) assertTrue(r.registerRingFd(), "registration " + i + " (a ring not unregistered holds a slot)");
                assertEquals(1, nop(r));
            }
        }
    }
}
