package dev.socket2j.netty;

import dev.socket2j.Socket;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;

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
    /** {@code DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION}: active once registered, to send without binding first. */
    volatile boolean activeOnOpen;

    DatagramHost(Channel channel, Socket socket, boolean ipv6, ConfigSupport.OptionHost options) {
        this.channel = channel;
        this.socket = socket;
        this.ipv6 = ipv6;
        this.options = options;
    }

    void setActiveOnOpen(boolean on) {
        if (channel.isRegistered()) throw new IllegalStateException("can only be changed before channel was registered");
        activeOnOpen = on;
    }

    void autoReadCleared() { ConfigSupport.clearReadPending(channel); }

    /** Reads ({@code v == READ}) or writes {@code DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION}, for both datagram configs. */
    Object localOption(ChannelOption<?> o, Object v) {
        if (o != ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION) return ConfigSupport.NOT_LOCAL;
        if (v != ConfigSupport.READ) setActiveOnOpen((Boolean) v);
        return activeOnOpen;
    }
}
