package dev.socket2j;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.Chars;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Codec properties: encode → decode is the identity over the valid range, values outside are refused, and text round-trips. */
class CodecPropertiesTest {

    /** Encodes into fresh native memory and decodes with the optlen the encoder returned. */
    static <T> T roundTrip(Codec<T> codec, T value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(Math.max(codec.size(), codec.encodedSize(value)), 8);
            int len = codec.encode(value, buf);
            return codec.decode(buf, Math.max(len, codec.size()));
        }
    }

    static <T> void refused(Codec<T> codec, T value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(Math.max(codec.size(), 64), 8);
            assertThrows(IllegalArgumentException.class, () -> codec.encode(value, buf), String.valueOf(value));
            assertThrows(IllegalArgumentException.class, () -> codec.validate(value), String.valueOf(value));
        }
    }

    static <T> void textRoundTrip(Codec<T> codec, T value) {
        assertEquals(value, codec.parse(codec.format(value)), codec.format(value));
    }

    @Property
    void boolIdentity(@ForAll boolean b) {
        assertEquals(b, roundTrip(Codecs.BOOL, b));
        textRoundTrip(Codecs.BOOL, b);
    }

    @Property
    void intIdentity(@ForAll int v) {
        assertEquals(v, roundTrip(Codecs.INT, v));
        textRoundTrip(Codecs.INT, v);
    }

    @Property
    void byteRangeIdentityAndRefusal(@ForAll @IntRange(min = -1, max = 255) int in, @ForAll int any) {
        Codec<Integer> ttl = Codecs.intRange(-1, 255);
        assertEquals(in, roundTrip(ttl, in));
        textRoundTrip(ttl, in);
        if (any < -1 || any > 255) {
            refused(ttl, any);
            assertThrows(IllegalArgumentException.class, () -> ttl.parse(Integer.toString(any)));
        }
    }

    @Property
    void nonNegativeRefusesNegatives(@ForAll @IntRange(min = 0) int in, @ForAll @IntRange(max = -1, min = Integer.MIN_VALUE) int neg) {
        assertEquals(in, roundTrip(Codecs.NON_NEGATIVE, in));
        refused(Codecs.NON_NEGATIVE, neg);
    }

    @Property
    void uint8(@ForAll @IntRange(min = 0, max = 255) int in, @ForAll int any) {
        assertEquals(in, roundTrip(Codecs.UINT8, in));
        if (any < 0 || any > 255) refused(Codecs.UINT8, any);
    }

    @Property
    void uint32(@ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long in, @ForAll long any) {
        assertEquals(in, roundTrip(Codecs.UINT32, in));
        textRoundTrip(Codecs.UINT32, in);
        assertEquals(in, Codecs.UINT32.parse("0x" + Long.toHexString(in)));
        if (any < 0 || any > 0xFFFF_FFFFL) refused(Codecs.UINT32, any);
    }

    @Property
    void uint64(@ForAll long v) {
        assertEquals(v, roundTrip(Codecs.UINT64, v));
        textRoundTrip(Codecs.UINT64, v);
    }

    @Property
    void secondsIdentityAndRoundingUp(@ForAll @IntRange(min = 1, max = 32767) int secs,
                                      @ForAll @IntRange(min = 1, max = 999_999_999) int nanos) {
        Codec<Duration> c = Codecs.seconds(1, 32767);
        assertEquals(Duration.ofSeconds(secs), roundTrip(c, Duration.ofSeconds(secs)));
        textRoundTrip(c, Duration.ofSeconds(secs));
        Duration fractional = Duration.ofSeconds(secs - 1, nanos);
        assertEquals(Duration.ofSeconds(secs), roundTrip(c, fractional), "a sub-second part is rounded up, never to 0");
        refused(c, Duration.ofSeconds(-secs));
        refused(c, Duration.ofSeconds(32767, nanos));
    }

    @Example
    void secondsRefuseZeroWhereTheKernelDoes() {
        refused(Codecs.seconds(1, 32767), Duration.ZERO);
        assertEquals(Duration.ZERO, roundTrip(Codecs.seconds(0, 10), Duration.ZERO));
    }

    @Property
    void lingerIdentity(@ForAll @IntRange(min = 0) int secs, @ForAll @IntRange(min = 0, max = 999_999_999) int nanos) {
        assertEquals(Optional.of(Duration.ofSeconds(secs)), roundTrip(Codecs.LINGER, Optional.of(Duration.ofSeconds(secs))));
        assertEquals(Optional.empty(), roundTrip(Codecs.LINGER, Optional.empty()));
        if (secs < Integer.MAX_VALUE && nanos > 0) {
            assertEquals(Optional.of(Duration.ofSeconds(secs + 1)), roundTrip(Codecs.LINGER, Optional.of(Duration.ofSeconds(secs, nanos))));
        }
        textRoundTrip(Codecs.LINGER, Optional.of(Duration.ofSeconds(secs)));
        refused(Codecs.LINGER, Optional.of(Duration.ofSeconds(-1 - (long) secs)));
    }

    @Property
    void timevalIdentityToTheMicrosecond(@ForAll @LongRange(min = 0, max = 1L << 40) long secs,
                                         @ForAll @IntRange(min = 0, max = 999_999) int micros,
                                         @ForAll @IntRange(min = 1, max = 999) int subMicroNanos) {
        if (secs == 0 && micros == 0) micros = 1;
        Duration d = Duration.ofSeconds(secs, micros * 1000L);
        assertEquals(Optional.of(d), roundTrip(Codecs.TIMEVAL, Optional.of(d)));
        textRoundTrip(Codecs.TIMEVAL, Optional.of(d));
        assertEquals(Optional.of(d.plusNanos(1000)), roundTrip(Codecs.TIMEVAL, Optional.of(d.plusNanos(subMicroNanos))));
        assertEquals(Optional.empty(), roundTrip(Codecs.TIMEVAL, Optional.empty()));
        refused(Codecs.TIMEVAL, Optional.of(d.negated().minusNanos(1)));
    }

    @Example
    void timevalRefusesZero() { refused(Codecs.TIMEVAL, Optional.of(Duration.ZERO)); }

    @Example
    void timevalAtTheTopOfTheRangeDoesNotOverflow() {
        Duration max = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
        assertEquals(Optional.of(Duration.ofSeconds(Long.MAX_VALUE, 999_999_000)), roundTrip(Codecs.TIMEVAL, Optional.of(max)));
    }

    @Property
    void millisIdentityAndClamp(@ForAll @IntRange(min = 1) int ms, @ForAll @LongRange(min = Integer.MAX_VALUE) long big) {
        Codec<Optional<Duration>> c = Codecs.MILLIS_OR_DEFAULT;
        assertEquals(Optional.of(Duration.ofMillis(ms)), roundTrip(c, Optional.of(Duration.ofMillis(ms))));
        textRoundTrip(c, Optional.of(Duration.ofMillis(ms)));
        assertEquals(Optional.of(Duration.ofMillis(Integer.MAX_VALUE)), roundTrip(c, Optional.of(Duration.ofMillis(big))));
        assertEquals(Optional.empty(), roundTrip(c, Optional.of(Duration.ZERO)));
        refused(c, Optional.of(Duration.ofMillis(-ms)));
    }

    @Property
    void nameIdentityUpToTheBuffer(@ForAll @StringLength(min = 1, max = 15) @Chars({'a', 'b', 'z', '0', '9', '_', '-', '.'}) String name,
                                   @ForAll @StringLength(min = 16, max = 64) @Chars({'a', 'x'}) String tooLong) {
        Codec<String> c = Codecs.name(16);
        assertEquals(name, roundTrip(c, name));
        textRoundTrip(c, name);
        refused(c, tooLong);
    }

    @Property
    void inAddrIdentity(@ForAll("ipv4") Inet4Address a) {
        assertEquals(a, roundTrip(Codecs.IN_ADDR, a));
        textRoundTrip(Codecs.IN_ADDR, a);
    }

    @Provide
    Arbitrary<Inet4Address> ipv4() {
        return Arbitraries.integers().map(i -> {
            byte[] b = { (byte) (i >>> 24), (byte) (i >>> 16), (byte) (i >>> 8), (byte) (int) i };
            try {
                return (Inet4Address) InetAddress.getByAddress(b);
            } catch (java.net.UnknownHostException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Property
    void filterTextRoundTrip(@ForAll @IntRange(min = 0, max = 0xFFFF) int code, @ForAll @IntRange(min = 0, max = 255) int jt,
                             @ForAll @IntRange(min = 0, max = 255) int jf, @ForAll int k) {
        SockFilter[] prog = { new SockFilter(code, jt, jf, k), SockFilter.ret(k) };
        assertEquals(java.util.List.of(prog), java.util.List.of(Codecs.SOCK_FPROG.parse(Codecs.SOCK_FPROG.format(prog))));
    }

    @Example
    void durationTexts() {
        assertEquals(Duration.ofSeconds(30), Codecs.parseDuration("30s"));
        assertEquals(Duration.ofMillis(250), Codecs.parseDuration("250ms"));
        assertEquals(Duration.ofMillis(1500), Codecs.parseDuration("1.5s"));
        assertEquals(Duration.ofMinutes(2), Codecs.parseDuration("2m"));
        assertEquals(Duration.ofSeconds(7), Codecs.parseDuration("7"));
        assertEquals(Duration.ofSeconds(30), Codecs.parseDuration("PT30S"));
        assertEquals(Duration.ofNanos(10_000), Codecs.parseDuration("10us"));
        assertEquals("250ms", Codecs.formatDuration(Duration.ofMillis(250)));
        assertEquals("2m", Codecs.formatDuration(Duration.ofSeconds(120)));
        assertEquals(Optional.empty(), Codecs.TIMEVAL.parse("none"));
        assertThrows(IllegalArgumentException.class, () -> Codecs.parseDuration("10 parsecs"));
        assertThrows(IllegalArgumentException.class, () -> Codecs.BOOL.parse("maybe"));
        assertEquals(16, Codecs.INT.parse("0x10"));
        assertEquals(5, Codecs.INT.parse("0b101"));
    }

    @Example
    void structTexts() {
        var m = Codecs.IP_MREQN.parse("224.0.1.1@2");
        assertEquals(new Membership.V4(OptionTestSupport.v4("224.0.1.1"), InterfaceIndexOrAddress.index(2)), m);
        var s = Codecs.IP_MREQ_SOURCE.parse("62.40.109.31,232.123.52.36");
        assertEquals(OptionTestSupport.v4("0.0.0.0"), s.iface());
        var g6 = Codecs.IPV6_MREQ.parse("ff02::1:3@1");
        assertEquals(1, g6.ifindex());
        assertThrows(IllegalArgumentException.class, () -> Codecs.IN_ADDR.parse("example.com"));
        assertThrows(UnsupportedOperationException.class, () -> Codecs.TCP_INFO.parse("x"));
    }
}
