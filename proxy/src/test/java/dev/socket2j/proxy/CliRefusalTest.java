package dev.socket2j.proxy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line run as a separate process, as users run it: every mistake stops start-up with exit status 2
 * (a kernel refusal with 1) and exactly one line on stderr, never a stack trace.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliRefusalTest {

    /** What one run of the CLI left: its exit status and its stderr lines. */
    record Run(int code, List<String> err, String out) {
        String line() { return String.join("\n", err); }
    }

    static Run run(String... args) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
            System.getProperty("java.class.path"), ProxyMain.class.getName()));
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile("cli", ".err");
        Path out = Files.createTempFile("cli", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(out.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the CLI did not stop: " + String.join(" ", args));
            }
            List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("SLF4J")).toList();
            return new Run(p.exitValue(), lines, Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(err);
            Files.deleteIfExists(out);
        }
    }

    private static void assertOneLine(Run r, int code, String... mustContain) {
        assertEquals(code, r.code(), r::line);
        assertEquals(1, r.err().size(), () -> "expected one line on stderr, got:\n" + r.line());
        String line = r.err().getFirst();
        assertTrue(line.startsWith("socket2j-proxy: "), line);
        assertFalse(line.contains("Exception") || line.contains("\tat "), line);
        for (String s : mustContain) assertTrue(line.contains(s), () -> "'" + s + "' missing from: " + line);
    }

    /** Values each option's encoder refuses: a name longer than IFNAMSIZ or TCP_CA_NAME_MAX, a negative time. */
    @ParameterizedTest
    @ValueSource(strings = {"--listen-opt", "--upstream-opt"})
    void refusesOptionValuesTheEncoderRefusesWithExit2(String flag) throws Exception {
        String[] values = {"so_bindtodevice=abcdefghijklmnopqrstuvwxyz", "tcp_congestion=abcdefghijklmnopqrst",
            "tcp_keepalive_time=-5s"};
        for (String v : values) {
            Run r = run("--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:9", "--no-status", flag, v);
            assertOneLine(r, 2, flag, v.substring(v.indexOf('=') + 1));
        }
    }

    @Test
    void refusesNonAsciiDigitsInPortsWithExit2() throws Exception {
        assertOneLine(run("--listen", "127.0.0.1:\uff14\uff15\uff16\uff17\uff18", "--upstream", "127.0.0.1:9"), 2,
            "--listen", "ASCII");
        assertOneLine(run("--listen", "0", "--upstream", "127.0.0.1:\u0665\u0666"), 2, "--upstream", "ASCII");
        assertOneLine(run("--listen", "0", "--upstream", "127.0.0.1:9", "--threads", "\uff12"), 2, "--threads");
    }

    @Test
    void refusesUpstreamPortZeroWithExit2() throws Exception {
        assertOneLine(run("--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:0"), 2, "--upstream", "got 0");
    }

    /** The kernel has no congestion control "nonexistent": the probe socket at start gets ENOENT. */
    @Test
    void upstreamOptionTheKernelRefusesStopsStartupWithExit1AndTheErrno() throws Exception {
        assertOneLine(run("--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:9", "--no-status",
            "--upstream-opt", "tcp_congestion=nonexistent"), 1, "tcp_congestion=nonexistent", "ENOENT");
        assertOneLine(run("--udp", "--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:9", "--no-status",
            "--upstream-opt", "tcp_congestion=reno"), 1, "tcp_congestion", "ENOPROTOOPT");
        assertOneLine(run("demo", "--seconds", "0.2", "--upstream-opt", "tcp_congestion=nonexistent"), 1, "ENOENT");
    }

    @Test
    void refusesUsageMistakesWithExit2AndOneLine() throws Exception {
        String[][] bad = {
            {"--frobnicate"},
            {"--listen"},
            {"--listen", "0", "--upstream", "--threads", "2"},
            {"--threads", "0"},
            {"--listen", "0"},
            {"--listen", "0", "--upstream", "127.0.0.1:9", "--listen-opt", "no_such_option=1"},
            {"--listen", "0", "--upstream", "127.0.0.1:9", "extra"},
            {"--seconds", "1", "demo"},
        };
        for (String[] args : bad) assertOneLine(run(args), 2);
    }

    @Test
    void helpAndListOptionsExitZero() throws Exception {
        Run help = run("--help");
        assertEquals(0, help.code(), help::line);
        assertTrue(help.out().contains("--listen-opt") && help.out().contains("--udp") && help.out().contains("Exit status"),
            help.out());
        Run list = run("--list-options");
        assertEquals(0, list.code(), list::line);
        assertTrue(list.out().contains("tcp_congestion") && list.out().contains("tcp_keepalive_time"), list.out());
    }
}
