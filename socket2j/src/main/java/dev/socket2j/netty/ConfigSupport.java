package dev.socket2j.netty;

import dev.socket2j.SockRef;
import io.netty.channel.ChannelOption;

import java.util.List;
import java.util.Map;

/** The option lookup the configs share: Netty's own options first, then {@link OptionTable}. */
final class ConfigSupport {
    private ConfigSupport() {}

    static final ChannelOption<?>[] TABLE_OPTIONS = OptionTable.options().toArray(new ChannelOption<?>[0]);

    /** The value of a table option, or {@code null} if {@code option} is not one. */
    static <T> T get(AbstractSocket2Channel ch, ChannelOption<T> option) {
        OptionTable.Binding<T, ?> b = OptionTable.binding(option);
        return b == null ? null : OptionTable.get(SockRef.of(ch.fd), b);
    }

    /** Writes a table option; false if {@code option} is not one. */
    @SuppressWarnings("unchecked")
    static <T> boolean set(AbstractSocket2Channel ch, ChannelOption<T> option, T value) {
        OptionTable.Binding<T, ?> b = OptionTable.binding(option);
        if (b == null) return false;
        try {
            set(ch, option, value, b);
        } catch (io.netty.channel.ChannelException e) {
            if (!ch.isRegistered() && ch.refusedOption == null) ch.refusedOption = e;
            throw e;
        } catch (IllegalArgumentException e) {
            // a value outside the option's C range: fail the bootstrap as for a kernel refusal
            if (!ch.isRegistered() && ch.refusedOption == null) ch.refusedOption = new io.netty.channel.ChannelException(e);
            throw e;
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private static <T> void set(AbstractSocket2Channel ch, ChannelOption<T> option, T value, OptionTable.Binding<T, ?> b) {
        if (option == Socket2ChannelOption.TCP_MD5SIG) {
            OptionTable.setMd5Sig(SockRef.of(ch.fd), (OptionTable.Binding<Map<java.net.InetAddress, byte[]>, ?>) (Object) b,
                (Map<java.net.InetAddress, byte[]>) value, ch.ipv6);
        } else {
            OptionTable.set(SockRef.of(ch.fd), b, value);
        }
    }

    static List<ChannelOption<?>> all() { return OptionTable.options(); }
}
