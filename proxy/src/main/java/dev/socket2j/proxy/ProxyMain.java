package dev.socket2j.proxy;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code socket2j-proxy}: a TCP or UDP forwarding proxy on a Netty transport, every socket option of the
 * table settable per side from the command line. With no arguments it runs {@link ProxyDemo}.
 */
public final class ProxyMain {
    private ProxyMain() {}

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) System.exit(code);
    }

    /** Runs the command; returns the exit status (0 ok, 1 runtime failure, 2 bad command line). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        ProxyConfig config;
        try {
            config = ProxyConfig.parse(args);
        } catch (UsageException e) {
            err.println("socket2j-proxy: " + oneLine(e.getMessage()) + " (see --help)");
            return 2;
        }
        try {
            return switch (config.mode()) {
                case "help" -> { out.println(ProxyCommand.usage()); yield 0; }
                case "list-options" -> { listOptions(out); yield 0; }
                case "demo" -> ProxyDemo.run(config, out, err);
                default -> serve(config, out, err);
            };
        } catch (IOException e) {
            err.println("socket2j-proxy: " + oneLine(e.getMessage()));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (RuntimeException e) {
            // A refusal that is not an IOException (a ChannelException from Netty, an option a transport cannot
            // reach): still one line, never a stack trace.
            err.println("socket2j-proxy: " + oneLine(e.getMessage() != null ? e.getMessage() : e.toString()));
            return 1;
        }
    }

    /** The message on one line: a user sees one line per mistake. */
    static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    private static void listOptions(PrintStream out) {
        out.println("name = value type (r: readable, w: writable)");
        for (Map.Entry<String, dev.socket2j.SockOpt<?>> e : SockOptNames.all().entrySet()) {
            var o = e.getValue();
            String alias = e.getKey().equals(SockOptNames.nameOf(o)) ? "" : "  (= " + SockOptNames.nameOf(o) + ")";
            out.printf("  %-32s %-10s %s%s%s%n", e.getKey(), o.codec().type().getSimpleName(),
                o.readable() ? "r" : "-", o.writable() ? "w" : "-", alias);
        }
    }

    /** Runs the proxy until SIGINT/SIGTERM, then prints the summary. */
    private static int serve(ProxyConfig config, PrintStream out, PrintStream err)
        throws IOException, InterruptedException {
        StatusLine status = new StatusLine(err, config.status());
        Forwarder server = Forwarder.start(config, status::report);
        out.println("socket2j-proxy: " + (config.udp() ? "udp " : "") + hostPort(server.localAddress()) + " -> "
            + hostPort(config.upstream()) + " on " + config.transport().name()
            + (config.splice() ? " with splice(2)" : "") + ", " + config.threads()
            + " event loop(s)" + (config.udp() && config.threads() == 1 ? "" : " with SO_REUSEPORT")
            + (config.udp() ? ", idle timeout " + config.idleTimeout().toMillis() + " ms, at most "
                + config.maxSessions() + " sessions" : "")
            + (config.listenOpts().isEmpty() ? "" : ", listen " + config.listenOpts())
            + (config.upstreamOpts().isEmpty() ? "" : ", upstream " + config.upstreamOpts()));
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch summarized = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stopped.countDown();
            try {
                summarized.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "proxy-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "proxy-status");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(() -> status.show(server.stats().statusLine()), 1, 1, TimeUnit.SECONDS);
        try {
            stopped.await();
        } finally {
            ticker.shutdownNow();
            status.clear();
            err.println(server.stats().summary());
            server.close();
            summarized.countDown();
        }
        return 0;
    }

    static String hostPort(java.net.InetSocketAddress a) {
        String h = a.getHostString();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    /** The live status line: redrawn in place on a terminal; per-connection reports print above it. */
    static final class StatusLine {
        private final PrintStream err;
        private final boolean live;
        private boolean drawn;

        StatusLine(PrintStream err, boolean live) {
            this.err = err;
            this.live = live;
        }

        synchronized void show(String line) {
            if (!live) return;
            err.print("\r\033[K" + line);
            err.flush();
            drawn = true;
        }

        synchronized void report(String line) {
            clear();
            err.println(line);
        }

        synchronized void clear() {
            if (drawn) {
                err.print("\r\033[K");
                drawn = false;
            }
        }
    }
}
