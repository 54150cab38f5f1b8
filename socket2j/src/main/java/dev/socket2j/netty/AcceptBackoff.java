package dev.socket2j.netty;

import io.netty.channel.EventLoop;

import java.util.concurrent.TimeUnit;

/**
 * What a listening channel of either engine does when accepting fails with {@code EMFILE}/{@code ENFILE}: it stops
 * accepting and retries after a back-off (10 ms doubling to 1 s, one timer at a time), and tells the pipeline at
 * most once per {@value #REPORT_SECONDS} seconds, not once per retry. Event loop only; off the hot path.
 */
final class AcceptBackoff {
    static final long MIN_MS = 10, MAX_MS = 1000;
    static final int REPORT_SECONDS = 10;
    private static final long REPORT_NANOS = TimeUnit.SECONDS.toNanos(REPORT_SECONDS);

    private long delayMs;
    private boolean pending;
    private boolean reported;
    private long lastReport;

    /** An accept succeeded or the queue was empty: the next exhaustion starts again from the shortest delay. */
    void reset() { delayMs = 0; }

    /** A retry is scheduled and has not run yet. */
    boolean isPending() { return pending; }

    /** Whether this exhaustion goes to the pipeline (the first, then one per {@value #REPORT_SECONDS} seconds). */
    boolean shouldReport() {
        long now = System.nanoTime();
        if (reported && now - lastReport < REPORT_NANOS) return false;
        reported = true;
        lastReport = now;
        return true;
    }

    /** Runs {@code retry} on the loop after the next delay, unless a retry is pending already. */
    void schedule(EventLoop loop, Runnable retry) {
        if (pending) return;
        delayMs = delayMs == 0 ? MIN_MS : Math.min(delayMs * 2, MAX_MS);
        pending = true;
        loop.schedule(() -> {
            pending = false;
            retry.run();
        }, delayMs, TimeUnit.MILLISECONDS);
    }
}
