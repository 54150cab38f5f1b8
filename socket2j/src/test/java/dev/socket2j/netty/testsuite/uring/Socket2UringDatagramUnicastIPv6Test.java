package dev.socket2j.netty.testsuite.uring;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

@ExtendWith(UringAvailable.class)
public class Socket2UringDatagramUnicastIPv6Test extends dev.socket2j.netty.testsuite.Socket2DatagramUnicastIPv6Test {
    @Override
    protected List<BootstrapComboFactory<Bootstrap, Bootstrap>> newFactories() {
        return Socket2UringDatagramTestPermutation.INSTANCE.datagram(socketInternetProtocalFamily());
    }
}
