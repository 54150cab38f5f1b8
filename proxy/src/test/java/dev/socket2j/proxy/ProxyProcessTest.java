package dev.socket2j.proxy;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The proxy as a separate process, the way users run it: options checked from outside through {@code ss -tieo},
 * and the summary printed on SIGTERM.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProxyProcessTest {

    private static boolean hasSs() {
        try {
            Process p = new ProcessBuilder("ss", "-V").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String ss(String filter) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ss", "-tieonH", "state", "established", filter).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    @Test
    void appliesOptionsSeenBySsAndSummarizesOnSigterm() throws Exception {
        Assumptions.assumeTrue(hasSs(), "ss (iproute2) is not installed");
        try (ServerSocket backend = new ServerSocket(0, 16, java.net.InetAddress.getLoopbackAddress())) {
            String java = ProcessHandle.current().info().command().orElseThrow();
            List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ProxyMain.class.getName(), "--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:" + backend.getLocalPort(),
                "--threads", "1", "--no-status",
                "--listen-opt", "so_keepalive=true", "--upstream-opt", "so_keepalive=true",
                "--upstream-opt", "tcp_congestion=reno"));
            Path errFile = Files.createTempFile("proxy", ".err");
            Process proxy = new ProcessBuilder(cmd).redirectError(errFile.toFile()).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(proxy.getInputStream(), StandardCharsets.UTF_8));
                String banner = out.readLine();
                for (int i = 0; i < 1000 && banner != null && !banner.startsWith("socket2j-proxy:"); i++) {
                    banner = out.readLine();   // the test class path may carry a logger that talks first
                }
                if (banner == null) throw new AssertionError("no banner; stderr: " + read(errFile));
                Thread.ofPlatform().daemon().start(() -> {
                    try { while (out.readLine() != null) { /* keep the pipe drained */ } } catch (IOException ignored) { }
                });
                Matcher m = Pattern.compile("127\\.0\\.0\\.1:(\\d+) ->").matcher(banner);
                assertTrue(m.find(), banner);
                int port = Integer.parseInt(m.group(1));
                try (Socket client = new Socket()) {
                    client.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                    client.getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));
                    try (Socket atBackend = backend.accept()) {
                        atBackend.setSoTimeout(30_000);
                        assertEquals('x', atBackend.getInputStream().read());
                        // The proxy's accepted socket (source port = proxy port) and its upstream socket
                        // (destination port = backend port) both run a keepalive timer.
                        String listenSide = ss("sport = :" + port);
                        String upstreamSide = ss("dport = :" + backend.getLocalPort());
                        assertTrue(listenSide.contains("timer:(keepalive"), listenSide);
                        assertTrue(upstreamSide.contains("timer:(keepalive"), upstreamSide);
                        assertTrue(upstreamSide.contains(" reno "), upstreamSide);
                        assertTrue(!listenSide.contains(" reno "), listenSide);
                    }
                }
                proxy.destroy();   // SIGTERM
                assertTrue(proxy.waitFor(30, TimeUnit.SECONDS), "proxy did not stop on SIGTERM");
                String err = read(errFile);
                assertTrue(err.contains("socket2j-proxy summary:") && err.contains("1 connections"), err);
            } finally {
                proxy.destroyForcibly();
                Files.deleteIfExists(errFile);
            }
        }
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
