package dev.socket2j;

import dev.socket2j.internal.C;
import dev.socket2j.internal.Errno;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.PortUnreachableException;
import java.util.Optional;

import static dev.socket2j.TestSockets.any4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code takeError()}: SO_ERROR read and cleared, typed by what the error means for the socket's kind. */
class TakeErrorTest {

    private static SockAddr closedPort() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM)) {
            s.bind(any4());
            return s.localAddr();  // nobody listens there once s is closed
        }
    }

    @Test
    void freshSocketHasNoPendingError() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM)) {
            assertEquals(Optional.empty(), s.takeError());
        }
    }

    @Test
    void refusedNonblockingConnectIsAConnectExceptionAndIsCleared() throws IOException {
        SockAddr target = closedPort();
        try (Socket c = Socket.open(Domain.IPV4, Type.STREAM.nonblocking())) {
            IOException started = assertThrows(IOException.class, () -> c.connect(target));
            assertEquals(Errno.EINPROGRESS, ((OsError) started).errno());
            TestSockets.poll(c, C.POLLOUT, 5000);
            IOException e = c.takeError().orElseThrow();
            assertInstanceOf(ConnectException.class, e);
            assertEquals(Errno.ECONNREFUSED, ((OsError) e).errno());
            assertTrue(e.getMessage().contains("ECONNREFUSED"), e.getMessage());
            assertEquals(Optional.empty(), c.takeError(), "reading SO_ERROR clears it");
        }
    }

    @Test
    void icmpPortUnreachableOnDatagramSocketIsPortUnreachable() throws IOException {
        SockAddr target;
        try (Socket gone = Socket.open(Domain.IPV4, Type.DGRAM)) {
            gone.bind(any4());
            target = gone.localAddr();
        }
        try (Socket u = Socket.open(Domain.IPV4, Type.DGRAM)) {
            u.connect(target);
            u.send(TestSockets.DATA);
            // the ICMP error arrives asynchronously on loopback: poll until it is pending (POLLERR), bounded
            TestSockets.poll(u, C.POLLERR, 5000);
            IOException e = u.takeError().orElseThrow();
            assertInstanceOf(PortUnreachableException.class, e);
            assertEquals(Errno.ECONNREFUSED, ((OsError) e).errno());
        }
    }
}
