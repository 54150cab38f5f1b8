package dev.socket2j;

import dev.socket2j.internal.C;
import dev.socket2j.internal.Epoll;
import dev.socket2j.internal.Errno;
import dev.socket2j.internal.Errors;
import dev.socket2j.internal.Errors.Call;
import dev.socket2j.internal.Layouts;
import dev.socket2j.internal.Libc;
import dev.socket2j.internal.Scratch;
import dev.socket2j.internal.Sys;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.ConnectException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one errno path: raw calls return the value or -errno, Errors.ioResult reads it, the call's kind is explicit. */
class ErrnoPathTest {
    private static final MemorySegment CS = Scratch.get().capture;

    @Test
    void ioResultPassesValuesAndMakesEagainAndEintrAValue() throws IOException {
        assertEquals(0, Errors.ioResult(Call.READ, 0L));
        assertEquals(4096, Errors.ioResult(Call.WRITE, 4096L));
        assertEquals(7, Errors.ioResult(Call.SENDMMSG, 7));
        assertEquals(Errors.AGAIN, Errors.ioResult(Call.READ, (long) -Errno.EAGAIN));
        assertEquals(Errors.AGAIN, Errors.ioResult(Call.RECVMMSG, -Errno.EAGAIN));
        assertEquals(Errors.AGAIN, Errors.ioResult(Call.WRITEV, (long) -Errno.EINTR));
    }

    @Test
    void ioResultMapsEbadfAndEnotconnToTheNioExceptions() {
        assertThrows(ClosedChannelException.class, () -> Errors.ioResult(Call.READ, (long) -Errno.EBADF));
        assertThrows(NotYetConnectedException.class, () -> Errors.ioResult(Call.SENDMSG, (long) -Errno.ENOTCONN));
    }

    @Test
    void hotPathFailureIsANativeIoExceptionWithoutStackTrace() {
        NativeIoException e = assertThrows(NativeIoException.class,
            () -> Errors.ioResult(Call.READ, (long) -Errno.ECONNRESET));
        assertSame(NativeIoException.class, e.getClass());
        assertEquals("NativeIoException", e.getClass().getSimpleName());
        assertEquals(Errno.ECONNRESET, e.errno());
        assertEquals("ECONNRESET", e.errnoName());
        assertEquals("read(2)", e.call());
        assertEquals("read(2) failed: ECONNRESET (Connection reset by peer)", e.getMessage());
        assertEquals(0, e.getStackTrace().length, "no stack trace on the hot path");
        IOException pipe = assertThrows(IOException.class, () -> Errors.ioResult(Call.WRITEV, (long) -Errno.EPIPE));
        assertInstanceOf(NativeIoException.class, pipe);
        assertEquals(0, pipe.getStackTrace().length);
    }

    @Test
    void hotPathJdkTypedFailuresHaveNoStackTraceEither() {
        PortUnreachableException p = assertThrows(PortUnreachableException.class,
            () -> Errors.ioResult(Call.RECVMSG, (long) -Errno.ECONNREFUSED));
        assertEquals(0, p.getStackTrace().length);
        assertEquals(Errno.ECONNREFUSED, ((OsError) p).errno());
        ConnectException c = assertThrows(ConnectException.class, () -> Errors.ioResult(Call.CONNECT, -Errno.ECONNREFUSED));
        assertEquals(0, c.getStackTrace().length);
    }

    @Test
    void blockingApiFailuresKeepTheirStackTrace() {
        NativeIoException e = assertThrows(NativeIoException.class, () -> Sys.close(-1));
        assertEquals(Errno.EBADF, e.errno());
        assertTrue(e.getStackTrace().length > 0);
        assertTrue(new NativeIoException("x(2)", Errno.EIO).getStackTrace().length > 0);
        assertTrue(OsError.of("bind(2)", Errno.EADDRINUSE).getStackTrace().length > 0);
    }

    @Test
    void theKindIsGivenNotGuessedFromTheCallsName() {
        // the old table turned EAGAIN into a timeout for any call whose name began with "recv"
        assertInstanceOf(NativeIoException.class, OsError.of("recv(2)", Errno.EAGAIN));
        assertInstanceOf(SocketTimeoutException.class, OsError.ofReceive("any name", Errno.EAGAIN));
        // and ECONNREFUSED into a ConnectException for any name beginning with "connect"
        assertInstanceOf(PortUnreachableException.class, OsError.of("connect(2)", Errno.ECONNREFUSED));
        assertInstanceOf(ConnectException.class, OsError.ofConnect("SO_ERROR", Errno.ECONNREFUSED));
        assertInstanceOf(ConnectException.class, OsError.ofConnect("SO_ERROR", Errno.ETIMEDOUT));
        assertInstanceOf(NativeIoException.class, OsError.of("recvmsg(2)", Errno.ETIMEDOUT));
    }

    @Test
    void addressRecvAndSendMoveBytesAndPassTheirFlags() throws IOException {
        Socket[] pair = Socket.pair(Domain.UNIX, new Type(C.SOCK_STREAM | C.SOCK_NONBLOCK), null);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocateFrom("abc", StandardCharsets.US_ASCII);
            MemorySegment in = a.allocate(16, 8);
            int w = pair[0].rawFd(), r = pair[1].rawFd();
            assertEquals(3, Sys.sendAddrNb(CS, w, out.address(), 3, C.MSG_NOSIGNAL));
            assertEquals(3, Sys.recvAddrNb(CS, r, in.address(), 16, C.MSG_PEEK));   // flags reach the kernel
            assertEquals(3, Sys.recvAddrNb(CS, r, in.address(), 16, 0));            // the peek left them queued
            assertEquals("abc", in.getString(0, StandardCharsets.US_ASCII).substring(0, 3));
            assertEquals(-Errno.EAGAIN, Sys.recvAddrNb(CS, r, in.address(), 16, 0));
            pair[1].close();
            assertEquals(-Errno.EPIPE, Sys.sendAddrNb(CS, w, out.address(), 3, C.MSG_NOSIGNAL));  // no SIGPIPE
        } finally {
            pair[0].close();
            if (!pair[1].isClosed()) pair[1].close();
        }
    }

    @Test
    void everyRawCallReportsMinusErrno() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(64, 8);
            MemorySegment ev = a.allocate(Layouts.EPOLL_EVENT_SIZE, 8);
            MemorySegment ts = a.allocate(Epoll.ITIMERSPEC_SIZE, 8);
            int ebadf = -Errno.EBADF;
            assertEquals(ebadf, Sys.readNb(CS, -1, buf, 8));
            assertEquals(ebadf, Sys.writeNb(CS, -1, buf, 8));
            assertEquals(ebadf, Sys.readAddrNb(CS, -1, buf.address(), 8));
            assertEquals(ebadf, Sys.writeAddrNb(CS, -1, buf.address(), 8));
            assertEquals(ebadf, Sys.recvAddrNb(CS, -1, buf.address(), 8, 0));
            assertEquals(ebadf, Sys.sendAddrNb(CS, -1, buf.address(), 8, C.MSG_NOSIGNAL));
            assertEquals(ebadf, Sys.sendmsgNb(CS, -1, buf, 0));
            assertEquals(ebadf, Sys.recvmmsgNb(CS, -1, buf, 1, 0));
            assertEquals(ebadf, Sys.accept4Nb(CS, -1, buf, buf, 0));
            assertEquals(ebadf, Sys.connectNb(CS, -1, buf, 16));
            assertEquals(ebadf, Sys.connectRaw(-1, buf, 16, CS));
            assertEquals(ebadf, Sys.spliceNb(CS, -1, MemorySegment.NULL, -1, MemorySegment.NULL, 8, 0));
            assertEquals(ebadf, Sys.sendfileNb(CS, -1, -1, MemorySegment.NULL, 8));
            assertEquals(ebadf, Epoll.ctl(CS, -1, C.EPOLL_CTL_ADD, 0, C.EPOLLIN, 1, ev));
            assertEquals(ebadf, Epoll.waitRaw(CS, -1, ev, 1, 0));
            assertEquals(ebadf, Epoll.timerfdSettime(CS, -1, 0, ts));
            assertEquals(-Errno.EINVAL, Sys.pollRaw(buf, -1, 0, CS));   // nfds beyond RLIMIT_NOFILE
            assertEquals(Errno.EINVAL, Libc.errno(CS), "errno also stays in the capture segment");
        }
    }

    @Test
    void ifNameToIndexRefusalIsTheErrnoException() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            IOException e = assertThrows(IOException.class, () -> Sys.ifNameToIndex(a.allocateFrom("nosuchif0")));
            assertEquals(Errno.ENODEV, ((OsError) e).errno());
            assertTrue(Sys.ifNameToIndex(a.allocateFrom("lo")) > 0);
        }
    }

    @Test
    void libcUnexpectedReturnsARuntimeException() {
        IllegalStateException ise = new IllegalStateException("closed arena");
        assertSame(ise, Libc.unexpected(ise));
        Exception checked = new Exception("checked");
        RuntimeException r = Libc.unexpected(checked);
        assertSame(checked, r.getCause());
    }

    // ---------------------------------------------------------------- layers, read from the sources

    private static final Path MAIN = Path.of("src/main/java/dev/socket2j");

    private static List<String> violations(Path dir, boolean recurse, Pattern forbidden) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = recurse ? Files.walk(dir) : Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String[] lines = Files.readString(f, StandardCharsets.UTF_8).split("\n");
                for (int i = 0; i < lines.length; i++) {
                    Matcher m = forbidden.matcher(lines[i]);
                    if (m.find()) out.add(f.getFileName() + ":" + (i + 1) + ": " + lines[i].strip());
                }
            }
        }
        return out;
    }

    @Test
    void internalNamesNoTypeOfTheCoreOrOfNetty() throws IOException {
        // dev.socket2j.X (a core type) or io.netty, anywhere in internal: a leaf package
        Pattern up = Pattern.compile("\\bdev\\.socket2j\\.(?!internal\\b)[A-Za-z]|\\bio\\.netty\\b");
        List<String> v = new ArrayList<>();
        for (String line : violations(MAIN.resolve("internal"), true, up)) {
            if (!line.contains("\"dev.socket2j.ErrnoExceptions\"") && !line.contains("{@code dev.socket2j.")) v.add(line);
        }
        assertEquals(List.of(), v);
    }

    @Test
    void theCoreNamesNoNettyType() throws IOException {
        assertEquals(List.of(), violations(MAIN, false, Pattern.compile("\\bio\\.netty\\b")));
    }

    @Test
    void nettyBuildsNoExceptionThroughInternalErrors() throws IOException {
        assertEquals(List.of(), violations(MAIN.resolve("netty"), false, Pattern.compile("Errors\\.of\\(")));
    }
}
