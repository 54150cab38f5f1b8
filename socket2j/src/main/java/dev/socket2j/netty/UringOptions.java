package dev.socket2j.netty;

import dev.socket2j.SockRef;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * The option dispatch of the io_uring channels: the same {@link OptionTable} (and so the same {@code SockOpt}
 * declarations and {@link Socket2ChannelOption}s) as the epoll channels' {@code ConfigSupport}, applied to the
 * channel's descriptor. A thin adapter until the configs of both engines share one dispatch.
 */
final class UringOptions {
    private UringOptions() {}

    /** The value of a table option, or {@code null} if {@code option} is not one. */
    static <T> T get(UringChannel ch, ChannelOption<T> option) {
        OptionTable.Binding<T, ?> b = OptionTable.binding(option);
        return b == null ? null : OptionTable.get(SockRef.of(ch.fd), b);
    }

    /** Writes a table option; false if {@code option} is not one. A refusal before registration fails the bootstrap. */
    @SuppressWarnings("unchecked")
    static <T> boolean set(UringChannel ch, ChannelOption<T> option, T value) {
        OptionTable.Binding<T, ?> b = OptionTable.binding(option);
        if (b == null) return false;
        try {
            if (option == Socket2ChannelOption.TCP_MD5SIG) {
                OptionTable.setMd5Sig(SockRef.of(ch.fd), (OptionTable.Binding<Map<InetAddress, byte[]>, ?>) (Object) b,
                    (Map<InetAddress, byte[]>) value, ch.ipv6);
            } else {
                OptionTable.set(SockRef.of(ch.fd), b, value);
            }
        } catch (ChannelException e) {
            if (!ch.isRegistered() && ch.refusedOption == null) ch.refusedOption = e;
            throw e;
        } catch (IllegalArgumentException e) {
            if (!ch.isRegistered() && ch.refusedOption == null) ch.refusedOption = new ChannelException(e);
            throw e;
        }
        return true;
    }

    static List<ChannelOption<?>> all() { return OptionTable.options(); }
}
