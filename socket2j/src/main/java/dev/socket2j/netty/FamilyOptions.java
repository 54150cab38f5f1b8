package dev.socket2j.netty;

import dev.socket2j.SockOpt;
import dev.socket2j.SocketKind;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.unix.UnixChannelOption;

import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Netty names of IP options whose kernel option depends on the socket's family ({@code IP_TOS} is
 * {@code IPV6_TCLASS} on IPv6), as one table: on an IPv6 socket the IPv6 option is read and written, and the IPv4
 * one written too where the kernel has it (it applies to IPv4-mapped peers); on IPv4 only the IPv4 one.
 */
final class FamilyOptions {
    private FamilyOptions() {}

    record Pair<V, K>(SockOpt<K> v4, SockOpt<K> v6, Function<V, K> toKernel, Function<K, V> toNetty) {}

    private static final Map<ChannelOption<?>, Pair<?, ?>> MAP = new IdentityHashMap<>();

    private static <V, K> void put(ChannelOption<V> o, SockOpt<K> v4, SockOpt<K> v6, Function<V, K> in, Function<K, V> out) {
        MAP.put(o, new Pair<>(v4, v6, in, out));
    }

    private static <V> void same(ChannelOption<V> o, SockOpt<V> v4, SockOpt<V> v6) { put(o, v4, v6, v -> v, v -> v); }

    static {
        same(ChannelOption.IP_TOS, SockOpt.IP_TOS, SockOpt.IPV6_TCLASS);
        same(ChannelOption.IP_MULTICAST_TTL, SockOpt.IP_MULTICAST_TTL, SockOpt.IPV6_MULTICAST_HOPS);
        put(ChannelOption.IP_MULTICAST_LOOP_DISABLED, SockOpt.IP_MULTICAST_LOOP, SockOpt.IPV6_MULTICAST_LOOP,
            disabled -> !disabled, loop -> !loop);
        same(ChannelOption.SO_BROADCAST, SockOpt.SO_BROADCAST, SockOpt.SO_BROADCAST);
        same(Socket2ChannelOption.IP_RECVORIGDSTADDR, SockOpt.IP_RECVORIGDSTADDR, SockOpt.IPV6_RECVORIGDSTADDR);
        same(Socket2ChannelOption.IP_TRANSPARENT, SockOpt.IP_TRANSPARENT, SockOpt.IPV6_TRANSPARENT);
        same(Socket2ChannelOption.IP_FREEBIND, SockOpt.IP_FREEBIND, SockOpt.IPV6_FREEBIND);
        same(Socket2ChannelOption.UDP_GRO, SockOpt.UDP_GRO, SockOpt.UDP_GRO);
        same(UnixChannelOption.SO_REUSEPORT, SockOpt.SO_REUSEPORT, SockOpt.SO_REUSEPORT);
    }

    static boolean has(ChannelOption<?> o) { return MAP.containsKey(o); }

    static List<ChannelOption<?>> options() { return new ArrayList<>(MAP.keySet()); }

    @SuppressWarnings("unchecked")
    static <V> V get(AbstractSocket2Channel ch, ChannelOption<V> o) {
        Pair<V, Object> p = (Pair<V, Object>) MAP.get(o);
        try {
            return p.toNetty().apply(ch.socket.getOption(ch.ipv6 ? p.v6() : p.v4()));
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static <V> void set(AbstractSocket2Channel ch, ChannelOption<V> o, V value) {
        Pair<V, Object> p = (Pair<V, Object>) MAP.get(o);
        Object k = p.toKernel().apply(value);
        try {
            ch.socket.setOption(ch.ipv6 ? p.v6() : p.v4(), k);
        } catch (IOException e) {
            ChannelException ce = new ChannelException(e);
            if (!ch.isRegistered() && ch.refusedOption == null) ch.refusedOption = ce;
            throw ce;
        }
        if (ch.ipv6 && p.v4() != p.v6()) {
            try { ch.socket.setOption(p.v4(), k); } catch (IOException ignored) { /* an IPv6-only socket */ }
        }
    }

    /**
     * Whether a table option is one of a {@code kind} socket's options; one that is not (TCP_NODELAY on a Unix
     * socket) is unknown to that channel's config, as it is to Netty's epoll configs, rather than sent to the kernel.
     */
    static boolean appliesTo(ChannelOption<?> option, SocketKind kind) {
        OptionTable.Binding<?, ?> b = OptionTable.binding(option);
        return b != null && b.descriptor().appliesTo(kind);
    }

    /** The table options that apply to {@code kind}. */
    static List<ChannelOption<?>> applicable(SocketKind kind) {
        List<ChannelOption<?>> out = new ArrayList<>();
        for (ChannelOption<?> o : ConfigSupport.all()) {
            if (appliesTo(o, kind)) out.add(o);
        }
        return out;
    }
}
