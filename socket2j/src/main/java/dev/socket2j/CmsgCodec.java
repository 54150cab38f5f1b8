package dev.socket2j;

import dev.socket2j.ControlMessage.IpOrigDstAddr;
import dev.socket2j.ControlMessage.IpPktInfo;
import dev.socket2j.ControlMessage.IpTos;
import dev.socket2j.ControlMessage.IpTtl;
import dev.socket2j.ControlMessage.Ipv6HopLimit;
import dev.socket2j.ControlMessage.Ipv6OrigDstAddr;
import dev.socket2j.ControlMessage.Ipv6PktInfo;
import dev.socket2j.ControlMessage.Ipv6TClass;
import dev.socket2j.ControlMessage.RxqOverflow;
import dev.socket2j.ControlMessage.ScmCredentials;
import dev.socket2j.ControlMessage.ScmRights;
import dev.socket2j.ControlMessage.TimestampNs;
import dev.socket2j.ControlMessage.UdpGro;
import dev.socket2j.ControlMessage.UdpSegment;
import dev.socket2j.ControlMessage.Unknown;
import dev.socket2j.internal.C;
import dev.socket2j.internal.FdList;
import dev.socket2j.internal.Layouts;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.socket2j.internal.Layouts.CMSGHDR_SIZE;
import static dev.socket2j.internal.Layouts.CMSG_LEN;
import static dev.socket2j.internal.Layouts.CMSG_LEVEL;
import static dev.socket2j.internal.Layouts.CMSG_TYPE;
import static dev.socket2j.internal.Layouts.cmsgAlign;
import static dev.socket2j.internal.Layouts.cmsgLen;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Control buffers ({@code msg_control}) to and from {@link ControlMessage}s: the one place that knows each type's
 * payload layout. Reads are bounds-checked against the length given, with unaligned accesses, so any bytes
 * (kernel-written or not) parse to messages or to {@link IllegalArgumentException}.
 */
final class CmsgCodec {
    private CmsgCodec() {}

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final long UCRED_UID = Layouts.off(Layouts.UCRED, "uid"), UCRED_GID = Layouts.off(Layouts.UCRED, "gid"),
        TS_NSEC = Layouts.off(Layouts.TIMESPEC, "tv_nsec"),
        IPI_SPEC_DST = Layouts.off(Layouts.IN_PKTINFO, "ipi_spec_dst"), IPI_ADDR = Layouts.off(Layouts.IN_PKTINFO, "ipi_addr"),
        IPI6_IFINDEX = Layouts.off(Layouts.IN6_PKTINFO, "ipi6_ifindex");

    /** Sum of the messages' {@code CMSG_SPACE}. */
    static long space(ControlMessage[] msgs) { return space(Arrays.asList(msgs)); }

    /** {@link #space(ControlMessage[])} of a list. */
    static long space(List<ControlMessage> msgs) {
        long n = 0;
        for (ControlMessage m : msgs) n += m.space();
        return n;
    }

    /**
     * Writes {@code msgs} at {@code CMSG_ALIGN}ed offsets from 0 of {@code dst} (padding zeroed) and returns the
     * bytes used, the value for {@code msg_controllen}.
     *
     * @throws IllegalArgumentException if {@code dst} is too small
     */
    static long encode(ControlMessage[] msgs, MemorySegment dst) { return encode(Arrays.asList(msgs), dst); }

    /** {@link #encode(ControlMessage[], MemorySegment)} of a list. */
    static long encode(List<ControlMessage> msgs, MemorySegment dst) {
        long need = space(msgs);
        if (need > dst.byteSize()) {
            throw new IllegalArgumentException("control buffer too small: " + msgs.size() + " messages need "
                + need + " bytes, capacity " + dst.byteSize());
        }
        dst.asSlice(0, need).fill((byte) 0);
        long off = 0;
        for (ControlMessage m : msgs) {
            int len = m.dataLength();
            dst.set(LONG, off + CMSG_LEN, cmsgLen(len));
            dst.set(INT, off + CMSG_LEVEL, m.level());
            dst.set(INT, off + CMSG_TYPE, m.type());
            writeData(m, dst, off + CMSGHDR_SIZE);
            off += Layouts.cmsgSpace(len);
        }
        return off;
    }

    private static void writeData(ControlMessage m, MemorySegment d, long at) {
        switch (m) {
            case ScmRights r -> { int[] fds = r.fds(); for (int i = 0; i < fds.length; i++) d.set(INT, at + 4L * i, fds[i]); }
            case ScmCredentials c -> { d.set(INT, at, c.pid()); d.set(INT, at + UCRED_UID, c.uid()); d.set(INT, at + UCRED_GID, c.gid()); }
            case TimestampNs t -> { d.set(LONG, at, t.seconds()); d.set(LONG, at + TS_NSEC, t.nanos()); }
            case RxqOverflow o -> d.set(INT, at, (int) o.dropped());
            case IpTos t -> d.set(INT, at, t.tos());
            case IpTtl t -> d.set(INT, at, t.ttl());
            case IpPktInfo p -> {
                d.set(INT, at, p.ifindex());
                MemorySegment.copy(p.specDst().getAddress(), 0, d, JAVA_BYTE, at + IPI_SPEC_DST, 4);
                MemorySegment.copy(p.addr().getAddress(), 0, d, JAVA_BYTE, at + IPI_ADDR, 4);
            }
            case IpOrigDstAddr a -> a.addr().copyTo(d.asSlice(at));
            case Ipv6TClass t -> d.set(INT, at, t.tclass());
            case Ipv6HopLimit h -> d.set(INT, at, h.hopLimit());
            case Ipv6PktInfo p -> {
                MemorySegment.copy(p.addr().getAddress(), 0, d, JAVA_BYTE, at, 16);
                d.set(INT, at + IPI6_IFINDEX, p.ifindex());
            }
            case Ipv6OrigDstAddr a -> a.addr().copyTo(d.asSlice(at));
            case UdpSegment s -> d.set(SHORT, at, (short) s.size());
            case UdpGro g -> d.set(INT, at, g.segmentSize());
            case Unknown u -> MemorySegment.copy(u.data(), 0, d, JAVA_BYTE, at, u.dataLength());
        }
    }

    /**
     * The messages in {@code ctl[0, len)}.
     *
     * @throws IllegalArgumentException for a {@code cmsg_len} below the header size or past {@code len}
     */
    static List<ControlMessage> parse(MemorySegment ctl, long len) {
        if (len < 0 || len > ctl.byteSize()) throw new IllegalArgumentException("control length " + len + " outside 0.." + ctl.byteSize());
        List<ControlMessage> out = new ArrayList<>(2);
        long off = 0;
        while (len - off >= CMSGHDR_SIZE) {
            long clen = ctl.get(LONG, off + CMSG_LEN);
            if (clen < CMSGHDR_SIZE || clen > len - off) {
                throw new IllegalArgumentException("malformed control message at offset " + off + ": cmsg_len "
                    + Long.toUnsignedString(clen) + ", " + (len - off) + " bytes left");
            }
            int level = ctl.get(INT, off + CMSG_LEVEL), type = ctl.get(INT, off + CMSG_TYPE);
            out.add(decode(level, type, ctl.asSlice(off + CMSGHDR_SIZE, clen - CMSGHDR_SIZE)));
            off += cmsgAlign(clen);
        }
        return out;
    }

    private static ControlMessage decode(int level, int type, MemorySegment d) {
        long n = d.byteSize();
        ControlMessage m = switch (level) {
            case C.SOL_SOCKET -> switch (type) {
                case C.SCM_RIGHTS -> {
                    int[] fds = new int[(int) (n / 4)];
                    for (int i = 0; i < fds.length; i++) fds[i] = d.get(INT, 4L * i);
                    yield validFds(fds) ? new ScmRights(fds) : null;
                }
                case C.SCM_CREDENTIALS -> n == Layouts.UCRED_SIZE
                    ? new ScmCredentials(d.get(INT, 0), d.get(INT, UCRED_UID), d.get(INT, UCRED_GID)) : null;
                case C.SCM_TIMESTAMPNS -> n == Layouts.TIMESPEC_SIZE ? new TimestampNs(d.get(LONG, 0), d.get(LONG, TS_NSEC)) : null;
                case C.SO_RXQ_OVFL -> n == 4 ? new RxqOverflow(Integer.toUnsignedLong(d.get(INT, 0))) : null;
                default -> null;
            };
            case C.IPPROTO_IP -> switch (type) {
                case C.IP_TOS -> n == 1 ? new IpTos(d.get(JAVA_BYTE, 0) & 0xFF) : n == 4 ? tos(d.get(INT, 0)) : null;
                case C.IP_TTL -> n == 4 ? new IpTtl(d.get(INT, 0)) : null;
                case C.IP_PKTINFO -> n == Layouts.IN_PKTINFO_SIZE
                    ? new IpPktInfo(d.get(INT, 0), v4(d, IPI_SPEC_DST), v4(d, IPI_ADDR)) : null;
                case C.IP_ORIGDSTADDR -> n == Layouts.SOCKADDR_IN_SIZE ? new IpOrigDstAddr(SockAddr.fromSegment(d, (int) n)) : null;
                default -> null;
            };
            case C.IPPROTO_IPV6 -> switch (type) {
                case C.IPV6_TCLASS -> n == 4 ? new Ipv6TClass(d.get(INT, 0)) : null;
                case C.IPV6_HOPLIMIT -> n == 4 ? new Ipv6HopLimit(d.get(INT, 0)) : null;
                case C.IPV6_PKTINFO -> n == Layouts.IN6_PKTINFO_SIZE ? new Ipv6PktInfo(v6(d, 0), d.get(INT, IPI6_IFINDEX)) : null;
                case C.IPV6_ORIGDSTADDR -> n == Layouts.SOCKADDR_IN6_SIZE ? new Ipv6OrigDstAddr(SockAddr.fromSegment(d, (int) n)) : null;
                default -> null;
            };
            case C.SOL_UDP -> switch (type) {
                case C.UDP_SEGMENT -> n == 2 ? new UdpSegment(Short.toUnsignedInt(d.get(SHORT, 0))) : null;
                case C.UDP_GRO -> n == 4 ? new UdpGro(d.get(INT, 0)) : null;
                default -> null;
            };
            default -> null;
        };
        return m != null ? m : new Unknown(level, type, d.toArray(JAVA_BYTE));
    }

    private static boolean validFds(int[] fds) {
        for (int fd : fds) if (fd < 0) return false;
        return true;
    }

    private static IpTos tos(int v) { return v >= 0 && v <= 255 ? new IpTos(v) : null; }

    private static Inet4Address v4(MemorySegment d, long at) {
        try {
            return (Inet4Address) InetAddress.getByAddress(d.asSlice(at, 4).toArray(JAVA_BYTE));
        } catch (UnknownHostException e) { throw new AssertionError(e); }
    }

    private static Inet6Address v6(MemorySegment d, long at) {
        try {
            // getByAddress would turn a v4-mapped address into an Inet4Address; keep the IPv6 form
            return Inet6Address.getByAddress(null, d.asSlice(at, 16).toArray(JAVA_BYTE), -1);
        } catch (UnknownHostException e) { throw new AssertionError(e); }
    }

    /**
     * Adds the descriptors of every {@code SCM_RIGHTS} message in a kernel-written {@code ctl[0, len)} to
     * {@code out}. Never throws: it stops at a malformed header (the kernel writes none).
     */
    static void collectFds(MemorySegment ctl, long len, FdList out) {
        len = Math.min(len, ctl.byteSize());
        long off = 0;
        while (len - off >= CMSGHDR_SIZE) {
            long clen = ctl.get(LONG, off + CMSG_LEN);
            if (clen < CMSGHDR_SIZE || clen > len - off) return;
            if (ctl.get(INT, off + CMSG_LEVEL) == C.SOL_SOCKET && ctl.get(INT, off + CMSG_TYPE) == C.SCM_RIGHTS) {
                for (long p = CMSGHDR_SIZE; p + 4 <= clen; p += 4) out.add(ctl.get(INT, off + p));
            }
            off += cmsgAlign(clen);
        }
    }
}
