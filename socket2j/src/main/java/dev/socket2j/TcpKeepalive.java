package dev.socket2j;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * TCP keepalive parameters for {@link SocketOptions#setTcpKeepalive}: an immutable builder in which each part
 * is optional; only the parts that are set are written.
 *
 * <ul>
 *   <li>time ({@code TCP_KEEPIDLE}): idle time before the first probe;</li>
 *   <li>interval ({@code TCP_KEEPINTVL}): time between probes;</li>
 *   <li>retries ({@code TCP_KEEPCNT}): unanswered probes before the connection is dropped.</li>
 * </ul>
 * Linux counts time and interval in whole seconds (1..32767): a sub-second part is rounded <em>up</em>, so
 * 500 ms becomes 1 s rather than 0, which Linux would refuse with {@code EINVAL} (socket2 truncates instead).
 */
public final class TcpKeepalive {
    private final Duration time;
    private final Duration interval;
    private final Integer retries;

    private TcpKeepalive(Duration time, Duration interval, Integer retries) {
        this.time = time;
        this.interval = interval;
        this.retries = retries;
    }

    /** No part set: {@code setTcpKeepalive(new TcpKeepalive())} only turns {@code SO_KEEPALIVE} on. */
    public TcpKeepalive() { this(null, null, null); }

    /** Sets the idle time before the first probe ({@code TCP_KEEPIDLE}). */
    public TcpKeepalive withTime(Duration time) {
        return new TcpKeepalive(checked(time), interval, retries);
    }

    /** Sets the time between probes ({@code TCP_KEEPINTVL}). */
    public TcpKeepalive withInterval(Duration interval) {
        return new TcpKeepalive(time, checked(interval), retries);
    }

    /** Sets how many unanswered probes drop the connection ({@code TCP_KEEPCNT}, 1..127 on Linux). */
    public TcpKeepalive withRetries(int retries) {
        if (retries < 0) throw new IllegalArgumentException("negative keepalive retries: " + retries);
        return new TcpKeepalive(time, interval, retries);
    }

    /** The idle time before the first probe ({@code TCP_KEEPIDLE}), if set. */
    public Optional<Duration> time() { return Optional.ofNullable(time); }
    /** The time between probes ({@code TCP_KEEPINTVL}), if set. */
    public Optional<Duration> interval() { return Optional.ofNullable(interval); }
    /** The unanswered probes that drop the connection ({@code TCP_KEEPCNT}), if set. */
    public OptionalInt retries() { return retries == null ? OptionalInt.empty() : OptionalInt.of(retries); }

    private static Duration checked(Duration d) {
        Objects.requireNonNull(d, "duration");
        if (d.isNegative()) throw new IllegalArgumentException("negative keepalive duration: " + d);
        return d;
    }

    @Override public String toString() {
        return "TcpKeepalive[time=" + time + ", interval=" + interval + ", retries=" + retries + "]";
    }
}
