package dev.socket2j;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Checks what the option accessors set through a second path: {@code ss -tieno --tos} (iproute2, which asks the
 * kernel over sock_diag netlink, not getsockopt) reports the keepalive timer, TOS and congestion algorithm
 * of a connected TCP socket.
 */
class OptionsCrossCheckTest {

    static Path ss() {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            Path p = Path.of(dir, "ss");
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ss did not finish");
        assertEquals(0, p.exitValue(), new String(out, StandardCharsets.UTF_8));
        return new String(out, StandardCharsets.UTF_8);
    }

    /** ss prints timers as e.g. {@code 116min39sec} or {@code 57sec} or {@code 200ms}. */
    static Duration parseSsTimer(String t) {
        Matcher m = Pattern.compile("(\\d+)(min|sec|ms)").matcher(t);
        Duration d = Duration.ZERO;
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "min" -> Duration.ofMinutes(n);
                case "sec" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            });
        }
        return d;
    }

    @Test
    void keepaliveTosAndCongestionAgreeWithSs() throws Exception {
        Path ss = ss();
        assumeTrue(ss != null, "ss (iproute2) is not installed");
        String algorithm = OptionTableTest.otherCongestion();
        Duration idle = Duration.ofSeconds(7000);
        try (Socket l = Socket.open(Domain.IPV4, Type.STREAM); Socket c = Socket.open(Domain.IPV4, Type.STREAM)) {
            l.bind(new InetSocketAddress(OptionTestSupport.v4("127.0.0.1"), 0));
            l.listen(4);
            c.setTcpKeepalive(new TcpKeepalive().withTime(idle));
            c.setTosV4(0x20);
            c.setTcpCongestion(algorithm);
            c.connect(l.localAddr());
            try (Socket a = l.accept().socket()) {
                int port = c.localAddr().asSocket().orElseThrow().getPort();
                String out = run(List.of(ss.toString(), "-tieno", "--tos", "state", "established",
                    "( sport = :" + port + " )"));
                assertTrue(out.contains("127.0.0.1:" + port), out);

                Matcher timer = Pattern.compile("timer:\\(keepalive,([^,]+),").matcher(out);
                assertTrue(timer.find(), "no keepalive timer in: " + out);
                Duration left = parseSsTimer(timer.group(1));
                // the timer was armed with the idle time at connect and only counts down
                assertTrue(left.compareTo(idle) <= 0 && left.compareTo(idle.minusMinutes(10)) > 0, left + " in " + out);

                Matcher tos = Pattern.compile("tos:(0x[0-9a-f]+)").matcher(out);
                assertTrue(tos.find(), "no tos in: " + out);
                assertEquals(0x20, Integer.decode(tos.group(1)));
                assertEquals(0x20, c.tosV4());

                assertTrue(Pattern.compile("\\s" + Pattern.quote(algorithm) + "\\s").matcher(out).find(),
                    algorithm + " not in: " + out);
                assertEquals(algorithm, c.tcpCongestion());
                assertEquals(idle, c.tcpKeepaliveTime());
            }
        }
    }
}
