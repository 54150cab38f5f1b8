package dev.socket2j.proxy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the command line asked for.
 *
 * @param mode {@code demo}, {@code run}, {@code help} or {@code list-options}
 * @param listen where the proxy accepts (port 0 = any free port)
 * @param upstream where it forwards to ({@code null} in demo mode: the demo starts its own backend)
 * @param transport the Netty transport
 * @param threads event loops, and as many SO_REUSEPORT listeners
 * @param connectTimeout upstream connect timeout
 * @param listenOpts options for the listening socket and every accepted connection
 * @param upstreamOpts options for every upstream connection, set before it connects
 * @param status whether to draw the live status line
 * @param seconds demo: how long to push traffic
 * @param connections demo: how many client connections
 * @param udp forward UDP datagrams instead of TCP connections
 * @param idleTimeout UDP: a session with no datagram either way for this long is closed
 * @param maxSessions UDP: at most this many sessions (client addresses) at once; datagrams of further
 *        clients are dropped and counted
 * @param splice TCP on socket2j: forward with splice(2), the bytes never entering the JVM
 */
record ProxyConfig(String mode, InetSocketAddress listen, InetSocketAddress upstream, ProxyTransport transport,
                   int threads, Duration connectTimeout, List<OptionSetting> listenOpts,
                   List<OptionSetting> upstreamOpts, boolean status, double seconds, int connections,
                   boolean udp, Duration idleTimeout, int maxSessions, boolean splice) {

    static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    static final int DEFAULT_MAX_SESSIONS = 10_000;

    static final String USAGE = """
        usage: socket2j-proxy                       run the demo (backend + proxy + client on loopback)
               socket2j-proxy demo [flags]
               socket2j-proxy --listen [HOST:]PORT --upstream HOST:PORT [flags]
               socket2j-proxy --udp --listen [HOST:]PORT --upstream HOST:PORT [flags]
               socket2j-proxy --list-options        print the option names --listen-opt/--upstream-opt take
        flags:
          --transport NAME           socket2j (default when present) or nio
          --threads N                event loops, each with its own SO_REUSEPORT listener (default: cores)
          --connect-timeout DUR      upstream connect timeout, e.g. 3s, 500ms (default 5s; TCP only)
          --splice                   TCP on socket2j: zero-copy forwarding with splice(2) (bytes stay in the kernel)
          --listen-opt NAME=VALUE    socket option on the listener and each accepted connection (repeatable)
          --upstream-opt NAME=VALUE  socket option on each upstream connection, before connect (repeatable)
          --udp, --protocol udp      forward UDP datagrams (default --protocol tcp); see below
          --idle-timeout DUR         UDP: close a session after this long without a datagram (default 60s)
          --max-sessions N           UDP: sessions at once; new clients beyond it are dropped (default 10000)
          --no-status                no live status line (default: on when stderr is a terminal)
          --status                   live status line even when stderr is not a terminal
          --seconds S                demo: seconds of traffic (default 3)
          --connections N            demo: client connections (default 8)
        option names: the option table's names lowercased (so_keepalive, ip_tos, tcp_congestion, ...) and
        socket2's getter names (tcp_keepalive_time, reuse_port, ...); values as the option's codec parses them
        (true/false, 30s, 0x10, reno, ...). Exit status: 0 ok, 1 runtime failure, 2 bad command line.
        UDP: each client address (IP:port) gets a session with its own upstream socket connected to --upstream
        (--upstream-opt applies to it; --listen-opt to the listening sockets, one per loop, SO_REUSEPORT when
        --threads > 1); replies go back to the client from the listening socket, one datagram for one, never
        merged or split. A datagram that finds the socket it must leave by backed up (send buffer full and
        512 KiB waiting in Netty) is dropped and counted, never queued without bound. An ICMP port unreachable
        from upstream is counted and reported once per session, and the session is kept (the backend may come
        back) until it idles out.
        The demo is TCP only.""";

    /** Parses the arguments; a mistake becomes a {@link UsageException} with a message for the user. */
    static ProxyConfig parse(String... args) throws UsageException {
        String mode = args.length == 0 ? "demo" : null;
        InetSocketAddress listen = null, upstream = null;
        ProxyTransport transport = null;
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        Duration connectTimeout = Duration.ofSeconds(5);
        List<OptionSetting> listenOpts = new ArrayList<>(), upstreamOpts = new ArrayList<>();
        Boolean status = null;
        double seconds = 3;
        int connections = 8;
        String protocol = "tcp";
        Duration idleTimeout = null;
        Integer maxSessions = null;
        boolean connectTimeoutGiven = false, splice = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "demo" -> { if (i != 0) throw new UsageException("'demo' must come first"); mode = "demo"; }
                case "-h", "--help", "help" -> { return help("help"); }
                case "--list-options" -> { return help("list-options"); }
                case "--listen" -> listen = address(a, value(args, ++i, a), true);
                case "--upstream" -> upstream = address(a, value(args, ++i, a), false);
                case "--transport" -> transport = ProxyTransport.byName(value(args, ++i, a));
                case "--threads" -> threads = intIn(a, value(args, ++i, a), 1, 1024);
                case "--connect-timeout" -> { connectTimeout = duration(a, value(args, ++i, a)); connectTimeoutGiven = true; }
                case "--udp" -> protocol = "udp";
                case "--splice" -> splice = true;
                case "--protocol" -> protocol = protocol(a, value(args, ++i, a));
                case "--idle-timeout" -> idleTimeout = duration(a, value(args, ++i, a));
                case "--max-sessions" -> maxSessions = intIn(a, value(args, ++i, a), 1, 1_000_000);
                case "--listen-opt" -> listenOpts.add(OptionSetting.parse(a, value(args, ++i, a)));
                case "--upstream-opt" -> upstreamOpts.add(OptionSetting.parse(a, value(args, ++i, a)));
                case "--status" -> status = true;
                case "--no-status" -> status = false;
                case "--seconds" -> seconds = seconds(a, value(args, ++i, a));
                case "--connections" -> connections = intIn(a, value(args, ++i, a), 1, 10_000);
                default -> throw new UsageException("unknown argument '" + a + "'");
            }
        }
        if (mode == null && listen == null && upstream == null) mode = "demo";   // only demo flags given
        if (mode == null) {
            if (listen == null || upstream == null) {
                throw new UsageException("--listen and --upstream are both required (or 'demo', or no arguments)");
            }
            mode = "run";
        } else if (upstream != null) {
            throw new UsageException("demo starts its own backend: --upstream does not apply");
        }
        boolean udp = protocol.equals("udp");
        if (udp && mode.equals("demo")) throw new UsageException("the demo is TCP only: --udp needs --listen and --upstream");
        if (udp && connectTimeoutGiven) throw new UsageException("--connect-timeout applies to TCP only (UDP has no connect handshake)");
        if (!udp && idleTimeout != null) throw new UsageException("--idle-timeout applies to --udp only");
        if (!udp && maxSessions != null) throw new UsageException("--max-sessions applies to --udp only");
        if (listen == null) listen = new InetSocketAddress("127.0.0.1", 0);
        if (transport == null) transport = ProxyTransport.defaultTransport();
        if (splice && udp) throw new UsageException("--splice applies to TCP only");
        if (splice && transport != ProxyTransport.SOCKET2J) {
            throw new UsageException("--splice needs --transport socket2j (splice(2) is a socket2j channel method)");
        }
        boolean live = status != null ? status : System.console() != null && !mode.equals("demo");
        return new ProxyConfig(mode, listen, upstream, transport, threads, connectTimeout, List.copyOf(listenOpts),
            List.copyOf(upstreamOpts), live, seconds, connections, udp,
            idleTimeout != null ? idleTimeout : DEFAULT_IDLE_TIMEOUT,
            maxSessions != null ? maxSessions : DEFAULT_MAX_SESSIONS, splice);
    }

    private static ProxyConfig help(String mode) {
        return new ProxyConfig(mode, null, null, null, 0, Duration.ZERO, List.of(), List.of(), false, 0, 0,
            false, Duration.ZERO, 0, false);
    }

    private static String protocol(String flag, String text) throws UsageException {
        String p = text.toLowerCase(java.util.Locale.ROOT);
        if (!p.equals("tcp") && !p.equals("udp")) throw new UsageException(flag + " expects tcp or udp, got '" + text + "'");
        return p;
    }

    private static String value(String[] args, int i, String flag) throws UsageException {
        if (i >= args.length || args[i].startsWith("--")) throw new UsageException(flag + " needs a value");
        return args[i];
    }

    static InetSocketAddress address(String flag, String text, boolean hostOptional) throws UsageException {
        String host, port;
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            if (!hostOptional) throw new UsageException(flag + " expects HOST:PORT, got '" + text + "'");
            host = "0.0.0.0";
            port = text;
        } else {
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            if (host.isEmpty()) host = "0.0.0.0";
        }
        int p = intIn(flag, port, 0, 65535);
        InetSocketAddress a = new InetSocketAddress(host, p);
        if (a.isUnresolved()) throw new UsageException(flag + ": cannot resolve host '" + host + "'");
        return a;
    }

    private static int intIn(String flag, String text, int min, int max) throws UsageException {
        try {
            int v = Integer.parseInt(text.trim());
            if (v < min || v > max) throw new UsageException(flag + " must be in " + min + ".." + max + ", got " + v);
            return v;
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " expects a number, got '" + text + "'");
        }
    }

    private static double seconds(String flag, String text) throws UsageException {
        try {
            double v = Double.parseDouble(text);
            if (!(v > 0 && v <= 3600)) throw new UsageException(flag + " must be in (0, 3600], got " + text);
            return v;
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " expects seconds, got '" + text + "'");
        }
    }

    /** {@code 500ms}, {@code 3s}, {@code 2m}, or a bare number of seconds. */
    static Duration duration(String flag, String text) throws UsageException {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            Duration d;
            if (t.endsWith("ms")) d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            else if (t.endsWith("s")) d = Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            else if (t.endsWith("m")) d = Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            else d = Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
            if (d.isNegative() || d.isZero()) throw new UsageException(flag + " must be positive, got '" + text + "'");
            return d;
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " expects a duration such as 3s or 500ms, got '" + text + "'");
        }
    }
}
