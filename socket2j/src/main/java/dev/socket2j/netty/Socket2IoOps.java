package dev.socket2j.netty;

import io.netty.channel.IoOps;

/**
 * The epoll event mask a channel wants ({@code EPOLLIN}, {@code EPOLLOUT}, {@code EPOLLRDHUP}), submitted to
 * its registration.
 *
 * @param value the {@code EPOLL*} bits
 */
record Socket2IoOps(int value) implements IoOps {
    boolean contains(int bits) { return (value & bits) == bits; }
    Socket2IoOps with(int bits) { return new Socket2IoOps(value | bits); }
    Socket2IoOps without(int bits) { return new Socket2IoOps(value & ~bits); }
}
