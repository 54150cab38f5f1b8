package dev.socket2j.netty;

import dev.socket2j.BaseSocket;
import dev.socket2j.Codec;
import dev.socket2j.Codecs;
import dev.socket2j.SockOpt;
import dev.socket2j.internal.C;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.unix.RawUnixChannelOption;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Which socket option each {@link ChannelOption} reaches: one map, filled at class init from {@link SockOpt#all()}
 * (every generated {@link Socket2ChannelOption}) plus Netty's own names as aliases of table descriptors, with a
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
    private static final Map<String, SockOpt<?>> BY_NAME = new java.util.HashMap<>();

    private static void fill() {
        for (SockOpt<?> d : SockOpt.all()) {
            BY_NAME.put(d.name(), d);
            MAP.put(Socket2ChannelOption.of(d), identity(d));
        }
        // Netty's standard names
        alias(ChannelOption.SO_RCVBUF, "SO_RCVBUF", C.SOL_SOCKET, C.SO_RCVBUF, Codecs.INT);
        alias(ChannelOption.SO_SNDBUF, "SO_SNDBUF", C.SOL_SOCKET, C.SO_SNDBUF, Codecs.INT);
        alias(ChannelOption.TCP_NODELAY, "TCP_NODELAY", C.IPPROTO_TCP, C.TCP_NODELAY, Codecs.BOOL);
        alias(ChannelOption.SO_KEEPALIVE, "SO_KEEPALIVE", C.SOL_SOCKET, C.SO_KEEPALIVE, Codecs.BOOL);
        alias(ChannelOption.SO_REUSEADDR, "SO_REUSEADDR", C.SOL_SOCKET, C.SO_REUSEADDR, Codecs.BOOL);
        alias(ChannelOption.IP_TOS, "IP_TOS", C.IPPROTO_IP, C.IP_TOS, Codecs.intRange(0, 255));
        MAP.put(ChannelOption.SO_LINGER, new Binding<Integer, Integer>(
            SockOpt.custom("SO_LINGER", C.SOL_SOCKET, C.SO_LINGER, NETTY_LINGER, true, true), v -> v, v -> v));
        // the epoll transport's names
        alias(Socket2ChannelOption.TCP_CORK, "TCP_CORK", C.IPPROTO_TCP, C.TCP_CORK, Codecs.BOOL);
        MAP.put(Socket2ChannelOption.TCP_NOTSENT_LOWAT, new Binding<Long, Integer>(
            resolve("TCP_NOTSENT_LOWAT", C.IPPROTO_TCP, C.TCP_NOTSENT_LOWAT, Codecs.INT),
            v -> Integer.toUnsignedLong(v), v -> {
                if (v < 0 || v > 0xFFFF_FFFFL) throw new IllegalArgumentException("TCP_NOTSENT_LOWAT outside 0..2^32-1: " + v);
                return (int) (long) v;
            }));
        alias(Socket2ChannelOption.TCP_KEEPIDLE, "TCP_KEEPIDLE", C.IPPROTO_TCP, C.TCP_KEEPIDLE, Codecs.INT);
        alias(Socket2ChannelOption.TCP_KEEPINTVL, "TCP_KEEPINTVL", C.IPPROTO_TCP, C.TCP_KEEPINTVL, Codecs.INT);
        alias(Socket2ChannelOption.TCP_KEEPCNT, "TCP_KEEPCNT", C.IPPROTO_TCP, C.TCP_KEEPCNT, Codecs.INT);
        alias(Socket2ChannelOption.TCP_USER_TIMEOUT, "TCP_USER_TIMEOUT", C.IPPROTO_TCP, C.TCP_USER_TIMEOUT, Codecs.INT);
        alias(Socket2ChannelOption.IP_FREEBIND, "IP_FREEBIND", C.IPPROTO_IP, C.IP_FREEBIND, Codecs.BOOL);
        alias(Socket2ChannelOption.IP_BIND_ADDRESS_NO_PORT, "IP_BIND_ADDRESS_NO_PORT", C.IPPROTO_IP,
            C.IP_BIND_ADDRESS_NO_PORT, Codecs.BOOL);
        alias(Socket2ChannelOption.IP_TRANSPARENT, "IP_TRANSPARENT", C.IPPROTO_IP, C.IP_TRANSPARENT, Codecs.BOOL);
        alias(Socket2ChannelOption.TCP_DEFER_ACCEPT, "TCP_DEFER_ACCEPT", C.IPPROTO_TCP, C.TCP_DEFER_ACCEPT, Codecs.INT);
        alias(Socket2ChannelOption.TCP_QUICKACK, "TCP_QUICKACK", C.IPPROTO_TCP, C.TCP_QUICKACK, Codecs.BOOL);
        alias(Socket2ChannelOption.SO_BUSY_POLL, "SO_BUSY_POLL", C.SOL_SOCKET, C.SO_BUSY_POLL, Codecs.INT);
        alias(Socket2ChannelOption.SO_REUSEPORT, "SO_REUSEPORT", C.SOL_SOCKET, C.SO_REUSEPORT, Codecs.BOOL);
        alias(Socket2ChannelOption.IPV6_V6ONLY, "IPV6_V6ONLY", C.IPPROTO_IPV6, C.IPV6_V6ONLY, Codecs.BOOL);
        MAP.put(Socket2ChannelOption.TCP_MD5SIG, new Binding<Map<InetAddress, byte[]>, Map<InetAddress, byte[]>>(
            SockOpt.custom("TCP_MD5SIG", C.IPPROTO_TCP, C.TCP_MD5SIG, MD5SIG, false, true), v -> v, v -> v));
    }

    /**
     * The table's descriptor {@code name}; until the option table declares it, a descriptor made here from the
     * same level and number (the table's entry wins as soon as it exists).
     */
    private static <K> SockOpt<K> resolve(String name, int level, int optname, Codec<K> codec) {
        @SuppressWarnings("unchecked") SockOpt<K> d = (SockOpt<K>) BY_NAME.get(name);
        if (d != null && d.codec().type() == codec.type()) return d;
        return SockOpt.custom(name, level, optname, codec, true, true);
    }

    private static <V> void alias(ChannelOption<V> option, String name, int level, int optname, Codec<V> codec) {
        MAP.put(option, identity(resolve(name, level, optname, codec)));
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

    /** {@code struct linger} as Netty's int: seconds when on, -1 when off. */
    static final Codec<Integer> NETTY_LINGER = new Codec<>() {
        @Override public Class<?> type() { return Integer.class; }
        @Override public int size() { return 8; }
        @Override public int encode(Integer v, MemorySegment buf) {
            buf.set(JAVA_INT, 0, v < 0 ? 0 : 1);
            buf.set(JAVA_INT, 4, Math.max(v, 0));
            return 8;
        }
        @Override public Integer decode(MemorySegment buf, int len) {
            return buf.get(JAVA_INT, 0) == 0 ? -1 : buf.get(JAVA_INT, 4);
        }
        @Override public Integer parse(String text) { return Integer.parseInt(text.trim()); }
    };

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

    /**
     * {@code struct tcp_md5sig} (tcp(7)): one peer address and its key. The kernel takes one peer per call, so a
     * map of several is written entry by entry (see {@link #setMd5Sig}).
     */
    static final Codec<Map<InetAddress, byte[]>> MD5SIG = new Codec<>() {
        @Override public Class<?> type() { return Map.class; }
        @Override public int size() { return 216; }
        @Override public int encode(Map<InetAddress, byte[]> v, MemorySegment buf) {
            if (v.size() != 1) throw new IllegalArgumentException("one peer per setsockopt(TCP_MD5SIG)");
            var e = v.entrySet().iterator().next();
            byte[] key = e.getValue();
            if (key.length > 80) throw new IllegalArgumentException("TCP_MD5SIG key longer than 80 bytes");
            buf.asSlice(0, 216).fill((byte) 0);
            var addr = dev.socket2j.SockAddr.of(new InetSocketAddress(e.getKey(), 0));
            addr.copyTo(buf);
            buf.set(JAVA_SHORT, 130, (short) key.length);
            MemorySegment.copy(key, 0, buf, JAVA_BYTE, 136, key.length);
            return 216;
        }
        @Override public Map<InetAddress, byte[]> decode(MemorySegment buf, int len) {
            throw new UnsupportedOperationException("TCP_MD5SIG is write-only");
        }
        @Override public Map<InetAddress, byte[]> parse(String text) { throw new UnsupportedOperationException(); }
    };

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
