package dev.socket2j.proxy;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters shared by every connection; read by the status line and the summary. */
final class ProxyStats {
    final AtomicLong active = new AtomicLong();
    final LongAdder accepted = new LongAdder();
    final LongAdder upstreamBytes = new LongAdder();   // client -> upstream
    final LongAdder downstreamBytes = new LongAdder(); // upstream -> client
    final LongAdder errors = new LongAdder();
    final LongAdder pauses = new LongAdder();          // reads paused because the other side was not writable
    private final long startNanos = System.nanoTime();
    private long lastNanos = startNanos;
    private long lastBytes;

    long totalBytes() { return upstreamBytes.sum() + downstreamBytes.sum(); }

    /** One status line; the rate is over the time since the previous call. */
    synchronized String statusLine() {
        long now = System.nanoTime();
        long bytes = totalBytes();
        double rate = (bytes - lastBytes) / Math.max(1e-9, (now - lastNanos) / 1e9);
        lastNanos = now;
        lastBytes = bytes;
        return String.format(Locale.ROOT, "conns %d active / %d total | up %s down %s | %s/s | errors %d",
            active.get(), accepted.sum(), bytes(upstreamBytes.sum()), bytes(downstreamBytes.sum()), bytes((long) rate),
            errors.sum());
    }

    String summary() {
        double secs = (System.nanoTime() - startNanos) / 1e9;
        return String.format(Locale.ROOT,
            "socket2j-proxy summary: %.1f s, %d connections (%d still open), up %s, down %s, mean %s/s, "
                + "%d errors, %d read pauses for backpressure",
            secs, accepted.sum(), active.get(), bytes(upstreamBytes.sum()), bytes(downstreamBytes.sum()),
            bytes((long) (totalBytes() / Math.max(secs, 1e-9))), errors.sum(), pauses.sum());
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        if (n < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        if (n < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0);
        return String.format(Locale.ROOT, "%.2f GiB", n / 1073741824.0);
    }
}
