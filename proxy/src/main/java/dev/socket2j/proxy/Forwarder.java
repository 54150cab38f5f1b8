package dev.socket2j.proxy;

import dev.socket2j.Domain;
import dev.socket2j.Socket;
import dev.socket2j.Type;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Consumer;

/** A running proxy, TCP ({@link ProxyServer}) or UDP ({@link UdpProxyServer}). */
interface Forwarder extends AutoCloseable {
    /** Where it listens (the port the kernel chose, if asked for port 0). */
    InetSocketAddress localAddress();

    ProxyStats stats();

    /** Stops listening, closes every connection or session and the event loops. */
    @Override void close();

    /**
     * Starts the proxy {@code config} asks for; per-connection or per-session failures go to {@code report}.
     * The upstream options are first tried once on a probe socket of the upstream's kind, so that an option
     * the kernel refuses ({@code tcp_congestion=nonexistent}: ENOENT) stops start-up instead of every connection.
     */
    static Forwarder start(ProxyConfig config, Consumer<String> report) throws IOException, InterruptedException {
        probeUpstreamOptions(config.upstreamOpts(), config.upstream(), config.udp());
        return config.udp() ? UdpProxyServer.start(config, report) : ProxyServer.start(config, report);
    }

    /** Sets each option on a fresh unconnected socket of the upstream's family and type; throws the first refusal. */
    static void probeUpstreamOptions(List<OptionSetting> opts, InetSocketAddress upstream, boolean udp) throws IOException {
        if (opts.isEmpty()) return;
        try (Socket probe = Socket.open(Domain.forAddress(upstream), udp ? Type.DGRAM : Type.STREAM)) {
            for (OptionSetting o : opts) {
                try {
                    o.applyTo(probe);
                } catch (IOException | RuntimeException e) {
                    throw new IOException("upstream socket: cannot set " + o + ": " + e.getMessage(), e);
                }
            }
        }
    }
}
