package dev.socket2j.netty.testsuite.uring;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

@ExtendWith(UringAvailable.class)
public class Socket2UringDatagramConnectedWriteExceptionTest extends io.netty.testsuite.transport.socket.DatagramConnectedWriteExceptionTest {
    @Override
    protected List<BootstrapFactory<Bootstrap>> newFactories() {
        return Socket2UringDatagramTestPermutation.INSTANCE.datagramSocket();
    }
}
