package dev.socket2j.bench;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the server-only table ({@link ServerBench}: pinned one-loop servers under the C load generator and wrk), then
 * the in-JVM table (every scenario for every transport with client and server on that transport, iperf3, JMH);
 * writes {@code results/<date>.md} (both tables, ratios, machine, kernel, JDK), {@code results/<date>.png} (in-JVM)
 * and {@code results/<date>-server.png}. Usage: {@code Runner quick|full <results dir> <pipeline.lua> <C binaries dir>}.
 */
public final class Runner {
    /**
     * {@code rounds}: every in-JVM load scenario, HTTP run and C reference is repeated; the table shows medians.
     * {@code serverRounds} and {@code server}: the same for the server-only table.
     */
    record Profile(String name, int rounds, double warm, double measure, int wrkSeconds, int refSeconds, int jmhWarmups,
                   int jmhIterations, int jmhMillis, int serverRounds, ServerBench.Durations server) {}

    static final Profile QUICK = new Profile("quick", 1, 0.5, 1.5, 2, 2, 1, 2, 500, 1,
        new ServerBench.Durations(1, 1.5, 4, 1, 2, 5, 2));
    static final Profile FULL = new Profile("full", 1, 1.5, 2.5, 4, 4, 2, 3, 1000, 3,
        new ServerBench.Durations(3, 4, 12, 3, 4, 12, 4));
    /** A check that the harness runs end to end, two server rounds to exercise the medians; its numbers mean nothing. */
    static final Profile SMOKE = new Profile("smoke", 1, 0.2, 0.5, 1, 1, 1, 1, 100, 2,
        new ServerBench.Durations(0.3, 0.5, 3, 1, 1, 1, 2));

    private final Profile p;
    private final Results res = new Results();
    private final String java = ProcessHandle.current().info().command().orElse("java");
    private final String cp = System.getProperty("java.class.path");
    private final String lua;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    private static final long START = System.nanoTime();
    private static List<String> progressLog;

    /** A progress line on stdout and in the log, with the seconds since the start (the log then shows what took how long). */
    static void progress(String what) {
        String l = String.format(Locale.ROOT, "[%5.0f s] %s", (System.nanoTime() - START) / 1e9, what);
        System.out.println(l);
        if (progressLog != null) synchronized (progressLog) { progressLog.add("# " + l); }
    }

    private Runner(Profile p, String lua) {
        this.p = p;
        this.lua = lua;
        progressLog = log;
    }

    public static void main(String[] args) throws Exception {
        Profile p = switch (args.length > 0 ? args[0] : "quick") {
            case "full" -> FULL;
            case "smoke" -> SMOKE;
            default -> QUICK;
        };
        Path dir = Path.of(args.length > 1 ? args[1] : "results");
        Runner r = new Runner(p, args.length > 2 ? args[2] : "src/main/resources/pipeline.lua");
        String cdir = args.length > 3 ? args[3] : "target/c";
        r.declareRows();
        long t0 = System.nanoTime();
        List<String> why = new ArrayList<>();
        ServerBench sb = null;
        if (ServerBench.usable(cdir, why)) {
            sb = new ServerBench(p.server(), r.java, r.cp, cdir, r.lua, r.log, why);
            for (int round = 1; round <= p.serverRounds(); round++) {
                Runner.progress("server-only round " + round + " of " + p.serverRounds());
                sb.round();
            }
        }
        List<String> serverWhy = new ArrayList<>(why);
        why.clear();
        List<String> transports = Transport.available(Transport.ORDER, why);
        for (String w : why) r.res.notes.add("transport not run: " + w);
        // Scenario by scenario, each transport in turn, so a change in the machine's load hits all of them alike;
        // whole rounds repeat that, and the table keeps each value's median.
        for (int round = 1; round <= p.rounds(); round++) {
            if (p.rounds() > 1) Runner.progress("round " + round + " of " + p.rounds());
            for (String scenario : Load.SCENARIOS) for (String t : transports) r.load(t, scenario);
            for (String t : transports) r.http(t);
            r.references();
        }
        r.jmh();
        Files.createDirectories(dir);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd_HHmm"));
        Path md = dir.resolve(stamp + ".md"), png = dir.resolve(stamp + ".png"), spng = dir.resolve(stamp + "-server.png");
        Chart.write(r.res, transports, "socket2j benchmarks, in-JVM pairs (" + p.name() + ", " + stamp + ")", png.toFile());
        if (sb != null) {
            List<String> javaCols = new ArrayList<>(sb.columns);
            javaCols.remove(ServerBench.C);
            Chart.write(sb.res, javaCols, "socket2j benchmarks, server only (" + p.name() + ", " + stamp + ")", spng.toFile());
        }
        Files.writeString(md, r.markdown(transports, sb, serverWhy, png.getFileName().toString(),
            sb == null ? null : spng.getFileName().toString(), (System.nanoTime() - t0) / 1e9));
        Files.write(dir.resolve(stamp + ".log"), r.log);
        System.out.println("wrote " + md + ", " + png + (sb == null ? "" : " and " + spng));
    }

    private void declareRows() {
        String pc = "per call (JMH)", tcp = "TCP", http = "HTTP/1.1 (wrk)", udp = "UDP", al = "allocation";
        res.row("getsockopt", pc, "getsockopt(SO_RCVBUF)", "ns/op", false, true);
        res.row("send1", pc, "1-byte non-blocking send (UDP)", "ns/op", false, true);
        res.row("send1heap", pc, "1-byte send from byte[] (socket2j heap path)", "ns/op", false, false);
        res.row("pingpong.rt", tcp, "64 B ping-pong", "round trips/s", true, true);
        res.row("pingpong.p50", tcp, "64 B ping-pong p50 RTT", "µs", false, true);
        res.row("pingpong.p99", tcp, "64 B ping-pong p99 RTT", "µs", false, false);
        for (int c : new int[] {1, 50, 500}) {
            res.row("echo" + c, tcp, "pipelined echo, " + c + " conn", "msgs/s", true, true);
            res.row("echo" + c + ".mb", tcp, "pipelined echo, " + c + " conn", "MB/s", true, false);
        }
        res.row("bulk", tcp, "bulk 1 MiB writes", "Gbit/s", true, true);
        res.row("proxy", tcp, "bulk through a proxy, copied (ByteBufs)", "Gbit/s", true, true);
        res.row("proxy.splice", tcp, "bulk through a proxy, spliceTo", "Gbit/s", true, true);
        res.row("http", http, "hello world", "req/s", true, true);
        res.row("http.pipe", http, "hello world, 16 pipelined", "req/s", true, true);
        res.row("udp64", udp, "64 B datagrams, plain", "dgrams/s", true, true);
        res.row("udp1200", udp, "1200 B datagrams, plain", "dgrams/s", true, true);
        res.row("udp.batched", udp, "64 B, batched (recvmmsg/sendmmsg)", "dgrams/s", true, false);
        res.row("udp.gso", udp, "1200 B, GSO (50 segments a send)", "dgrams/s", true, false);
        res.row("alloc.getsockopt", al, "getsockopt(SO_RCVBUF) (JMH -prof gc)", "B/op", false, false);
        res.row("alloc.send1", al, "1-byte send (JMH -prof gc)", "B/op", false, false);
        res.row("alloc.echo.server", al, "echo server loop, 50 conn", "B/msg", false, false);
        res.row("alloc.echo.client", al, "echo client loop, 50 conn", "B/msg", false, false);
        res.row("alloc.udp", al, "UDP receive loop, 64 B", "B/dgram", false, false);
        res.notes.add("Proxy rows: client → proxy (its own loop) → sink, 1 MiB writes; the splice row is socket2j's and "
            + "Netty epoll's spliceTo (splice(2) through a pipe, the bytes never enter the JVM); NIO and io_uring have none.");
        res.notes.add("C reference: iperf3 for bulk only. sockperf runs in the server-only table, pinned like its servers: "
            + "unpinned, its ping-pong measures whether the scheduler put client and server on one core or two.");
        res.notes.add("UDP batched and GSO rows: socket2j and Netty epoll only (MAX_DATAGRAM_PAYLOAD_SIZE for recvmmsg, "
            + "SegmentedDatagramPacket for GSO); Netty's NIO and io_uring datagram channels have neither.");
    }

    // ------------------------------------------------------------------ child processes

    private List<String> runChild(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        log.add(ServerBench.shown(cmd));
        Process pr = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        pr.getOutputStream().close();
        List<String> lines = new ArrayList<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader br = new BufferedReader(new InputStreamReader(pr.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = br.readLine()) != null; ) synchronized (lines) { lines.add(l); }
            } catch (IOException ignored) {
                // process ended
            }
        });
        if (!pr.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            pr.destroyForcibly();
            log.add("timed out after " + timeoutSeconds + " s");
            synchronized (lines) { lines.add("FAILED: timed out after " + timeoutSeconds + " s"); }
        }
        reader.join(5000);
        synchronized (lines) {
            log.addAll(lines);
            return new ArrayList<>(lines);
        }
    }

    private List<String> jvm(String main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xms512m", "-Xmx1g",
            "-XX:+UseParallelGC", "-cp", cp, main));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private void load(String t, String scenario) throws Exception {
        Runner.progress("load: " + scenario + " " + t);
        List<String> out = runChild(jvm(Load.class.getName(), t, Double.toString(p.warm()), Double.toString(p.measure()),
            // a bounded wait: Netty epoll's GSO child has been seen spinning at 200% CPU without end
            scenario), Math.max(60, (int) (4 * (p.warm() + p.measure())) + 30));
        for (String l : out) {
            String[] f = l.split(" ");
            if (f.length != 4 || !f[0].equals("RESULT")) {
                if (l.startsWith("FAILED") || (l.startsWith("SKIPPED") && t.equals("socket2j"))) res.notes.add(t + ": " + l);
                continue;
            }
            double v = Double.parseDouble(f[3]);
            String key = switch (f[1] + "/" + f[2]) {
                case "pingpong/rt_per_s" -> "pingpong.rt";
                case "pingpong/p50_us" -> "pingpong.p50";
                case "pingpong/p99_us" -> "pingpong.p99";
                case "echo_c1/msgs_per_s" -> "echo1";
                case "echo_c50/msgs_per_s" -> "echo50";
                case "echo_c500/msgs_per_s" -> "echo500";
                case "echo_c1/mb_per_s" -> "echo1.mb";
                case "echo_c50/mb_per_s" -> "echo50.mb";
                case "echo_c500/mb_per_s" -> "echo500.mb";
                case "echo_c50/server_alloc_b_per_msg" -> "alloc.echo.server";
                case "echo_c50/client_alloc_b_per_msg" -> "alloc.echo.client";
                case "bulk/gbit_per_s" -> "bulk";
                case "proxy/gbit_per_s" -> "proxy";
                case "proxysplice/gbit_per_s" -> "proxy.splice";
                case "udp64/dgrams_per_s" -> "udp64";
                case "udp1200/dgrams_per_s" -> "udp1200";
                case "udp64/rx_alloc_b_per_dgram" -> "alloc.udp";
                case "udp64batched/dgrams_per_s" -> "udp.batched";
                case "udp1200gso/dgrams_per_s" -> "udp.gso";
                default -> null;
            };
            if (key != null) res.put(key, t, v);
        }
    }

    private void http(String t) throws Exception {
        if (!have("wrk")) {
            res.notes.add("wrk not installed: HTTP rows empty");
            return;
        }
        Runner.progress("http: " + t);
        List<String> cmd = jvm(HttpServer.class.getName(), t, "1");
        log.add(ServerBench.shown(cmd));
        Process server = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            BufferedReader br = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String ready = br.readLine();
            if (ready == null || !ready.startsWith("READY ")) {
                res.notes.add(t + ": HTTP server did not start: " + ready);
                return;
            }
            Thread.ofPlatform().daemon().start(() -> {
                try { while (br.readLine() != null) { /* drain */ } } catch (IOException ignored) { /* ended */ }
            });
            String url = "http://127.0.0.1:" + ready.substring(6).trim() + "/";
            wrk(url, Math.max(2, p.wrkSeconds() / 2), false);   // warm-up: the JIT compiles the HTTP codec
            res.put("http", t, wrk(url, p.wrkSeconds(), false));
            res.put("http.pipe", t, wrk(url, p.wrkSeconds(), true));
        } finally {
            OutputStream in = server.getOutputStream();
            in.close();
            if (!server.waitFor(10, TimeUnit.SECONDS)) server.destroyForcibly();
        }
    }

    private double wrk(String url, int seconds, boolean pipelined) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("wrk", "-t1", "-c64", "-d" + seconds + "s"));
        if (pipelined) cmd.addAll(List.of("-s", lua));
        cmd.add(url);
        if (pipelined) cmd.addAll(List.of("--", "16"));
        for (String l : runChild(cmd, seconds + 30)) {
            Matcher m = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(l);
            if (m.find()) return Double.parseDouble(m.group(1));
        }
        return Double.NaN;
    }

    static boolean have(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (new File(d, tool).canExecute()) return true;
        }
        return false;
    }

    // ------------------------------------------------------------------ C references

    /**
     * iperf3 for the bulk row (1 MiB writes into a sink, as the row's own scenario). sockperf is not run here: its
     * ping-pong is two processes the scheduler may place on one core or on two (on this VM 10 µs against 75 µs a
     * round trip), where the in-JVM pairs are two threads of one process, and its UDP throughput reports the send
     * rate where the rows count datagrams received. The server-only table runs sockperf pinned as its servers are.
     */
    private void references() throws Exception {
        if (have("iperf3")) {
            Runner.progress("references: iperf3");
            int port = 18000 + (int) (ProcessHandle.current().pid() % 1000);
            Process srv = new ProcessBuilder("iperf3", "-s", "-1", "-p", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                Thread.sleep(500);
                List<String> out = runChild(List.of("iperf3", "-c", "127.0.0.1", "-p", Integer.toString(port), "-t",
                    Integer.toString(p.refSeconds()), "-l", "1M", "-f", "g"), p.refSeconds() + 30);
                for (String l : out) {
                    Matcher m = Pattern.compile("([0-9.]+) Gbits/sec.*receiver").matcher(l);
                    if (m.find()) res.ref("bulk", Double.parseDouble(m.group(1)), "iperf3 -l 1M");
                }
            } finally {
                srv.destroy();
                srv.waitFor(5, TimeUnit.SECONDS);
            }
        } else {
            res.notes.add("iperf3 not installed: no C reference for bulk");
        }
    }

    static Double grab(List<String> lines, String regex) {
        Pattern pt = Pattern.compile(regex);
        for (String l : lines) {
            Matcher m = pt.matcher(l);
            if (m.find()) return Double.parseDouble(m.group(1));
        }
        return null;
    }

    // ------------------------------------------------------------------ JMH

    private void jmh() throws Exception {
        Runner.progress("jmh: PerCallBench -prof gc");
        ChainedOptionsBuilder o = new OptionsBuilder().include(PerCallBench.class.getName())
            .forks(1).warmupIterations(p.jmhWarmups()).measurementIterations(p.jmhIterations())
            .warmupTime(TimeValue.milliseconds(p.jmhMillis())).measurementTime(TimeValue.milliseconds(p.jmhMillis()))
            .jvm(java).jvmArgsAppend("--enable-native-access=ALL-UNNAMED", "-Xmx512m")
            .addProfiler(GCProfiler.class).shouldFailOnError(false);
        for (RunResult rr : new org.openjdk.jmh.runner.Runner(o.build()).run()) {
            String impl = rr.getParams().getParam("impl");
            String bench = rr.getParams().getBenchmark();
            double score = rr.getPrimaryResult().getScore();
            Result<?> alloc = rr.getSecondaryResults().get("gc.alloc.rate.norm");
            String t = switch (impl) {
                case "socket2j", "socket2j-heap" -> "socket2j";
                case "epoll-jni" -> "epoll";
                default -> impl;
            };
            boolean heap = impl.equals("socket2j-heap");
            log.add(String.format(Locale.ROOT, "jmh %s %s %.1f ns/op %.1f B/op", bench, impl, score,
                alloc == null ? Double.NaN : alloc.getScore()));
            if (bench.endsWith("getsockoptRcvbuf")) {
                if (!heap) {
                    res.put("getsockopt", t, score);
                    if (alloc != null) res.put("alloc.getsockopt", t, alloc.getScore());
                }
            } else if (bench.endsWith("send1Byte")) {
                if (heap) {
                    res.put("send1heap", t, score);
                } else {
                    res.put("send1", t, score);
                    if (alloc != null) res.put("alloc.send1", t, alloc.getScore());
                }
            }
        }
        res.notes.add("Per-call rows: Netty io_uring uses the same JNI socket calls as epoll for these, so its column is empty; "
            + "the epoll column is Netty's JNI LinuxSocket.");
    }

    // ------------------------------------------------------------------ report

    private String markdown(List<String> transports, ServerBench sb, List<String> serverWhy, String png, String spng,
                            double seconds) throws Exception {
        StringBuilder b = new StringBuilder();
        b.append("# socket2j benchmarks — ").append(p.name()).append(" profile\n\n");
        b.append("Machine: ").append(machine()).append("  \n");
        b.append("Kernel: Linux ").append(System.getProperty("os.version")).append("  \n");
        b.append("JDK: ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.runtime.version"))
            .append("; Netty 4.2.18.Final; run took ").append(String.format(Locale.ROOT, "%.0f s", seconds)).append(".\n\n");
        b.append("Ratios: socket2j's advantage, > 1 means socket2j is better (for latencies, times and costs the inverse ratio).\n\n");
        b.append("## Server only\n\n");
        if (sb == null) {
            b.append("Not run: ").append(String.join("; ", serverWhy)).append(".\n\n");
        } else {
            ServerBench.Durations d = p.server();
            b.append("Each server is one event loop in its own JVM (the C reference: one epoll thread), pinned with `taskset -c ")
                .append(ServerBench.SERVER_CORE).append("`; the C load generator (`benchmarks/c/loadgen.c`, one epoll thread) ")
                .append("or wrk (`-t1 -c50`) runs pinned with `taskset -c ").append(ServerBench.CLIENT_CORE).append("`. ")
                .append(String.format(Locale.ROOT, "Warm rows: %.1f s of warm-up of their own, then %.1f s measured "
                    + "(wrk: %d s, then %d s); the first row of a fresh HTTP or UDP server JVM gets %d s of warm-up before "
                    + "that (the echo server's rows follow its cold run), so warm rows measure compiled code. ",
                    d.warm(), d.measure(), d.wrkWarm(), d.wrkMeasure(), d.firstWarm()))
                .append(p.serverRounds() > 1 ? "Each value is the median of " + p.serverRounds()
                    + " rounds; within a round the servers take turns, scenario group by scenario group. " : "One round. ")
                .append(String.format(Locale.ROOT, "Cold rows: the echo server's fresh JVM under 50 connections × 16 × 64 B "
                    + "from the moment it prints that it listens, sampled every %d ms for %.0f s; the time to 95%% is the end of "
                    + "the first 600 ms window at 95%% of the same server's warm 50-connection rate measured right after. "
                    + "The first-3-s and time-to-listen rows take %d fresh JVMs per server and round (the servers taking turns "
                    + "again; the others serve only their first 3 s), so their medians are over %d starts: one JVM's warm-up "
                    + "varies by a quarter with when its compiler threads get to which method. ",
                    ServerBench.SAMPLE_MS, d.cold(), d.coldStarts(), d.coldStarts() * p.serverRounds()))
                .append("Every wrk run opens new connections, so each measured HTTP run follows at least two connection "
                    + "churns. The HTTP CPU rows are the server process's CPU time (all its threads: loop, JIT, GC) per "
                    + "request over the measured run; wrk needs about as much CPU per request as the server, so where the "
                    + "rates are equal the CPU row tells the servers apart. ")
                .append("Bulk: one connection, 256 KiB writes, the server echoes, the rate is what comes back. UDP: one "
                    + "connected client socket, 32 datagrams in flight, each echoed to its sender. The C column is the C echo "
                    + "server under the same load generator: the physical limit of this machine for those rows. The "
                    + "allocation rows are the bytes the server's event-loop thread allocated (its JVM thread counter, read "
                    + "when the row's warm-up ends and again when the row is done) per message echoed in between: the "
                    + "steady-state garbage of the whole path, transport and pipeline, for the echo handler's one write per "
                    + "read. The last column is socket2j ÷ Netty epoll round by round (round i of each; start i of each on the cold rows): where its range "
                    + "spans 1.00, the median ratio is within the run's noise.\n\n");
            b.append(sb.markdown()).append('\n');
            b.append("Virtual threads, thread per connection (`VtEchoServer`: accept loop on the main thread, one virtual "
                + "thread per connection doing blocking recv/send on a 64 KiB `byte[]`), pinned and driven as above. A "
                + "failure row (\"stalled\") means the load generator's connections were not all served within the run.\n\n");
            b.append(sb.vtMarkdown()).append('\n');
            if (spng != null) b.append("![server-only chart](").append(spng).append(")\n\n");
            List<String> notes = new ArrayList<>(serverWhy);
            notes.addAll(sb.res.notes);
            notes.addAll(sb.vt.notes);
            if (!notes.isEmpty()) {
                b.append("Notes:\n\n");
                for (String n : notes) b.append("- ").append(n).append('\n');
                b.append('\n');
            }
        }
        b.append("## In-JVM client/server pairs\n\n");
        if (p.rounds() > 1) {
            b.append("Each load, HTTP and C value is the median of ").append(p.rounds())
                .append(" rounds (transports interleaved within each round).  \n");
        }
        b.append("Transports run: ").append(String.join(", ", transports)).append(". Server and client use the same transport, ")
            .append("one event loop each, unpinned (wrk/iperf3 are the clients where named), so a faster client can hide a ")
            .append("slower server: the server-only table above is the one that compares servers.\n\n");
        List<String> cols = new ArrayList<>(Transport.ORDER);
        b.append("| scenario | unit | ").append(String.join(" | ", cols))
            .append(" | C reference | socket2j ÷ epoll | socket2j ÷ NIO | socket2j ÷ C |\n");
        b.append("|---|---|").append("---:|".repeat(cols.size())).append("---:|---:|---:|---:|\n");
        String group = "";
        for (Results.Row r : res.rows.values()) {
            if (!r.group().equals(group)) {
                group = r.group();
                b.append("| **").append(group).append("** |").append(" |".repeat(cols.size() + 5)).append('\n');
            }
            b.append("| ").append(r.name()).append(" | ").append(r.unit());
            for (String c : cols) b.append(" | ").append(Results.fmt(r.get(c)));
            Double ref = Results.refValue(r);
            Double s = r.get("socket2j");
            b.append(" | ").append(ref == null ? "—" : Results.fmt(ref));
            b.append(" | ").append(Results.fmtRatio(r.group().equals("allocation") ? null : Results.ratio(r, s, r.get("epoll"))));
            b.append(" | ").append(Results.fmtRatio(r.group().equals("allocation") ? null : Results.ratio(r, s, r.get("nio"))));
            b.append(" | ").append(Results.fmtRatio(Results.ratio(r, s, ref))).append(" |\n");
        }
        b.append("\nC references: ");
        List<String> refs = new ArrayList<>();
        for (Results.Row r : res.rows.values()) if (r.ref()[1] != null) refs.add(r.name() + ": " + r.ref()[1]);
        b.append(refs.isEmpty() ? "none" : String.join("; ", refs)).append(".\n\n");
        b.append("![chart](").append(png).append(")\n\n");
        if (!res.notes.isEmpty()) {
            b.append("Notes:\n\n");
            for (String n : res.notes) b.append("- ").append(n).append('\n');
        }
        return b.toString();
    }

    private String machine() {
        String cpu = "?";
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) { cpu = l.substring(l.indexOf(':') + 1).trim(); break; }
            }
        } catch (IOException ignored) { /* not Linux */ }
        String load = "?";
        try {
            load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException ignored) { /* not Linux */ }
        return String.format(Locale.ROOT, "%s, %d cores, load average %s at the end", cpu,
            Runtime.getRuntime().availableProcessors(), load);
    }
}
