package dev.socket2j;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SmokeTest {
    @Test
    void tcpRoundTrip() throws Exception {
        try (Socket l = Socket.open(Domain.IPV4, Type.STREAM)) {
            l.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            l.listen(16);
            try (Socket c = Socket.open(Domain.IPV4, Type.STREAM)) {
                c.connect(l.localAddr());
                Accepted a = l.accept();
                try (Socket s = a.socket()) {
                    c.send("hello".getBytes(StandardCharsets.UTF_8));
                    byte[] buf = new byte[16];
                    int n = s.recv(buf);
                    assertEquals("hello", new String(buf, 0, n, StandardCharsets.UTF_8));
                    assertEquals(c.localAddr(), a.address());
                    c.setTcpNodelay(true);
                    assertEquals(true, c.tcpNodelay());
                }
            }
        }
    }
}
