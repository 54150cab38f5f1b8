package dev.socket2j.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketConnectionAttemptTest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

public class Socket2SocketConnectionAttemptTest extends SocketConnectionAttemptTest {
    @Override
    protected List<BootstrapFactory<Bootstrap>> newFactories() {
        return Socket2SocketTestPermutation.INSTANCE.clientSocket();
    }

    static {
        // Before any test of this class: the bad host must drop SYNs, on loopback.
        LoopbackOnly.blackhole();
    }

    /** Netty's test needs a connect that stays pending; {@link LoopbackOnly} provides one on loopback. */
    @Override
    @Test
    @Timeout(value = 30000, unit = TimeUnit.MILLISECONDS)
    public void testConnectCancellation(TestInfo testInfo) throws Throwable {
        Assumptions.assumeTrue(LoopbackOnly.blackhole(),
            "io.netty.testsuite.badHost is not a loopback address; this suite dials no outside address");
        super.testConnectCancellation(testInfo);
    }

    @Override
    @Test
    @Timeout(value = 30000, unit = TimeUnit.MILLISECONDS)
    public void testConnectTimeout(TestInfo testInfo) throws Throwable {
        Assumptions.assumeTrue(LoopbackOnly.blackhole(),
            "io.netty.testsuite.badHost is not a loopback address; this suite dials no outside address");
        super.testConnectTimeout(testInfo);
    }
}
