package dev.socket2j.proxy;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The proxy as a process under a low descriptor limit, overloaded until {@code accept4(2)} fails with EMFILE: the
 * listener's error ends in the proxy's own rate-limited report (never in Netty's tail-of-pipeline warning), and once
 * the clients leave, the proxy serves new connections again.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProxyOverloadProcessTest {
    private static final int CLIENTS = 300;

    /**
     * Each forwarded connection holds two descriptors, so whether the last free one goes to {@code accept4} (which
     * then fails with EMFILE) or to the upstream {@code socket(2)} depends on the parity of what the JVM holds: one of
     * two neighbouring limits makes the listener hit EMFILE.
     */
    @Test
    void acceptEmfileIsReportedRateLimitedAndTheProxyRecovers() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs /bin/bash for ulimit");
        String a = overload(255), b = overload(256);
        assertTrue((a + b).lines().anyMatch(l -> l.startsWith("listener ") && l.contains("EMFILE")),
            "accept4 never failed with EMFILE:\n" + tail(a) + "\n" + tail(b));
    }

    /** Runs the proxy under {@code ulimit -n limit}, overloads it, checks the recovery; returns its stderr. */
    private static String overload(int limit) throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        AtomicBoolean served = new AtomicBoolean();
        try (ServerSocket backend = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress())) {
            // Each upstream connection stays open until the proxy half-closes it (its client left), then closes.
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        Socket s = backend.accept();
                        held.add(s);
                        Thread.ofVirtual().start(() -> {
                            try (s) {
                                for (int b; (b = s.getInputStream().read()) >= 0; ) if (b == 'z') served.set(true);
                            } catch (IOException ignored) {
                                // closed by the test
                            }
                        });
                    }
                } catch (IOException closed) {
                    // test over
                }
            });
            String java = ProcessHandle.current().info().command().orElseThrow();
            String cmd = "ulimit -n " + limit + " && exec '" + java + "' --enable-native-access=ALL-UNNAMED -cp '"
                + jarredClassPath() + "' " + ProxyMain.class.getName()
                + " --listen 127.0.0.1:0 --upstream 127.0.0.1:" + backend.getLocalPort() + " --threads 1 --no-status";
            Path errFile = Files.createTempFile("proxy-overload", ".err");
            Process proxy = new ProcessBuilder("/bin/bash", "-c", cmd).redirectError(errFile.toFile()).start();
            List<Socket> clients = new ArrayList<>();
            try {
                int port = port(proxy, errFile);
                for (int i = 0; i < CLIENTS; i++) {
                    Socket c = new Socket();
                    c.connect(new InetSocketAddress("127.0.0.1", port), 5_000);   // the kernel's backlog completes it
                    clients.add(c);
                }
                // The proxy takes what it can, then accept4 fails with EMFILE (or socket(2) for upstream does).
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!Files.readString(errFile).contains("EMFILE") && System.nanoTime() < deadline) Thread.sleep(100);
                String during = Files.readString(errFile);
                assertTrue(during.contains("EMFILE"), "no EMFILE under a limit of " + limit + ":\n" + during);

                for (Socket c : clients) c.close();
                clients.clear();

                // New connections get through again once descriptors are free (the queued ones drain first).
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
                while (!served.get() && System.nanoTime() < deadline) forwards(port, served);
                String err = Files.readString(errFile);
                assertTrue(served.get(), "no connection forwarded after the overload:\n" + tail(err));
                assertFalse(err.contains("reached at the tail of the pipeline"), tail(err));
                assertFalse(err.contains("\tat "), "a stack trace on stderr:\n" + tail(err));
                long listenerLines = err.lines().filter(l -> l.startsWith("listener ")).count();
                assertTrue(listenerLines <= 8, "listener reports not rate-limited: " + listenerLines
                    + "\n" + tail(err));
                assertTrue(proxy.isAlive(), "the proxy died:\n" + tail(err));
                proxy.destroy();
                assertTrue(proxy.waitFor(30, TimeUnit.SECONDS), "proxy did not stop on SIGTERM");
                assertTrue(Files.readString(errFile).contains("socket2j-proxy summary:"), tail(Files.readString(errFile)));
                return err;
            } finally {
                for (Socket c : clients) c.close();
                proxy.destroyForcibly();
                Files.deleteIfExists(errFile);
            }
        } finally {
            for (Socket s : held) s.close();
        }
    }

    /**
     * The test class path with each class directory packed into a jar, as the proxy is deployed. From a directory
     * every class loaded late opens a file, which fails under EMFILE (a {@code NoClassDefFoundError} for the first
     * class an error path needs); a jar stays open once read.
     */
    private static String jarredClassPath() throws IOException {
        Path dir = Files.createTempDirectory("proxy-jars");
        List<String> out = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (!Files.isDirectory(p)) {
                out.add(entry);
                continue;
            }
            Path jar = dir.resolve("dir" + n++ + ".jar");
            try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar));
                 Stream<Path> files = Files.walk(p)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    j.putNextEntry(new JarEntry(p.relativize(f).toString().replace(File.separatorChar, '/')));
                    Files.copy(f, j);
                    j.closeEntry();
                }
            }
            jar.toFile().deleteOnExit();
            out.add(jar.toString());
        }
        dir.toFile().deleteOnExit();
        return String.join(File.pathSeparator, out);
    }

    /** One client through the proxy: true once its byte reached the backend (within a few seconds). */
    private static void forwards(int port, AtomicBoolean served) throws InterruptedException {
        try (Socket c = new Socket()) {
            c.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            c.getOutputStream().write('z');
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!served.get() && System.nanoTime() < deadline) Thread.sleep(50);
        } catch (IOException e) {
            Thread.sleep(200);
        }
    }

    private static int port(Process proxy, Path errFile) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(proxy.getInputStream(), StandardCharsets.UTF_8));
        String banner = out.readLine();
        for (int i = 0; i < 1000 && banner != null && !banner.startsWith("socket2j-proxy:"); i++) banner = out.readLine();
        if (banner == null) throw new AssertionError("no banner; stderr: " + Files.readString(errFile));
        Thread.ofPlatform().daemon().start(() -> {
            try { while (out.readLine() != null) { /* keep the pipe drained */ } } catch (IOException ignored) { }
        });
        Matcher m = Pattern.compile("127\\.0\\.0\\.1:(\\d+) ->").matcher(banner);
        assertTrue(m.find(), banner);
        return Integer.parseInt(m.group(1));
    }

    private static String tail(String s) {
        return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }
}
