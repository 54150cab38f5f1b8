package dev.socket2j.netty;

import dev.socket2j.BaseSocket;
import dev.socket2j.Codec;
import dev.socket2j.Codecs;
import dev.socket2j.Domain;
import dev.socket2j.SockOpt;
import dev.socket2j.SocketKind;
import dev.socket2j.TcpMd5Sig;
import io.netty.channel.ChannelOption;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.unix.RawUnixChannelOption;
import io.netty.channel.unix.UnixChannelOption;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Function;

/**
 * Which socket option each {@link ChannelOption} reaches: one map, filled at class init from {@link SockOpt#all()}
 * (every generated {@link Socket2ChannelOption}, each the exact kernel option it is named after) plus Netty's own
 * names as aliases of the same descriptors, with a value adapter where Netty's type differs. An alias follows the
 * channel's family: {@code ChannelOption.IP_TOS} is {@code IPV6_TCLASS} on an IPv6 socket, through
 * {@link SockOpt#forFamily}. {@link ConfigSupport} dispatches through it; there is no per-option branch.
 */
final class OptionTable {
    private OptionTable() {}

    /** Writes a value in a shape the kernel takes in more than one call (TCP_MD5SIG: one peer per call). */
    interface Writer<V> {
        void write(BaseSocket s, SocketKind kind, V value) throws IOException;
    }

    /**
     * How one ChannelOption's value reaches the kernel: the descriptor, the conversions between Netty's value and the
     * descriptor's, and whether the descriptor follows the channel's family (Netty's names do, generated ones not).
     */
    record Binding<V, K>(SockOpt<K> descriptor, Function<K, V> toNetty, Function<V, K> toKernel, boolean followsFamily,
                         Writer<V> writer) {
        /** The descriptor a socket of {@code kind} reads and writes for this option. */
        SockOpt<K> target(SocketKind kind) { return followsFamily ? descriptor.forFamily(kind.domain()) : descriptor; }

        boolean appliesTo(SocketKind kind) { return target(kind).appliesTo(kind); }

        V get(BaseSocket s, SocketKind kind) throws IOException { return toNetty.apply(s.getOption(target(kind))); }

        void set(BaseSocket s, SocketKind kind, V value) throws IOException {
            if (writer != null) {
                writer.write(s, kind, value);
                return;
            }
            K k = toKernel.apply(value);
            SockOpt<K> d = target(kind);
            s.setOption(d, k);
            if (!followsFamily) return;
            Optional<SockOpt<K>> v4 = d.alsoWrite(kind);
            if (v4.isEmpty()) return;
            try {
                s.setOption(v4.get(), k);
            } catch (IOException | IllegalArgumentException ignored) {
                // best effort, as Netty and the JDK: an IPv6-only socket, or a value only the IPv6 option takes
            }
        }
    }

    private static final Map<ChannelOption<?>, Binding<?, ?>> MAP = new IdentityHashMap<>();
    private static final List<ChannelOption<?>> OPTIONS;
    /** Netty's transport-neutral names ({@code ChannelOption.TCP_NODELAY}, ...), as opposed to Linux-specific ones. */
    private static final Set<ChannelOption<?>> NETTY_STANDARD = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Netty's generic options, bound on first use; weak, since a program may create such options freely. */
    private static final Map<ChannelOption<?>, Binding<?, ?>> GENERIC = Collections.synchronizedMap(new WeakHashMap<>());

    static {
        for (SockOpt<?> d : SockOpt.all()) MAP.put(Socket2ChannelOption.of(d), exact(d));
        // Netty's standard names, as aliases of the table's descriptors
        alias(ChannelOption.SO_RCVBUF, SockOpt.SO_RCVBUF);
        alias(ChannelOption.SO_SNDBUF, SockOpt.SO_SNDBUF);
        alias(ChannelOption.TCP_NODELAY, SockOpt.TCP_NODELAY);
        alias(ChannelOption.SO_KEEPALIVE, SockOpt.SO_KEEPALIVE);
        alias(ChannelOption.SO_REUSEADDR, SockOpt.SO_REUSEADDR);
        alias(ChannelOption.SO_BROADCAST, SockOpt.SO_BROADCAST);
        alias(ChannelOption.IP_TOS, SockOpt.IP_TOS);
        alias(ChannelOption.IP_MULTICAST_TTL, SockOpt.IP_MULTICAST_TTL);
        MAP.put(ChannelOption.IP_MULTICAST_LOOP_DISABLED, binding(SockOpt.IP_MULTICAST_LOOP, Convert.NOT, Convert.NOT));
        MAP.put(ChannelOption.SO_LINGER, binding(SockOpt.SO_LINGER, Convert.LINGER_TO_SECONDS, Convert.SECONDS_TO_LINGER));
        alias(UnixChannelOption.SO_REUSEPORT, SockOpt.SO_REUSEPORT);
        NETTY_STANDARD.addAll(MAP.keySet());
        NETTY_STANDARD.removeAll(Socket2ChannelOption.generated());
        // the epoll transport's names and value types
        alias(Socket2ChannelOption.TCP_CORK, SockOpt.TCP_CORK);
        MAP.put(Socket2ChannelOption.TCP_NOTSENT_LOWAT, binding(SockOpt.TCP_NOTSENT_LOWAT, Convert.U32_TO_LONG,
            Convert.LONG_TO_U32));
        MAP.put(Socket2ChannelOption.TCP_KEEPIDLE, seconds(SockOpt.TCP_KEEPIDLE));
        MAP.put(Socket2ChannelOption.TCP_KEEPINTVL, seconds(SockOpt.TCP_KEEPINTVL));
        alias(Socket2ChannelOption.TCP_KEEPCNT, SockOpt.TCP_KEEPCNT);
        MAP.put(Socket2ChannelOption.TCP_USER_TIMEOUT, binding(SockOpt.TCP_USER_TIMEOUT, Convert.TIMEOUT_TO_MILLIS,
            Convert.MILLIS_TO_TIMEOUT));
        alias(Socket2ChannelOption.IP_FREEBIND, SockOpt.IP_FREEBIND);
        alias(Socket2ChannelOption.IP_BIND_ADDRESS_NO_PORT, SockOpt.IP_BIND_ADDRESS_NO_PORT);
        alias(Socket2ChannelOption.IP_TRANSPARENT, SockOpt.IP_TRANSPARENT);
        alias(Socket2ChannelOption.IP_RECVORIGDSTADDR, SockOpt.IP_RECVORIGDSTADDR);
        MAP.put(Socket2ChannelOption.TCP_DEFER_ACCEPT, seconds(SockOpt.TCP_DEFER_ACCEPT));
        alias(Socket2ChannelOption.TCP_QUICKACK, SockOpt.TCP_QUICKACK);
        alias(Socket2ChannelOption.SO_BUSY_POLL, SockOpt.SO_BUSY_POLL);
        alias(Socket2ChannelOption.UDP_GRO, SockOpt.UDP_GRO);
        alias(Socket2ChannelOption.IPV6_V6ONLY, SockOpt.IPV6_V6ONLY);
        // Netty: peer -> key, written one peer per setsockopt(2)
        MAP.put(Socket2ChannelOption.TCP_MD5SIG, new Binding<Map<InetAddress, byte[]>, TcpMd5Sig>(SockOpt.TCP_MD5SIG,
            Convert.WRITE_ONLY.typed(), null, false, new Md5SigWriter()));
        OPTIONS = List.copyOf(MAP.keySet());
    }

    private static <K> Binding<K, K> exact(SockOpt<K> d) {
        return new Binding<>(d, Convert.SAME.typed(), Convert.SAME.typed(), false, null);
    }

    private static <K> void alias(ChannelOption<K> o, SockOpt<K> d) {
        MAP.put(o, new Binding<>(d, Convert.SAME.typed(), Convert.SAME.typed(), true, null));
    }

    private static <V, K> Binding<V, K> binding(SockOpt<K> d, Convert toNetty, Convert toKernel) {
        return new Binding<>(d, toNetty.typed(), toKernel.typed(), true, null);
    }

    /** Netty's whole seconds over a table descriptor in {@link Duration}. */
    private static Binding<Integer, Duration> seconds(SockOpt<Duration> d) {
        return binding(d, Convert.DURATION_TO_SECONDS, Convert.SECONDS_TO_DURATION);
    }

    /**
     * The conversions between Netty's value shapes and the descriptors', as one class: a lambda each would be a class
     * generated at run time while a server starts (this table is built before its first accept).
     */
    private enum Convert implements Function<Object, Object> {
        SAME, NOT,
        /** SO_LINGER: Netty's seconds, -1 for off. */
        LINGER_TO_SECONDS, SECONDS_TO_LINGER,
        /** TCP_NOTSENT_LOWAT: Netty's long for the kernel's u32, whose 2^32-1 (no limit) is the descriptor's -1. */
        U32_TO_LONG, LONG_TO_U32,
        DURATION_TO_SECONDS, SECONDS_TO_DURATION,
        /** TCP_USER_TIMEOUT: Netty's milliseconds, 0 for the system default. */
        TIMEOUT_TO_MILLIS, MILLIS_TO_TIMEOUT,
        WRITE_ONLY;

        @Override
        public Object apply(Object v) {
            return switch (this) {
                case SAME -> v;
                case NOT -> !(Boolean) v;
                case LINGER_TO_SECONDS -> {
                    Optional<?> o = (Optional<?>) v;
                    yield o.isEmpty() ? -1 : (int) Math.min(((Duration) o.get()).toSeconds(), Integer.MAX_VALUE);
                }
                case SECONDS_TO_LINGER -> (Integer) v < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds((Integer) v));
                case U32_TO_LONG -> Integer.toUnsignedLong((Integer) v);
                case LONG_TO_U32 -> {
                    long l = (Long) v;
                    if (l == 0xFFFF_FFFFL) yield -1;
                    if (l < 0 || l > Integer.MAX_VALUE) {
                        throw new IllegalArgumentException("TCP_NOTSENT_LOWAT outside 0..2^31-1 (or 2^32-1): " + l);
                    }
                    yield (int) l;
                }
                case DURATION_TO_SECONDS -> (int) Math.min(((Duration) v).toSeconds(), Integer.MAX_VALUE);
                case SECONDS_TO_DURATION -> Duration.ofSeconds((Integer) v);
                case TIMEOUT_TO_MILLIS -> {
                    Optional<?> o = (Optional<?>) v;
                    yield o.isEmpty() ? 0 : (int) Math.min(((Duration) o.get()).toMillis(), Integer.MAX_VALUE);
                }
                case MILLIS_TO_TIMEOUT -> (Integer) v <= 0 ? Optional.empty() : Optional.of(Duration.ofMillis((Integer) v));
                case WRITE_ONLY -> throw new UnsupportedOperationException("TCP_MD5SIG is write-only");
            };
        }

        @SuppressWarnings("unchecked")
        <A, B> Function<A, B> typed() { return (Function<A, B>) (Function<?, ?>) this; }
    }

    /** TCP_MD5SIG from Netty's peer-to-key map. */
    private static final class Md5SigWriter implements Writer<Map<InetAddress, byte[]>> {
        @Override
        public void write(BaseSocket s, SocketKind kind, Map<InetAddress, byte[]> keys) throws IOException {
            setMd5Sig(s, kind, keys);
        }
    }

    /** The binding of {@code option}, or {@code null} if it is no socket option of the table. */
    @SuppressWarnings("unchecked")
    static <V> Binding<V, ?> binding(ChannelOption<V> option) {
        Binding<?, ?> b = MAP.get(option);
        if (b != null) return (Binding<V, ?>) b;
        if (!(option instanceof IntegerUnixChannelOption) && !(option instanceof RawUnixChannelOption)) return null;
        return (Binding<V, ?>) GENERIC.computeIfAbsent(option, OptionTable::generic);
    }

    private static Binding<?, ?> generic(ChannelOption<?> option) {
        if (option instanceof IntegerUnixChannelOption o) {
            return exact(SockOpt.custom(o.name(), o.level(), o.optname(), Codecs.INT, true, true));
        }
        RawUnixChannelOption o = (RawUnixChannelOption) option;
        return exact(SockOpt.custom(o.name(), o.level(), o.optname(), raw(o.length()), true, true));
    }

    /**
     * Whether {@code option} is one of Netty's transport-neutral names ({@code ChannelOption.TCP_NODELAY},
     * {@code ChannelOption.IP_TOS}, {@code UnixChannelOption.SO_REUSEPORT}, ...), which code written for any transport
     * sets (Netty's testsuite gives Unix servers {@code childOption(TCP_NODELAY)}), rather than a Linux option named
     * for this transport (a generated {@link Socket2ChannelOption}, or an epoll name).
     */
    static boolean nettyStandard(ChannelOption<?> option) { return NETTY_STANDARD.contains(option); }

    /** Every option of the table (generated ones and aliases), for {@code getOptions()}. */
    static List<ChannelOption<?>> options() { return OPTIONS; }

    // ---------------------------------------------------------------- values in Netty's shapes

    /** A raw byte buffer of {@code length} bytes (Netty's RawUnixChannelOption); position and limit untouched. */
    static Codec<ByteBuffer> raw(int length) {
        return new Codec<>() {
            @Override public Class<?> type() { return ByteBuffer.class; }
            @Override public int size() { return length; }
            @Override public int encode(ByteBuffer v, MemorySegment buf) {
                if (v.remaining() != length) throw new IllegalArgumentException("buffer must hold " + length + " bytes");
                MemorySegment.copy(MemorySegment.ofBuffer(v), 0, buf, 0, length);
                return length;
            }
            @Override public ByteBuffer decode(MemorySegment buf, int len) {
                ByteBuffer out = ByteBuffer.allocate(len);
                MemorySegment.copy(buf, 0, MemorySegment.ofBuffer(out), 0, len);
                return out;
            }
            @Override public ByteBuffer parse(String text) { throw new UnsupportedOperationException("raw option"); }
        };
    }

    /** Writes each peer's key with its own setsockopt(2), as the kernel wants; IPv4 peers become v4-mapped on IPv6. */
    private static void setMd5Sig(BaseSocket s, SocketKind kind, Map<InetAddress, byte[]> keys) throws IOException {
        for (var e : keys.entrySet()) {
            InetAddress a = e.getKey();
            if (kind.domain().equals(Domain.IPV6) && !(a instanceof Inet6Address)) a = mapped(a);
            s.setOption(SockOpt.TCP_MD5SIG, new TcpMd5Sig(a, e.getValue()));
        }
    }

    private static InetAddress mapped(InetAddress v4) {
        byte[] m = new byte[16];
        m[10] = (byte) 0xff;
        m[11] = (byte) 0xff;
        System.arraycopy(v4.getAddress(), 0, m, 12, 4);
        try {
            return Inet6Address.getByAddress(null, m, null);
        } catch (UnknownHostException x) {
            throw new AssertionError(x);
        }
    }
}
