package dev.socket2j.netty;

import dev.socket2j.Socket;
import io.netty.channel.Channel;

/**
 * What the datagram configs ({@link Socket2DatagramChannelConfig}, {@link Socket2DomainDatagramChannelConfig}) need of
 * their channel, whichever engine runs it: the owned socket, its family, the option dispatch's host, the
 * {@code DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION} flag (kept here, read by the channel's {@code isActive()}) and what to
 * do when auto-read is turned off. Each datagram channel makes one at construction.
 */
final class DatagramHost {
    final Channel channel;
    final Socket socket;
    final boolean ipv6;
    final ConfigSupport.OptionHost options;
    private final Runnable autoReadCleared;
    /** {@code DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION}: active once registered, to send without binding first. */
    volatile boolean activeOnOpen;

    DatagramHost(Channel channel, Socket socket, boolean ipv6, ConfigSupport.OptionHost options, Runnable autoReadCleared) {
        this.channel = channel;
        this.socket = socket;
        this.ipv6 = ipv6;
        this.options = options;
        this.autoReadCleared = autoReadCleared;
    }

    void setActiveOnOpen(boolean on) {
        if (channel.isRegistered()) throw new IllegalStateException("can only be changed before channel was registered");
        activeOnOpen = on;
    }

    void autoReadCleared() { autoReadCleared.run(); }
}
