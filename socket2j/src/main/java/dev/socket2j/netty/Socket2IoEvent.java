package dev.socket2j.netty;

import io.netty.channel.IoEvent;

/** The events epoll reported for one registration; one mutable instance per registration, reused. */
final class Socket2IoEvent implements IoEvent {
    int events;

    /** The {@code EPOLL*} bits epoll returned. */
    int events() { return events; }
}
