package dev.socket2j.netty;

import io.netty.channel.IoHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * How both engines meet Netty's loop shutdown. Netty calls {@code prepareToDestroy()} only in a loop turn that began
 * shutting down; with a quiet period of 0 the loop can end right after the turn whose tasks registered a channel,
 * which {@code destroy()} would then close when the loop takes no more tasks (Netty logs "Can't invoke task later as
 * EventLoop rejected it" for its inactive and unregistered events). So the handler closes its channels from a
 * shutdown hook, which runs while the loop still takes tasks, and refuses registrations from then on.
 */
final class LoopShutdown {
    private LoopShutdown() {}

    /** From {@code initialize()}, on the loop thread: the handler's {@code prepareToDestroy()} runs as the loop's shutdown hook. */
    static void closeChannelsAtShutdown(ThreadAwareExecutor executor, IoHandler handler) {
        if (executor instanceof SingleThreadEventExecutor loop) loop.addShutdownHook(new CloseAll(handler));
    }

    /**
     * The hook; a named class, as a method reference would be a class generated while the loop starts (and not a
     * record: the loop keeps its hooks in a set, and a record's hashCode is bootstrapped, generated, on first use).
     */
    private static final class CloseAll implements Runnable {
        private final IoHandler handler;

        CloseAll(IoHandler handler) { this.handler = handler; }

        @Override public void run() { handler.prepareToDestroy(); }
    }

    /**
     * Whether {@code register()} must refuse: Netty still runs a register task queued before
     * {@code shutdownGracefully()}. Refused, Netty fails the register promise and closes the channel itself.
     */
    static boolean refusesRegistration(ThreadAwareExecutor executor) {
        return executor instanceof EventExecutor loop && loop.isShuttingDown();
    }
}
