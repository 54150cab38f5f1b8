package dev.socket2j;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * An RFC 2385 TCP MD5 signature key for one peer address ({@code TCP_MD5SIG}, {@code struct tcp_md5sig}).
 * An empty key deletes the peer's key.
 *
 * @param peer the peer's address (the port is not part of the match)
 * @param key  at most 80 bytes ({@code TCP_MD5SIG_MAXKEYLEN})
 */
public record TcpMd5Sig(InetAddress peer, byte[] key) {
    /** The kernel's {@code TCP_MD5SIG_MAXKEYLEN}. */
    public static final int MAX_KEY_LEN = 80;

    /**
     * Copies {@code key}.
     *
     * @throws IllegalArgumentException for a key longer than {@link #MAX_KEY_LEN}
     */
    public TcpMd5Sig {
        Objects.requireNonNull(peer, "peer");
        if (key.length > MAX_KEY_LEN) {
            throw new IllegalArgumentException("TCP MD5 key longer than " + MAX_KEY_LEN + " bytes: " + key.length);
        }
        key = key.clone();
    }

    /** A copy of the key. */
    @Override public byte[] key() { return key.clone(); }
    @Override public boolean equals(Object o) {
        return o instanceof TcpMd5Sig t && peer.equals(t.peer) && Arrays.equals(key, t.key);
    }
    @Override public int hashCode() { return peer.hashCode() * 31 + Arrays.hashCode(key); }
    @Override public String toString() { return "TcpMd5Sig[" + peer.getHostAddress() + ", " + key.length + " byte key]"; }
}
