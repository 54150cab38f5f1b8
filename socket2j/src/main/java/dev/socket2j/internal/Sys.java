package dev.socket2j.internal;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The socket system calls, bound once. Each wrapper passes the calling thread's capture segment,
 * then {@link Errors#check} turns {@code -1} into the exception for errno. The {@code *Nb} handles are
 * critical downcalls for non-blocking descriptors only (event loops); they return the raw result and leave
 * errno in the caller's capture segment, so a hot path can treat {@code EAGAIN} as a value.
 */
public final class Sys {
    private Sys() {}

    private static FunctionDescriptor ints(int n) {
        var args = new java.lang.foreign.MemoryLayout[n];
        java.util.Arrays.fill(args, JAVA_INT);
        return FunctionDescriptor.of(JAVA_INT, args);
    }

    private static final Linker.Option[] E = Libc.ERRNO, EC = Libc.ERRNO_CRITICAL;
    private static final FunctionDescriptor IO = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final FunctionDescriptor IO_TO = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    private static final FunctionDescriptor IO_FROM = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS);
    private static final FunctionDescriptor MSG = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    private static final FunctionDescriptor RW = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final FunctionDescriptor RWV = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    private static final FunctionDescriptor MMSG = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS);
    private static final FunctionDescriptor ADDR_CALL = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final FunctionDescriptor ADDR_LEN = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final FunctionDescriptor OPT = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final FunctionDescriptor GETOPT = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);

    static final MethodHandle SOCKET = Libc.bind("socket", E, ints(3));
    static final MethodHandle SOCKETPAIR = Libc.bind("socketpair", E,
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    static final MethodHandle BIND = Libc.bind("bind", E, ADDR_CALL);
    static final MethodHandle CONNECT = Libc.bind("connect", E, ADDR_CALL);
    static final MethodHandle LISTEN = Libc.bind("listen", E, ints(2));
    static final MethodHandle ACCEPT = Libc.bind("accept", E, ADDR_LEN);
    static final MethodHandle ACCEPT4 = Libc.bind("accept4", E,
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    static final MethodHandle GETSOCKNAME = Libc.bind("getsockname", EC, ADDR_LEN);
    static final MethodHandle GETPEERNAME = Libc.bind("getpeername", EC, ADDR_LEN);
    static final MethodHandle SHUTDOWN = Libc.bind("shutdown", EC, ints(2));
    static final MethodHandle CLOSE = Libc.bind("close", E, ints(1));
    static final MethodHandle FCNTL = Libc.bind("fcntl",
        new Linker.Option[] { Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(2) }, ints(3));
    static final MethodHandle POLL = Libc.bind("poll", E, FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    static final MethodHandle GETSOCKOPT = Libc.bind("getsockopt", EC, GETOPT);
    static final MethodHandle SETSOCKOPT = Libc.bind("setsockopt", EC, OPT);
    static final MethodHandle SEND = Libc.bind("send", E, IO);
    static final MethodHandle SENDTO = Libc.bind("sendto", E, IO_TO);
    static final MethodHandle RECV = Libc.bind("recv", E, IO);
    static final MethodHandle RECVFROM = Libc.bind("recvfrom", E, IO_FROM);
    static final MethodHandle SENDMSG = Libc.bind("sendmsg", E, MSG);
    static final MethodHandle RECVMSG = Libc.bind("recvmsg", E, MSG);
    static final MethodHandle SENDMMSG = Libc.bind("sendmmsg", E,
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    static final MethodHandle RECVMMSG = Libc.bind("recvmmsg", E, MMSG);
    static final MethodHandle SENDFILE = Libc.bind("sendfile", E,
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));
    static final MethodHandle IF_NAMETOINDEX = Libc.bind("if_nametoindex", E, FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle DUP3 = Libc.bind("dup3", E, ints(3));
    static final MethodHandle PIPE2 = Libc.bind("pipe2", E, FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle SPLICE_NB = Libc.bind("splice", EC,
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    static final MethodHandle OPEN = Libc.bind("open", E, FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle GETPID = Libc.bind("getpid", Libc.PLAIN, FunctionDescriptor.of(JAVA_INT));
    static final MethodHandle GETUID = Libc.bind("getuid", Libc.PLAIN, FunctionDescriptor.of(JAVA_INT));
    static final MethodHandle GETGID = Libc.bind("getgid", Libc.PLAIN, FunctionDescriptor.of(JAVA_INT));

    // Non-blocking hot-path variants: critical (no thread-state transition, heap segments allowed).
    static final MethodHandle READ_NB = Libc.bind("read", EC, RW);
    static final MethodHandle WRITE_NB = Libc.bind("write", EC, RW);
    static final MethodHandle READV_NB = Libc.bind("readv", EC, RWV);
    static final MethodHandle WRITEV_NB = Libc.bind("writev", EC, RWV);
    static final MethodHandle SEND_NB = Libc.bind("send", EC, IO);
    static final MethodHandle RECV_NB = Libc.bind("recv", EC, IO);
    static final MethodHandle SENDTO_NB = Libc.bind("sendto", EC, IO_TO);
    static final MethodHandle RECVFROM_NB = Libc.bind("recvfrom", EC, IO_FROM);
    static final MethodHandle SENDMSG_NB = Libc.bind("sendmsg", EC, MSG);
    static final MethodHandle RECVMSG_NB = Libc.bind("recvmsg", EC, MSG);
    static final MethodHandle SENDMMSG_NB = Libc.bind("sendmmsg", EC,
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    static final MethodHandle RECVMMSG_NB = Libc.bind("recvmmsg", EC, MMSG);
    static final MethodHandle ACCEPT4_NB = Libc.bind("accept4", EC,
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    static final MethodHandle CONNECT_NB = Libc.bind("connect", EC, ADDR_CALL);
    static final MethodHandle SENDFILE_NB = Libc.bind("sendfile", EC,
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));

    private static MemorySegment cs() { return Scratch.get().capture; }

    // ---------------------------------------------------------------- blocking-capable, throwing wrappers

    public static int socket(int domain, int type, int protocol) throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("socket(2)", (int) SOCKET.invokeExact(cs, domain, type, protocol), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** Fills {@code fds} (8 bytes) with the two descriptors. */
    public static void socketpair(int domain, int type, int protocol, MemorySegment fds) throws IOException {
        MemorySegment cs = cs();
        try { Errors.check("socketpair(2)", (int) SOCKETPAIR.invokeExact(cs, domain, type, protocol, fds), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static void bind(int fd, MemorySegment addr, int len) throws IOException {
        MemorySegment cs = cs();
        try { Errors.check("bind(2)", (int) BIND.invokeExact(cs, fd, addr, len), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** Returns 0, or -errno for the caller to interpret (EINPROGRESS on a non-blocking socket is not an error there). */
    public static int connectRaw(int fd, MemorySegment addr, int len, MemorySegment cs) {
        try {
            int rc = (int) CONNECT.invokeExact(cs, fd, addr, len);
            return rc < 0 ? -Libc.errno(cs) : rc;
        } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static void listen(int fd, int backlog) throws IOException {
        MemorySegment cs = cs();
        try { Errors.check("listen(2)", (int) LISTEN.invokeExact(cs, fd, backlog), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** accept(2) without flags; {@code addr}/{@code lenPtr} receive the peer. */
    public static int accept(int fd, MemorySegment addr, MemorySegment lenPtr) throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("accept(2)", (int) ACCEPT.invokeExact(cs, fd, addr, lenPtr), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static int accept4(int fd, MemorySegment addr, MemorySegment lenPtr, int flags) throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("accept4(2)", (int) ACCEPT4.invokeExact(cs, fd, addr, lenPtr, flags), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static void getsockname(int fd, MemorySegment addr, MemorySegment lenPtr) throws IOException {
        MemorySegment cs = cs();
        try { Errors.check("getsockname(2)", (int) GETSOCKNAME.invokeExact(cs, fd, addr, lenPtr), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static void getpeername(int fd, MemorySegment addr, MemorySegment lenPtr) throws IOException {
        MemorySegment cs = cs();
        try { Errors.check("getpeername(2)", (int) GETPEERNAME.invokeExact(cs, fd, addr, lenPtr), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static void shutdown(int fd, int how) throws IOException {
        MemorySegment cs = cs();
        try { Errors.check("shutdown(2)", (int) SHUTDOWN.invokeExact(cs, fd, how), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** close(2). Linux releases the descriptor even when close reports EINTR or EIO: never retry. */
    public static void close(int fd) throws IOException {
        MemorySegment cs = cs();
        try { Errors.check("close(2)", (int) CLOSE.invokeExact(cs, fd), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** close(2) whose failure is of no use to the caller (cleanup paths). */
    public static void closeQuietly(int fd) {
        try { int ignored = (int) CLOSE.invokeExact(cs(), fd); } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** pipe2(2): fills {@code fds} (8 bytes) with the read end, then the write end. */
    public static void pipe2(MemorySegment fds, int flags) throws IOException {
        MemorySegment cs = cs();
        try { Errors.check("pipe2(2)", (int) PIPE2.invokeExact(cs, fds, flags), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /**
     * splice(2) of up to {@code len} bytes from {@code in} to {@code out}, one of which must be a pipe; an offset
     * pointer ({@code loff_t}, updated by the kernel) or NULL for each side. Raw result, errno in {@code cs} on -1.
     */
    public static long spliceNb(MemorySegment cs, int in, MemorySegment offIn, int out, MemorySegment offOut, long len,
                                int flags) {
        try { return (long) SPLICE_NB.invokeExact(cs, in, offIn, out, offOut, len, flags); }
        catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static int fcntl(int fd, int cmd, int arg) throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("fcntl(2)", (int) FCNTL.invokeExact(cs, fd, cmd, arg), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** poll(2) on the given pollfd array; returns the raw result (-1 with errno in {@code cs}). */
    public static int pollRaw(MemorySegment fds, long nfds, int timeoutMs, MemorySegment cs) {
        try { return (int) POLL.invokeExact(cs, fds, nfds, timeoutMs); } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** getsockopt(2); {@code lenPtr} holds the buffer size on entry and the kernel's length on return. */
    public static void getsockopt(int fd, int level, int name, MemorySegment val, MemorySegment lenPtr, String what)
            throws IOException {
        MemorySegment cs = cs();
        try { Errors.check(what, (int) GETSOCKOPT.invokeExact(cs, fd, level, name, val, lenPtr), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static void setsockopt(int fd, int level, int name, MemorySegment val, int len, String what)
            throws IOException {
        MemorySegment cs = cs();
        try { Errors.check(what, (int) SETSOCKOPT.invokeExact(cs, fd, level, name, val, len), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static long send(int fd, MemorySegment buf, long len, int flags) throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("send(2)", (long) SEND.invokeExact(cs, fd, buf, len, flags), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static long sendto(int fd, MemorySegment buf, long len, int flags, MemorySegment addr, int addrLen)
            throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("sendto(2)", (long) SENDTO.invokeExact(cs, fd, buf, len, flags, addr, addrLen), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static long recv(int fd, MemorySegment buf, long len, int flags) throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("recv(2)", (long) RECV.invokeExact(cs, fd, buf, len, flags), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static long recvfrom(int fd, MemorySegment buf, long len, int flags, MemorySegment addr, MemorySegment lenPtr)
            throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("recvfrom(2)", (long) RECVFROM.invokeExact(cs, fd, buf, len, flags, addr, lenPtr), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static long sendmsg(int fd, MemorySegment msg, int flags) throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("sendmsg(2)", (long) SENDMSG.invokeExact(cs, fd, msg, flags), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static long recvmsg(int fd, MemorySegment msg, int flags) throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("recvmsg(2)", (long) RECVMSG.invokeExact(cs, fd, msg, flags), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static int sendmmsg(int fd, MemorySegment msgs, int n, int flags) throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("sendmmsg(2)", (int) SENDMMSG.invokeExact(cs, fd, msgs, n, flags), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static int recvmmsg(int fd, MemorySegment msgs, int n, int flags, MemorySegment timeout) throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("recvmmsg(2)", (int) RECVMMSG.invokeExact(cs, fd, msgs, n, flags, timeout), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static long sendfile(int outFd, int inFd, MemorySegment offsetPtr, long count) throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("sendfile(2)", (long) SENDFILE.invokeExact(cs, outFd, inFd, offsetPtr, count), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** if_nametoindex(3): 0 means no such interface (errno ENODEV). */
    public static int ifNameToIndex(MemorySegment cName) throws IOException {
        MemorySegment cs = cs();
        try {
            int idx = (int) IF_NAMETOINDEX.invokeExact(cs, cName);
            if (idx == 0) throw Errors.of("if_nametoindex(3)", Libc.errno(cs));
            return idx;
        } catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static void dup3(int oldFd, int newFd, int flags) throws IOException {
        MemorySegment cs = cs();
        try { Errors.check("dup3(2)", (int) DUP3.invokeExact(cs, oldFd, newFd, flags), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static int open(MemorySegment cPath, int flags) throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("open(2)", (int) OPEN.invokeExact(cs, cPath, flags), cs); }
        catch (IOException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static int getpid() { try { return (int) GETPID.invokeExact(); } catch (Throwable t) { throw Libc.unexpected(t); } }
    public static int getuid() { try { return (int) GETUID.invokeExact(); } catch (Throwable t) { throw Libc.unexpected(t); } }
    public static int getgid() { try { return (int) GETGID.invokeExact(); } catch (Throwable t) { throw Libc.unexpected(t); } }

    // ---------------------------------------------------------------- non-blocking raw calls (hot path)
    // Each returns the C result; on -1, errno is in cs. No allocation, no exception.

    public static long readNb(MemorySegment cs, int fd, MemorySegment buf, long len) {
        try { return (long) READ_NB.invokeExact(cs, fd, buf, len); } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static long writeNb(MemorySegment cs, int fd, MemorySegment buf, long len) {
        try { return (long) WRITE_NB.invokeExact(cs, fd, buf, len); } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static long readvNb(MemorySegment cs, int fd, MemorySegment iov, int cnt) {
        try { return (long) READV_NB.invokeExact(cs, fd, iov, cnt); } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static long writevNb(MemorySegment cs, int fd, MemorySegment iov, int cnt) {
        try { return (long) WRITEV_NB.invokeExact(cs, fd, iov, cnt); } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static long sendNb(MemorySegment cs, int fd, MemorySegment buf, long len, int flags) {
        try { return (long) SEND_NB.invokeExact(cs, fd, buf, len, flags); } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static long recvNb(MemorySegment cs, int fd, MemorySegment buf, long len, int flags) {
        try { return (long) RECV_NB.invokeExact(cs, fd, buf, len, flags); } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static long sendtoNb(MemorySegment cs, int fd, MemorySegment buf, long len, int flags, MemorySegment addr, int addrLen) {
        try { return (long) SENDTO_NB.invokeExact(cs, fd, buf, len, flags, addr, addrLen); } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static long recvfromNb(MemorySegment cs, int fd, MemorySegment buf, long len, int flags, MemorySegment addr, MemorySegment lenPtr) {
        try { return (long) RECVFROM_NB.invokeExact(cs, fd, buf, len, flags, addr, lenPtr); } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static long sendmsgNb(MemorySegment cs, int fd, MemorySegment msg, int flags) {
        try { return (long) SENDMSG_NB.invokeExact(cs, fd, msg, flags); } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static long recvmsgNb(MemorySegment cs, int fd, MemorySegment msg, int flags) {
        try { return (long) RECVMSG_NB.invokeExact(cs, fd, msg, flags); } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static int sendmmsgNb(MemorySegment cs, int fd, MemorySegment msgs, int n, int flags) {
        try { return (int) SENDMMSG_NB.invokeExact(cs, fd, msgs, n, flags); } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static int recvmmsgNb(MemorySegment cs, int fd, MemorySegment msgs, int n, int flags) {
        try { return (int) RECVMMSG_NB.invokeExact(cs, fd, msgs, n, flags, MemorySegment.NULL); } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static int accept4Nb(MemorySegment cs, int fd, MemorySegment addr, MemorySegment lenPtr, int flags) {
        try { return (int) ACCEPT4_NB.invokeExact(cs, fd, addr, lenPtr, flags); } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static int connectNb(MemorySegment cs, int fd, MemorySegment addr, int len) {
        try { return (int) CONNECT_NB.invokeExact(cs, fd, addr, len); } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static long sendfileNb(MemorySegment cs, int outFd, int inFd, MemorySegment offsetPtr, long count) {
        try { return (long) SENDFILE_NB.invokeExact(cs, outFd, inFd, offsetPtr, count); } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    // ---------------------------------------------------------------- raw-address variants (hot path)
    // The buffer as a plain address (a pooled ByteBuf's memoryAddress()): no MemorySegment is made per call.
    // Pointers travel in integer registers on the 64-bit Linux ABIs, so a JAVA_LONG parameter carries one.

    private static final FunctionDescriptor RW_ADDR = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG);
    static final MethodHandle READ_ADDR_NB = Libc.bind("read", EC, RW_ADDR);
    static final MethodHandle WRITE_ADDR_NB = Libc.bind("write", EC, RW_ADDR);

    /** read(2) into {@code len} bytes at native address {@code addr}; raw result, errno in {@code cs} on -1. */
    public static long readAddrNb(MemorySegment cs, int fd, long addr, long len) {
        try { return (long) READ_ADDR_NB.invokeExact(cs, fd, addr, len); } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** write(2) of {@code len} bytes at native address {@code addr}; raw result, errno in {@code cs} on -1. */
    public static long writeAddrNb(MemorySegment cs, int fd, long addr, long len) {
        try { return (long) WRITE_ADDR_NB.invokeExact(cs, fd, addr, len); } catch (Throwable t) { throw Libc.unexpected(t); }
    }
}
