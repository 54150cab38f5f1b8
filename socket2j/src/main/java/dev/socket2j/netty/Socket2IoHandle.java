package dev.socket2j.netty;

import io.netty.channel.IoHandle;

/** What {@link Socket2IoHandler} can register: a handle on one open descriptor. */
interface Socket2IoHandle extends IoHandle {
    /** The descriptor to watch; it must stay open until the registration is cancelled. */
    int fd();

    /** Closes the channel behind the handle (on loop shutdown); failures go to its close future, not here. */
    @Override
    void close();
}
