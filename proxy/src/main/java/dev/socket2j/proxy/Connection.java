package dev.socket2j.proxy;

import io.netty.channel.Channel;

import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** One proxied connection: the accepted channel, its upstream channel once connected, and its reporting. */
final class Connection {
    private final long id;
    private final Channel inbound;
    private final ProxyStats stats;
    private final Consumer<String> report;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final AtomicBoolean failed = new AtomicBoolean();
    private volatile Channel upstream;

    Connection(long id, Channel inbound, ProxyStats stats, Consumer<String> report) {
        this.id = id;
        this.inbound = inbound;
        this.stats = stats;
        this.report = report;
        stats.active.incrementAndGet();
        stats.accepted.increment();
    }

    long id() { return id; }
    Channel inbound() { return inbound; }
    Channel upstream() { return upstream; }
    ProxyStats stats() { return stats; }

    void upstream(Channel ch) { this.upstream = ch; }

    /** Reports a failure of this connection once (later ones are consequences of the first). */
    void error(String where, Throwable cause) {
        if (!failed.compareAndSet(false, true)) return;
        stats.errors.increment();
        report.accept("conn " + id + " " + describe(inbound.remoteAddress()) + ": " + where + ": " + message(cause));
    }

    void closed() {
        if (open.compareAndSet(true, false)) stats.active.decrementAndGet();
    }

    private static String describe(SocketAddress a) { return a == null ? "?" : a.toString().replaceFirst("^/", ""); }

    static String message(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
