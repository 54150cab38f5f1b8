package dev.socket2j;

import dev.socket2j.internal.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The errno values the Javadoc of {@link Socket} and {@link BaseSocket} promises, checked against the kernel. */
@Timeout(30)
class DocumentedErrnoTest {

    private static int errnoOf(IOException e) { return assertInstanceOf(OsError.class, e).errno(); }

    @Test
    void shutdownOfUnconnectedTcpSocketIsEnotconn() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM, Protocol.TCP)) {
            IOException e = assertThrows(IOException.class, () -> s.shutdown(Shutdown.BOTH));
            assertEquals(Errno.ENOTCONN, errnoOf(e));
        }
    }

    @Test
    void shutdownOfListeningTcpSocketSucceeds() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM, Protocol.TCP)) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            s.listen(1);
            s.shutdown(Shutdown.BOTH);
        }
    }

    @Test
    void pairOfInetSocketsIsRefused() {
        IOException e = assertThrows(IOException.class, () -> Socket.pair(Domain.IPV4, Type.STREAM, null));
        int errno = errnoOf(e);
        if (errno != Errno.EOPNOTSUPP && errno != Errno.EAFNOSUPPORT) {
            throw new AssertionError("socketpair(AF_INET) failed with " + Errno.name(errno), e);
        }
    }
}
