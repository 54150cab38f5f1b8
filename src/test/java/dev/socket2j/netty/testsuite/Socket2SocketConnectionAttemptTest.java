package dev.socket2j.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketConnectionAttemptTest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

public class Socket2SocketConnectionAttemptTest extends SocketConnectionAttemptTest {
    @Override
    protected List<BootstrapFactory<Bootstrap>> newFactories() {
        return Socket2SocketTestPermutation.INSTANCE.clientSocket();
    }

    /** Needs a network where TEST-NET-2 (198.51.100.254) is unreachable; some sandboxes answer every SYN. */
    @Override
    @Test
    @Timeout(value = 30000, unit = TimeUnit.MILLISECONDS)
    public void testConnectCancellation(TestInfo testInfo) throws Throwable {
        Assumptions.assumeFalse(unroutableAnswers(),
            "this network accepts TCP connections to 198.51.100.254 (TEST-NET-2), so a connect cannot stay pending");
        super.testConnectCancellation(testInfo);
    }

    private static boolean unroutableAnswers() {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new InetSocketAddress("198.51.100.254", 65535), 500);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
