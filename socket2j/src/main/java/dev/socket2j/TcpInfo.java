package dev.socket2j;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * {@code TCP_INFO}: the kernel's view of a TCP connection ({@code struct tcp_info}, tcp(7)). The struct has
 * grown with each kernel version; a field the running kernel did not return (beyond the length it reported) is
 * <em>absent</em> from {@link #fields()}, and its accessor returns an empty {@link OptionalLong} — never 0.
 * All values are unsigned and given as {@code long}; times are in microseconds unless the name says otherwise.
 *
 * <p>Two things are read as the running system defines them. Bitfields ({@code SND_WSCALE}, {@code RCV_WSCALE},
 * {@code DELIVERY_RATE_APP_LIMITED}, {@code FASTOPEN_CLIENT_FAIL} and the word at offset 276) follow the byte order
 * of the JVM: C compilers for big-endian targets (s390x, ppc64) fill a bitfield word from its high bit, little-endian
 * ones from its low bit. The word at offset 276 changed shape: Linux 6.18 and 6.19 store two 16-bit fields there
 * ({@code tcpi_accecn_fail_mode}, then {@code tcpi_accecn_opt_seen}); from Linux 7.0 it holds the bitfields
 * {@code ECN_MODE}, {@code ACCECN_OPT_SEEN}, {@code ACCECN_FAIL_MODE} and {@code OPTIONS2}. Both are 280 bytes long,
 * so the kernel's version ({@code os.version}) decides; on 6.18 and 6.19 {@code ECN_MODE} and {@code OPTIONS2} are
 * absent.
 *
 * @param fields the fields the kernel returned, each with its value
 */
public record TcpInfo(Map<Field, Long> fields) {
    /** Copies {@code fields}. */
    public TcpInfo { fields = Collections.unmodifiableMap(new EnumMap<>(fields)); }

    /**
     * The fields of {@code struct tcp_info} as of Linux 7.0, with their byte offset and size (for a bitfield, of
     * the word that holds it; its bits are counted from the word's low bit on little-endian machines and from its
     * high bit on big-endian ones). On Linux 6.18 and 6.19, {@code ACCECN_FAIL_MODE} is the 16-bit field at 276 and
     * {@code ACCECN_OPT_SEEN} the one at 278. Each constant is the field {@code tcpi_<name in lower case>}, e.g.
     * {@link #SND_CWND} is {@code tcpi_snd_cwnd}; see {@code include/uapi/linux/tcp.h} for their meaning.
     */
    public enum Field {
        STATE(0, 1), CA_STATE(1, 1), RETRANSMITS(2, 1), PROBES(3, 1), BACKOFF(4, 1), OPTIONS(5, 1),
        SND_WSCALE(6, 1, 0, 4), RCV_WSCALE(6, 1, 4, 4),
        DELIVERY_RATE_APP_LIMITED(7, 1, 0, 1), FASTOPEN_CLIENT_FAIL(7, 1, 1, 2),
        RTO(8, 4), ATO(12, 4), SND_MSS(16, 4), RCV_MSS(20, 4),
        UNACKED(24, 4), SACKED(28, 4), LOST(32, 4), RETRANS(36, 4), FACKETS(40, 4),
        LAST_DATA_SENT(44, 4), LAST_ACK_SENT(48, 4), LAST_DATA_RECV(52, 4), LAST_ACK_RECV(56, 4),
        PMTU(60, 4), RCV_SSTHRESH(64, 4), RTT(68, 4), RTTVAR(72, 4), SND_SSTHRESH(76, 4), SND_CWND(80, 4),
        ADVMSS(84, 4), REORDERING(88, 4), RCV_RTT(92, 4), RCV_SPACE(96, 4), TOTAL_RETRANS(100, 4),
        PACING_RATE(104, 8), MAX_PACING_RATE(112, 8), BYTES_ACKED(120, 8), BYTES_RECEIVED(128, 8),
        SEGS_OUT(136, 4), SEGS_IN(140, 4), NOTSENT_BYTES(144, 4), MIN_RTT(148, 4),
        DATA_SEGS_IN(152, 4), DATA_SEGS_OUT(156, 4), DELIVERY_RATE(160, 8),
        BUSY_TIME(168, 8), RWND_LIMITED(176, 8), SNDBUF_LIMITED(184, 8),
        DELIVERED(192, 4), DELIVERED_CE(196, 4), BYTES_SENT(200, 8), BYTES_RETRANS(208, 8),
        DSACK_DUPS(216, 4), REORD_SEEN(220, 4), RCV_OOOPACK(224, 4), SND_WND(228, 4),
        RCV_WND(232, 4), REHASH(236, 4), TOTAL_RTO(240, 2), TOTAL_RTO_RECOVERIES(242, 2), TOTAL_RTO_TIME(244, 4),
        RECEIVED_CE(248, 4), DELIVERED_E1_BYTES(252, 4), DELIVERED_E0_BYTES(256, 4), DELIVERED_CE_BYTES(260, 4),
        RECEIVED_E1_BYTES(264, 4), RECEIVED_E0_BYTES(268, 4), RECEIVED_CE_BYTES(272, 4),
        ECN_MODE(276, 4, 0, 2), ACCECN_OPT_SEEN(276, 4, 2, 2), ACCECN_FAIL_MODE(276, 4, 4, 4), OPTIONS2(276, 4, 8, 24);

        private final int offset, size, shift, bits;

        Field(int offset, int size) { this(offset, size, 0, size * 8); }

        Field(int offset, int size, int shift, int bits) {
            this.offset = offset;
            this.size = size;
            this.shift = shift;
            this.bits = bits;
        }

        /** The byte offset in {@code struct tcp_info}. */
        public int offset() { return offset; }
        /** The size in bytes of the C field (for a bitfield, of the word holding it). */
        public int size() { return size; }

        /** The field from {@code buf} in byte order {@code order}; bitfields are placed as that order's ABI does. */
        long read(MemorySegment buf, ByteOrder order) {
            long raw = readUnsigned(buf, offset, size, order);
            if (bits == 64) return raw;
            int from = order == ByteOrder.LITTLE_ENDIAN ? shift : size * 8 - shift - bits;
            return (raw >>> from) & ((1L << bits) - 1);
        }

        private boolean bitfieldAt276() { return offset == WORD_276; }
    }

    private static long readUnsigned(MemorySegment buf, long offset, int size, ByteOrder order) {
        return switch (size) {
            case 1 -> Byte.toUnsignedLong(buf.get(JAVA_BYTE, offset));
            case 2 -> Short.toUnsignedLong(buf.get(JAVA_SHORT_UNALIGNED.withOrder(order), offset));
            case 4 -> Integer.toUnsignedLong(buf.get(JAVA_INT_UNALIGNED.withOrder(order), offset));
            default -> buf.get(JAVA_LONG_UNALIGNED.withOrder(order), offset);
        };
    }

    /** The word whose layout changed in Linux 7.0 (see the class comment). */
    private static final int WORD_276 = 276;

    /** Whether the running kernel stores bitfields at offset 276 (Linux 7.0+) rather than two 16-bit fields. */
    static final boolean KERNEL_ECN_BITFIELDS = ecnBitfields(System.getProperty("os.version", ""));

    /** Whether a kernel of this release ({@code uname -r}, e.g. {@code 6.18.44-generic}) has the 7.0 layout. */
    static boolean ecnBitfields(String release) {
        Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(release);
        if (!m.find()) return true;  // unknown: assume the newest layout
        int major = Integer.parseInt(m.group(1)), minor = Integer.parseInt(m.group(2));
        return major > 6 || major == 6 && minor > 19;
    }

    /** The size of {@code struct tcp_info} this class knows (Linux 6.18+); a longer answer's extra bytes are ignored. */
    public static final int KNOWN_SIZE = 280;

    /** Decodes the first {@code len} bytes the running kernel returned; fields past {@code len} are left out. */
    static TcpInfo decode(MemorySegment buf, int len) {
        return decode(buf, len, ByteOrder.nativeOrder(), KERNEL_ECN_BITFIELDS);
    }

    /**
     * Decodes {@code len} bytes written by a kernel of byte order {@code order}; {@code ecnBitfields} says whether
     * the word at offset 276 is Linux 7.0's bitfields or the two 16-bit fields of Linux 6.18 and 6.19.
     */
    static TcpInfo decode(MemorySegment buf, int len, ByteOrder order, boolean ecnBitfields) {
        EnumMap<Field, Long> m = new EnumMap<>(Field.class);
        for (Field f : Field.values()) {
            if (f.offset + f.size > len) continue;
            if (f.bitfieldAt276() && !ecnBitfields) continue;
            m.put(f, f.read(buf, order));
        }
        if (!ecnBitfields && len >= WORD_276 + 4) {
            m.put(Field.ACCECN_FAIL_MODE, readUnsigned(buf, WORD_276, 2, order));
            m.put(Field.ACCECN_OPT_SEEN, readUnsigned(buf, WORD_276 + 2, 2, order));
        }
        return new TcpInfo(m);
    }

    /** Whether the running kernel returned this field. */
    public boolean has(Field f) { return fields.containsKey(f); }

    /** The field's value, or empty if the kernel did not return it. */
    public OptionalLong get(Field f) {
        Long v = fields.get(f);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /** {@code tcpi_state}: the TCP state (1 = ESTABLISHED, 7 = CLOSE, 10 = LISTEN, as in the kernel's enum). */
    public OptionalLong state() { return get(Field.STATE); }
    /** {@code tcpi_retransmits}. */
    public OptionalLong retransmits() { return get(Field.RETRANSMITS); }
    /** {@code tcpi_rto}: retransmission timeout, µs. */
    public OptionalLong rto() { return get(Field.RTO); }
    /** {@code tcpi_snd_mss}. */
    public OptionalLong sndMss() { return get(Field.SND_MSS); }
    /** {@code tcpi_rcv_mss}. */
    public OptionalLong rcvMss() { return get(Field.RCV_MSS); }
    /** {@code tcpi_unacked}: segments in flight. */
    public OptionalLong unacked() { return get(Field.UNACKED); }
    /** {@code tcpi_lost}. */
    public OptionalLong lost() { return get(Field.LOST); }
    /** {@code tcpi_rtt}: smoothed round-trip time, µs. */
    public OptionalLong rtt() { return get(Field.RTT); }
    /** {@code tcpi_rttvar}: round-trip time variance, µs. */
    public OptionalLong rttvar() { return get(Field.RTTVAR); }
    /** {@code tcpi_snd_cwnd}: congestion window, segments. */
    public OptionalLong sndCwnd() { return get(Field.SND_CWND); }
    /** {@code tcpi_total_retrans}. */
    public OptionalLong totalRetrans() { return get(Field.TOTAL_RETRANS); }
    /** {@code tcpi_pacing_rate}: bytes per second. */
    public OptionalLong pacingRate() { return get(Field.PACING_RATE); }
    /** {@code tcpi_bytes_acked}. */
    public OptionalLong bytesAcked() { return get(Field.BYTES_ACKED); }
    /** {@code tcpi_bytes_received}. */
    public OptionalLong bytesReceived() { return get(Field.BYTES_RECEIVED); }
    /** {@code tcpi_segs_out}. */
    public OptionalLong segsOut() { return get(Field.SEGS_OUT); }
    /** {@code tcpi_segs_in}. */
    public OptionalLong segsIn() { return get(Field.SEGS_IN); }
    /** {@code tcpi_notsent_bytes}. */
    public OptionalLong notsentBytes() { return get(Field.NOTSENT_BYTES); }
    /** {@code tcpi_min_rtt}, µs. */
    public OptionalLong minRtt() { return get(Field.MIN_RTT); }
    /** {@code tcpi_delivery_rate}: bytes per second. */
    public OptionalLong deliveryRate() { return get(Field.DELIVERY_RATE); }
    /** {@code tcpi_bytes_sent}. */
    public OptionalLong bytesSent() { return get(Field.BYTES_SENT); }
    /** {@code tcpi_bytes_retrans}. */
    public OptionalLong bytesRetrans() { return get(Field.BYTES_RETRANS); }
    /** {@code tcpi_snd_wnd}: the peer's advertised window (Linux 5.4+). */
    public OptionalLong sndWnd() { return get(Field.SND_WND); }
    /** {@code tcpi_rcv_wnd}: our advertised window (Linux 6.2+). */
    public OptionalLong rcvWnd() { return get(Field.RCV_WND); }
    /** {@code tcpi_total_rto}: RTO timeouts (Linux 6.7+). */
    public OptionalLong totalRto() { return get(Field.TOTAL_RTO); }
}
