package dev.socket2j.internal;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * One layout per kernel struct (LP64 Linux), with the offsets the code uses. Multi-byte fields of
 * addresses ({@code sin_port}, {@code sin_addr}) are network order and are handled as bytes by the
 * code that reads them, not through these layouts.
 */
public final class Layouts {
    private Layouts() {}

    public static final long SOCKADDR_STORAGE_SIZE = 128;
    public static final long SOCKADDR_IN_SIZE = 16, SOCKADDR_IN6_SIZE = 28, SOCKADDR_UN_SIZE = 110,
        SOCKADDR_VM_SIZE = 16, SUN_PATH_OFFSET = 2;

    public static final StructLayout IOVEC = structLayout(ADDRESS.withName("iov_base"), JAVA_LONG.withName("iov_len"));
    public static final long IOVEC_SIZE = IOVEC.byteSize(), IOV_BASE = off(IOVEC, "iov_base"), IOV_LEN = off(IOVEC, "iov_len");

    public static final StructLayout MSGHDR = structLayout(
        ADDRESS.withName("msg_name"), JAVA_INT.withName("msg_namelen"), paddingLayout(4),
        ADDRESS.withName("msg_iov"), JAVA_LONG.withName("msg_iovlen"),
        ADDRESS.withName("msg_control"), JAVA_LONG.withName("msg_controllen"),
        JAVA_INT.withName("msg_flags"), paddingLayout(4));
    public static final long MSGHDR_SIZE = MSGHDR.byteSize(),
        MSG_NAME = off(MSGHDR, "msg_name"), MSG_NAMELEN = off(MSGHDR, "msg_namelen"),
        MSG_IOV = off(MSGHDR, "msg_iov"), MSG_IOVLEN = off(MSGHDR, "msg_iovlen"),
        MSG_CONTROL = off(MSGHDR, "msg_control"), MSG_CONTROLLEN = off(MSGHDR, "msg_controllen"),
        MSG_FLAGS = off(MSGHDR, "msg_flags");

    /** {@code struct mmsghdr}: a msghdr and the byte count the kernel fills in. */
    public static final StructLayout MMSGHDR = structLayout(MSGHDR.withName("msg_hdr"),
        JAVA_INT.withName("msg_len"), paddingLayout(4));
    public static final long MMSGHDR_SIZE = MMSGHDR.byteSize(), MMSG_LEN = off(MMSGHDR, "msg_len");

    /** {@code struct cmsghdr}: cmsg_len is a size_t; data starts at CMSG_ALIGN(sizeof(cmsghdr)) = 16. */
    public static final StructLayout CMSGHDR = structLayout(JAVA_LONG.withName("cmsg_len"),
        JAVA_INT.withName("cmsg_level"), JAVA_INT.withName("cmsg_type"));
    public static final long CMSGHDR_SIZE = CMSGHDR.byteSize(), CMSG_LEN = 0, CMSG_LEVEL = 8, CMSG_TYPE = 12;

    public static long cmsgAlign(long len) { return (len + 7) & ~7L; }
    public static long cmsgSpace(long dataLen) { return CMSGHDR_SIZE + cmsgAlign(dataLen); }
    public static long cmsgLen(long dataLen) { return CMSGHDR_SIZE + dataLen; }

    public static final StructLayout LINGER = structLayout(JAVA_INT.withName("l_onoff"), JAVA_INT.withName("l_linger"));
    public static final StructLayout TIMEVAL = structLayout(JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_usec"));
    public static final StructLayout TIMESPEC = structLayout(JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_nsec"));
    public static final StructLayout UCRED = structLayout(JAVA_INT.withName("pid"), JAVA_INT.withName("uid"), JAVA_INT.withName("gid"));
    /** Payload sizes of the struct-valued control messages. */
    public static final int UCRED_SIZE = (int) UCRED.byteSize(), TIMESPEC_SIZE = (int) TIMESPEC.byteSize();
    /** in_addr fields are network-order bytes. */
    public static final StructLayout IP_MREQ = structLayout(JAVA_INT.withName("imr_multiaddr"), JAVA_INT.withName("imr_interface"));
    public static final StructLayout IP_MREQN = structLayout(JAVA_INT.withName("imr_multiaddr"),
        JAVA_INT.withName("imr_address"), JAVA_INT.withName("imr_ifindex"));
    public static final StructLayout IP_MREQ_SOURCE = structLayout(JAVA_INT.withName("imr_multiaddr"),
        JAVA_INT.withName("imr_interface"), JAVA_INT.withName("imr_sourceaddr"));
    public static final StructLayout IPV6_MREQ = structLayout(sequenceLayout(16, JAVA_BYTE).withName("ipv6mr_multiaddr"),
        JAVA_INT.withName("ipv6mr_interface"));
    /** {@code struct group_source_req}: interface, then two sockaddr_storage aligned to 8. */
    public static final StructLayout GROUP_SOURCE_REQ = structLayout(JAVA_INT.withName("gsr_interface"), paddingLayout(4),
        sequenceLayout(128, JAVA_BYTE).withName("gsr_group"), sequenceLayout(128, JAVA_BYTE).withName("gsr_source"));
    public static final StructLayout IN_PKTINFO = structLayout(JAVA_INT.withName("ipi_ifindex"),
        JAVA_INT.withName("ipi_spec_dst"), JAVA_INT.withName("ipi_addr"));
    public static final StructLayout IN6_PKTINFO = structLayout(sequenceLayout(16, JAVA_BYTE).withName("ipi6_addr"),
        JAVA_INT.withName("ipi6_ifindex"));
    public static final int IN_PKTINFO_SIZE = (int) IN_PKTINFO.byteSize(), IN6_PKTINFO_SIZE = (int) IN6_PKTINFO.byteSize();
    public static final StructLayout SOCK_FILTER = structLayout(JAVA_SHORT.withName("code"), JAVA_BYTE.withName("jt"),
        JAVA_BYTE.withName("jf"), JAVA_INT.withName("k"));
    public static final StructLayout SOCK_FPROG = structLayout(JAVA_SHORT.withName("len"), paddingLayout(6),
        ADDRESS.withName("filter"));
    public static final StructLayout POLLFD = structLayout(JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"),
        JAVA_SHORT.withName("revents"));
    /** glibc packs epoll_event on x86_64 only: {u32 events; u64 data} is 12 bytes there, 16 elsewhere. */
    public static final GroupLayout EPOLL_EVENT = Platform.EPOLL_EVENT_PACKED
        ? structLayout(JAVA_INT.withName("events"), JAVA_LONG.withByteAlignment(4).withName("data"))
        : structLayout(JAVA_INT.withName("events"), paddingLayout(4), JAVA_LONG.withName("data"));
    public static final long EPOLL_EVENT_SIZE = EPOLL_EVENT.byteSize(), EPOLL_EVENTS = 0,
        EPOLL_DATA = off(EPOLL_EVENT, "data");

    public static long off(MemoryLayout layout, String field) {
        return layout.byteOffset(groupElement(field));
    }
}
