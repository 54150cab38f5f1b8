package dev.socket2j.netty;

import dev.socket2j.Socket;
import dev.socket2j.SockOpt;
import dev.socket2j.SocketKind;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The one option dispatch of the socket2j channel configs (of every engine): {@code getOption}, {@code setOption}
 * and {@code getOptions} of each config are one call here, with the config's own options ({@link Locals}) and its
 * inherited methods for Netty's generic ones. The policy, for every config alike:
 * <ul>
 *   <li>A socket option of the table ({@link OptionTable}: every {@link Socket2ChannelOption}, Netty's names, Netty's
 *       {@code IntegerUnixChannelOption}/{@code RawUnixChannelOption}) goes to the channel's own {@link Socket}, so
 *       once the channel is closed it fails with {@link ClosedChannelException} and never reaches a reused number.</li>
 *   <li>Netty's names follow the family: on an IPv6 socket {@code IP_TOS} is {@code IPV6_TCLASS}, and a write also
 *       sets the IPv4 twin for IPv4-mapped peers ({@link SockOpt#forFamily}, {@link SockOpt#alsoWrite}).</li>
 *   <li>An option that does not apply to the channel's {@link SocketKind}: a Linux one ({@code UDP_GRO} or any
 *       {@link Socket2ChannelOption} on a TCP channel) makes {@code setOption} throw {@link ChannelException}; one of
 *       Netty's transport-neutral names ({@code ChannelOption.TCP_NODELAY} on a UDP or Unix channel) is unknown to
 *       the config, {@code setOption} returns {@code false}, as Netty's own configs do, so code written for every
 *       transport (and Netty's testsuite) keeps working; {@code getOption} returns {@code null} for both;
 *       {@code getOptions()} leaves both out.</li>
 *   <li>{@code getOptions()} lists the options that apply and can be read and written, with their current values;
 *       one the kernel will not read now ({@code IPV6_MTU} before connect) is left out, so that
 *       {@code config.setOptions(other.getOptions())} works.</li>
 *   <li>A failed {@code setOption} before registration is kept by the channel's {@link OptionHost} and fails the
 *       registration (Netty's bootstrap only logs what {@code setOption} throws); a later successful set of the same
 *       option clears it.</li>
 * </ul>
 */
final class ConfigSupport {
    private ConfigSupport() {}

    /**
     * What the dispatch needs of one channel: its owned socket, its kind, and the refusals before registration.
     * Each channel makes one at construction ({@code new OptionHost(this, socket, kind)}).
     */
    static final class OptionHost {
        private final Channel channel;
        private final Socket socket;
        private final SocketKind kind;
        /** Options the kernel (or the codec) refused before registration, first first; guarded by this. */
        private Map<ChannelOption<?>, ChannelException> refused;

        OptionHost(Channel channel, Socket socket, SocketKind kind) {
            this.channel = channel;
            this.socket = socket;
            this.kind = kind;
        }

        /** The kind of socket the channel holds, which decides the options that apply. */
        SocketKind kind() { return kind; }

        /** The first refusal still standing, which the channel's registration fails with; {@code null} if none. */
        synchronized ChannelException refusal() {
            return refused == null || refused.isEmpty() ? null : refused.values().iterator().next();
        }

        /** Keeps a refusal of {@code option} while the channel is not registered; returns {@code e}. */
        ChannelException refuse(ChannelOption<?> option, ChannelException e) {
            if (!channel.isRegistered()) {
                synchronized (this) {
                    if (refused == null) refused = new LinkedHashMap<>();
                    refused.putIfAbsent(option, e);
                }
            }
            return e;
        }

        /** Forgets a refusal of {@code option} (it was set since, or its failure is deliberately ignored). */
        synchronized void forget(ChannelOption<?> option) {
            if (refused != null) refused.remove(option);
        }
    }

    /** A config's inherited {@code getOption} ({@code super::getOption}), for the options it does not own. */
    interface Inherited {
        <T> T getOption(ChannelOption<T> option);
    }

    /** A config's inherited {@code setOption} ({@code super::setOption}). */
    interface InheritedSet {
        <T> boolean setOption(ChannelOption<T> option, T value);
    }

    /**
     * One config class's dispatch: the options the config keeps in its own fields (not socket options, e.g.
     * {@code ALLOW_HALF_CLOSURE}), each with its getter and setter on the config, and the three methods its
     * {@code getOption}, {@code setOption} and {@code getOptions} call. One static instance per config class:
     * <pre>{@code
     * private static final ConfigSupport.Dispatch<MyConfig> DISPATCH = new ConfigSupport.Dispatch<MyConfig>()
     *     .own(ChannelOption.ALLOW_HALF_CLOSURE, c -> c.halfClosure, (c, v) -> c.halfClosure = v);
     * public <T> T getOption(ChannelOption<T> o) { return DISPATCH.get(ch.options, this, o, super::getOption); }
     * }</pre>
     *
     * @param <C> the config class
     */
    static final class Dispatch<C> {
        private record Own<C, V>(Function<C, V> get, BiConsumer<C, V> set) {}

        private final Map<ChannelOption<?>, Own<C, ?>> own = new IdentityHashMap<>();

        /** Adds an option the config keeps itself. */
        <V> Dispatch<C> own(ChannelOption<V> option, Function<C, V> get, BiConsumer<C, V> set) {
            own.put(option, new Own<>(get, set));
            return this;
        }

        /** {@code getOption}: a local option, a socket option of the table, or the inherited one. */
        @SuppressWarnings("unchecked")
        <T> T get(OptionHost h, C config, ChannelOption<T> option, Inherited inherited) {
            Own<C, ?> local = own.get(option);
            if (local != null) return (T) local.get().apply(config);
            OptionTable.Binding<T, ?> b = OptionTable.binding(option);
            if (b == null || !b.appliesTo(h.kind)) return inherited.getOption(option);
            try {
                return b.get(h.socket, h.kind);
            } catch (IOException e) {
                throw new ChannelException(e);
            }
        }

        /**
         * {@code setOption}: validates the value ({@link ChannelOption#validate}), then writes a local option, a
         * socket option of the table (a refusal is a {@link ChannelException} with the errno, or the codec's
         * {@link IllegalArgumentException}), or hands it to the inherited one. A Linux option of another kind of
         * socket throws {@link ChannelException} (not kept as a refusal); one of Netty's transport-neutral names is
         * unknown to this config (false, as from Netty's own configs).
         *
         * @throws ChannelException if the kernel refuses, the channel is closed, or the option does not apply
         */
        @SuppressWarnings("unchecked")
        <T> boolean set(OptionHost h, C config, ChannelOption<T> option, T value, InheritedSet inherited) {
            option.validate(value);
            Own<C, T> local = (Own<C, T>) own.get(option);
            if (local != null) {
                local.set().accept(config, value);
                return true;
            }
            OptionTable.Binding<T, ?> b = OptionTable.binding(option);
            if (b == null) return inherited.setOption(option, value);
            if (!b.appliesTo(h.kind)) {
                // Netty's own names keep Netty's contract: a config without the option does not know it (false)
                if (OptionTable.nettyStandard(option)) return inherited.setOption(option, value);
                String target = b.target(h.kind).name();
                throw new ChannelException(option.name() + (option.name().endsWith(target) ? "" : " (" + target + ")")
                    + " does not apply to a " + h.kind + " socket");
            }
            try {
                b.set(h.socket, h.kind, value);
            } catch (IOException e) {
                throw h.refuse(option, new ChannelException(e));
            } catch (ChannelException e) {
                throw h.refuse(option, e);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // a value outside the option's C range, or a read-only option: fails the bootstrap as the kernel's refusal
                h.refuse(option, new ChannelException(e));
                throw e;
            }
            h.forget(option);
            return true;
        }

        /**
         * {@code getOptions()}: the inherited options, the local ones, and every socket option of the table that
         * applies to the kind and can be read and written, each with its value; what cannot be read now is left out,
         * never mapped to {@code null}.
         *
         * @throws ChannelException if the channel is closed
         */
        Map<ChannelOption<?>, Object> list(OptionHost h, C config, Map<ChannelOption<?>, Object> inherited) {
            Map<ChannelOption<?>, Object> m = new IdentityHashMap<>(inherited);
            m.values().removeIf(v -> v == null);
            for (var e : own.entrySet()) {
                try {
                    Object v = e.getValue().get().apply(config);
                    if (v != null) m.put(e.getKey(), v);
                } catch (RuntimeException ignored) {
                    // not readable now (a multicast interface no address maps to): left out
                }
            }
            for (ChannelOption<?> o : OptionTable.options()) {
                OptionTable.Binding<?, ?> b = OptionTable.binding(o);
                SockOpt<?> d = b.target(h.kind);
                if (!d.appliesTo(h.kind) || !d.readable() || !d.writable()) continue;
                try {
                    Object v = b.get(h.socket, h.kind);
                    if (v != null) m.put(o, v);
                } catch (ClosedChannelException e) {
                    throw new ChannelException(e);
                } catch (IOException | RuntimeException ignored) {
                    // the kernel will not read it in this state (ENOTCONN, ENOPROTOOPT on this kernel): left out
                }
            }
            return m;
        }
    }
}
