package dev.socket2j.proxy;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters shared by every connection (TCP) or session (UDP: {@code active} and {@code accepted} count
 * sessions); read by the status line and the summary.
 */
final class ProxyStats {
    final AtomicLong active = new AtomicLong();
    final LongAdder accepted = new LongAdder();
    // UDP only
    final LongAdder upstreamDatagrams = new LongAdder();   // client -> upstream, sent
    final LongAdder downstreamDatagrams = new LongAdder(); // upstream -> client, sent
    final LongAdder drops = new LongAdder();               // datagrams dropped: the socket to leave by was full
    final LongAdder refused = new LongAdder();             // datagrams of new clients beyond --max-sessions
    final LongAdder expired = new LongAdder();             // sessions closed for idleness
    final LongAdder unreachable = new LongAdder();         // ICMP port/host unreachable reports from upstream
    private final boolean udp;

    final LongAdder upstreamBytes = new LongAdder();   // client -> upstream
    final LongAdder downstreamBytes = new LongAdder(); // upstream -> client
    final LongAdder errors = new LongAdder();
    final LongAdder pauses = new LongAdder();          // reads paused because the other side was not writable
    private final long startNanos = System.nanoTime();
    private long lastNanos = startNanos;
    private long lastBytes;

    ProxyStats() { this(false); }

    ProxyStats(boolean udp) { this.udp = udp; }

    long totalBytes() { return upstreamBytes.sum() + downstreamBytes.sum(); }

    /** One status line; the rate is over the time since the previous call. */
    synchronized String statusLine() {
        long now = System.nanoTime();
        long bytes = totalBytes();
        double rate = (bytes - lastBytes) / Math.max(1e-9, (now - lastNanos) / 1e9);
        lastNanos = now;
        lastBytes = bytes;
        if (udp) {
            return String.format(Locale.ROOT,
                "sessions %d active / %d total | up %d dgrams %s down %d dgrams %s | %s/s | drops %d refused %d | errors %d",
                active.get(), accepted.sum(), upstreamDatagrams.sum(), bytes(upstreamBytes.sum()),
                downstreamDatagrams.sum(), bytes(downstreamBytes.sum()), bytes((long) rate), drops.sum(),
                refused.sum(), errors.sum());
        }
        return String.format(Locale.ROOT, "conns %d active / %d total | up %s down %s | %s/s | errors %d",
            active.get(), accepted.sum(), bytes(upstreamBytes.sum()), bytes(downstreamBytes.sum()), bytes((long) rate),
            errors.sum());
    }

    String summary() {
        double secs = (System.nanoTime() - startNanos) / 1e9;
        if (udp) {
            return String.format(Locale.ROOT,
                "socket2j-proxy summary (udp): %.1f s, %d sessions (%d still open, %d expired), "
                    + "up %d datagrams %s, down %d datagrams %s, mean %s/s, %d dropped for backpressure, "
                    + "%d refused over the session limit, %d ICMP unreachable, %d errors",
                secs, accepted.sum(), active.get(), expired.sum(), upstreamDatagrams.sum(), bytes(upstreamBytes.sum()),
                downstreamDatagrams.sum(), bytes(downstreamBytes.sum()),
                bytes((long) (totalBytes() / Math.max(secs, 1e-9))), drops.sum(), refused.sum(), unreachable.sum(),
                errors.sum());
        }
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
