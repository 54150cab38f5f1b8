package dev.socket2j;

/**
 * One classic BPF instruction ({@code struct sock_filter}), for {@link SocketOptions#attachFilter}.
 *
 * @param code the opcode (16 bits)
 * @param jt   jump offset if true (8 bits)
 * @param jf   jump offset if false (8 bits)
 * @param k    the generic field (32 bits)
 */
public record SockFilter(int code, int jt, int jf, int k) {
    /** Checks the components. @throws IllegalArgumentException if {@code code}, {@code jt} or {@code jf} does not fit its C field */
    public SockFilter {
        if ((code & ~0xFFFF) != 0) throw new IllegalArgumentException("code outside 0..0xFFFF: " + code);
        if ((jt & ~0xFF) != 0) throw new IllegalArgumentException("jt outside 0..255: " + jt);
        if ((jf & ~0xFF) != 0) throw new IllegalArgumentException("jf outside 0..255: " + jf);
    }

    /** {@code BPF_RET | BPF_K}: return {@code k} (0 drops the packet, anything else keeps that many bytes). */
    public static SockFilter ret(int k) { return new SockFilter(0x06, 0, 0, k); }
}
