package dev.socket2j.proxy;

import picocli.CommandLine;

import java.net.InetSocketAddress;
import java.time.Duration;
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

    /**
     * Parses the arguments (with picocli, see {@link ProxyCommand}); a mistake becomes a {@link UsageException}
     * with a one-line message for the user.
     */
    static ProxyConfig parse(String... args) throws UsageException {
        ProxyCommand command = new ProxyCommand();
        try {
            ProxyCommand.parser(command).parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new UsageException(e.getMessage());
        }
        return command.toConfig(args.length > 0 ? args[0] : null);
    }

    static ProxyConfig help(String mode) {
        return new ProxyConfig(mode, null, null, null, 0, Duration.ZERO, List.of(), List.of(), false, 0, 0,
            false, Duration.ZERO, 0, false);
    }
}
