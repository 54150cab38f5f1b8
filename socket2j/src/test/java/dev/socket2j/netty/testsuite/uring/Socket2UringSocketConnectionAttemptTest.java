package dev.socket2j.netty.testsuite.uring;

import dev.socket2j.netty.testsuite.Socket2SocketConnectionAttemptTest;
import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

/** Connect refused, timed out and cancelled on the io_uring engine (the connect state both engines share). */
@ExtendWith(UringAvailable.class)
public class Socket2UringSocketConnectionAttemptTest extends Socket2SocketConnectionAttemptTest {
    @Override
    protected List<BootstrapFactory<Bootstrap>> newFactories() {
        return Socket2UringSocketTestPermutation.INSTANCE.clientSocket();
    }
}
