package dev.socket2j;

import dev.socket2j.internal.C;
import dev.socket2j.internal.Scratch;
import dev.socket2j.internal.Sys;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A socket option, declared once: its name, level, option number, value codec, and whether it can be read
 * and written. {@link Socket#getOption} / {@link Socket#setOption} work for every descriptor; the named
 * methods of {@link SocketOptions} delegate to them, and the Netty transport derives its
 * {@code ChannelOption}s from {@link #all()}.
 *
 * @param <T> the Java type of the value
 */
public final class SockOpt<T> {
    private static final List<SockOpt<?>> ALL = new ArrayList<>();

    private final String name;
    private final int level;
    private final int optname;
    private final Codec<T> codec;
    private final boolean readable;
    private final boolean writable;
    private final String getCall;
    private final String setCall;

    private SockOpt(String name, int level, int optname, Codec<T> codec, boolean readable, boolean writable) {
        this.name = name;
        this.level = level;
        this.optname = optname;
        this.codec = codec;
        this.readable = readable;
        this.writable = writable;
        this.getCall = "getsockopt(" + name + ")";
        this.setCall = "setsockopt(" + name + ")";
    }

    private static <T> SockOpt<T> declare(String name, int level, int optname, Codec<T> codec, boolean r, boolean w) {
        var opt = new SockOpt<>(name, level, optname, codec, r, w);
        ALL.add(opt);
        return opt;
    }

    private static <T> SockOpt<T> rw(String name, int level, int optname, Codec<T> codec) {
        return declare(name, level, optname, codec, true, true);
    }

    private static <T> SockOpt<T> ro(String name, int level, int optname, Codec<T> codec) {
        return declare(name, level, optname, codec, true, false);
    }

    /**
     * A descriptor for an option this table lacks (not listed in {@link #all()}): any level, number and codec.
     */
    public static <T> SockOpt<T> custom(String name, int level, int optname, Codec<T> codec, boolean readable,
                                        boolean writable) {
        return new SockOpt<>(name, level, optname, codec, readable, writable);
    }

    // ---------------------------------------------------------------- SOL_SOCKET, socket(7)
    /** {@code SO_REUSEADDR}. */
    public static final SockOpt<Boolean> SO_REUSEADDR = rw("SO_REUSEADDR", C.SOL_SOCKET, C.SO_REUSEADDR, Codecs.BOOL);
    /** {@code SO_KEEPALIVE}. */
    public static final SockOpt<Boolean> SO_KEEPALIVE = rw("SO_KEEPALIVE", C.SOL_SOCKET, C.SO_KEEPALIVE, Codecs.BOOL);
    /** {@code SO_TYPE} (read-only). */
    public static final SockOpt<Integer> SO_TYPE = ro("SO_TYPE", C.SOL_SOCKET, C.SO_TYPE, Codecs.INT);
    /** {@code SO_ERROR} (read-only; reading clears the pending error). */
    public static final SockOpt<Integer> SO_ERROR = ro("SO_ERROR", C.SOL_SOCKET, C.SO_ERROR, Codecs.INT);

    // ---------------------------------------------------------------- IPPROTO_TCP, tcp(7)
    /** {@code TCP_NODELAY}: disable Nagle's algorithm. */
    public static final SockOpt<Boolean> TCP_NODELAY = rw("TCP_NODELAY", C.IPPROTO_TCP, C.TCP_NODELAY, Codecs.BOOL);

    /** Every option of the table, in declaration order. */
    public static List<SockOpt<?>> all() { return Collections.unmodifiableList(ALL); }

    public String name() { return name; }
    public int level() { return level; }
    public int optname() { return optname; }
    public Codec<T> codec() { return codec; }
    public boolean readable() { return readable; }
    public boolean writable() { return writable; }

    T get(int fd) throws IOException {
        if (!readable) throw new UnsupportedOperationException(name + " cannot be read");
        Scratch s = Scratch.get();
        MemorySegment buf = s.optval;
        buf.asSlice(0, codec.size()).fill((byte) 0);
        s.len.set(JAVA_INT, 0, codec.size());
        Sys.getsockopt(fd, level, optname, buf, s.len, getCall);
        return codec.decode(buf, s.len.get(JAVA_INT, 0));
    }

    void set(int fd, T value) throws IOException {
        if (!writable) throw new UnsupportedOperationException(name + " cannot be written");
        java.util.Objects.requireNonNull(value, name);
        Scratch s = Scratch.get();
        int len = codec.encode(value, s.optval);
        Sys.setsockopt(fd, level, optname, len == 0 ? MemorySegment.NULL : s.optval, len, setCall);
    }

    @Override public String toString() { return name; }
}
