package dev.socket2j.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.util.concurrent.Future;

import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.util.concurrent.TimeUnit;

/**
 * A connect in progress on a channel of either engine: its promise, the address asked for, and the
 * {@code CONNECT_TIMEOUT_MILLIS} timer. The timeout fails the promise with {@link ConnectTimeoutException} and closes
 * the channel; cancelling the promise closes it too (a non-blocking connect is abandoned by closing the socket);
 * closing the channel fails it with {@link ClosedChannelException}. How the connect completes is the engine's.
 * Event loop only.
 */
final class PendingConnect {
    private final Channel channel;
    private ChannelPromise promise;
    private Future<?> timeout;
    private SocketAddress requested;

    PendingConnect(Channel channel) { this.channel = channel; }

    /** A second connect while one is pending is refused. */
    void checkNotPending() {
        if (promise != null) throw new ConnectionPendingException();
    }

    boolean isPending() { return promise != null; }

    /** The address of the last connect started (the remote address once it succeeds, if the kernel has none). */
    SocketAddress requested() { return requested; }

    /** The connect was started and its outcome is not known yet: arms the timeout and the cancellation. */
    void start(ChannelPromise connectPromise, SocketAddress remoteAddress) {
        promise = connectPromise;
        requested = remoteAddress;
        int millis = channel.config().getConnectTimeoutMillis();
        if (millis > 0) {
            timeout = channel.eventLoop().schedule(() -> {
                ChannelPromise p = promise;
                if (p != null && !p.isDone() && p.tryFailure(new ConnectTimeoutException(
                        "connection timed out after " + millis + " ms: " + remoteAddress))) {
                    closeChannel(channel);
                }
            }, millis, TimeUnit.MILLISECONDS);
        }
        connectPromise.addListener(f -> {
            if (f.isCancelled()) {
                if (timeout != null) timeout.cancel(false);
                promise = null;
                closeChannel(channel);
            }
        });
    }

    /**
     * The connect is over: returns its promise for the engine to complete (null if there is none: it timed out, was
     * cancelled or the channel closed) and stops the timer. The promise is taken before it is completed, so a
     * listener that closes the channel or connects again sees no connect pending.
     */
    ChannelPromise finish() {
        ChannelPromise p = promise;
        promise = null;
        Future<?> t = timeout;
        timeout = null;
        if (t != null) t.cancel(false);
        return p;
    }

    /** The channel closes: a connect still pending fails with {@link ClosedChannelException}. */
    void channelClosed() {
        ChannelPromise p = finish();
        if (p != null) p.tryFailure(new ClosedChannelException());
    }

    /**
     * Completes a connect that succeeded (the channel is active already): the promise's listeners run, then
     * {@code channelActive} if the channel was not active before; a promise that could not be set (cancelled
     * meanwhile) closes the channel.
     */
    static void succeeded(Channel channel, ChannelPromise promise, boolean wasActive) {
        boolean promiseSet = promise.trySuccess();
        if (!wasActive) channel.pipeline().fireChannelActive();
        if (!promiseSet) closeChannel(channel);
    }

    private static void closeChannel(Channel channel) {
        Channel.Unsafe u = channel.unsafe();
        u.close(u.voidPromise());
    }
}
