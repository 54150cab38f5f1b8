package dev.socket2j.netty;

import dev.socket2j.BaseSocket;
import dev.socket2j.Codec;
import dev.socket2j.Codecs;
import dev.socket2j.SockOpt;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.unix.RawUnixChannelOption;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.time.Duration;
import java.util.function.Function;
import dev.socket2j.TcpMd5Sig;


/**
 * Which socket option each {@link ChannelOption} reaches: one map, filled at class init from {@link SockOpt#all()}
 * (every generated {@link Socket2ChannelOption}) plus Netty's own names as aliases of the same descriptors, with a
 * value adapter where Netty's type differs. Configs look options up here; there is no per-option branch.
 */
final class OptionTable {
    private OptionTable() {}

    /** How one ChannelOption's value reaches the kernel. */
    record Binding<V, K>(SockOpt<K> descriptor, Function<K, V> toNetty, Function<V, K> toKernel) {
        V get(BaseSocket s) throws IOException { return toNetty.apply(s.getOption(descriptor)); }
        void set(BaseSocket s, V v) throws IOException { s.setOption(descriptor, toKernel.apply(v)); }
    }

    private static final Map<ChannelOption<?>, Binding<?, ?>> MAP = new IdentityHashMap<>();

    private static void fill() {
        for (SockOpt<?> d : SockOpt.all()) {
            MAP.put(Socket2ChannelOption.of(d), identity(d));
        }
        // Netty's standard names, as aliases of the table's descriptors
        MAP.put(ChannelOption.SO_RCVBUF, identity(SockOpt.SO_RCVBUF));
        MAP.put(ChannelOption.SO_SNDBUF, identity(SockOpt.SO_SNDBUF));
        MAP.put(ChannelOption.TCP_NODELAY, identity(SockOpt.TCP_NODELAY));
        MAP.put(ChannelOption.SO_KEEPALIVE, identity(SockOpt.SO_KEEPALIVE));
        MAP.put(ChannelOption.SO_REUSEADDR, identity(SockOpt.SO_REUSEADDR));
        MAP.put(ChannelOption.IP_TOS, identity(SockOpt.IP_TOS));
        // Netty: seconds, -1 for off
        MAP.put(ChannelOption.SO_LINGER, new Binding<Integer, Optional<Duration>>(SockOpt.SO_LINGER,
            v -> v.map(d -> (int) Math.min(d.toSeconds(), Integer.MAX_VALUE)).orElse(-1),
            v -> v < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(v))));
        // the epoll transport's names and value types
        MAP.put(Socket2ChannelOption.TCP_CORK, identity(SockOpt.TCP_CORK));
        MAP.put(Socket2ChannelOption.TCP_NOTSENT_LOWAT, new Binding<Long, Integer>(SockOpt.TCP_NOTSENT_LOWAT,
            Integer::toUnsignedLong, v -> {
                if (v < 0 || v > Integer.MAX_VALUE) throw new IllegalArgumentException("TCP_NOTSENT_LOWAT outside 0..2^31-1: " + v);
                return (int) (long) v;
            }));
        MAP.put(Socket2ChannelOption.TCP_KEEPIDLE, seconds(SockOpt.TCP_KEEPIDLE));
        MAP.put(Socket2ChannelOption.TCP_KEEPINTVL, seconds(SockOpt.TCP_KEEPINTVL));
        MAP.put(Socket2ChannelOption.TCP_KEEPCNT, identity(SockOpt.TCP_KEEPCNT));
        // Netty: milliseconds, 0 for the system default
        MAP.put(Socket2ChannelOption.TCP_USER_TIMEOUT, new Binding<Integer, Optional<Duration>>(SockOpt.TCP_USER_TIMEOUT,
            v -> v.map(d -> (int) Math.min(d.toMillis(), Integer.MAX_VALUE)).orElse(0),
            v -> v <= 0 ? Optional.empty() : Optional.of(Duration.ofMillis(v))));
        MAP.put(Socket2ChannelOption.IP_FREEBIND, identity(SockOpt.IP_FREEBIND));
        MAP.put(Socket2ChannelOption.IP_BIND_ADDRESS_NO_PORT, identity(SockOpt.IP_BIND_ADDRESS_NO_PORT));
        MAP.put(Socket2ChannelOption.IP_TRANSPARENT, identity(SockOpt.IP_TRANSPARENT));
        MAP.put(Socket2ChannelOption.TCP_DEFER_ACCEPT, seconds(SockOpt.TCP_DEFER_ACCEPT));
        MAP.put(Socket2ChannelOption.TCP_QUICKACK, identity(SockOpt.TCP_QUICKACK));
        MAP.put(Socket2ChannelOption.SO_BUSY_POLL, identity(SockOpt.SO_BUSY_POLL));
        MAP.put(Socket2ChannelOption.SO_REUSEPORT, identity(SockOpt.SO_REUSEPORT));
        MAP.put(Socket2ChannelOption.IPV6_V6ONLY, identity(SockOpt.IPV6_V6ONLY));
        // Netty: peer -> key, written one peer per setsockopt(2) (see ConfigSupport)
        MAP.put(Socket2ChannelOption.TCP_MD5SIG, new Binding<Map<InetAddress, byte[]>, TcpMd5Sig>(SockOpt.TCP_MD5SIG,
            v -> { throw new UnsupportedOperationException("TCP_MD5SIG is write-only"); },
            v -> {
                if (v.size() != 1) throw new IllegalArgumentException("one peer per setsockopt(TCP_MD5SIG)");
                var e = v.entrySet().iterator().next();
                return new TcpMd5Sig(e.getKey(), e.getValue());
            }));
    }

    /** Netty's whole seconds over a table descriptor in {@link Duration}. */
    private static Binding<Integer, Duration> seconds(SockOpt<Duration> d) {
        return new Binding<>(d, v -> (int) Math.min(v.toSeconds(), Integer.MAX_VALUE), Duration::ofSeconds);
    }

    private static <K> Binding<K, K> identity(SockOpt<K> d) { return new Binding<>(d, v -> v, v -> v); }

    @SuppressWarnings("unchecked")
    static <V> Binding<V, ?> binding(ChannelOption<V> option) {
        Binding<?, ?> b = MAP.get(option);
        if (b != null) return (Binding<V, ?>) b;
        if (option instanceof IntegerUnixChannelOption o) {
            return (Binding<V, ?>) identity(SockOpt.custom(o.name(), o.level(), o.optname(), Codecs.INT, true, true));
        }
        if (option instanceof RawUnixChannelOption o) {
            return (Binding<V, ?>) identity(SockOpt.custom(o.name(), o.level(), o.optname(), raw(o.length()), true, true));
        }
        return null;
    }

    /** Every option this table knows, for {@code getOptions()}. */
    static List<ChannelOption<?>> options() { return new ArrayList<>(MAP.keySet()); }

    static <V> V get(BaseSocket s, Binding<V, ?> b) {
        try {
            return b.get(s);
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    static <V> void set(BaseSocket s, Binding<V, ?> b, V value) {
        try {
            b.set(s, value);
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    // ---------------------------------------------------------------- codecs of Netty-shaped values

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
    static void setMd5Sig(BaseSocket s, Binding<Map<InetAddress, byte[]>, ?> b, Map<InetAddress, byte[]> keys,
                          boolean ipv6) {
        for (var e : keys.entrySet()) {
            InetAddress a = e.getKey();
            if (ipv6 && !(a instanceof Inet6Address)) {
                byte[] m = new byte[16];
                m[10] = (byte) 0xff;
                m[11] = (byte) 0xff;
                System.arraycopy(a.getAddress(), 0, m, 12, 4);
                try { a = Inet6Address.getByAddress(null, m, null); } catch (java.net.UnknownHostException x) { throw new AssertionError(x); }
            }
            set(s, b, Map.of(a, e.getValue()));
        }
    }

    static { fill(); }  // after the codecs above, which it uses
}
