package dev.socket2j.netty;

import dev.socket2j.internal.C;
import io.netty.channel.IoOps;

/**
 * The epoll event mask a channel wants ({@code EPOLLIN}, {@code EPOLLOUT}, {@code EPOLLRDHUP}), submitted to
 * its registration. Every combination of those three bits is one shared instance, so turning EPOLLIN or EPOLLOUT
 * on and off (which happens on every full socket buffer and every auto-read toggle) allocates nothing.
 *
 * @param value the {@code EPOLL*} bits
 */
record Socket2IoOps(int value) implements IoOps {
    private static final int CACHED = C.EPOLLIN | C.EPOLLOUT | C.EPOLLRDHUP;
    private static final Socket2IoOps[] COMBINATIONS = new Socket2IoOps[8];
    static {
        for (int i = 0; i < COMBINATIONS.length; i++) {
            COMBINATIONS[i] = new Socket2IoOps(((i & 1) != 0 ? C.EPOLLIN : 0) | ((i & 2) != 0 ? C.EPOLLOUT : 0)
                | ((i & 4) != 0 ? C.EPOLLRDHUP : 0));
        }
    }

    /** The mask with these bits: a shared instance for combinations of IN, OUT and RDHUP, else a new one. */
    static Socket2IoOps of(int value) {
        if ((value & ~CACHED) != 0) return new Socket2IoOps(value);
        return COMBINATIONS[((value & C.EPOLLIN) != 0 ? 1 : 0) | ((value & C.EPOLLOUT) != 0 ? 2 : 0)
            | ((value & C.EPOLLRDHUP) != 0 ? 4 : 0)];
    }

    boolean contains(int bits) { return (value & bits) == bits; }
    Socket2IoOps with(int bits) { return of(value | bits); }
    Socket2IoOps without(int bits) { return of(value & ~bits); }
}
