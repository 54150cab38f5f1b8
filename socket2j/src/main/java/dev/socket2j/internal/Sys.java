package dev.socket2j.internal;

import dev.socket2j.internal.Errors.Kind;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Reference;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The socket system calls. Each function is linked on its first call, through a holder class of its own (what
 * jextract generates), so a program pays only for the calls it makes. Two shapes, one errno path:
 * <ul>
 *   <li>throwing wrappers pass the calling thread's capture segment and hand the result to {@link Errors#check},
 *       which turns {@code -1} into the exception for errno and the call's {@link Kind};
 *   <li>raw calls ({@code *Nb}, {@code *Raw}) take the caller's capture segment and return the value or
 *       {@code -errno} ({@link Libc#result}; errno also stays in the segment) for {@link Errors#ioResult},
 *       so a hot path treats {@code EAGAIN} as a value. The {@code *Nb} ones are critical downcalls, for
 *       non-blocking descriptors only.
 * </ul>
 */
public final class Sys {
    private Sys() {}

    private static FunctionDescriptor ints(int n) {
        var args = new MemoryLayout[n];
        Arrays.fill(args, JAVA_INT);
        return FunctionDescriptor.of(JAVA_INT, args);
    }

    private static final Linker.Option[] E = Libc.ERRNO, EC = Libc.ERRNO_CRITICAL;
    /**
     * The one shape of the calls whose buffer a heap segment may back (critical downcalls only): the descriptor, the
     * buffer, then four words, as {@link Libc#bindWords} explains. read, write, send, recv, sendto and recvfrom all
     * take it, so one linker stub serves them; fewer shapes are fewer classes generated while a server starts.
     */
    private static final FunctionDescriptor HEAP =
        FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);

    // One holder per function, linked on first use. *Nb: the critical twin of a call for non-blocking descriptors.
    private static final class Socket { static final MethodHandle MH = Libc.bindWords("socket", E, 3); }
    private static final class Socketpair { static final MethodHandle MH = Libc.bindWords("socketpair", E, 4); }
    private static final class Bind { static final MethodHandle MH = Libc.bindWords("bind", E, 3); }
    private static final class Connect { static final MethodHandle MH = Libc.bindWords("connect", E, 3); }
    private static final class Listen { static final MethodHandle MH = Libc.bindWords("listen", E, 2); }
    private static final class Accept { static final MethodHandle MH = Libc.bindWords("accept", E, 3); }
    private static final class Accept4 { static final MethodHandle MH = Libc.bindWords("accept4", E, 4); }
    private static final class Getsockname { static final MethodHandle MH = Libc.bindWords("getsockname", EC, 3); }
    private static final class Getpeername { static final MethodHandle MH = Libc.bindWords("getpeername", EC, 3); }
    private static final class Shutdown { static final MethodHandle MH = Libc.bindWords("shutdown", EC, 2); }
    private static final class Close { static final MethodHandle MH = Libc.bindWords("close", E, 1); }
    private static final class Fcntl {
        static final MethodHandle MH = Libc.bind("fcntl", new Linker.Option[] { Linker.Option.captureCallState("errno"),
            Linker.Option.firstVariadicArg(2) }, ints(3));
    }
    private static final class Poll { static final MethodHandle MH = Libc.bindWords("poll", E, 3); }
    private static final class Getsockopt { static final MethodHandle MH = Libc.bindWords("getsockopt", EC, 5); }
    private static final class Setsockopt { static final MethodHandle MH = Libc.bindWords("setsockopt", EC, 5); }
    private static final class Send { static final MethodHandle MH = Libc.bindWords("send", E, 4); }
    private static final class Sendto { static final MethodHandle MH = Libc.bindWords("sendto", E, 6); }
    private static final class Recv { static final MethodHandle MH = Libc.bindWords("recv", E, 4); }
    private static final class Recvfrom { static final MethodHandle MH = Libc.bindWords("recvfrom", E, 6); }
    private static final class Sendmsg { static final MethodHandle MH = Libc.bindWords("sendmsg", E, 3); }
    private static final class Recvmsg { static final MethodHandle MH = Libc.bindWords("recvmsg", E, 3); }
    private static final class Sendmmsg { static final MethodHandle MH = Libc.bindWords("sendmmsg", E, 4); }
    private static final class Recvmmsg { static final MethodHandle MH = Libc.bindWords("recvmmsg", E, 5); }
    private static final class Sendfile { static final MethodHandle MH = Libc.bindWords("sendfile", E, 4); }
    private static final class IfNameToIndex {
        static final MethodHandle MH = Libc.bind("if_nametoindex", E, FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }
    private static final class Dup3 { static final MethodHandle MH = Libc.bindWords("dup3", E, 3); }
    private static final class Pipe2 { static final MethodHandle MH = Libc.bindWords("pipe2", E, 2); }
    private static final class SpliceNb { static final MethodHandle MH = Libc.bindWords("splice", EC, 6); }
    private static final class Open { static final MethodHandle MH = Libc.bindWords("open", E, 2); }
    private static final class Getpid { static final MethodHandle MH = Libc.bindWords("getpid", EC, 0); }
    private static final class Getuid { static final MethodHandle MH = Libc.bindWords("getuid", EC, 0); }
    private static final class Getgid { static final MethodHandle MH = Libc.bindWords("getgid", EC, 0); }
    private static final class ReadNb { static final MethodHandle MH = Libc.bind("read", EC, HEAP); }
    private static final class WriteNb { static final MethodHandle MH = Libc.bind("write", EC, HEAP); }
    private static final class ReadvNb { static final MethodHandle MH = Libc.bindWords("readv", EC, 3); }
    private static final class WritevNb { static final MethodHandle MH = Libc.bindWords("writev", EC, 3); }
    private static final class SendNb { static final MethodHandle MH = Libc.bind("send", EC, HEAP); }
    private static final class RecvNb { static final MethodHandle MH = Libc.bind("recv", EC, HEAP); }
    private static final class SendtoNb { static final MethodHandle MH = Libc.bind("sendto", EC, HEAP); }
    private static final class RecvfromNb { static final MethodHandle MH = Libc.bind("recvfrom", EC, HEAP); }
    private static final class SendmsgNb { static final MethodHandle MH = Libc.bindWords("sendmsg", EC, 3); }
    private static final class RecvmsgNb { static final MethodHandle MH = Libc.bindWords("recvmsg", EC, 3); }
    private static final class SendmmsgNb { static final MethodHandle MH = Libc.bindWords("sendmmsg", EC, 4); }
    private static final class RecvmmsgNb { static final MethodHandle MH = Libc.bindWords("recvmmsg", EC, 5); }
    private static final class Accept4Nb { static final MethodHandle MH = Libc.bindWords("accept4", EC, 4); }
    private static final class ConnectNb { static final MethodHandle MH = Libc.bindWords("connect", EC, 3); }
    private static final class SendfileNb { static final MethodHandle MH = Libc.bindWords("sendfile", EC, 4); }
    private static final class ReadAddrNb { static final MethodHandle MH = Libc.bindWords("read", EC, 3); }
    private static final class WriteAddrNb { static final MethodHandle MH = Libc.bindWords("write", EC, 3); }
    private static final class RecvAddrNb { static final MethodHandle MH = Libc.bindWords("recv", EC, 4); }
    private static final class SendAddrNb { static final MethodHandle MH = Libc.bindWords("send", EC, 4); }

    private static MemorySegment cs() { return Scratch.get().capture; }

    /** The address of a buffer a non-critical call takes (only native memory can be passed as an address). */
    private static long address(MemorySegment buf) {
        if (!buf.isNative()) throw new IllegalArgumentException("a blocking call needs a native buffer, not " + buf);
        return buf.address();
    }

    // ---------------------------------------------------------------- blocking-capable, throwing wrappers

    public static int socket(int domain, int type, int protocol) throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("socket(2)", (int) (long) Socket.MH.invokeExact(cs, (long) domain, (long) type, (long) protocol, 0L, 0L, 0L), cs); }
        catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** Fills {@code fds} (8 bytes) with the two descriptors. */
    public static void socketpair(int domain, int type, int protocol, MemorySegment fds) throws IOException {
        MemorySegment cs = cs();
        try { Errors.check("socketpair(2)", (int) (long) Socketpair.MH.invokeExact(cs, (long) domain, (long) type,
                (long) protocol, fds.address(), 0L, 0L), cs); }
        catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(fds); }
    }

    public static void bind(int fd, MemorySegment addr, int len) throws IOException {
        MemorySegment cs = cs();
        try { Errors.check("bind(2)", (int) (long) Bind.MH.invokeExact(cs, (long) fd, addr.address(), (long) len, 0L, 0L, 0L), cs); }
        catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(addr); }
    }

    /** connect(2) that may block: 0, or -errno for the caller to interpret (EINPROGRESS on a non-blocking socket is no error). */
    public static int connectRaw(int fd, MemorySegment addr, int len, MemorySegment cs) {
        try { return Libc.result((int) (long) Connect.MH.invokeExact(cs, (long) fd, addr.address(), (long) len, 0L, 0L, 0L), cs); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(addr); }
    }

    public static void listen(int fd, int backlog) throws IOException {
        MemorySegment cs = cs();
        try { Errors.check("listen(2)", (int) (long) Listen.MH.invokeExact(cs, (long) fd, (long) backlog, 0L, 0L, 0L, 0L), cs); }
        catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** accept(2) without flags; {@code addr}/{@code lenPtr} receive the peer. */
    public static int accept(int fd, MemorySegment addr, MemorySegment lenPtr) throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("accept(2)", Kind.RECEIVE, (int) (long) Accept.MH.invokeExact(cs, (long) fd, addr.address(),
                lenPtr.address(), 0L, 0L, 0L), cs); }
        catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(addr); Reference.reachabilityFence(lenPtr); }
    }

    public static int accept4(int fd, MemorySegment addr, MemorySegment lenPtr, int flags) throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("accept4(2)", Kind.RECEIVE, (int) (long) Accept4.MH.invokeExact(cs, (long) fd, addr.address(),
                lenPtr.address(), (long) flags, 0L, 0L), cs); }
        catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(addr); Reference.reachabilityFence(lenPtr); }
    }

    public static void getsockname(int fd, MemorySegment addr, MemorySegment lenPtr) throws IOException {
        MemorySegment cs = cs();
        try { Errors.check("getsockname(2)", (int) (long) Getsockname.MH.invokeExact(cs, (long) fd, addr.address(),
                lenPtr.address(), 0L, 0L, 0L), cs); }
        catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(addr); Reference.reachabilityFence(lenPtr); }
    }

    public static void getpeername(int fd, MemorySegment addr, MemorySegment lenPtr) throws IOException {
        MemorySegment cs = cs();
        try { Errors.check("getpeername(2)", (int) (long) Getpeername.MH.invokeExact(cs, (long) fd, addr.address(),
                lenPtr.address(), 0L, 0L, 0L), cs); }
        catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(addr); Reference.reachabilityFence(lenPtr); }
    }

    public static void shutdown(int fd, int how) throws IOException {
        MemorySegment cs = cs();
        try { Errors.check("shutdown(2)", (int) (long) Shutdown.MH.invokeExact(cs, (long) fd, (long) how, 0L, 0L, 0L, 0L), cs); }
        catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** close(2). Linux releases the descriptor even when close reports EINTR or EIO: never retry. */
    public static void close(int fd) throws IOException {
        MemorySegment cs = cs();
        try { Errors.check("close(2)", (int) (long) Close.MH.invokeExact(cs, (long) fd, 0L, 0L, 0L, 0L, 0L), cs); }
        catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** close(2) whose failure is of no use to the caller (cleanup paths). */
    public static void closeQuietly(int fd) {
        try { int ignored = (int) (long) Close.MH.invokeExact(cs(), (long) fd, 0L, 0L, 0L, 0L, 0L); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** {@link #pipe2} with the caller's capture segment: 0 or -errno. */
    public static int pipe2Raw(MemorySegment cs, MemorySegment fds, int flags) {
        try { return Libc.result((int) (long) Pipe2.MH.invokeExact(cs, fds.address(), (long) flags, 0L, 0L, 0L, 0L), cs); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(fds); }
    }

    /** {@link #fcntl} with the caller's capture segment: the result or -errno. */
    public static int fcntlRaw(MemorySegment cs, int fd, int cmd, int arg) {
        try { return Libc.result((int) Fcntl.MH.invokeExact(cs, fd, cmd, arg), cs); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** pipe2(2): fills {@code fds} (8 bytes) with the read end, then the write end. */
    public static void pipe2(MemorySegment fds, int flags) throws IOException {
        MemorySegment cs = cs();
        try { Errors.check("pipe2(2)", (int) (long) Pipe2.MH.invokeExact(cs, fds.address(), (long) flags, 0L, 0L, 0L, 0L), cs); }
        catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(fds); }
    }

    /**
     * splice(2) of up to {@code len} bytes from {@code in} to {@code out}, one of which must be a pipe; an offset
     * pointer ({@code loff_t}, updated by the kernel) or NULL for each side.
     */
    public static long spliceNb(MemorySegment cs, int in, MemorySegment offIn, int out, MemorySegment offOut, long len,
                                int flags) {
        try { return Libc.result((long) SpliceNb.MH.invokeExact(cs, (long) in, offIn.address(), (long) out, offOut.address(),
                len, (long) flags), cs); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(offIn); Reference.reachabilityFence(offOut); }
    }

    public static int fcntl(int fd, int cmd, int arg) throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("fcntl(2)", (int) Fcntl.MH.invokeExact(cs, fd, cmd, arg), cs); }
        catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** poll(2) on the given pollfd array. */
    public static int pollRaw(MemorySegment fds, long nfds, int timeoutMs, MemorySegment cs) {
        try { return Libc.result((int) (long) Poll.MH.invokeExact(cs, fds.address(), nfds, (long) timeoutMs, 0L, 0L, 0L), cs); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(fds); }
    }

    /** getsockopt(2); {@code lenPtr} holds the buffer size on entry and the kernel's length on return. */
    public static void getsockopt(int fd, int level, int name, MemorySegment val, MemorySegment lenPtr, String what) throws IOException {
        getsockopt(cs(), fd, level, name, val, lenPtr, what);
    }

    /** {@link #getsockopt(int, int, int, MemorySegment, MemorySegment, String)} with the caller's errno capture {@code cs}. */
    public static void getsockopt(MemorySegment cs, int fd, int level, int name, MemorySegment val, MemorySegment lenPtr,
                                  String what) throws IOException {
        try { Errors.check(what, (int) (long) Getsockopt.MH.invokeExact(cs, (long) fd, (long) level, (long) name, val.address(),
                lenPtr.address(), 0L), cs); }
        catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(val); Reference.reachabilityFence(lenPtr); }
    }

    public static void setsockopt(int fd, int level, int name, MemorySegment val, int len, String what) throws IOException {
        setsockopt(cs(), fd, level, name, val, len, what);
    }

    /** {@link #setsockopt(int, int, int, MemorySegment, int, String)} with the caller's errno capture {@code cs}. */
    public static void setsockopt(MemorySegment cs, int fd, int level, int name, MemorySegment val, int len, String what)
            throws IOException {
        try { Errors.check(what, (int) (long) Setsockopt.MH.invokeExact(cs, (long) fd, (long) level, (long) name, val.address(),
                (long) len, 0L), cs); }
        catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(val); }
    }

    public static long send(int fd, MemorySegment buf, long len, int flags) throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("send(2)", (long) Send.MH.invokeExact(cs, (long) fd, address(buf), len, (long) flags, 0L, 0L), cs); }
        catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(buf); }
    }

    public static long sendto(int fd, MemorySegment buf, long len, int flags, MemorySegment addr, int addrLen) throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("sendto(2)", (long) Sendto.MH.invokeExact(cs, (long) fd, address(buf), len, (long) flags, addr.address(), (long) addrLen), cs); }
        catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(buf); Reference.reachabilityFence(addr); }
    }

    public static long recv(int fd, MemorySegment buf, long len, int flags) throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("recv(2)", Kind.RECEIVE, (long) Recv.MH.invokeExact(cs, (long) fd, address(buf), len, (long) flags, 0L, 0L), cs); }
        catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(buf); }
    }

    public static long recvfrom(int fd, MemorySegment buf, long len, int flags, MemorySegment addr, MemorySegment lenPtr)
            throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("recvfrom(2)", Kind.RECEIVE, (long) Recvfrom.MH.invokeExact(cs, (long) fd, address(buf), len, (long) flags, addr.address(), lenPtr.address()), cs); }
        catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(buf); Reference.reachabilityFence(addr); Reference.reachabilityFence(lenPtr); }
    }

    public static long sendmsg(int fd, MemorySegment msg, int flags) throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("sendmsg(2)", (long) Sendmsg.MH.invokeExact(cs, (long) fd, msg.address(), (long) flags, 0L, 0L, 0L), cs); }
        catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(msg); }
    }

    public static long recvmsg(int fd, MemorySegment msg, int flags) throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("recvmsg(2)", Kind.RECEIVE, (long) Recvmsg.MH.invokeExact(cs, (long) fd, msg.address(),
                (long) flags, 0L, 0L, 0L), cs); }
        catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(msg); }
    }

    public static int sendmmsg(int fd, MemorySegment msgs, int n, int flags) throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("sendmmsg(2)", (int) (long) Sendmmsg.MH.invokeExact(cs, (long) fd, msgs.address(), (long) n,
                (long) flags, 0L, 0L), cs); }
        catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(msgs); }
    }

    public static int recvmmsg(int fd, MemorySegment msgs, int n, int flags, MemorySegment timeout) throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("recvmmsg(2)", Kind.RECEIVE, (int) (long) Recvmmsg.MH.invokeExact(cs, (long) fd,
                msgs.address(), (long) n, (long) flags, timeout.address(), 0L), cs); }
        catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(msgs); Reference.reachabilityFence(timeout); }
    }

    public static long sendfile(int outFd, int inFd, MemorySegment offsetPtr, long count) throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("sendfile(2)", (long) Sendfile.MH.invokeExact(cs, (long) outFd, (long) inFd,
                offsetPtr.address(), count, 0L, 0L), cs); }
        catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(offsetPtr); }
    }

    /** if_nametoindex(3): no such interface (its 0, with errno ENODEV) is the exception for errno. */
    public static int ifNameToIndex(MemorySegment cName) throws IOException {
        MemorySegment cs = cs();
        try {
            int idx = (int) IfNameToIndex.MH.invokeExact(cs, cName);
            return Errors.check("if_nametoindex(3)", idx == 0 ? -1 : idx, cs);
        } catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static void dup3(int oldFd, int newFd, int flags) throws IOException {
        MemorySegment cs = cs();
        try { Errors.check("dup3(2)", (int) (long) Dup3.MH.invokeExact(cs, (long) oldFd, (long) newFd, (long) flags, 0L, 0L, 0L), cs); }
        catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static int open(MemorySegment cPath, int flags) throws IOException {
        MemorySegment cs = cs();
        try { return Errors.check("open(2)", (int) (long) Open.MH.invokeExact(cs, cPath.address(), (long) flags, 0L, 0L, 0L, 0L), cs); }
        catch (IOException | Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(cPath); }
    }

    public static int getpid() {
        try { return (int) (long) Getpid.MH.invokeExact(cs(), 0L, 0L, 0L, 0L, 0L, 0L); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static int getuid() {
        try { return (int) (long) Getuid.MH.invokeExact(cs(), 0L, 0L, 0L, 0L, 0L, 0L); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static int getgid() {
        try { return (int) (long) Getgid.MH.invokeExact(cs(), 0L, 0L, 0L, 0L, 0L, 0L); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    // ---------------------------------------------------------------- non-blocking raw calls (hot path)
    // Critical downcalls, for non-blocking descriptors only (event loops). Each returns the value or -errno
    // (Libc.result) for Errors.ioResult; nothing is allocated and nothing is thrown for a refusal.


    public static long readNb(MemorySegment cs, int fd, MemorySegment buf, long len) {
        try { return Libc.result((long) ReadNb.MH.invokeExact(cs, (long) fd, buf, len, 0L, 0L, 0L), cs); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static long writeNb(MemorySegment cs, int fd, MemorySegment buf, long len) {
        try { return Libc.result((long) WriteNb.MH.invokeExact(cs, (long) fd, buf, len, 0L, 0L, 0L), cs); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static long readvNb(MemorySegment cs, int fd, MemorySegment iov, int cnt) {
        try { return Libc.result((long) ReadvNb.MH.invokeExact(cs, (long) fd, iov.address(), (long) cnt, 0L, 0L, 0L), cs); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(iov); }
    }

    public static long writevNb(MemorySegment cs, int fd, MemorySegment iov, int cnt) {
        try { return Libc.result((long) WritevNb.MH.invokeExact(cs, (long) fd, iov.address(), (long) cnt, 0L, 0L, 0L), cs); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(iov); }
    }

    public static long sendNb(MemorySegment cs, int fd, MemorySegment buf, long len, int flags) {
        try { return Libc.result((long) SendNb.MH.invokeExact(cs, (long) fd, buf, len, (long) flags, 0L, 0L), cs); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static long recvNb(MemorySegment cs, int fd, MemorySegment buf, long len, int flags) {
        try { return Libc.result((long) RecvNb.MH.invokeExact(cs, (long) fd, buf, len, (long) flags, 0L, 0L), cs); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    public static long sendtoNb(MemorySegment cs, int fd, MemorySegment buf, long len, int flags, MemorySegment addr,
                                int addrLen) {
        try { return Libc.result((long) SendtoNb.MH.invokeExact(cs, (long) fd, buf, len, (long) flags, addr.address(), (long) addrLen), cs); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(addr); }
    }

    public static long recvfromNb(MemorySegment cs, int fd, MemorySegment buf, long len, int flags, MemorySegment addr,
                                  MemorySegment lenPtr) {
        try { return Libc.result((long) RecvfromNb.MH.invokeExact(cs, (long) fd, buf, len, (long) flags, addr.address(), lenPtr.address()), cs); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(addr); Reference.reachabilityFence(lenPtr); }
    }

    public static long sendmsgNb(MemorySegment cs, int fd, MemorySegment msg, int flags) {
        try { return Libc.result((long) SendmsgNb.MH.invokeExact(cs, (long) fd, msg.address(), (long) flags, 0L, 0L, 0L), cs); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(msg); }
    }

    public static long recvmsgNb(MemorySegment cs, int fd, MemorySegment msg, int flags) {
        try { return Libc.result((long) RecvmsgNb.MH.invokeExact(cs, (long) fd, msg.address(), (long) flags, 0L, 0L, 0L), cs); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(msg); }
    }

    public static int sendmmsgNb(MemorySegment cs, int fd, MemorySegment msgs, int n, int flags) {
        try { return Libc.result((int) (long) SendmmsgNb.MH.invokeExact(cs, (long) fd, msgs.address(), (long) n, (long) flags, 0L, 0L), cs); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(msgs); }
    }

    public static int recvmmsgNb(MemorySegment cs, int fd, MemorySegment msgs, int n, int flags) {
        try { return Libc.result((int) (long) RecvmmsgNb.MH.invokeExact(cs, (long) fd, msgs.address(), (long) n, (long) flags, 0L, 0L), cs); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(msgs); }
    }

    public static int accept4Nb(MemorySegment cs, int fd, MemorySegment addr, MemorySegment lenPtr, int flags) {
        try { return Libc.result((int) (long) Accept4Nb.MH.invokeExact(cs, (long) fd, addr.address(), lenPtr.address(),
                (long) flags, 0L, 0L), cs); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(addr); Reference.reachabilityFence(lenPtr); }
    }

    public static int connectNb(MemorySegment cs, int fd, MemorySegment addr, int len) {
        try { return Libc.result((int) (long) ConnectNb.MH.invokeExact(cs, (long) fd, addr.address(), (long) len, 0L, 0L, 0L), cs); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(addr); }
    }

    public static long sendfileNb(MemorySegment cs, int outFd, int inFd, MemorySegment offsetPtr, long count) {
        try { return Libc.result((long) SendfileNb.MH.invokeExact(cs, (long) outFd, (long) inFd, offsetPtr.address(), count, 0L, 0L), cs); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
        finally { Reference.reachabilityFence(offsetPtr); }
    }

    // The buffer as a plain address (a pooled ByteBuf's memoryAddress()): no MemorySegment is made per call.
    // Pointers travel in integer registers on the 64-bit Linux ABIs, so a JAVA_LONG parameter carries one.


    /** read(2) into {@code len} bytes at native address {@code addr}. */
    public static long readAddrNb(MemorySegment cs, int fd, long addr, long len) {
        try { return Libc.result((long) ReadAddrNb.MH.invokeExact(cs, (long) fd, addr, len, 0L, 0L, 0L), cs); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** write(2) of {@code len} bytes at native address {@code addr}. */
    public static long writeAddrNb(MemorySegment cs, int fd, long addr, long len) {
        try { return Libc.result((long) WriteAddrNb.MH.invokeExact(cs, (long) fd, addr, len, 0L, 0L, 0L), cs); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /**
     * recv(2) into {@code len} bytes at native address {@code addr}. On a socket this is read(2) without the VFS
     * layer (no {@code vfs_read}/{@code rw_verify_area}/file-position step): measurably cheaper per call.
     */
    public static long recvAddrNb(MemorySegment cs, int fd, long addr, long len, int flags) {
        try { return Libc.result((long) RecvAddrNb.MH.invokeExact(cs, (long) fd, addr, len, (long) flags, 0L, 0L), cs); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }

    /** send(2) of {@code len} bytes at native address {@code addr}; the socket twin of {@link #writeAddrNb}. */
    public static long sendAddrNb(MemorySegment cs, int fd, long addr, long len, int flags) {
        try { return Libc.result((long) SendAddrNb.MH.invokeExact(cs, (long) fd, addr, len, (long) flags, 0L, 0L), cs); }
        catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
    }
}
