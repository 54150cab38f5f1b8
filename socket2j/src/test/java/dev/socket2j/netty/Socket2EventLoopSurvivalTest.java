package dev.socket2j.netty;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An echo server on socket2j in a process limited to 256 descriptors, overloaded with 1,000 clients: it runs out of
 * descriptors (accept4 EMFILE, and whatever the JDK and the logger then throw), and after the clients leave it
 * serves new connections again on the same, still living, event loop threads.
 */
class Socket2EventLoopSurvivalTest {
    private static final int LIMIT = 256, CLIENTS = 1000;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void eventLoopsSurviveDescriptorExhaustionAndServeNewConnectionsAfterIt() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "no /bin/sh to lower the descriptor limit with");
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = List.of("/bin/sh", "-c", "ulimit -n " + LIMIT + " && exec \"$0\" \"$@\"", java,
            "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
            EchoUnderDescriptorLimit.class.getName());
        Path err = Files.createTempFile("socket2j-survival", ".err");
        Process child = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        List<Socket> clients = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
            PrintStream commands = new PrintStream(child.getOutputStream(), true, StandardCharsets.US_ASCII);
            int port = -1;
            for (String line; port < 0 && (line = out.readLine()) != null; ) {
                if (line.startsWith("PORT ")) port = Integer.parseInt(line.substring(5).trim());
            }
            assertTrue(port > 0, () -> "no port from the child; its stderr: " + read(err));
            InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            echo(server, 10_000);  // every class the echo path needs is loaded while descriptors are still there

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (int i = 0; i < CLIENTS && System.nanoTime() < deadline; i++) {
                Socket c = new Socket();
                clients.add(c);
                try {
                    c.connect(server, 5_000);  // completed by the kernel in the listen backlog, accepted or not
                    c.getOutputStream().write('x');
                } catch (IOException e) {
                    throw new AssertionError("client " + i + " failed; child stderr: " + read(err), e);
                }
            }
            assertEquals(CLIENTS, clients.size(), "clients connected in time");
            Thread.sleep(500);  // let the server run into the limit and its back-off
            for (Socket c : clients) c.close();
            clients.clear();

            // accepting resumes once the closed connections gave their descriptors back
            long recover = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            IOException last = null;
            boolean served = false;
            while (!served && System.nanoTime() < recover) {
                try {
                    echo(server, 3_000);
                    served = true;
                } catch (IOException e) {
                    last = e;
                    Thread.sleep(200);
                }
            }
            Exception cause = last;
            assertTrue(served, () -> "no echo after the clients left (" + cause + "); child stderr: " + read(err));
            for (int i = 0; i < 20; i++) echo(server, 10_000);

            commands.println("STATUS");
            String status = out.readLine();
            assertEquals("LOOPS 2 2 0", status, () -> "event loop threads after the overload; child stderr: " + read(err));
        } finally {
            for (Socket c : clients) c.close();
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
            Files.deleteIfExists(err);
        }
    }

    private static void echo(InetSocketAddress server, int timeoutMs) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server, timeoutMs);
            s.setSoTimeout(timeoutMs);
            byte[] sent = "ping-socket2j".getBytes(StandardCharsets.US_ASCII);
            OutputStream o = s.getOutputStream();
            o.write(sent);
            o.flush();
            byte[] got = s.getInputStream().readNBytes(sent.length);
            assertArrayEquals(sent, got, () -> "echoed " + Arrays.toString(got));
        }
    }

    private static String read(Path p) {
        try {
            String s = Files.readString(p, StandardCharsets.UTF_8);
            return s.length() > 20_000 ? s.substring(0, 20_000) + "..." : s;
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
