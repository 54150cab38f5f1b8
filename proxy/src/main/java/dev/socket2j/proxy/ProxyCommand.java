package dev.socket2j.proxy;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The command line, declared for picocli: each flag once, with its help text and its value converter. Values are
 * checked as they are converted (a converter's message names what is wrong); the checks that span flags are in
 * {@link #toConfig()}.
 */
@Command(name = "socket2j-proxy", sortOptions = false, usageHelpWidth = 110, synopsisHeading = "",
    customSynopsis = {
        "usage: socket2j-proxy                       run the demo (backend + proxy + client on loopback)",
        "       socket2j-proxy demo [flags]",
        "       socket2j-proxy --listen [HOST:]PORT --upstream HOST:PORT [flags]",
        "       socket2j-proxy --udp --listen [HOST:]PORT --upstream HOST:PORT [flags]",
        "       socket2j-proxy --list-options        print the option names --listen-opt/--upstream-opt take"},
    optionListHeading = "flags:%n",
    footer = {
        "option names: the option table's names lowercased (so_keepalive, ip_tos, tcp_congestion, ...) and",
        "socket2's getter names (tcp_keepalive_time, reuse_port, ...); values as the option's codec parses them",
        "(true/false, 30s, 0x10, reno, ...), checked as the option's encoder checks them. Upstream options are tried",
        "once on a probe socket at start, so the kernel's refusal stops start-up.",
        "Exit status: 0 ok, 1 runtime failure (the errno's name on stderr), 2 bad command line (one line on stderr).",
        "UDP: each client address (IP:port) gets a session with its own upstream socket connected to --upstream",
        "(--upstream-opt applies to it; --listen-opt to the listening sockets, one per loop, SO_REUSEPORT when",
        "--threads > 1); replies go back to the client from the listening socket, one datagram for one, never",
        "merged or split. A datagram that finds the socket it must leave by backed up (send buffer full and",
        "512 KiB waiting in Netty) is dropped and counted, never queued without bound. An ICMP port unreachable",
        "from upstream is counted and reported once per session, and the session is kept (the backend may come",
        "back) until it idles out.",
        "The demo is TCP only."})
final class ProxyCommand {

    @Parameters(arity = "0..*", paramLabel = "demo|help", hidden = true)
    List<String> words = new ArrayList<>();

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help")
    boolean help;

    @Option(names = "--list-options", description = "print the option names --listen-opt/--upstream-opt take")
    boolean listOptions;

    @Option(names = "--listen", paramLabel = "[HOST:]PORT", converter = ListenAddress.class,
        description = "where to accept (port 0: any free port; host default 0.0.0.0)")
    InetSocketAddress listen;

    @Option(names = "--upstream", paramLabel = "HOST:PORT", converter = UpstreamAddress.class,
        description = "where to forward to (port 1..65535)")
    InetSocketAddress upstream;

    @Option(names = "--transport", paramLabel = "NAME", converter = TransportName.class,
        description = "socket2j (default when present) or nio")
    ProxyTransport transport;

    @Option(names = "--threads", paramLabel = "N", converter = AsciiInt.class,
        description = "event loops, each with its own SO_REUSEPORT listener (default: cores)")
    Integer threads;

    @Option(names = "--connect-timeout", paramLabel = "DUR", converter = PositiveDuration.class,
        description = "upstream connect timeout, e.g. 3s, 500ms (default 5s; TCP only)")
    Duration connectTimeout;

    @Option(names = "--splice",
        description = "TCP on socket2j: zero-copy forwarding with splice(2) (bytes stay in the kernel)")
    boolean splice;

    @Option(names = "--listen-opt", paramLabel = "NAME=VALUE",
        description = "socket option on the listener and each accepted connection (repeatable)")
    List<String> listenOpts = new ArrayList<>();

    @Option(names = "--upstream-opt", paramLabel = "NAME=VALUE",
        description = "socket option on each upstream connection, before connect (repeatable)")
    List<String> upstreamOpts = new ArrayList<>();

    @Option(names = "--udp", description = "forward UDP datagrams (same as --protocol udp); see below")
    boolean udp;

    @Option(names = "--protocol", paramLabel = "tcp|udp", converter = Protocol.class,
        description = "tcp (default) or udp")
    String protocol;

    @Option(names = "--idle-timeout", paramLabel = "DUR", converter = PositiveDuration.class,
        description = "UDP: close a session after this long without a datagram (default 60s)")
    Duration idleTimeout;

    @Option(names = "--max-sessions", paramLabel = "N", converter = AsciiInt.class,
        description = "UDP: sessions at once; new clients beyond it are dropped (default 10000)")
    Integer maxSessions;

    @Option(names = "--status", negatable = true,
        description = "live status line; --no-status: none (default: on when stderr is a terminal)")
    Boolean status;

    @Option(names = "--seconds", paramLabel = "S", converter = Seconds.class,
        description = "demo: seconds of traffic (default 3)")
    Double seconds;

    @Option(names = "--connections", paramLabel = "N", converter = AsciiInt.class,
        description = "demo: client connections (default 8)")
    Integer connections;

    /** Builds the picocli parser for this command (values that look like flags are refused as values). */
    static CommandLine parser(ProxyCommand command) {
        CommandLine cl = new CommandLine(command);
        cl.setOverwrittenOptionsAllowed(true);
        return cl;
    }

    /** The help text, as {@code --help} prints it. */
    static String usage() {
        return parser(new ProxyCommand()).getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing();
    }

    /** The cross-flag checks and defaults; {@code firstArg} tells whether {@code demo} came first. */
    ProxyConfig toConfig(String firstArg) throws UsageException {
        if (help) return ProxyConfig.help("help");
        String mode = null;
        for (String w : words) {
            switch (w) {
                case "help" -> { return ProxyConfig.help("help"); }
                case "demo" -> {
                    if (!"demo".equals(firstArg)) throw new UsageException("'demo' must come first");
                    mode = "demo";
                }
                default -> throw new UsageException("unknown argument '" + w + "'");
            }
        }
        if (listOptions) return ProxyConfig.help("list-options");
        if (mode == null && listen == null && upstream == null) mode = "demo";   // no arguments, or only demo flags
        if (mode == null) {
            if (listen == null || upstream == null) {
                throw new UsageException("--listen and --upstream are both required (or 'demo', or no arguments)");
            }
            mode = "run";
        } else if (upstream != null) {
            throw new UsageException("demo starts its own backend: --upstream does not apply");
        }
        boolean isUdp = udp || "udp".equals(protocol);
        if (udp && "tcp".equals(protocol)) throw new UsageException("--udp and --protocol tcp contradict each other");
        int nThreads = range("--threads", threads, 1, 1024, Math.max(1, Runtime.getRuntime().availableProcessors()));
        Integer sessions = maxSessions == null ? null : range("--max-sessions", maxSessions, 1, 1_000_000, 0);
        int nConnections = range("--connections", connections, 1, 10_000, 8);
        if (isUdp && mode.equals("demo")) {
            throw new UsageException("the demo is TCP only: --udp needs --listen and --upstream");
        }
        if (isUdp && connectTimeout != null) {
            throw new UsageException("--connect-timeout applies to TCP only (UDP has no connect handshake)");
        }
        if (!isUdp && idleTimeout != null) throw new UsageException("--idle-timeout applies to --udp only");
        if (!isUdp && sessions != null) throw new UsageException("--max-sessions applies to --udp only");
        ProxyTransport t = transport != null ? transport : ProxyTransport.defaultTransport();
        if (splice && isUdp) throw new UsageException("--splice applies to TCP only");
        if (splice && t != ProxyTransport.SOCKET2J) {
            throw new UsageException("--splice needs --transport socket2j (splice(2) is a socket2j channel method)");
        }
        List<OptionSetting> lo = new ArrayList<>(), uo = new ArrayList<>();
        for (String o : listenOpts) lo.add(OptionSetting.parse("--listen-opt", o));
        for (String o : upstreamOpts) uo.add(OptionSetting.parse("--upstream-opt", o));
        boolean live = status != null ? status : System.console() != null && !mode.equals("demo");
        return new ProxyConfig(mode, listen != null ? listen : new InetSocketAddress("127.0.0.1", 0), upstream, t,
            nThreads, connectTimeout != null ? connectTimeout : Duration.ofSeconds(5), List.copyOf(lo), List.copyOf(uo),
            live, seconds != null ? seconds : 3, nConnections, isUdp,
            idleTimeout != null ? idleTimeout : ProxyConfig.DEFAULT_IDLE_TIMEOUT,
            sessions != null ? sessions : ProxyConfig.DEFAULT_MAX_SESSIONS, splice);
    }

    private static int range(String flag, Integer v, int min, int max, int dflt) throws UsageException {
        if (v == null) return dflt;
        if (v < min || v > max) throw new UsageException(flag + " must be in " + min + ".." + max + ", got " + v);
        return v;
    }

    /**
     * A decimal number of ASCII digits only: {@link Integer#parseInt} also takes other scripts' digits
     * ({@code ４５６７８}), which no user means as a port or a count.
     */
    static int asciiInt(String text) {
        String t = text.trim();
        boolean ok = !t.isEmpty() && t.length() <= 9;
        for (int i = 0; ok && i < t.length(); i++) ok = t.charAt(i) >= '0' && t.charAt(i) <= '9';
        if (!ok) throw new TypeConversionException("expects a number of ASCII digits, got '" + text + "'");
        return Integer.parseInt(t);
    }

    /** {@code 500ms}, {@code 3s}, {@code 2m}, or a bare number of seconds; positive. */
    static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Duration d;
        try {
            if (t.endsWith("ms")) d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            else if (t.endsWith("s")) d = Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            else if (t.endsWith("m")) d = Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            else d = Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
        } catch (NumberFormatException | ArithmeticException e) {
            throw new TypeConversionException("expects a duration such as 3s or 500ms, got '" + text + "'");
        }
        if (d.isNegative() || d.isZero()) throw new TypeConversionException("must be positive, got '" + text + "'");
        return d;
    }

    /** {@code [HOST:]PORT} or {@code HOST:PORT}; IPv6 hosts in brackets; the host must resolve. */
    static InetSocketAddress address(String text, boolean hostOptional, int minPort) {
        String host, port;
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            if (!hostOptional) throw new TypeConversionException("expects HOST:PORT, got '" + text + "'");
            host = "0.0.0.0";
            port = text;
        } else {
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            if (host.isEmpty()) host = "0.0.0.0";
        }
        int p;
        try {
            p = asciiInt(port);
        } catch (TypeConversionException e) {
            throw new TypeConversionException("port " + e.getMessage());
        }
        if (p < minPort || p > 65535) {
            throw new TypeConversionException("port must be in " + minPort + "..65535, got " + p
                + (p == 0 ? " (an upstream has a real port)" : ""));
        }
        InetSocketAddress a = new InetSocketAddress(host, p);
        if (a.isUnresolved()) throw new TypeConversionException("cannot resolve host '" + host + "'");
        return a;
    }

    static final class ListenAddress implements ITypeConverter<InetSocketAddress> {
        @Override public InetSocketAddress convert(String v) { return address(v, true, 0); }
    }

    static final class UpstreamAddress implements ITypeConverter<InetSocketAddress> {
        @Override public InetSocketAddress convert(String v) { return address(v, false, 1); }
    }

    static final class AsciiInt implements ITypeConverter<Integer> {
        @Override public Integer convert(String v) { return asciiInt(v); }
    }

    static final class PositiveDuration implements ITypeConverter<Duration> {
        @Override public Duration convert(String v) { return duration(v); }
    }

    static final class Seconds implements ITypeConverter<Double> {
        @Override public Double convert(String text) {
            double v;
            try {
                v = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("expects seconds, got '" + text + "'");
            }
            if (!(v > 0 && v <= 3600)) throw new TypeConversionException("must be in (0, 3600], got " + text);
            return v;
        }
    }

    static final class Protocol implements ITypeConverter<String> {
        @Override public String convert(String text) {
            String p = text.toLowerCase(Locale.ROOT);
            if (!p.equals("tcp") && !p.equals("udp")) throw new TypeConversionException("expects tcp or udp, got '" + text + "'");
            return p;
        }
    }

    static final class TransportName implements ITypeConverter<ProxyTransport> {
        @Override public ProxyTransport convert(String name) {
            String n = name.toLowerCase(Locale.ROOT);
            for (ProxyTransport t : ProxyTransport.available()) if (t.name().equals(n)) return t;
            throw new TypeConversionException("unknown transport '" + name + "' (have: "
                + String.join(", ", ProxyTransport.available().stream().map(ProxyTransport::name).toList()) + ")");
        }
    }
}
