package dev.socket2j.internal;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The ring's own submit-and-complete path allocates nothing on the Java heap in steady state. */
class UringAllocationTest {
    private static final int WARMUP = 200_000, MEASURED = 100_000, BATCH = 8, WINDOWS = 10;

    private static long sum;
    private static final UringRing.CompletionSink SINK = (ud, res, flags) -> sum += ud + res;

    /** {@code com.sun.management.ThreadMXBean.getThreadAllocatedBytes} of this thread, reached reflectively. */
    static long allocatedBytes() throws Exception {
        Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        Class<?> sun = Class.forName("com.sun.management.ThreadMXBean");
        assumeTrue(sun.isInstance(bean), "no com.sun.management.ThreadMXBean in this JVM");
        Method m = sun.getMethod("getThreadAllocatedBytes", long.class);
        return (long) m.invoke(bean, Thread.currentThread().threadId());
    }

    private static void rounds(UringRing r, int n) {
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < BATCH; k++) r.prep(r.nextSqe(), Uring.OP_NOP, -1, 0, 0, 0, k);
            int rc = r.submitAndWait(BATCH, -1, false);
            if (rc != BATCH) throw new AssertionError("submitted " + rc);
            int got = r.reap(SINK);
            while (got < BATCH) {
                r.submitAndWait(1, -1, false);
                got += r.reap(SINK);
            }
        }
    }

    @Test
    void submittingAndReapingNopsAllocatesNothingPerCompletion() throws Exception {
        UringRing r;
        try {
            r = UringRing.open(16, 64, 0);
        } catch (IOException e) {
            assumeTrue(false, "io_uring is not available here: " + e);
            return;
        }
        try (r) {
            r.enable();
            rounds(r, WARMUP / BATCH);
            allocatedBytes();
            // Steady state is what is asserted: on a busy machine the JIT may still be compiling the path after the
            // warm-up, and interpreted or C1 code allocates what C2's escape analysis removes. So the best of up
            // to WINDOWS measured windows counts; a path that allocates per completion fails every one of them.
            long best = Long.MAX_VALUE;
            for (int w = 0; w < WINDOWS && best >= MEASURED; w++) {
                long before = allocatedBytes();
                rounds(r, MEASURED / BATCH);
                long after = allocatedBytes();
                long probe = allocatedBytes() - after;   // what one reading itself costs
                long bytes = after - before - probe;
                System.out.printf("ring, window %d: %d bytes over %d completions in %d enters (%.2f per completion)%n",
                    w, bytes, MEASURED, MEASURED / BATCH, bytes / (double) MEASURED);
                best = Math.min(best, bytes);
            }
            assertTrue(best / (double) MEASURED < 1.0, best + " bytes over " + MEASURED + " completions in the best of "
                + WINDOWS + " windows");
            assertEquals(0, r.ready());
        }
    }
}
