package dev.socket2j.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/** A running proxy, TCP ({@link ProxyServer}) or UDP ({@link UdpProxyServer}). */
interface Forwarder extends AutoCloseable {
    /** Where it listens (the port the kernel chose, if asked for port 0). */
    InetSocketAddress localAddress();

    ProxyStats stats();

    /** Stops listening, closes every connection or session and the event loops. */
    @Override void close();

    /** Starts the proxy {@code config} asks for; per-connection or per-session failures go to {@code report}. */
    static Forwarder start(ProxyConfig config, Consumer<String> report) throws IOException, InterruptedException {
        return config.udp() ? UdpProxyServer.start(config, report) : ProxyServer.start(config, report);
    }
}
