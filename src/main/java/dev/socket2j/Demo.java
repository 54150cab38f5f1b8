package dev.socket2j;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A tiny end-to-end run: creates a listener and a client on loopback, connects, and reads back what was sent. */
public final class Demo {
    private Demo() {}

    /** Runs the demo; the arguments are ignored. @param args ignored @throws IOException if a call fails */
    public static void main(String[] args) throws IOException {
        try (Socket listener = Socket.open(Domain.IPV4, Type.STREAM, Protocol.TCP)) {
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            listener.listen(16);
            try (Socket client = Socket.open(Domain.IPV4, Type.STREAM, Protocol.TCP)) {
                client.connectTimeout(listener.localAddr(), Duration.ofSeconds(2));
                client.setTcpNodelay(true);
                Accepted accepted = listener.accept();
                try (Socket server = accepted.socket()) {
                    client.send("hello from socket2j".getBytes(StandardCharsets.UTF_8));
                    byte[] buf = new byte[64];
                    int n = server.recv(buf);
                    System.out.println("listener " + listener.localAddr() + " accepted " + accepted.address());
                    System.out.println("received: " + new String(buf, 0, n, StandardCharsets.UTF_8));
                    System.out.println("client TCP_NODELAY=" + client.tcpNodelay() + " type=" + client.type());
                }
            }
        }
    }
}
