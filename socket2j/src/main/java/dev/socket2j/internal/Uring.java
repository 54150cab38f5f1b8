package dev.socket2j.internal;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicLong;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * io_uring(7) through the FFM API: the three system calls (through glibc's variadic {@code syscall(2)}, since glibc
 * has no wrappers), {@code mmap(2)}/{@code munmap(2)} for the rings, and the kernel ABI's numbers and offsets
 * ({@code include/uapi/linux/io_uring.h}). The ring itself is {@link UringRing}.
 */
public final class Uring {
    private Uring() {}

    // syscall numbers: io_uring came after the syscall tables were unified, so they are the same on every
    // architecture the JDK supports on Linux
    static final long SYS_IO_URING_SETUP = 425, SYS_IO_URING_ENTER = 426, SYS_IO_URING_REGISTER = 427;

    // ---------------------------------------------------------------- io_uring_setup(2) flags and features
    public static final int SETUP_CQSIZE = 1 << 3, SETUP_CLAMP = 1 << 4, SETUP_R_DISABLED = 1 << 6,
        SETUP_SUBMIT_ALL = 1 << 7, SETUP_COOP_TASKRUN = 1 << 8, SETUP_TASKRUN_FLAG = 1 << 9,
        SETUP_SINGLE_ISSUER = 1 << 12, SETUP_DEFER_TASKRUN = 1 << 13, SETUP_NO_SQARRAY = 1 << 16;
    public static final int FEAT_SINGLE_MMAP = 1, FEAT_NODROP = 1 << 1, FEAT_SUBMIT_STABLE = 1 << 2,
        FEAT_FAST_POLL = 1 << 5, FEAT_EXT_ARG = 1 << 8, FEAT_RECVSEND_BUNDLE = 1 << 14;

    // io_uring_params (120 bytes) and its io_sqring_offsets (at 40) / io_cqring_offsets (at 80)
    static final int PARAMS_SIZE = 120;
    static final long P_SQ_ENTRIES = 0, P_CQ_ENTRIES = 4, P_FLAGS = 8, P_FEATURES = 20, P_SQ_OFF = 40, P_CQ_OFF = 80;
    static final long OFF_HEAD = 0, OFF_TAIL = 4, OFF_RING_MASK = 8, OFF_RING_ENTRIES = 12, SQ_OFF_FLAGS = 16,
        SQ_OFF_DROPPED = 20, SQ_OFF_ARRAY = 24, CQ_OFF_OVERFLOW = 16, CQ_OFF_CQES = 20, CQ_OFF_FLAGS = 24;
    static final long MMAP_SQ_RING = 0, MMAP_CQ_RING = 0x8000000L, MMAP_SQES = 0x10000000L;

    /** sq ring flags: the kernel wants an enter (CQ overflowed, or task work pending with TASKRUN_FLAG). */
    public static final int SQ_NEED_WAKEUP = 1, SQ_CQ_OVERFLOW = 2, SQ_TASKRUN = 4;

    // ---------------------------------------------------------------- io_uring_enter(2)
    public static final int ENTER_GETEVENTS = 1, ENTER_EXT_ARG = 8, ENTER_REGISTERED_RING = 16;
    /** struct io_uring_getevents_arg: sigmask, sigmask_sz, min_wait_usec, ts. */
    public static final int GETEVENTS_ARG_SIZE = 24;

    // ---------------------------------------------------------------- opcodes
    public static final byte OP_NOP = 0, OP_READV = 1, OP_WRITEV = 2, OP_POLL_ADD = 6, OP_POLL_REMOVE = 7,
        OP_SENDMSG = 9, OP_RECVMSG = 10, OP_TIMEOUT = 11, OP_TIMEOUT_REMOVE = 12, OP_ACCEPT = 13,
        OP_ASYNC_CANCEL = 14, OP_LINK_TIMEOUT = 15, OP_CONNECT = 16, OP_CLOSE = 19, OP_READ = 22, OP_WRITE = 23,
        OP_SEND = 26, OP_RECV = 27, OP_SPLICE = 30, OP_SHUTDOWN = 34, OP_MSG_RING = 40, OP_SOCKET = 45, OP_SEND_ZC = 47;
    /** Highest opcode number this class knows a name for. */
    static final String[] OP_NAMES = new String[64];
    static {
        String[] n = { "NOP", "READV", "WRITEV", "FSYNC", "READ_FIXED", "WRITE_FIXED", "POLL_ADD", "POLL_REMOVE",
            "SYNC_FILE_RANGE", "SENDMSG", "RECVMSG", "TIMEOUT", "TIMEOUT_REMOVE", "ACCEPT", "ASYNC_CANCEL",
            "LINK_TIMEOUT", "CONNECT", "FALLOCATE", "OPENAT", "CLOSE", "FILES_UPDATE", "STATX", "READ", "WRITE",
            "FADVISE", "MADVISE", "SEND", "RECV", "OPENAT2", "EPOLL_CTL", "SPLICE", "PROVIDE_BUFFERS",
            "REMOVE_BUFFERS", "TEE", "SHUTDOWN", "RENAMEAT", "UNLINKAT", "MKDIRAT", "SYMLINKAT", "LINKAT", "MSG_RING",
            "FSETXATTR", "SETXATTR", "FGETXATTR", "GETXATTR", "SOCKET", "URING_CMD", "SEND_ZC", "SENDMSG_ZC" };
        System.arraycopy(n, 0, OP_NAMES, 0, n.length);
    }

    /** {@code IORING_OP_<name>} for an opcode, or its number. */
    public static String opName(int op) {
        return op >= 0 && op < OP_NAMES.length && OP_NAMES[op] != null ? "IORING_OP_" + OP_NAMES[op] : "opcode " + op;
    }

    // ---------------------------------------------------------------- SQE (64 bytes) and CQE (16 bytes)
    public static final long SQE_SIZE = 64, CQE_SIZE = 16;
    public static final long SQE_OPCODE = 0, SQE_FLAGS = 1, SQE_IOPRIO = 2, SQE_FD = 4, SQE_OFF = 8, SQE_ADDR = 16,
        SQE_LEN = 24, SQE_OP_FLAGS = 28, SQE_USER_DATA = 32, SQE_BUF_GROUP = 40, SQE_PERSONALITY = 42,
        SQE_FILE_INDEX = 44, SQE_ADDR3 = 48;
    public static final long CQE_USER_DATA = 0, CQE_RES = 8, CQE_FLAGS = 12;

    public static final byte SQE_IO_LINK = 4, SQE_ASYNC = 16, SQE_BUFFER_SELECT = 32, SQE_CQE_SKIP_SUCCESS = 64;
    /** CQE flags; {@code NOTIF} marks the second completion of a zero-copy send: the kernel is done with the buffer. */
    public static final int CQE_F_BUFFER = 1, CQE_F_MORE = 2, CQE_F_SOCK_NONEMPTY = 4, CQE_F_NOTIF = 8,
        CQE_BUFFER_SHIFT = 16;

    /** ioprio bits of SEND/RECV, and of ACCEPT. */
    public static final short RECVSEND_POLL_FIRST = 1, RECV_MULTISHOT = 2, RECVSEND_BUNDLE = 16,
        ACCEPT_MULTISHOT = 1;
    /** ASYNC_CANCEL flags. */
    public static final int CANCEL_ALL = 1, CANCEL_FD = 2, CANCEL_ANY = 4;

    // ---------------------------------------------------------------- io_uring_register(2)
    public static final int REGISTER_PROBE = 8, REGISTER_ENABLE_RINGS = 12, REGISTER_PBUF_RING = 22,
        REGISTER_RING_FDS = 20, UNREGISTER_RING_FDS = 21, UNREGISTER_PBUF_RING = 23, REGISTER_PBUF_STATUS = 26;
    /** struct io_uring_rsrc_update: offset (u32), resv (u32), data (u64). */
    static final int RSRC_UPDATE_SIZE = 16;
    /** struct io_uring_probe: 16-byte header, then 8 bytes per op; op flags bit 0 = supported. */
    static final int PROBE_OPS = 256, PROBE_HEADER = 16, PROBE_OP_SIZE = 8;
    /** struct io_uring_buf_reg (40 bytes) and struct io_uring_buf (16 bytes; the ring's tail overlays entry 0). */
    static final int BUF_REG_SIZE = 40;
    public static final long BUF_SIZE = 16, BUF_ADDR = 0, BUF_LEN = 8, BUF_BID = 12, BUF_RING_TAIL = 14;

    // ---------------------------------------------------------------- mmap(2)
    static final int PROT_READ = 1, PROT_WRITE = 2, MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20,
        MAP_POPULATE = 0x8000;
    static final long MAP_FAILED = -1L;

    private static final Linker.Option[] VARIADIC = {
        Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(1) };

    private static final class Calls {   // linked on first use: a JVM that never asks for io_uring never binds them
        static final MethodHandle SYSCALL4 = Libc.bind("syscall", VARIADIC,
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        static final MethodHandle SYSCALL6 = Libc.bind("syscall", VARIADIC,
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        static final MethodHandle MMAP = Libc.bind("mmap", Libc.ERRNO,
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
        static final MethodHandle MUNMAP = Libc.bind("munmap", Libc.ERRNO,
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
        static final MethodHandle EVENTFD = Libc.bind("eventfd", Libc.ERRNO, FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    /** Native bytes the io_uring engine holds now: its mappings and its {@link TrackedArena}s. */
    private static final AtomicLong LIVE_NATIVE = new AtomicLong();

    /**
     * The native memory the io_uring engine holds now, in bytes: every ring and buffer-ring mapping made through
     * {@link #mmap} and not yet unmapped, plus what its {@link TrackedArena}s allocated and have not freed. Per-thread
     * {@link Scratch} of the core (any thread that makes a core call has one) is not counted.
     */
    public static long liveNativeBytes() { return LIVE_NATIVE.get(); }

    static void accountNative(long delta) { LIVE_NATIVE.addAndGet(delta); }

    /** Every byte of the address space, for copies to and from raw addresses without a segment per copy. */
    public static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    static final int EFD_CLOEXEC = 0x80000;

    /**
     * A blocking, close-on-exec eventfd(2): io_uring honours {@code O_NONBLOCK} by failing a read with
     * {@code EAGAIN} instead of waiting, so the wakeup descriptor that a READ waits on must block.
     */
    public static int blockingEventfd() throws IOException {
        MemorySegment cs = Scratch.get().capture;
        try { return Errors.check("eventfd(2)", (int) Calls.EVENTFD.invokeExact(cs, 0, EFD_CLOEXEC), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** io_uring_setup(2): the ring's descriptor, or -errno. {@code params} is read and filled by the kernel. */
    static int setup(MemorySegment cs, int entries, MemorySegment params) {
        try {
            long rc = (long) Calls.SYSCALL4.invokeExact(cs, SYS_IO_URING_SETUP, (long) entries, params.address(), 0L, 0L);
            return rc < 0 ? -Libc.errno(cs) : (int) rc;
        } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /**
     * io_uring_enter(2): the number of SQEs consumed, or -errno. May block when {@code minComplete > 0}: an
     * ordinary (not critical) downcall, so the thread is in native state while it waits.
     */
    public static int enter(MemorySegment cs, int ringFd, int toSubmit, int minComplete, int flags, long arg, long argSize) {
        try {
            long rc = (long) Calls.SYSCALL6.invokeExact(cs, SYS_IO_URING_ENTER, (long) ringFd,
                Integer.toUnsignedLong(toSubmit), Integer.toUnsignedLong(minComplete), Integer.toUnsignedLong(flags),
                arg, argSize);
            return rc < 0 ? -Libc.errno(cs) : (int) rc;
        } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** io_uring_register(2): the kernel's result, or -errno. */
    static int register(MemorySegment cs, int ringFd, int opcode, long arg, int nrArgs) {
        try {
            long rc = (long) Calls.SYSCALL4.invokeExact(cs, SYS_IO_URING_REGISTER, (long) ringFd, (long) opcode, arg,
                Integer.toUnsignedLong(nrArgs));
            return rc < 0 ? -Libc.errno(cs) : (int) rc;
        } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** mmap(2) of {@code len} bytes; the address, or throws with the errno. */
    static long mmap(MemorySegment cs, long len, int prot, int flags, int fd, long offset, String what) throws IOException {
        try {
            long addr = (long) Calls.MMAP.invokeExact(cs, MemorySegment.NULL, len, prot, flags, fd, offset);
            if (addr == MAP_FAILED) throw Errors.of("mmap(2) of the " + what, Errors.Kind.OTHER, Libc.errno(cs));
            LIVE_NATIVE.addAndGet(len);
            return addr;
        } catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    static void munmap(MemorySegment cs, long addr, long len) {
        if (addr == 0) return;
        int rc;
        try { rc = (int) Calls.MUNMAP.invokeExact(cs, addr, len); }
        catch (Throwable t) { throw Libc.unexpected(t); }
        if (rc == 0) LIVE_NATIVE.addAndGet(-len);
    }

    /** An io_uring failure as an exception naming the call and the errno. */
    public static IOException error(String call, int negErrno) { return Errors.of(call, Errors.Kind.OTHER, -negErrno); }
}
