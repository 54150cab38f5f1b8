package dev.socket2j.bench;

import dev.socket2j.Accepted;
import dev.socket2j.Domain;
import dev.socket2j.Socket;
import dev.socket2j.Type;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * A thread-per-connection TCP echo server on virtual threads, the way a 2026 Java server is written: an accept loop
 * on the main (platform) thread, one virtual thread per connection doing blocking recv and send on a 64 KiB
 * {@code byte[]}. Usage: {@code VtEchoServer socket2j|jdk}: {@code socket2j} accepts with {@link Socket} (blocking
 * mode) and uses its {@code recv}/{@code send}; {@code jdk} uses {@link ServerSocket} and {@code java.net.Socket}'s
 * streams. Prints {@code READY <port>}; exits when stdin closes, even if every carrier is stuck in a syscall.
 */
public final class VtEchoServer {
    private VtEchoServer() {}

    public static void main(String[] args) throws Exception {
        Thread.ofPlatform().daemon().start(() -> {
            try {
                while (System.in.read() >= 0) { /* until the runner closes stdin */ }
            } catch (IOException ignored) {
                // stdin gone: stop as well
            }
            Runtime.getRuntime().halt(0);
        });
        if (args[0].equals("jdk")) jdk();
        else socket2j();
    }

    private static void socket2j() throws IOException {
        Socket listener = Socket.open(Domain.IPV4, Type.STREAM);
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        listener.listen(1024);
        ready(listener.localAddr().asSocket().orElseThrow().getPort());
        for (;;) {
            Accepted a = listener.accept();
            Socket s = a.socket();
            s.setTcpNodelay(true);
            Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[64 * 1024];
                try (s) {
                    for (int n; (n = s.recv(buf)) > 0; ) {
                        for (int off = 0; off < n; ) off += s.send(buf, off, n - off);
                    }
                } catch (IOException e) {
                    // peer gone
                }
            });
        }
    }

    private static void jdk() throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        ready(listener.getLocalPort());
        for (;;) {
            java.net.Socket s = listener.accept();
            s.setTcpNoDelay(true);
            Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[64 * 1024];
                try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    for (int n; (n = in.read(buf)) > 0; ) out.write(buf, 0, n);
                } catch (IOException e) {
                    // peer gone
                }
            });
        }
    }

    private static void ready(int port) {
        System.out.println("READY " + port);
        System.out.flush();
    }
}
