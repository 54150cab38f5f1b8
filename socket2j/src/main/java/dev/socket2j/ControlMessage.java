package dev.socket2j;

import dev.socket2j.internal.C;
import dev.socket2j.internal.FdList;
import dev.socket2j.internal.Layouts;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * One ancillary-data item ({@code struct cmsghdr} and its payload) of {@code sendmsg(2)}/{@code recvmsg(2)}, typed.
 * See cmsg(3), unix(7), ip(7), ipv6(7), udp(7), socket(7).
 *
 * <p>Encoding places each item at a {@code CMSG_ALIGN}ed offset and takes {@code CMSG_SPACE(len)} bytes
 * ({@link #space(ControlMessage...)}); parsing walks the headers the same way. An item whose (level, type) is
 * not one of the records here, or whose payload has not the length its struct has (for instance one cut short
 * by {@code MSG_CTRUNC}), is returned as {@link Unknown}, never misread.
 *
 * <p>File descriptors received with {@link ScmRights} are owned by the {@link MsgHdrMut} or {@link MsgBatch} that
 * received them until taken with {@code takeFds()}; the numbers in the record are informational.
 */
public sealed interface ControlMessage {

    /** The {@code cmsg_level}: {@code SOL_SOCKET}, {@code IPPROTO_IP}, {@code IPPROTO_IPV6} or {@code SOL_UDP}. */
    int level();

    /** The {@code cmsg_type}. */
    int type();

    /** The payload size in bytes ({@code cmsg_len - CMSG_LEN(0)}). */
    int dataLength();

    /** {@code CMSG_SPACE(dataLength())}: the bytes this item takes in a control buffer. */
    default int space() { return (int) Layouts.cmsgSpace(dataLength()); }

    // ---------------------------------------------------------------- SOL_SOCKET

    /**
     * {@code SCM_RIGHTS} (unix(7)): file descriptors passed over a Unix socket. On send, the kernel duplicates
     * each descriptor into the receiver; the sender keeps its own (they must stay open until the call returns).
     * On receive (always with {@code MSG_CMSG_CLOEXEC}), the new descriptors belong to the receiving
     * {@link MsgHdrMut}/{@link MsgBatch} until {@code takeFds()}; untaken ones are closed on the next receive and on
     * {@code close()}. The kernel refuses more than 253 per message ({@code EINVAL}).
     */
    record ScmRights(int[] fds) implements ControlMessage {
        /** Copies {@code fds}. @throws IllegalArgumentException for a negative descriptor */
        public ScmRights {
            fds = fds.clone();
            for (int fd : fds) if (fd < 0) throw new IllegalArgumentException("negative file descriptor: " + fd);
        }

        /** The descriptors of open sockets (they must stay open until the send returns). */
        public static ScmRights of(BaseSocket... sockets) {
            int[] fds = new int[sockets.length];
            for (int i = 0; i < sockets.length; i++) {
                if (sockets[i] instanceof Socket s && s.isClosed()) {
                    throw new IllegalArgumentException("socket " + i + " is closed");
                }
                fds[i] = sockets[i].rawFd();
            }
            return new ScmRights(fds);
        }

        /** A copy of the descriptor numbers. */
        @Override public int[] fds() { return fds.clone(); }
        @Override public int level() { return C.SOL_SOCKET; }
        @Override public int type() { return C.SCM_RIGHTS; }
        @Override public int dataLength() { return 4 * fds.length; }
        @Override public boolean equals(Object o) { return o instanceof ScmRights r && Arrays.equals(fds, r.fds); }
        @Override public int hashCode() { return Arrays.hashCode(fds); }
        @Override public String toString() { return "ScmRights" + Arrays.toString(fds); }
    }

    /**
     * {@code SCM_CREDENTIALS} (unix(7)), {@code struct ucred}. Received on a Unix socket with {@code SO_PASSCRED}
     * set; sent to assert the sender's identity (the kernel checks it: {@code EPERM} for another pid/uid/gid
     * unless privileged).
     */
    record ScmCredentials(int pid, int uid, int gid) implements ControlMessage {
        @Override public int level() { return C.SOL_SOCKET; }
        @Override public int type() { return C.SCM_CREDENTIALS; }
        @Override public int dataLength() { return Layouts.UCRED_SIZE; }
    }

    /** {@code SCM_TIMESTAMPNS} (socket(7)): the receive time, after {@code SO_TIMESTAMPNS} is enabled. */
    record TimestampNs(long seconds, long nanos) implements ControlMessage {
        /** The receive time as an {@link Instant} ({@code CLOCK_REALTIME}). */
        public Instant instant() { return Instant.ofEpochSecond(seconds, nanos); }
        @Override public int level() { return C.SOL_SOCKET; }
        @Override public int type() { return C.SCM_TIMESTAMPNS; }
        @Override public int dataLength() { return Layouts.TIMESPEC_SIZE; }
    }

    /**
     * {@code SO_RXQ_OVFL} (socket(7)): the count, unsigned 32-bit, of packets the socket dropped for lack of
     * receive-buffer space; attached once it is non-zero, after {@code SO_RXQ_OVFL} is enabled.
     */
    record RxqOverflow(long dropped) implements ControlMessage {
        @Override public int level() { return C.SOL_SOCKET; }
        @Override public int type() { return C.SO_RXQ_OVFL; }
        @Override public int dataLength() { return 4; }
    }

    // ---------------------------------------------------------------- IPPROTO_IP

    /**
     * {@code IP_TOS} (ip(7)): received (one byte) after {@code IP_RECVTOS}; on send (an int) it sets the TOS
     * byte of that one datagram.
     */
    record IpTos(int tos) implements ControlMessage {
        /** Checks the components. @throws IllegalArgumentException for a TOS outside 0..255 */
        public IpTos {
            if (tos < 0 || tos > 255) throw new IllegalArgumentException("TOS out of range 0..255: " + tos);
        }
        @Override public int level() { return C.IPPROTO_IP; }
        @Override public int type() { return C.IP_TOS; }
        @Override public int dataLength() { return 4; }
    }

    /** {@code IP_TTL} (ip(7)): received after {@code IP_RECVTTL}; on send (1..255) the TTL of that datagram. */
    record IpTtl(int ttl) implements ControlMessage {
        @Override public int level() { return C.IPPROTO_IP; }
        @Override public int type() { return C.IP_TTL; }
        @Override public int dataLength() { return 4; }
    }

    /**
     * {@code IP_PKTINFO} (ip(7)), {@code struct in_pktinfo}: received after {@code IP_PKTINFO} is enabled —
     * {@code addr} is the header's destination and {@code specDst} the local address; on send, the source
     * address ({@code specDst}) and/or outgoing interface for that datagram.
     */
    record IpPktInfo(int ifindex, Inet4Address specDst, Inet4Address addr) implements ControlMessage {
        /** Checks the components. @throws NullPointerException for a null address ({@code 0.0.0.0} means none) */
        public IpPktInfo {
            Objects.requireNonNull(specDst, "specDst");
            Objects.requireNonNull(addr, "addr");
        }
        @Override public int level() { return C.IPPROTO_IP; }
        @Override public int type() { return C.IP_PKTINFO; }
        @Override public int dataLength() { return Layouts.IN_PKTINFO_SIZE; }
    }

    /**
     * {@code IP_ORIGDSTADDR} (ip(7)): the original destination ({@code sockaddr_in}) of a UDP datagram, after
     * {@code IP_RECVORIGDSTADDR}; with TPROXY this is the address the client meant.
     */
    record IpOrigDstAddr(SockAddr addr) implements ControlMessage {
        /** Checks the components. @throws NullPointerException for a null address */
        public IpOrigDstAddr { Objects.requireNonNull(addr, "addr"); }
        @Override public int level() { return C.IPPROTO_IP; }
        @Override public int type() { return C.IP_ORIGDSTADDR; }
        @Override public int dataLength() { return addr.len(); }
    }

    // ---------------------------------------------------------------- IPPROTO_IPV6

    /** {@code IPV6_TCLASS} (ipv6(7)): received after {@code IPV6_RECVTCLASS}; on send the traffic class of that datagram. */
    record Ipv6TClass(int tclass) implements ControlMessage {
        @Override public int level() { return C.IPPROTO_IPV6; }
        @Override public int type() { return C.IPV6_TCLASS; }
        @Override public int dataLength() { return 4; }
    }

    /** {@code IPV6_HOPLIMIT} (ipv6(7)): received after {@code IPV6_RECVHOPLIMIT}; on send the hop limit of that datagram. */
    record Ipv6HopLimit(int hopLimit) implements ControlMessage {
        @Override public int level() { return C.IPPROTO_IPV6; }
        @Override public int type() { return C.IPV6_HOPLIMIT; }
        @Override public int dataLength() { return 4; }
    }

    /**
     * {@code IPV6_PKTINFO} (ipv6(7)), {@code struct in6_pktinfo}: received after {@code IPV6_RECVPKTINFO} (the
     * destination address and arrival interface); on send the source address and/or interface.
     */
    record Ipv6PktInfo(Inet6Address addr, int ifindex) implements ControlMessage {
        /** Checks the components. @throws NullPointerException for a null address ({@code ::} means none) */
        public Ipv6PktInfo { Objects.requireNonNull(addr, "addr"); }
        @Override public int level() { return C.IPPROTO_IPV6; }
        @Override public int type() { return C.IPV6_PKTINFO; }
        @Override public int dataLength() { return Layouts.IN6_PKTINFO_SIZE; }
    }

    /** {@code IPV6_ORIGDSTADDR} (ipv6(7)): the original destination ({@code sockaddr_in6}), after {@code IPV6_RECVORIGDSTADDR}. */
    record Ipv6OrigDstAddr(SockAddr addr) implements ControlMessage {
        /** Checks the components. @throws NullPointerException for a null address */
        public Ipv6OrigDstAddr { Objects.requireNonNull(addr, "addr"); }
        @Override public int level() { return C.IPPROTO_IPV6; }
        @Override public int type() { return C.IPV6_ORIGDSTADDR; }
        @Override public int dataLength() { return addr.len(); }
    }

    // ---------------------------------------------------------------- SOL_UDP

    /**
     * {@code UDP_SEGMENT} (udp(7), Linux 4.18): send-side segmentation (GSO). One {@code sendmsg} of up to 64 segments
     * of {@code size} bytes (an unsigned 16-bit value; the last segment may be shorter) leaves as that many datagrams.
     */
    record UdpSegment(int size) implements ControlMessage {
        /** Checks the components. @throws IllegalArgumentException for a size outside 0..65535 */
        public UdpSegment {
            if (size < 0 || size > 0xFFFF) throw new IllegalArgumentException("segment size out of range 0..65535: " + size);
        }
        @Override public int level() { return C.SOL_UDP; }
        @Override public int type() { return C.UDP_SEGMENT; }
        @Override public int dataLength() { return 2; }
    }

    /**
     * {@code UDP_GRO} (udp(7), Linux 5.0): on a socket with the {@code UDP_GRO} option, a receive may hold several
     * coalesced datagrams of {@code segmentSize} bytes each (the last may be shorter).
     */
    record UdpGro(int segmentSize) implements ControlMessage {
        @Override public int level() { return C.SOL_UDP; }
        @Override public int type() { return C.UDP_GRO; }
        @Override public int dataLength() { return 4; }
    }

    // ---------------------------------------------------------------- anything else

    /** A control message of another (level, type), or one whose payload length does not fit its type; raw bytes. */
    record Unknown(int level, int type, byte[] data) implements ControlMessage {
        /** Copies {@code data}. */
        public Unknown { data = data.clone(); }
        /** A copy of the payload. */
        @Override public byte[] data() { return data.clone(); }
        @Override public int dataLength() { return data.length; }
        @Override public boolean equals(Object o) {
            return o instanceof Unknown u && u.level == level && u.type == type && Arrays.equals(data, u.data);
        }
        @Override public int hashCode() { return 31 * (31 * level + type) + Arrays.hashCode(data); }
        @Override public String toString() {
            return "Unknown{level=" + level + ", type=" + type + ", data=" + HexFormat.of().formatHex(data) + "}";
        }
    }

    // ---------------------------------------------------------------- buffers

    /** {@code CMSG_SPACE(dataLength)}: the bytes a control message with that payload takes in a buffer. */
    static int spaceFor(int dataLength) {
        if (dataLength < 0) throw new IllegalArgumentException("negative length: " + dataLength);
        return (int) Layouts.cmsgSpace(dataLength);
    }

    /** The control-buffer size {@code messages} take together (sum of their {@code CMSG_SPACE}). */
    static int space(ControlMessage... messages) {
        long n = 0;
        for (ControlMessage m : messages) n += m.space();
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("control data too large: " + n);
        return (int) n;
    }

    /** The bytes of a control buffer holding {@code messages}, as {@code msg_control} expects them (native byte order). */
    static byte[] encode(ControlMessage... messages) {
        byte[] out = new byte[space(messages)];
        CmsgCodec.encode(messages, MemorySegment.ofArray(out));
        return out;
    }

    /**
     * Parses {@code len} bytes of a control buffer (what {@code msg_controllen} says after {@code recvmsg}).
     * Trailing bytes too few for a header are ignored, as {@code CMSG_NXTHDR} does.
     *
     * @throws IllegalArgumentException if a header's {@code cmsg_len} is smaller than a header or runs past
     *         {@code len}, or {@code len} is negative or larger than {@code buf}
     */
    static List<ControlMessage> parse(byte[] buf, int len) {
        if (len < 0 || len > buf.length) throw new IllegalArgumentException("length " + len + " outside 0.." + buf.length);
        return CmsgCodec.parse(MemorySegment.ofArray(buf), len);
    }

    /** {@link #parse(byte[], int)} of the whole array. */
    static List<ControlMessage> parse(byte[] buf) { return parse(buf, buf.length); }

    /**
     * Writes {@code messages} into a native control buffer as {@link #encode(ControlMessage...)} does, and returns
     * the bytes used (the value for {@code msg_controllen}).
     *
     * @throws IllegalArgumentException if {@code dst} is smaller than {@link #space(ControlMessage...)} of them
     */
    static long encode(List<ControlMessage> messages, MemorySegment dst) {
        return CmsgCodec.encode(messages, dst);
    }

    /** {@link #parse(byte[], int)} of {@code len} bytes of a native control buffer. */
    static List<ControlMessage> parse(MemorySegment ctl, long len) {
        return CmsgCodec.parse(ctl, len);
    }

    /**
     * The descriptors of every {@code SCM_RIGHTS} item in the first {@code len} bytes of a control buffer the
     * kernel wrote; the caller owns them. Never throws: it stops at a malformed header, so that no descriptor
     * already parsed is lost.
     */
    static int[] descriptors(MemorySegment ctl, long len) {
        FdList fds = new FdList();
        CmsgCodec.collectFds(ctl, len, fds);
        return fds.take();
    }
}
