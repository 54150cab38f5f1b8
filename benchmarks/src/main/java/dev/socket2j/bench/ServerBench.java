package dev.socket2j.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server-only table: each server (one event loop of one transport, {@link ServerMain}; the C echo server; the
 * virtual-thread servers of {@link VtEchoServer}) runs pinned to core 0 with {@code taskset -c 0}, and the C load
 * generator or wrk drives it from core 1, so a transport's client never helps or hides its server. Transports take
 * turns scenario group by scenario group within a round; values are medians over the rounds.
 */
final class ServerBench {
    /**
     * Durations of one profile, in seconds.
     *
     * @param warm warm-up of each warm row (its own, after whatever ran before in that server)
     * @param measure measurement of each warm row
     * @param cold the cold run (fresh JVM, sampled every {@link #SAMPLE_MS} ms); also the time limit for reaching 95%
     * @param wrkWarm wrk's warm-up run (whole seconds)
     * @param wrkMeasure wrk's measured run (whole seconds)
     * @param firstWarm warm-up of the first row in a fresh server JVM (HTTP and UDP groups: the echo group's first
     *     rows follow its cold run), long enough for the JIT to finish, so that a warm row measures the server and
     *     not its compiler; the cold rows are where warm-up is measured
     * @param coldStarts fresh JVMs per server and round for the first-3-s and time-to-listen rows (the echo server's
     *     own cold run is the first; the others serve only their first {@link #COLD_WINDOW} s): one JVM's warm-up
     *     varies by ±25% with when its compiler threads get to which method, so one sample per round says little
     */
    record Durations(double warm, double measure, double cold, int wrkWarm, int wrkMeasure, int firstWarm, int coldStarts) {}

    static final int SAMPLE_MS = 200;
    static final double COLD_WINDOW = 3.0;
    static final String C = "c";
    /** The server's core and the load generator's: the first two this process may run on (0 and 1 on most machines). */
    static final String SERVER_CORE, CLIENT_CORE;

    static {
        List<Integer> cpus = allowedCpus();
        SERVER_CORE = Integer.toString(cpus.size() >= 2 ? cpus.get(0) : 0);
        CLIENT_CORE = Integer.toString(cpus.size() >= 2 ? cpus.get(1) : 1);
    }
    private static final String PIN = "taskset";

    final Results res = new Results();
    final Results vt = new Results();
    final List<String> columns;                      // Java transports that load here, then C
    private final Durations d;
    private final String java, cp, loadgen, echoserver, lua;
    private final List<String> log;
    private final Map<String, String> failures = new LinkedHashMap<>();   // row key / column -> text
    private final Map<String, Double> echo50ThisRound = new LinkedHashMap<>();

    ServerBench(Durations d, String java, String cp, String cdir, String lua, List<String> log, List<String> why) {
        this.d = d;
        this.java = java;
        this.cp = cp;
        this.loadgen = cdir + "/loadgen";
        this.echoserver = cdir + "/echoserver";
        this.lua = lua;
        this.log = log;
        this.columns = new ArrayList<>(Transport.available(Transport.SERVER_ORDER, why));
        columns.add(C);
        declareRows();
    }

    /** {@code Cpus_allowed_list} of {@code /proc/self/status} ("0-1", "2,5-7"), or empty where it cannot be read. */
    static List<Integer> allowedCpus() {
        List<Integer> cpus = new ArrayList<>();
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (!l.startsWith("Cpus_allowed_list:")) continue;
                for (String part : l.substring(l.indexOf(':') + 1).trim().split(",")) {
                    String[] r = part.split("-");
                    int a = Integer.parseInt(r[0].trim()), b = r.length > 1 ? Integer.parseInt(r[1].trim()) : a;
                    for (int i = a; i <= b && cpus.size() < 2; i++) cpus.add(i);
                }
            }
        } catch (IOException | RuntimeException e) {
            cpus.clear();
        }
        return cpus;
    }

    static boolean usable(String cdir, List<String> why) {
        if (!new File(cdir, "loadgen").canExecute() || !new File(cdir, "echoserver").canExecute()) {
            why.add("the C load generator is not built in " + cdir + " (benchmarks/run builds it with cc): no server-only table");
            return false;
        }
        if (!Runner.have(PIN)) {
            why.add("taskset (util-linux) is missing: no server-only table");
            return false;
        }
        if (allowedCpus().size() < 2) {
            why.add("fewer than 2 cores: no server-only table (server and load generator need one core each)");
            return false;
        }
        return true;
    }

    private void declareRows() {
        String cold = "cold start (fresh JVM)", tcp = "TCP echo", http = "HTTP/1.1 (wrk)", udp = "UDP echo";
        res.row("cold.rate", cold, "echo 50 conn × 16, first " + (int) COLD_WINDOW + " s after listen", "msgs/s", true, true);
        res.row("cold.t95", cold, "time to 95% of the warm 50-conn rate", "s", false, false);
        res.row("cold.listen", cold, "time from JVM start to listening (echo server)", "s", false, false);
        res.row("pingpong.rt", tcp, "64 B ping-pong", "round trips/s", true, true);
        res.row("pingpong.p50", tcp, "64 B ping-pong p50 RTT", "µs", false, false);
        res.row("pingpong.p99", tcp, "64 B ping-pong p99 RTT", "µs", false, false);
        res.row("sockperf.p50", tcp, "64 B ping-pong p50 RTT, sockperf client and server", "µs", false, false);
        for (int c : new int[] {1, 50, 500}) res.row("echo" + c, tcp, "pipelined echo, " + c + " conn × 16, 64 B", "msgs/s", true, true);
        res.row("bulk", tcp, "bulk 256 KiB writes, echoed", "Gbit/s", true, true);
        res.row("http", http, "hello world, 50 conn", "req/s", true, true);
        res.row("http.pipe", http, "hello world, 50 conn, 16 pipelined", "req/s", true, true);
        res.row("http.cpu", http, "hello world, 50 conn: server CPU per request", "µs", false, false);
        res.row("http.pipe.cpu", http, "hello world, 16 pipelined: server CPU per request", "µs", false, false);
        res.row("udp64", udp, "64 B datagrams, 32 in flight", "dgrams/s", true, true);
        res.row("udp1200", udp, "1200 B datagrams, 32 in flight", "dgrams/s", true, true);
        String al = "server loop allocation";
        res.row("alloc.echo50", al, "pipelined echo, 50 conn × 16, 64 B", "B/msg", false, false);
        res.row("alloc.udp64", al, "UDP echo, 64 B datagrams", "B/dgram", false, false);
        String v = "virtual threads, thread per connection";
        vt.row("pingpong.rt", v, "64 B ping-pong", "round trips/s", true, false);
        vt.row("pingpong.p50", v, "64 B ping-pong p50 RTT", "µs", false, false);
        vt.row("pingpong.p99", v, "64 B ping-pong p99 RTT", "µs", false, false);
        vt.row("echo50", v, "pipelined echo, 50 conn × 16, 64 B", "msgs/s", true, false);
        vt.row("echo500", v, "pipelined echo, 500 conn × 16, 64 B", "msgs/s", true, false);
    }

    /** One round: every scenario group for every server, in turn. */
    void round() throws Exception {
        echo50ThisRound.clear();
        for (String t : columns) echoServer(t);
        // more fresh JVMs for the cold rows, the servers taking turns again: sample i of one pairs with sample i of
        // another, as rounds do
        for (int k = 1; k < d.coldStarts(); k++) for (String t : columns) coldStart(t);
        for (String t : columns) if (!t.equals(C)) httpServer(t);
        for (String t : columns) udpServer(t);
        if (Runner.have("sockperf")) sockperf();
        for (String impl : List.of("socket2j", "jdk")) vtServer(impl);
    }

    // ------------------------------------------------------------------ scenario groups

    /** Messages per second over the first {@link #COLD_WINDOW} s of a cold run's samples. */
    private static double firstWindowRate(List<double[]> samples) {
        double sum = 0;
        for (double[] x : samples) if (x[0] <= COLD_WINDOW + 1e-6) sum += x[1] * SAMPLE_MS / 1000.0;
        return sum / COLD_WINDOW;
    }

    /** One more fresh echo server JVM for the cold rows: its time to listen and its first {@link #COLD_WINDOW} s. */
    private void coldStart(String t) throws Exception {
        Runner.progress("server-only: cold start " + t);
        try (Server s = start(t, "echo")) {
            if (s != null) coldRun(s, t, COLD_WINDOW);
        }
    }

    /**
     * The cold rows of a server that has just said it listens: a 50-connection pipelined load from that moment for
     * {@code seconds}; its samples, or null if the load generator failed.
     */
    private List<double[]> coldRun(Server s, String t, double seconds) throws Exception {
        res.put("cold.listen", t, s.startSeconds);
        List<double[]> samples = new ArrayList<>();
        Map<String, Double> r = loadgen(List.of("echo", "-p", s.port, "-c", "50", "-d", "16", "-s", "64", "-w", "0",
            "-t", num(seconds), "-i", Integer.toString(SAMPLE_MS)), samples, t, "cold");
        if (r == null) return null;
        res.put("cold.rate", t, firstWindowRate(samples));
        return samples;
    }

    private void echoServer(String t) throws Exception {
        Runner.progress("server-only: echo " + t);
        try (Server s = start(t, "echo")) {
            if (s == null) return;
            List<double[]> samples = coldRun(s, t, d.cold());
            echoRow(s, t, 50, "echo50");
            Double steady = echo50ThisRound.get(t);
            if (samples != null && steady != null && steady > 0) res.put("cold.t95", t, timeTo95(samples, steady));
            echoRow(s, t, 1, "echo1");
            echoRow(s, t, 500, "echo500");
            Map<String, Double> pp = loadgen(warm("pingpong", s.port, "-s", "64"), null, t, "pingpong");
            if (pp != null) {
                res.put("pingpong.rt", t, pp.getOrDefault("rt_per_s", Double.NaN));
                res.put("pingpong.p50", t, pp.getOrDefault("p50_us", Double.NaN));
                res.put("pingpong.p99", t, pp.getOrDefault("p99_us", Double.NaN));
            }
            Map<String, Double> b = loadgen(warm("bulk", s.port, "-s", Integer.toString(256 * 1024)), null, t, "bulk");
            if (b != null) res.put("bulk", t, b.getOrDefault("gbit_per_s", Double.NaN));
        }
    }

    private void echoRow(Server s, String t, int conns, String key) throws Exception {
        Allocation a = key.equals("echo50") && !t.equals(C) ? new Allocation(s) : null;
        Map<String, Double> r = loadgen(warm("echo", s.port, "-c", Integer.toString(conns), "-d", "16", "-s", "64"), null, t, key);
        if (r == null) return;
        double rate = r.getOrDefault("msgs_per_s", Double.NaN);
        res.put(key, t, rate);
        if (a != null) a.report("alloc.echo50", t, rate);
        if (key.equals("echo50")) echo50ThisRound.put(t, rate);
    }

    /**
     * The server loop's allocation over a warm row's measured window: its counter is read when the load generator's
     * warm-up ends (a timer started with the load generator) and again when it is done, and the difference is divided
     * by the messages of the measured window (rate × measured seconds).
     */
    private final class Allocation {
        private final Server s;
        private final long started = System.nanoTime();
        private volatile double atWarmEnd = Double.NaN;
        private final Thread timer;

        Allocation(Server s) {
            this.s = s;
            timer = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep((long) (d.warm() * 1000));
                    atWarmEnd = s.loopAllocated();
                } catch (InterruptedException ignored) {
                    // the row failed before its warm-up ended
                }
            });
        }

        void report(String key, String t, double rate) throws InterruptedException {
            timer.join(TimeUnit.SECONDS.toMillis(10));
            double end = s.loopAllocated(), measured = (System.nanoTime() - started) / 1e9 - d.warm();
            if (Double.isFinite(atWarmEnd) && Double.isFinite(end) && rate > 0 && measured > 0) {
                res.put(key, t, Math.max(0, end - atWarmEnd) / (rate * measured));
            }
        }
    }

    /**
     * When the cold run first reached 95% of the warm rate: the end of the first 3-sample (600 ms) window whose mean is
     * there; infinity if it never got there within the cold run.
     */
    static double timeTo95(List<double[]> samples, double steady) {
        int w = 3;
        for (int i = w - 1; i < samples.size(); i++) {
            double sum = 0;
            for (int j = i - w + 1; j <= i; j++) sum += samples.get(j)[1];
            if (sum / w >= 0.95 * steady) return samples.get(i)[0];
        }
        return Double.POSITIVE_INFINITY;
    }

    private void httpServer(String t) throws Exception {
        if (!Runner.have("wrk")) {
            res.notes.add("wrk not installed: HTTP rows empty");
            return;
        }
        Runner.progress("server-only: http " + t);
        try (Server s = start(t, "http")) {
            if (s == null) return;
            String url = "http://127.0.0.1:" + s.port + "/";
            wrk(url, d.firstWarm(), false);
            // the row's own warm-up, on new connections as every wrk run: a server's first connection churn
            // recompiles its accept path (seen as 1-2 s at half speed), which the measured run must not include
            wrk(url, d.wrkWarm(), false);
            measuredWrk(s, t, url, false, "http");
            wrk(url, d.wrkWarm(), true);
            measuredWrk(s, t, url, true, "http.pipe");
        }
    }

    /**
     * A measured wrk run: the rate, and the server process's CPU time (user + system, all its threads, from
     * /proc/PID/stat) per request over the run. wrk is often the bottleneck of these rows (it takes about as much CPU
     * per request as the server), and then the CPU per request is what tells two servers apart.
     */
    private void measuredWrk(Server s, String t, String url, boolean pipelined, String key) throws Exception {
        double cpu0 = cpuSeconds(s.p.pid());
        double rate = wrk(url, d.wrkMeasure(), pipelined);
        double cpu1 = cpuSeconds(s.p.pid());
        res.put(key, t, rate);
        if (rate > 0 && cpu0 >= 0 && cpu1 >= cpu0) res.put(key + ".cpu", t, (cpu1 - cpu0) * 1e6 / (rate * d.wrkMeasure()));
    }

    /** utime + stime of a process in seconds, or -1 if /proc cannot tell. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;  // fields 14, 15: clock ticks (USER_HZ 100)
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private double wrk(String url, int seconds, boolean pipelined) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(PIN, "-c", CLIENT_CORE, "wrk", "-t1", "-c50", "-d" + seconds + "s"));
        if (pipelined) cmd.addAll(List.of("-s", lua));
        cmd.add(url);
        if (pipelined) cmd.addAll(List.of("--", "16"));
        Double v = Runner.grab(run(cmd, seconds + 20), "Requests/sec:\\s+([0-9.]+)");
        return v == null ? Double.NaN : v;
    }

    private void udpServer(String t) throws Exception {
        Runner.progress("server-only: udp " + t);
        try (Server s = start(t, "udp")) {
            if (s == null) return;
            loadgen(List.of("udp", "-p", s.port, "-d", "32", "-s", "64", "-w", "0", "-t", num(d.firstWarm())), null, t, "udp.warm");
            for (int size : new int[] {64, 1200}) {
                Allocation a = size == 64 && !t.equals(C) ? new Allocation(s) : null;
                Map<String, Double> r = loadgen(warm("udp", s.port, "-d", "32", "-s", Integer.toString(size)), null, t, "udp" + size);
                if (r == null) continue;
                double rate = r.getOrDefault("dgrams_per_s", Double.NaN);
                res.put("udp" + size, t, rate);
                if (a != null) a.report("alloc.udp64", t, rate);
            }
        }
    }

    /** sockperf's ping-pong, pinned as the servers are, full round trips: it matches the ping-pong row's mode. */
    private void sockperf() throws Exception {
        Runner.progress("server-only: sockperf ping-pong");
        int port = 17000 + (int) (ProcessHandle.current().pid() % 1000);
        Process srv = new ProcessBuilder(PIN, "-c", SERVER_CORE, "sockperf", "server", "-i", "127.0.0.1", "-p",
            Integer.toString(port), "--tcp").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Thread.sleep(500);
            double seconds = Math.max(2, d.warm() + d.measure());
            List<String> out = run(List.of(PIN, "-c", CLIENT_CORE, "sockperf", "ping-pong", "-i", "127.0.0.1", "-p",
                Integer.toString(port), "--tcp", "-m", "64", "--full-rtt", "-t", Integer.toString((int) Math.ceil(seconds))),
                (int) seconds + 30);
            Double p50 = Runner.grab(out, "percentile 50\\.000 =\\s+([0-9.]+)");
            if (p50 != null) res.put("sockperf.p50", C, p50);
        } finally {
            srv.destroy();
            srv.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private void vtServer(String impl) throws Exception {
        String col = impl + "-vt";
        Runner.progress("server-only: virtual threads " + impl);
        List<String> cmd = new ArrayList<>(List.of(PIN, "-c", SERVER_CORE));
        cmd.addAll(jvm(VtEchoServer.class.getName(), impl));
        try (Server s = Server.start(cmd, log)) {
            if (s.port == null) {
                vt.notes.add(col + ": server did not start: " + s.firstLine);
                return;
            }
            Map<String, Double> pp = vtLoad(col, "pingpong.rt", warm("pingpong", s.port, "-s", "64"));
            if (pp != null) {
                vt.put("pingpong.rt", col, pp.getOrDefault("rt_per_s", Double.NaN));
                vt.put("pingpong.p50", col, pp.getOrDefault("p50_us", Double.NaN));
                vt.put("pingpong.p99", col, pp.getOrDefault("p99_us", Double.NaN));
            }
            for (int c : new int[] {50, 500}) {
                Map<String, Double> r = vtLoad(col, "echo" + c, warm("echo", s.port, "-c", Integer.toString(c), "-d", "16", "-s", "64"));
                if (r == null) continue;
                double served = r.getOrDefault("conns_served", (double) c);
                if (served < c) {
                    failures.put("vt/echo" + c + "/" + col, String.format(Locale.ROOT, "stalled: %.0f of %d conns served", served, c));
                } else {
                    vt.put("echo" + c, col, r.getOrDefault("msgs_per_s", Double.NaN));
                }
            }
        }
    }

    private Map<String, Double> vtLoad(String col, String key, List<String> args) throws Exception {
        List<String> out = run(pinnedLoadgen(args), (int) (d.warm() + d.measure()) + 30);
        Map<String, Double> r = parse(out, null);
        if (r == null || r.getOrDefault(key.startsWith("pingpong") ? "rt_per_s" : "msgs_per_s", 0.0) <= 0) {
            failures.put("vt/" + key + "/" + col, "stalled: no replies");
            if (key.startsWith("pingpong")) {
                failures.put("vt/pingpong.p50/" + col, "—");
                failures.put("vt/pingpong.p99/" + col, "—");
            }
            return null;
        }
        return r;
    }

    // ------------------------------------------------------------------ processes

    /** A server process; closing it closes its stdin (its signal to exit) and waits for it, killing it after 10 s. */
    static final class Server implements AutoCloseable {
        final Process p;
        final String port, firstLine;
        /** From process start to its READY line. */
        final double startSeconds;

        private final BlockingQueue<String> allocReplies;

        private Server(Process p, String port, String firstLine, double startSeconds, BlockingQueue<String> allocReplies) {
            this.p = p;
            this.allocReplies = allocReplies;
            this.port = port;
            this.firstLine = firstLine;
            this.startSeconds = startSeconds;
        }

        static Server start(List<String> cmd, List<String> log) throws IOException, InterruptedException {
            synchronized (log) { log.add(shown(cmd)); }
            long started = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            BufferedReader br = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String[] first = new String[1];
            long[] ready = new long[1];
            BlockingQueue<String> allocReplies = new LinkedBlockingQueue<>();
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try {
                    String l = br.readLine();
                    synchronized (first) {
                        ready[0] = System.nanoTime();
                        first[0] = l == null ? "(exited: no output)" : l;
                        first.notifyAll();
                    }
                    while ((l = br.readLine()) != null) {
                        if (l.startsWith("ALLOC ")) allocReplies.offer(l.substring(6).trim());
                        else synchronized (log) { log.add("server: " + l); }
                    }
                } catch (IOException ignored) {
                    // ended
                }
            });
            String line;
            synchronized (first) {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (first[0] == null && System.nanoTime() < until) first.wait(1000);
                line = first[0];
            }
            if (reader.isAlive() && line == null) line = "(no READY line within 30 s)";
            synchronized (log) { log.add("server: " + line); }
            String port = line != null && line.startsWith("READY ") ? line.substring(6).trim() : null;
            double startSeconds;
            synchronized (first) { startSeconds = (ready[0] - started) / 1e9; }
            if (port != null) synchronized (log) { log.add(String.format(Locale.ROOT, "server: listening %.3f s after start", startSeconds)); }
            return new Server(p, port, line, port == null ? Double.NaN : startSeconds, allocReplies);
        }

        /** Bytes the server's loop thread has allocated so far (a JVM server answers "ALLOC" on stdin); NaN if none. */
        double loopAllocated() {
            try {
                allocReplies.clear();
                p.getOutputStream().write("ALLOC\n".getBytes(StandardCharsets.US_ASCII));
                p.getOutputStream().flush();
                String r = allocReplies.poll(5, TimeUnit.SECONDS);
                return r == null ? Double.NaN : Double.parseDouble(r);
            } catch (IOException | InterruptedException | NumberFormatException e) {
                return Double.NaN;
            }
        }

        @Override public void close() throws Exception {
            try {
                p.getOutputStream().close();
            } catch (IOException ignored) {
                // already gone
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private Server start(String t, String mode) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(PIN, "-c", SERVER_CORE));
        if (t.equals(C)) {
            if (mode.equals("http")) return null;
            cmd.addAll(List.of(echoserver, mode.equals("udp") ? "udp" : "tcp"));
        } else {
            cmd.addAll(jvm(ServerMain.class.getName(), t, mode));
        }
        Server s = Server.start(cmd, log);
        if (s.port == null) {
            res.notes.add(t + ": " + mode + " server did not start: " + s.firstLine);
            s.close();
            return null;
        }
        return s;
    }

    private List<String> jvm(String main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xms256m", "-Xmx1g",
            "-XX:+UseParallelGC", "-cp", cp, main));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private List<String> warm(String mode, String port, String... more) {
        List<String> a = new ArrayList<>(List.of(mode, "-p", port, "-w", num(d.warm()), "-t", num(d.measure())));
        a.addAll(List.of(more));
        return a;
    }

    private List<String> pinnedLoadgen(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(PIN, "-c", CLIENT_CORE, loadgen));
        cmd.addAll(args);
        return cmd;
    }

    /** Runs the load generator; its RESULT values, or null (and a note) when it failed. */
    private Map<String, Double> loadgen(List<String> args, List<double[]> samples, String t, String what) throws Exception {
        double seconds = Double.parseDouble(args.get(args.indexOf("-w") + 1)) + Double.parseDouble(args.get(args.indexOf("-t") + 1));
        List<String> out = run(pinnedLoadgen(args), (int) seconds + 30);
        Map<String, Double> r = parse(out, samples);
        if (r == null) {
            String why = out.stream().filter(l -> l.startsWith("FAILED")).findFirst().orElse("no result");
            res.notes.add(t + " " + what + ": " + why);
        }
        return r;
    }

    private static Map<String, Double> parse(List<String> out, List<double[]> samples) {
        Map<String, Double> r = new LinkedHashMap<>();
        for (String l : out) {
            String[] f = l.trim().split("\\s+");
            if (f.length == 3 && f[0].equals("RESULT")) r.put(f[1], Double.parseDouble(f[2]));
            else if (f.length == 3 && f[0].equals("SAMPLE") && samples != null) {
                samples.add(new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2])});
            }
        }
        return r.isEmpty() ? null : r;
    }

    private List<String> run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        synchronized (log) { log.add(shown(cmd)); }
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
            synchronized (log) { log.add("timed out after " + timeoutSeconds + " s"); }
        }
        reader.join(5000);
        synchronized (lines) {
            synchronized (log) {
                for (String l : lines) if (!l.startsWith("SAMPLE")) log.add(l);
            }
            return new ArrayList<>(lines);
        }
    }

    /** A command line for the log, the class path shortened to {@code $CP} (it is the same on every line). */
    static String shown(List<String> cmd) {
        String cp = System.getProperty("java.class.path");
        StringBuilder b = new StringBuilder("$");
        for (String c : cmd) b.append(' ').append(c.equals(cp) ? "$CP" : c);
        return b.toString();
    }

    private static String num(double v) { return String.format(Locale.ROOT, "%.2f", v); }

    // ------------------------------------------------------------------ report

    static String label(String col) {
        return switch (col) {
            case "socket2j" -> "socket2j epoll";
            case "socket2j-uring" -> "socket2j io_uring";
            case "epoll" -> "Netty epoll";
            case "io_uring" -> "Netty io_uring";
            case "nio" -> "NIO";
            case C -> "C";
            case "socket2j-vt" -> "socket2j core, virtual threads";
            case "jdk-vt" -> "java.net.ServerSocket, virtual threads";
            default -> col;
        };
    }

    String markdown() {
        StringBuilder b = new StringBuilder();
        boolean uring = columns.contains("socket2j-uring");
        List<String[]> ratios = new ArrayList<>();
        ratios.add(new String[] {"socket2j", "epoll", "socket2j ÷ epoll"});
        ratios.add(new String[] {"socket2j", "io_uring", "socket2j ÷ io_uring"});
        ratios.add(new String[] {"socket2j", "nio", "socket2j ÷ NIO"});
        ratios.add(new String[] {"socket2j", C, "socket2j ÷ C"});
        if (uring) ratios.add(new String[] {"socket2j-uring", "io_uring", "socket2j io_uring ÷ Netty io_uring"});
        b.append("| scenario | unit |");
        for (String c : columns) b.append(' ').append(label(c)).append(" |");
        for (String[] r : ratios) b.append(' ').append(r[2]).append(" |");
        b.append(" socket2j ÷ epoll, round by round (lowest–highest) |");
        b.append("\n|---|---|").append("---:|".repeat(columns.size() + ratios.size() + 1)).append('\n');
        String group = "";
        for (Map.Entry<String, Results.Row> e : res.rows.entrySet()) {
            Results.Row r = e.getValue();
            if (!r.group().equals(group)) {
                group = r.group();
                b.append("| **").append(group).append("** |").append(" |".repeat(columns.size() + ratios.size() + 2)).append('\n');
            }
            b.append("| ").append(r.name()).append(" | ").append(r.unit());
            for (String c : columns) b.append(" | ").append(cell(e.getKey(), r, c));
            for (String[] q : ratios) {
                Double x = r.get(q[0]), y = r.get(q[1]);
                boolean finite = x != null && y != null && Double.isFinite(x) && Double.isFinite(y);
                b.append(" | ").append(Results.fmtRatio(finite ? Results.ratio(r, x, y) : null));
            }
            b.append(" | ").append(roundRatios(r, "socket2j", "epoll")).append(" |\n");
        }
        return b.toString();
    }

    /**
     * The range of {@code a ÷ b} over the rounds (round i of one with round i of the other): where it spans 1.00 the
     * median ratio is within the run's noise. A dash for a single round or a missing value.
     */
    static String roundRatios(Results.Row r, String a, String b) {
        List<Double> x = r.samples().get(a), y = r.samples().get(b);
        if (x == null || y == null || Math.min(x.size(), y.size()) < 2) return "—";
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
            if (!Double.isFinite(x.get(i)) || !Double.isFinite(y.get(i))) continue;
            Double q = Results.ratio(r, x.get(i), y.get(i));
            if (q == null) continue;
            lo = Math.min(lo, q);
            hi = Math.max(hi, q);
        }
        return lo > hi ? "—" : Results.fmtRatio(lo) + "–" + Results.fmtRatio(hi);
    }

    private String cell(String key, Results.Row r, String col) {
        Double v = r.get(col);
        if (v != null && v.isInfinite()) return "> " + Results.fmt(d.cold()) + " s";
        if (v != null && (key.equals("cold.t95") || key.equals("cold.listen"))) return String.format(Locale.ROOT, "%.1f", v);
        return Results.fmt(v);
    }

    String vtMarkdown() {
        List<String> cols = List.of("socket2j-vt", "jdk-vt");
        StringBuilder b = new StringBuilder("| scenario | unit |");
        for (String c : cols) b.append(' ').append(label(c)).append(" |");
        b.append(" socket2j ÷ java.net |\n|---|---|---:|---:|---:|\n");
        for (Map.Entry<String, Results.Row> e : vt.rows.entrySet()) {
            Results.Row r = e.getValue();
            b.append("| ").append(r.name()).append(" | ").append(r.unit());
            for (String c : cols) {
                String f = failures.get("vt/" + e.getKey() + "/" + c);
                b.append(" | ").append(f != null && r.get(c) == null ? f : Results.fmt(r.get(c)));
            }
            b.append(" | ").append(Results.fmtRatio(Results.ratio(r, r.get("socket2j-vt"), r.get("jdk-vt")))).append(" |\n");
        }
        return b.toString();
    }
}
