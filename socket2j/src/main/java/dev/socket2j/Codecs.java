package dev.socket2j;

import dev.socket2j.internal.Layouts;

import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The value codecs of the option table. Each owns its C shape and its range: a value outside it is an
 * {@link IllegalArgumentException} from {@link Codec#encode} (so before any syscall), never a silent wrap.
 * Textual forms ({@link Codec#parse}/{@link Codec#format}): booleans {@code true/false/on/off/yes/no/1/0};
 * integers decimal, {@code 0x} hex or {@code 0b} binary; durations a number with a unit {@code ns us ms s m h}
 * ({@code "30s"}, {@code "250ms"}, a bare number being seconds) or ISO-8601 ({@code "PT30S"}); optional values
 * {@code "none"} for empty; addresses as {@link InetAddress} literals.
 */
public final class Codecs {
    private Codecs() {}

    // struct offsets, from the one set of layouts (declared first: the codecs below use them at class init)
    private static final long L_ONOFF = Layouts.off(Layouts.LINGER, "l_onoff"),
        L_LINGER = Layouts.off(Layouts.LINGER, "l_linger"),
        TV_SEC = Layouts.off(Layouts.TIMEVAL, "tv_sec"), TV_USEC = Layouts.off(Layouts.TIMEVAL, "tv_usec"),
        CR_PID = Layouts.off(Layouts.UCRED, "pid"), CR_UID = Layouts.off(Layouts.UCRED, "uid"),
        CR_GID = Layouts.off(Layouts.UCRED, "gid"),
        MREQN_GROUP = Layouts.off(Layouts.IP_MREQN, "imr_multiaddr"),
        MREQN_ADDRESS = Layouts.off(Layouts.IP_MREQN, "imr_address"),
        MREQN_IFINDEX = Layouts.off(Layouts.IP_MREQN, "imr_ifindex"),
        MREQS_GROUP = Layouts.off(Layouts.IP_MREQ_SOURCE, "imr_multiaddr"),
        MREQS_IFACE = Layouts.off(Layouts.IP_MREQ_SOURCE, "imr_interface"),
        MREQS_SOURCE = Layouts.off(Layouts.IP_MREQ_SOURCE, "imr_sourceaddr"),
        MREQ6_GROUP = Layouts.off(Layouts.IPV6_MREQ, "ipv6mr_multiaddr"),
        MREQ6_IFINDEX = Layouts.off(Layouts.IPV6_MREQ, "ipv6mr_interface"),
        FPROG_LEN = Layouts.off(Layouts.SOCK_FPROG, "len"), FPROG_FILTER = Layouts.off(Layouts.SOCK_FPROG, "filter"),
        SF_SIZE = Layouts.SOCK_FILTER.byteSize(), SF_CODE = Layouts.off(Layouts.SOCK_FILTER, "code"),
        SF_JT = Layouts.off(Layouts.SOCK_FILTER, "jt"), SF_JF = Layouts.off(Layouts.SOCK_FILTER, "jf"),
        SF_K = Layouts.off(Layouts.SOCK_FILTER, "k");
    private static final int LINGER_SIZE = (int) Layouts.LINGER.byteSize(), TIMEVAL_SIZE = (int) Layouts.TIMEVAL.byteSize(),
        MREQN_SIZE = (int) Layouts.IP_MREQN.byteSize(), MREQS_SIZE = (int) Layouts.IP_MREQ_SOURCE.byteSize(),
        MREQ6_SIZE = (int) Layouts.IPV6_MREQ.byteSize(), FPROG_SIZE = (int) Layouts.SOCK_FPROG.byteSize();
    private static final long GSR_INTERFACE = Layouts.off(Layouts.GROUP_SOURCE_REQ, "gsr_interface"),
        GSR_GROUP = Layouts.off(Layouts.GROUP_SOURCE_REQ, "gsr_group"),
        GSR_SOURCE = Layouts.off(Layouts.GROUP_SOURCE_REQ, "gsr_source");
    private static final int GSR_SIZE = (int) Layouts.GROUP_SOURCE_REQ.byteSize();

    /** A C {@code int} read as {@code value != 0}, written as 0/1. */
    public static final Codec.OfInt<Boolean> BOOL = new Codec.OfInt<>() {
        @Override public Class<?> type() { return Boolean.class; }
        @Override public int encode(Boolean v, MemorySegment buf) { return encodeInt(v ? 1 : 0, buf); }
        @Override public Boolean decode(MemorySegment buf, int len) { return readInt(buf, len) != 0; }
        @Override public int encodeInt(int v, MemorySegment buf) { buf.set(JAVA_INT, 0, v != 0 ? 1 : 0); return 4; }
        @Override public int decodeInt(MemorySegment buf, int len) { return readInt(buf, len) != 0 ? 1 : 0; }
        @Override public Boolean parse(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "true", "on", "yes", "1" -> true;
                case "false", "off", "no", "0" -> false;
                default -> throw new IllegalArgumentException("not a boolean: " + text);
            };
        }
    };

    /** A C {@code int} over its whole range. */
    public static final Codec.OfInt<Integer> INT = intRange(Integer.MIN_VALUE, Integer.MAX_VALUE);

    /** A C {@code int} that must not be negative (socket2's {@code u32}/{@code usize} options passed as {@code int}). */
    public static final Codec.OfInt<Integer> NON_NEGATIVE = intRange(0, Integer.MAX_VALUE);

    /** An interface index ({@code unsigned int} in the kernel, {@code >= 0} here); 0 means none. */
    public static final Codec.OfInt<Integer> IFINDEX = NON_NEGATIVE;

    /** A C {@code int} restricted to {@code [min, max]}; a value outside is refused before the syscall. */
    public static Codec.OfInt<Integer> intRange(long min, long max) {
        if (min < Integer.MIN_VALUE || max > Integer.MAX_VALUE || min > max) {
            throw new IllegalArgumentException("bad int range " + min + ".." + max);
        }
        return new Codec.OfInt<>() {
            @Override public Class<?> type() { return Integer.class; }
            @Override public int encode(Integer v, MemorySegment buf) { return encodeInt(v, buf); }
            @Override public Integer decode(MemorySegment buf, int len) { return readInt(buf, len); }
            @Override public int encodeInt(int v, MemorySegment buf) {
                if (v < min || v > max) throw new IllegalArgumentException("value " + v + " outside " + min + ".." + max);
                buf.set(JAVA_INT, 0, v);
                return 4;
            }
            @Override public int decodeInt(MemorySegment buf, int len) { return readInt(buf, len); }
            @Override public Integer parse(String text) {
                long v = parseLong(text);
                if (v < min || v > max) throw new IllegalArgumentException("value " + text + " outside " + min + ".." + max);
                return (int) v;
            }
            @Override public String toString() { return "int[" + min + ".." + max + "]"; }
        };
    }

    /** A C {@code unsigned int} as a {@code long} in {@code [0, 2^32-1]}. */
    public static final Codec<Long> UINT32 = new Codec<>() {
        @Override public Class<?> type() { return Long.class; }
        @Override public int size() { return 4; }
        @Override public int encode(Long v, MemorySegment buf) {
            if (v < 0 || v > 0xFFFF_FFFFL) throw new IllegalArgumentException("value " + v + " outside 0..4294967295");
            buf.set(JAVA_INT, 0, (int) (long) v);
            return 4;
        }
        @Override public Long decode(MemorySegment buf, int len) { return Integer.toUnsignedLong(readInt(buf, len)); }
        @Override public Long parse(String text) {
            long v = parseLong(text);
            if (v < 0 || v > 0xFFFF_FFFFL) throw new IllegalArgumentException("value " + text + " outside 0..4294967295");
            return v;
        }
    };

    /** An unsigned byte (DCCP's CCID): an {@code Integer} in {@code [0, 255]} passed as one byte. */
    public static final Codec<Integer> UINT8 = new Codec<>() {
        @Override public Class<?> type() { return Integer.class; }
        @Override public int size() { return 1; }
        @Override public int encode(Integer v, MemorySegment buf) {
            if (v < 0 || v > 255) throw new IllegalArgumentException("value " + v + " outside 0..255");
            buf.set(JAVA_BYTE, 0, (byte) (int) v);
            return 1;
        }
        @Override public Integer decode(MemorySegment buf, int len) { return len >= 1 ? buf.get(JAVA_BYTE, 0) & 0xFF : 0; }
        @Override public Integer parse(String text) {
            long v = parseLong(text);
            if (v < 0 || v > 255) throw new IllegalArgumentException("value " + text + " outside 0..255");
            return (int) v;
        }
    };

    /** A C {@code unsigned long long} ({@code SO_COOKIE}); Java's {@code long} holds its bits, formatted unsigned. */
    public static final Codec<Long> UINT64 = new Codec<>() {
        @Override public Class<?> type() { return Long.class; }
        @Override public int size() { return 8; }
        @Override public int encode(Long v, MemorySegment buf) { buf.set(JAVA_LONG, 0, v); return 8; }
        @Override public Long decode(MemorySegment buf, int len) { return len >= 8 ? buf.get(JAVA_LONG, 0) : 0L; }
        @Override public Long parse(String text) {
            String t = text.trim();
            return t.startsWith("0x") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseUnsignedLong(t);
        }
        @Override public String format(Long v) { return Long.toUnsignedString(v); }
    };

    // ---------------------------------------------------------------- durations

    /**
     * Whole seconds in a C {@code int}, in {@code [minSeconds, maxSeconds]}. A sub-second part is rounded
     * <em>up</em> (500 ms is sent as 1 s), so a short positive duration never becomes 0, which the kernel reads
     * as "off" or refuses with {@code EINVAL}. Negative durations and results outside the range are refused.
     */
    public static Codec<Duration> seconds(int minSeconds, int maxSeconds) {
        return new Codec<>() {
            @Override public Class<?> type() { return Duration.class; }
            @Override public int size() { return 4; }
            @Override public int encode(Duration d, MemorySegment buf) {
                long s = ceilSeconds(d);
                if (s < minSeconds || s > maxSeconds) {
                    throw new IllegalArgumentException("duration " + d + " outside " + minSeconds + "s.." + maxSeconds + "s");
                }
                buf.set(JAVA_INT, 0, (int) s);
                return 4;
            }
            @Override public Duration decode(MemorySegment buf, int len) { return Duration.ofSeconds(readInt(buf, len)); }
            @Override public Duration parse(String text) { return valid(this, parseDuration(text)); }
            @Override public String format(Duration d) { return formatDuration(d); }
            @Override public String toString() { return "seconds[" + minSeconds + ".." + maxSeconds + "]"; }
        };
    }

    /**
     * {@code struct linger}: empty ⇔ {@code l_onoff = 0}; {@code Optional.of(d)} ⇔ {@code l_onoff = 1,
     * l_linger = d} in whole seconds, rounded up (socket2 drops the sub-second part, turning 500 ms into an
     * immediate reset), clamped to {@code INT_MAX}. {@code Optional.of(Duration.ZERO)} is a valid value: close
     * resets the connection at once.
     */
    public static final Codec<Optional<Duration>> LINGER = new Codec<>() {
        @Override public Class<?> type() { return Optional.class; }
        @Override public int size() { return LINGER_SIZE; }
        @Override public int encode(Optional<Duration> v, MemorySegment buf) {
            buf.set(JAVA_INT, L_ONOFF, v.isPresent() ? 1 : 0);
            buf.set(JAVA_INT, L_LINGER, v.isPresent() ? (int) Math.min(ceilSeconds(v.get()), Integer.MAX_VALUE) : 0);
            return LINGER_SIZE;
        }
        @Override public Optional<Duration> decode(MemorySegment buf, int len) {
            return buf.get(JAVA_INT, L_ONOFF) == 0 ? Optional.empty()
                : Optional.of(Duration.ofSeconds(buf.get(JAVA_INT, L_LINGER)));
        }
        @Override public Optional<Duration> parse(String text) { return valid(this, parseOptional(text, Codecs::parseDuration)); }
        @Override public String format(Optional<Duration> v) { return v.map(Codecs::formatDuration).orElse("none"); }
    };

    /**
     * {@code struct timeval} ({@code SO_RCVTIMEO}, {@code SO_SNDTIMEO}): empty ⇔ {@code {0, 0}}, which means
     * "block forever". A positive duration is kept to the microsecond, a sub-microsecond rest rounded up, so it
     * never becomes {@code {0, 0}}; {@code Optional.of(Duration.ZERO)} and negative durations are refused (use
     * empty for no timeout). The kernel keeps the timeout in scheduler ticks, so it reads back rounded up to
     * a tick (e.g. 4 ms at HZ=250).
     */
    public static final Codec<Optional<Duration>> TIMEVAL = new Codec<>() {
        @Override public Class<?> type() { return Optional.class; }
        @Override public int size() { return TIMEVAL_SIZE; }
        @Override public int encode(Optional<Duration> v, MemorySegment buf) {
            long sec = 0, usec = 0;
            if (v.isPresent()) {
                Duration d = v.get();
                if (d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("timeout must be positive (use Optional.empty() for none): " + d);
                }
                sec = d.getSeconds();
                usec = (d.getNano() + 999) / 1000;
                if (usec == 1_000_000) {
                    // carry into the seconds, or stay just below the largest representable timeval
                    if (sec == Long.MAX_VALUE) usec = 999_999; else { sec++; usec = 0; }
                }
            }
            buf.set(JAVA_LONG, TV_SEC, sec);
            buf.set(JAVA_LONG, TV_USEC, usec);
            return TIMEVAL_SIZE;
        }
        @Override public Optional<Duration> decode(MemorySegment buf, int len) {
            long sec = buf.get(JAVA_LONG, TV_SEC), usec = buf.get(JAVA_LONG, TV_USEC);
            return sec == 0 && usec == 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(sec, usec * 1000));
        }
        @Override public Optional<Duration> parse(String text) { return valid(this, parseOptional(text, Codecs::parseDuration)); }
        @Override public String format(Optional<Duration> v) { return v.map(Codecs::formatDuration).orElse("none"); }
    };

    /**
     * Milliseconds where 0 means "system default" ({@code TCP_USER_TIMEOUT}): empty and zero are written as 0;
     * a sub-millisecond rest is rounded up; values above {@code INT_MAX} ms (about 24.8 days) are clamped to it.
     * socket2 clamps to {@code UINT_MAX}, but Linux reads the value as an {@code int} and refuses anything
     * above {@code INT_MAX} with {@code EINVAL}.
     */
    public static final Codec<Optional<Duration>> MILLIS_OR_DEFAULT = new Codec<>() {
        @Override public Class<?> type() { return Optional.class; }
        @Override public int size() { return 4; }
        @Override public int encode(Optional<Duration> v, MemorySegment buf) {
            long ms = 0;
            if (v.isPresent()) {
                Duration d = v.get();
                if (d.isNegative()) throw new IllegalArgumentException("negative duration: " + d);
                ms = d.getSeconds() > Integer.MAX_VALUE / 1000 ? Integer.MAX_VALUE
                    : Math.min(Integer.MAX_VALUE, d.toMillis() + (d.getNano() % 1_000_000 != 0 ? 1 : 0));
            }
            buf.set(JAVA_INT, 0, (int) ms);
            return 4;
        }
        @Override public Optional<Duration> decode(MemorySegment buf, int len) {
            long ms = Integer.toUnsignedLong(readInt(buf, len));
            return ms == 0 ? Optional.empty() : Optional.of(Duration.ofMillis(ms));
        }
        @Override public Optional<Duration> parse(String text) { return valid(this, parseOptional(text, Codecs::parseDuration)); }
        @Override public String format(Optional<Duration> v) { return v.map(Codecs::formatDuration).orElse("none"); }
    };

    // ---------------------------------------------------------------- names and addresses

    /**
     * A NUL-terminated name in a kernel buffer of {@code bufSize} bytes ({@code IFNAMSIZ},
     * {@code TCP_CA_NAME_MAX}): at most {@code bufSize - 1} bytes of US-ASCII; longer names are refused (the
     * kernel would cut them silently). Written without the NUL; the empty string is written as length 0.
     * Read up to the first NUL (Linux reports the whole buffer length even for a short name).
     */
    public static Codec<String> name(int bufSize) {
        return new Codec<>() {
            @Override public Class<?> type() { return String.class; }
            @Override public int size() { return bufSize; }
            @Override public int encode(String v, MemorySegment buf) {
                byte[] b = v.getBytes(StandardCharsets.US_ASCII);
                if (b.length > bufSize - 1) {
                    throw new IllegalArgumentException("name longer than " + (bufSize - 1) + " bytes: \"" + v + "\"");
                }
                if (v.indexOf('\0') >= 0) throw new IllegalArgumentException("name contains NUL: \"" + v + "\"");
                MemorySegment.copy(b, 0, buf, JAVA_BYTE, 0, b.length);
                return b.length;
            }
            @Override public String decode(MemorySegment buf, int len) {
                int n = 0;
                while (n < Math.min(len, bufSize) && buf.get(JAVA_BYTE, n) != 0) n++;
                byte[] b = new byte[n];
                MemorySegment.copy(buf, JAVA_BYTE, 0, b, 0, n);
                return new String(b, StandardCharsets.US_ASCII);
            }
            @Override public String parse(String text) { return valid(this, text.trim()); }
            @Override public String toString() { return "name[" + (bufSize - 1) + "]"; }
        };
    }

    /** {@code struct in_addr}: an IPv4 address (network order on the wire). */
    public static final Codec<Inet4Address> IN_ADDR = new Codec<>() {
        @Override public Class<?> type() { return Inet4Address.class; }
        @Override public int size() { return 4; }
        @Override public int encode(Inet4Address v, MemorySegment buf) { putInAddr(buf, 0, v); return 4; }
        @Override public Inet4Address decode(MemorySegment buf, int len) { return getInAddr(buf, 0); }
        @Override public Inet4Address parse(String text) { return parseInet4(text); }
        @Override public String format(Inet4Address v) { return v.getHostAddress(); }
    };

    /** A socket address the kernel writes ({@code SO_ORIGINAL_DST}): read-only, decoded with the returned length. */
    public static final Codec<SockAddr> SOCKADDR = new ReadOnly<>(SockAddr.class, (int) Layouts.SOCKADDR_STORAGE_SIZE) {
        @Override public SockAddr decode(MemorySegment buf, int len) { return SockAddr.fromSegment(buf, len); }
    };

    // ---------------------------------------------------------------- structs

    /** {@code struct ucred} ({@code SO_PEERCRED}). */
    public static final Codec<PeerCredentials> UCRED = new ReadOnly<>(PeerCredentials.class, (int) Layouts.UCRED.byteSize()) {
        @Override public PeerCredentials decode(MemorySegment buf, int len) {
            return new PeerCredentials(buf.get(JAVA_INT, CR_PID), buf.get(JAVA_INT, CR_UID), buf.get(JAVA_INT, CR_GID));
        }
    };

    /** {@code struct tcp_info}; fields past the length the kernel returned are absent (see {@link TcpInfo}). */
    public static final Codec<TcpInfo> TCP_INFO = new ReadOnly<>(TcpInfo.class, 512) {
        @Override public TcpInfo decode(MemorySegment buf, int len) { return TcpInfo.decode(buf, len); }
    };

    /** The CCID list of {@code DCCP_SOCKOPT_AVAILABLE_CCIDS}: the returned bytes. */
    public static final Codec<CcidEndpoints> CCIDS = new ReadOnly<>(CcidEndpoints.class, 64) {
        @Override public CcidEndpoints decode(MemorySegment buf, int len) {
            byte[] b = new byte[Math.max(0, Math.min(len, 64))];
            MemorySegment.copy(buf, JAVA_BYTE, 0, b, 0, b.length);
            return new CcidEndpoints(b);
        }
    };

    /** {@code struct tcp_md5sig} (write-only): the peer's address, prefix length 0 (exact), the key. */
    public static final Codec<TcpMd5Sig> TCP_MD5SIG = new WriteOnly<>(TcpMd5Sig.class, 216) {
        @Override public int encode(TcpMd5Sig v, MemorySegment buf) {
            buf.asSlice(0, 216).fill((byte) 0);
            SockAddr.of(new InetSocketAddress(v.peer(), 0)).copyTo(buf);
            byte[] key = v.key();
            buf.set(JAVA_SHORT, 130, (short) key.length);
            MemorySegment.copy(key, 0, buf, JAVA_BYTE, 136, key.length);
            return 216;
        }
        @Override TcpMd5Sig parseValue(String text) {
            int at = text.lastIndexOf('=');
            if (at < 0) throw new IllegalArgumentException("expected peer=key: " + text);
            return new TcpMd5Sig(parseInet(text.substring(0, at)), text.substring(at + 1).getBytes(StandardCharsets.UTF_8));
        }
    };

    /** {@code struct ip_mreqn} for an IPv4 membership ({@code IP_ADD_MEMBERSHIP}/{@code IP_DROP_MEMBERSHIP}). */
    public static final Codec<Membership.V4> IP_MREQN = new WriteOnly<>(Membership.V4.class, MREQN_SIZE) {
        @Override public int encode(Membership.V4 v, MemorySegment buf) {
            putInAddr(buf, MREQN_GROUP, v.group());
            switch (v.iface()) {
                case InterfaceIndexOrAddress.Index i -> {
                    buf.set(JAVA_INT, MREQN_ADDRESS, 0);
                    buf.set(JAVA_INT, MREQN_IFINDEX, i.index());
                }
                case InterfaceIndexOrAddress.Address a -> {
                    putInAddr(buf, MREQN_ADDRESS, a.address());
                    buf.set(JAVA_INT, MREQN_IFINDEX, 0);
                }
            }
            return MREQN_SIZE;
        }
        @Override Membership.V4 parseValue(String text) {
            String[] p = split(text, 2);
            String i = p.length > 1 ? p[1] : "0";
            InterfaceIndexOrAddress iface = i.contains(".") ? InterfaceIndexOrAddress.address(parseInet4(i))
                : InterfaceIndexOrAddress.index(Math.toIntExact(parseLong(i)));
            return new Membership.V4(parseInet4(p[0]), iface);
        }
    };

    /** {@code struct ip_mreq_source} for a source-specific IPv4 membership. */
    public static final Codec<Membership.SourceV4> IP_MREQ_SOURCE = new WriteOnly<>(Membership.SourceV4.class, MREQS_SIZE) {
        @Override public int encode(Membership.SourceV4 v, MemorySegment buf) {
            putInAddr(buf, MREQS_GROUP, v.group());
            putInAddr(buf, MREQS_IFACE, v.iface());
            putInAddr(buf, MREQS_SOURCE, v.source());
            return MREQS_SIZE;
        }
        @Override Membership.SourceV4 parseValue(String text) {
            String[] p = split(text, 3);
            return new Membership.SourceV4(parseInet4(p[0]), parseInet4(p[1]),
                p.length > 2 ? parseInet4(p[2]) : parseInet4("0.0.0.0"));
        }
    };

    /** {@code struct ipv6_mreq} for an IPv6 membership. */
    public static final Codec<Membership.V6> IPV6_MREQ = new WriteOnly<>(Membership.V6.class, MREQ6_SIZE) {
        @Override public int encode(Membership.V6 v, MemorySegment buf) {
            MemorySegment.copy(v.group().getAddress(), 0, buf, JAVA_BYTE, MREQ6_GROUP, 16);
            buf.set(JAVA_INT, MREQ6_IFINDEX, v.ifindex());
            return MREQ6_SIZE;
        }
        @Override Membership.V6 parseValue(String text) {
            String[] p = split(text, 2);
            InetAddress a = parseInet(p[0]);
            if (!(a instanceof Inet6Address a6)) throw new IllegalArgumentException("not an IPv6 address: " + p[0]);
            return new Membership.V6(a6, p.length > 1 ? Math.toIntExact(parseLong(p[1])) : 0);
        }
    };

    /** {@code struct group_source_req}: the interface index, then group and source as {@code sockaddr_storage}. */
    public static final Codec<GroupSource> GROUP_SOURCE_REQ = new WriteOnly<>(GroupSource.class, GSR_SIZE) {
        @Override public int encode(GroupSource v, MemorySegment buf) {
            buf.asSlice(0, GSR_SIZE).fill((byte) 0);
            buf.set(JAVA_INT, GSR_INTERFACE, v.ifindex());
            v.group().copyTo(buf.asSlice(GSR_GROUP, Layouts.SOCKADDR_STORAGE_SIZE));
            v.source().copyTo(buf.asSlice(GSR_SOURCE, Layouts.SOCKADDR_STORAGE_SIZE));
            return GSR_SIZE;
        }
        @Override GroupSource parseValue(String text) {
            // "group,source[,ifindex]"
            String[] p = split(text, 3);
            if (p.length < 2) throw new IllegalArgumentException("expected group,source[,ifindex]: " + text);
            int ifindex = p.length > 2 ? Math.toIntExact(parseLong(p[2])) : 0;
            return new GroupSource(ifindex, SockAddr.of(new InetSocketAddress(parseInet(p[0]), 0)),
                SockAddr.of(new InetSocketAddress(parseInet(p[1]), 0)));
        }
    };

    /** The maximum length of a classic BPF program ({@code BPF_MAXINSNS}). */
    public static final int BPF_MAXINSNS = 4096;

    /**
     * {@code struct sock_fprog} with its instructions ({@code SO_ATTACH_FILTER}); 1 to {@link #BPF_MAXINSNS}
     * instructions. The program is copied after the header in the same buffer the call passes.
     */
    public static final Codec<SockFilter[]> SOCK_FPROG = new Codec<>() {
        @Override public Class<?> type() { return SockFilter[].class; }
        @Override public int size() { return FPROG_SIZE; }
        @Override public int encodedSize(SockFilter[] v) { return FPROG_SIZE + (int) SF_SIZE * v.length; }
        @Override public int encode(SockFilter[] v, MemorySegment buf) {
            if (v.length == 0 || v.length > BPF_MAXINSNS) {
                throw new IllegalArgumentException("a BPF program has 1.." + BPF_MAXINSNS + " instructions, not " + v.length);
            }
            MemorySegment prog = buf.asSlice(FPROG_SIZE, SF_SIZE * v.length);
            for (int i = 0; i < v.length; i++) {
                SockFilter f = Objects.requireNonNull(v[i], "filter instruction");
                long at = SF_SIZE * i;
                prog.set(JAVA_SHORT, at + SF_CODE, (short) f.code());
                prog.set(JAVA_BYTE, at + SF_JT, (byte) f.jt());
                prog.set(JAVA_BYTE, at + SF_JF, (byte) f.jf());
                prog.set(JAVA_INT, at + SF_K, f.k());
            }
            buf.set(JAVA_SHORT, FPROG_LEN, (short) v.length);
            buf.set(ADDRESS, FPROG_FILTER, prog);
            return FPROG_SIZE;
        }
        @Override public SockFilter[] decode(MemorySegment buf, int len) {
            throw new UnsupportedOperationException("SO_ATTACH_FILTER cannot be read");
        }
        @Override public SockFilter[] parse(String text) {
            // "code,jt,jf,k;code,jt,jf,k;..." as tcpdump -ddd prints the numbers
            SockFilter[] prog = Arrays.stream(text.trim().split(";")).map(String::trim).filter(s -> !s.isEmpty()).map(s -> {
                String[] p = s.split("[,\\s]+");
                if (p.length != 4) throw new IllegalArgumentException("expected code,jt,jf,k: " + s);
                return new SockFilter((int) parseLong(p[0]), (int) parseLong(p[1]), (int) parseLong(p[2]),
                    (int) parseLong(p[3]));
            }).toArray(SockFilter[]::new);
            return valid(this, prog);
        }
        @Override public String format(SockFilter[] v) {
            StringBuilder sb = new StringBuilder();
            for (SockFilter f : v) {
                if (!sb.isEmpty()) sb.append(';');
                sb.append(f.code()).append(',').append(f.jt()).append(',').append(f.jf()).append(',')
                    .append(Integer.toUnsignedString(f.k()));
            }
            return sb.toString();
        }
    };

    // ---------------------------------------------------------------- helpers

    // The struct codecs are classes, not lambdas over a factory: the option table is built before a server's first
    // accept, and every lambda is a class generated at run time then (about 1.5 ms each, interpreted).

    /** A struct codec's value type and byte size. */
    private abstract static class Sized<T> implements Codec<T> {
        final Class<T> type;
        private final int size;

        Sized(Class<T> type, int size) {
            this.type = type;
            this.size = size;
        }

        @Override public Class<?> type() { return type; }
        @Override public int size() { return size; }
    }

    /** A struct the kernel only writes: {@link #decode} is the subclass's; writing and parsing are refused. */
    private abstract static class ReadOnly<T> extends Sized<T> {
        ReadOnly(Class<T> type, int size) { super(type, size); }

        @Override public int encode(T v, MemorySegment buf) {
            throw new UnsupportedOperationException(type.getSimpleName() + " values cannot be written");
        }
        @Override public T parse(String text) {
            throw new UnsupportedOperationException(type.getSimpleName() + " values are read-only and have no textual form");
        }
    }

    /** A struct the kernel only reads: {@link #encode} and the text form are the subclass's; reading is refused. */
    private abstract static class WriteOnly<T> extends Sized<T> {
        WriteOnly(Class<T> type, int size) { super(type, size); }

        /** The value {@code text} (trimmed) describes. */
        abstract T parseValue(String text);

        @Override public T decode(MemorySegment buf, int len) {
            throw new UnsupportedOperationException(type.getSimpleName() + " values cannot be read");
        }
        @Override public T parse(String text) { return valid(this, parseValue(text.trim())); }
    }

    /**
     * {@code value} after the checks {@link Codec#encode} makes (length, range, sign), so that a command line's text
     * is refused by {@code parse} exactly where a program's value would be by {@code setOption}.
     */
    private static <T> T valid(Codec<T> codec, T value) {
        codec.validate(value);
        return value;
    }

    /** Reads a C int the kernel may have shortened to one byte (some IP options do). */
    static int readInt(MemorySegment buf, int len) {
        return len >= 4 ? buf.get(JAVA_INT, 0) : len >= 1 ? buf.get(JAVA_BYTE, 0) & 0xFF : 0;
    }

    /** {@code d} in whole seconds, a sub-second rest rounded up; negative durations refused. */
    static long ceilSeconds(Duration d) {
        if (d.isNegative()) throw new IllegalArgumentException("negative duration: " + d);
        return d.getNano() == 0 ? d.getSeconds() : d.getSeconds() == Long.MAX_VALUE ? Long.MAX_VALUE : d.getSeconds() + 1;
    }

    /** Decimal, {@code 0x} hex, or {@code 0b} binary, with an optional {@code _} separator and sign. */
    static long parseLong(String text) {
        String t = text.trim().replace("_", "");
        boolean neg = t.startsWith("-");
        if (neg || t.startsWith("+")) t = t.substring(1);
        long v;
        if (t.startsWith("0x") || t.startsWith("0X")) v = Long.parseUnsignedLong(t.substring(2), 16);
        else if (t.startsWith("0b") || t.startsWith("0B")) v = Long.parseUnsignedLong(t.substring(2), 2);
        else v = Long.parseLong(t);
        return neg ? -v : v;
    }

    /** {@code "30s"}, {@code "250ms"}, {@code "1.5s"}, {@code "2m"}, {@code "PT30S"}; a bare number is seconds. */
    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("pt") || t.startsWith("p")) {
            try {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not a duration: " + text);
            }
        }
        int i = 0;
        while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.' || t.charAt(i) == '-')) i++;
        if (i == 0) throw new IllegalArgumentException("not a duration: " + text);
        BigDecimal n = new BigDecimal(t.substring(0, i));
        long nanosPerUnit = switch (t.substring(i).trim()) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "", "s" -> 1_000_000_000L;
            case "m", "min" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> throw new IllegalArgumentException("unknown duration unit in " + text);
        };
        BigDecimal nanos = n.multiply(BigDecimal.valueOf(nanosPerUnit));
        BigDecimal[] qr = nanos.divideAndRemainder(BigDecimal.valueOf(1_000_000_000L));
        if (qr[1].stripTrailingZeros().scale() > 0) throw new IllegalArgumentException("finer than a nanosecond: " + text);
        try {
            return Duration.ofSeconds(qr[0].longValueExact(), qr[1].longValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("duration out of range: " + text);
        }
    }

    /** The shortest exact form among {@code h m s ms us ns}: 30 s → {@code "30s"}, 0.25 s → {@code "250ms"}. */
    static String formatDuration(Duration d) {
        if (d.isZero()) return "0s";
        if (d.getNano() == 0) {
            long s = d.getSeconds();
            if (s % 3600 == 0) return s / 3600 + "h";
            if (s % 60 == 0) return s / 60 + "m";
            return s + "s";
        }
        BigInteger nanos = BigInteger.valueOf(d.getSeconds()).multiply(BigInteger.valueOf(1_000_000_000L))
            .add(BigInteger.valueOf(d.getNano()));
        if (nanos.mod(BigInteger.valueOf(1_000_000)).signum() == 0) return nanos.divide(BigInteger.valueOf(1_000_000)) + "ms";
        if (nanos.mod(BigInteger.valueOf(1_000)).signum() == 0) return nanos.divide(BigInteger.valueOf(1_000)) + "us";
        return nanos + "ns";
    }

    private static <T> Optional<T> parseOptional(String text, Function<String, T> p) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        return t.equals("none") || t.equals("off") || t.isEmpty() ? Optional.empty() : Optional.of(p.apply(text));
    }

    private static String[] split(String text, int max) {
        String[] p = text.trim().split("[@,\\s]+");
        if (p.length == 0 || p.length > max) {
            throw new IllegalArgumentException("expected at most " + max + " parts separated by @ or ,: " + text);
        }
        return p;
    }

    static InetAddress parseInet(String text) {
        String t = text.trim();
        if (t.startsWith("[") && t.endsWith("]")) t = t.substring(1, t.length() - 1);
        if (t.isEmpty() || !(Character.digit(t.charAt(0), 16) >= 0 || t.charAt(0) == ':')) {
            throw new IllegalArgumentException("not an IP address literal: " + text);
        }
        try {
            return InetAddress.ofLiteral(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an IP address literal: " + text, e);
        }
    }

    static Inet4Address parseInet4(String text) {
        if (parseInet(text) instanceof Inet4Address a) return a;
        throw new IllegalArgumentException("not an IPv4 address: " + text);
    }

    static void putInAddr(MemorySegment buf, long off, Inet4Address a) {
        MemorySegment.copy(a.getAddress(), 0, buf, JAVA_BYTE, off, 4);
    }

    static Inet4Address getInAddr(MemorySegment buf, long off) {
        byte[] b = new byte[4];
        MemorySegment.copy(buf, JAVA_BYTE, off, b, 0, 4);
        try {
            return (Inet4Address) InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
