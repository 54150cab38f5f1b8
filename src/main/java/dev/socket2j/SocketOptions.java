package dev.socket2j;

import java.io.IOException;
import java.util.Optional;

/**
 * The named option accessors of socket2, each a one-line delegation to {@link #getOption} /
 * {@link #setOption} with a {@link SockOpt} descriptor. Implemented by {@link Socket} and {@link SockRef}.
 * Setters' Javadoc carries the semantics; getters say "see the setter".
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/socket.7.html">socket(7)</a>
 */
public interface SocketOptions {
    /** Reads option {@code opt}; an option the socket does not support fails with its errno (ENOPROTOOPT, …). */
    <T> T getOption(SockOpt<T> opt) throws IOException;

    /** Writes option {@code opt}; a value outside the C range is refused before the syscall. */
    <T> void setOption(SockOpt<T> opt, T value) throws IOException;

    // ---------------------------------------------------------------- SOL_SOCKET

    /** {@code SO_TYPE}: the socket's type. */
    default Type type() throws IOException { return new Type(getOption(SockOpt.SO_TYPE)); }

    /** {@code SO_ERROR}: the pending error, cleared by reading it; empty if none. */
    default Optional<IOException> takeError() throws IOException {
        int errno = getOption(SockOpt.SO_ERROR);
        return errno == 0 ? Optional.empty() : Optional.of(OsError.of("SO_ERROR", errno));
    }

    /** See {@link #setReuseAddress}. */
    default boolean reuseAddress() throws IOException { return getOption(SockOpt.SO_REUSEADDR); }

    /** Sets {@code SO_REUSEADDR}: allow binding to an address in TIME_WAIT (and, for UDP, shared binds). */
    default void setReuseAddress(boolean on) throws IOException { setOption(SockOpt.SO_REUSEADDR, on); }

    /** See {@link #setKeepalive}. */
    default boolean keepalive() throws IOException { return getOption(SockOpt.SO_KEEPALIVE); }

    /** Sets {@code SO_KEEPALIVE}: send keepalive probes on an idle connection. */
    default void setKeepalive(boolean on) throws IOException { setOption(SockOpt.SO_KEEPALIVE, on); }

    // ---------------------------------------------------------------- IPPROTO_TCP

    /** See {@link #setTcpNodelay}. */
    default boolean tcpNodelay() throws IOException { return getOption(SockOpt.TCP_NODELAY); }

    /** Sets {@code TCP_NODELAY}: send segments as soon as possible, disabling Nagle's algorithm. */
    default void setTcpNodelay(boolean on) throws IOException { setOption(SockOpt.TCP_NODELAY, on); }
}
