package dev.socket2j;

/**
 * A connection taken from a listener's queue by {@code accept(2)}.
 *
 * @param socket the new connected socket, owned by the caller
 * @param address the peer's address
 */
public record Accepted(Socket socket, SockAddr address) {}
