package dev.socket2j.netty;

import dev.socket2j.Socket;
import dev.socket2j.SockOpt;
import dev.socket2j.SocketKind;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one option dispatch of the socket2j channel configs (of every engine): {@code getOption}, {@code setOption}
 * and {@code getOptions} of each config go through one {@link Dispatch} here, around the config's own options (kept
 * in its fields) and its inherited methods for Netty's generic ones. The policy, for every config alike:
 * <ul>
 *   <li>{@code setOption} validates the value ({@link ChannelOption#validate}) before it sets anything (the
 *       inherited {@code setOption}, asked first, does).</li>
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

    /** What a config's {@code localOption(o, v)} is given as {@code v} to read the option rather than write it. */
    static final Object READ = new Object();

    /** What a config's {@code localOption(o, v)} returns for an option it does not keep itself. */
    static final Object NOT_LOCAL = new Object();

    /**
     * Auto-read was turned off ({@code autoReadCleared}): the channel forgets a pending read, whichever engine runs
     * it. A static call rather than a {@code Runnable} kept by the config, so that no lambda class is spun.
     */
    static void clearReadPending(Channel ch) {
        if (ch instanceof AbstractSocket2Channel c) c.clearReadPending(); else ((UringChannel) ch).clearReadPending();
    }

    /**
     * One config class's dispatch: the options the config keeps in its own fields (not socket options, e.g.
     * {@code ALLOW_HALF_CLOSURE}), and the three methods its {@code getOption}, {@code setOption} and
     * {@code getOptions} call. The config reads and writes its own options in one private method of identity
     * {@code if}s (one line an option, as in Netty's configs, but read and write together), and calls its inherited
     * methods itself: no lambda, no method reference and no object per call (a lambda site spins a hidden class the
     * first time it runs, a bound method reference is an object each time). Netty's generic options (the inherited
     * ones: {@code AUTO_READ}, {@code ALLOCATOR}, ...), the config's own and the socket options are three sets
     * apart, so the order they are asked in is not seen; the inherited ones go first because
     * {@code DefaultChannelConfig.setOption} validates the value before anything else. One static instance per config
     * class, given the same options as the config's {@code localOption}:
     * <pre>{@code
     * private static final ConfigSupport.Dispatch DISPATCH = new ConfigSupport.Dispatch(ChannelOption.ALLOW_HALF_CLOSURE);
     *
     * private Object localOption(ChannelOption<?> o, Object v) {     // v == READ: read it
     *     if (o == ChannelOption.ALLOW_HALF_CLOSURE) return v == READ ? halfClosure : (halfClosure = (Boolean) v);
     *     return ConfigSupport.NOT_LOCAL;
     * }
     * public Map<ChannelOption<?>, Object> getOptions() { return DISPATCH.list(options, this, super.getOptions()); }
     * public <T> T getOption(ChannelOption<T> o) { return DISPATCH.get(options, o, super.getOption(o), localOption(o, READ)); }
     * public <T> boolean setOption(ChannelOption<T> o, T v) {
     *     return super.setOption(o, v) || DISPATCH.set(options, o, v, localOption(o, v));
     * }
     * }</pre>
     */
    static final class Dispatch {
        private final List<ChannelOption<?>> locals;

        /** The dispatch of a config that keeps {@code locals} itself (its {@code localOption} reads and writes them). */
        Dispatch(ChannelOption<?>... locals) { this.locals = List.of(locals); }

        /**
         * {@code getOption}: the inherited value ({@code inherited}: {@code DefaultChannelConfig}'s, never
         * {@code null} for one of its options), else the config's own ({@code local}: {@code localOption(o, READ)},
         * unless {@link ConfigSupport#NOT_LOCAL}), else a socket option of the table; {@code null} for any other
         * option and for one the channel's kind does not have.
         */
        @SuppressWarnings("unchecked")
        <T> T get(OptionHost h, ChannelOption<T> option, T inherited, Object local) {
            if (inherited != null) return inherited;
            if (local != NOT_LOCAL) return (T) local;
            OptionTable.Binding<T, ?> b = OptionTable.binding(option);
            if (b == null || !b.appliesTo(h.kind)) return null;
            try {
                return b.get(h.socket, h.kind);
            } catch (IOException e) {
                throw new ChannelException(e);
            }
        }

        /**
         * {@code setOption} of an option the inherited {@code setOption} does not know (it has validated the value):
         * true if it was the config's own ({@code local}: what {@code localOption(o, v)} returned after writing it,
         * unless {@link ConfigSupport#NOT_LOCAL}); else writes a socket option of the table (a refusal is a
         * {@link ChannelException} with the errno, or the codec's {@link IllegalArgumentException}) and returns true;
         * false for an option the config does not know. A Linux option of another kind of socket throws
         * {@link ChannelException} (not kept as a refusal); one of Netty's transport-neutral names is unknown to this
         * config (false, as from Netty's own configs).
         *
         * @throws ChannelException if the kernel refuses, the channel is closed, or the option does not apply
         */
        <T> boolean set(OptionHost h, ChannelOption<T> option, T value, Object local) {
            if (local != NOT_LOCAL) return true;
            OptionTable.Binding<T, ?> b = OptionTable.binding(option);
            if (b == null) return false;
            if (!b.appliesTo(h.kind)) {
                // Netty's own names keep Netty's contract: a config without the option does not know it (false)
                if (OptionTable.nettyStandard(option)) return false;
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
         * {@code getOptions()}: the inherited options, the local ones (read through the config's {@code getOption}),
         * and every socket option of the table that applies to the kind and can be read and written, each with its
         * value; what cannot be read now is left out, never mapped to {@code null}.
         *
         * @throws ChannelException if the channel is closed
         */
        Map<ChannelOption<?>, Object> list(OptionHost h, ChannelConfig config, Map<ChannelOption<?>, Object> inherited) {
            Map<ChannelOption<?>, Object> m = new IdentityHashMap<>(inherited);
            for (Iterator<Object> it = m.values().iterator(); it.hasNext(); ) {
                if (it.next() == null) it.remove();
            }
            for (ChannelOption<?> o : locals) {
                try {
                    Object v = config.getOption(o);
                    if (v != null) m.put(o, v);
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
